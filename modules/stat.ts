// `stat`: what a path is (type, mode, owner, size, times, checksum, mime type) in one round trip; never changes the host.
import { defineModule } from '../engine/module.js';
import { Bool, Enum, Obj, Type } from '../engine/schema.js';
import { shq } from '../engine/shell.js';

const ALGORITHMS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const;

const schema = Obj({
  path: Type.String({ description: 'The path to look at.' }),
  follow: Type.Optional(Bool({ description: 'Describe the target of a symbolic link (default false).' })),
  get_checksum: Type.Optional(Bool({ description: "Return a regular file's checksum (default true)." })),
  checksum_algorithm: Type.Optional(Enum(ALGORITHMS, { description: 'Checksum algorithm (default sha1).' })),
  get_mime: Type.Optional(Bool({ description: 'Return mimetype and charset, via file(1) (default true).' })),
  get_attributes: Type.Optional(Bool({ description: 'Return lsattr attributes (default true).' })),
});

// Ansible's names for lsattr's flags
const ATTRS: Record<string, string> = {
  A: 'noatime',
  a: 'append',
  c: 'compressed',
  C: 'nocow',
  d: 'nodump',
  D: 'dirsync',
  e: 'extents',
  E: 'encrypted',
  h: 'blocksize',
  i: 'immutable',
  I: 'indexed',
  j: 'journalled',
  N: 'inline',
  s: 'zero',
  S: 'synchronous',
  t: 'notail',
  T: 'blockroot',
  u: 'undelete',
  X: 'compressedraw',
  Z: 'compresseddirty',
};

const FORMAT = ['%f', '%u', '%g', '%U', '%G', '%s', '%i', '%d', '%h', '%.9X', '%.9Y', '%.9Z', '%b', '%o'];

export default defineModule({
  name: 'stat',
  schema,
  aliases: {
    dest: 'path',
    name: 'path',
    checksum: 'checksum_algorithm',
    checksum_algo: 'checksum_algorithm',
  },
  async plan(args, host) {
    const follow = args.follow ?? false;
    const algo = args.checksum_algorithm ?? 'sha1';
    const L = follow ? '-L ' : '';
    // one line per fact, in a fixed order; empty lines for what does not apply
    const script = [
      `p=${shq(args.path)}`,
      // followed, a dangling link does not exist (Ansible's os.stat fails)
      `if [ -e "$p" ] ${follow ? '' : '|| [ -L "$p" ]'}; then`,
      `stat ${L}-c '${FORMAT.join('\t')}' -- "$p" || exit 1`,
      follow ? 'echo' : 'if [ -L "$p" ]; then readlink -- "$p"; else echo; fi',
      'readlink -f -- "$p" || echo',
      'a=-; [ -r "$p" ] && a="$a"r; [ -w "$p" ] && a="$a"w; [ -x "$p" ] && a="$a"x; echo "$a"',
      args.get_checksum === false
        ? 'echo'
        : `if [ -f "$p" ] && [ -r "$p" ]; then ${algo}sum < "$p" | cut -d' ' -f1; else echo; fi`,
      args.get_mime === false
        ? 'echo; echo'
        : `if command -v file >/dev/null; then file ${L}-b --mime-type -- "$p"; file ${L}-b --mime-encoding -- "$p"; else echo; echo; fi`,
      args.get_attributes === false ? 'echo' : `{ lsattr -d -- "$p" 2>/dev/null || echo; } | cut -d' ' -f1`,
      'else echo ABSENT; fi',
    ].join('\n');
    const out = await host.run(script);
    const lines = out.split('\n');
    if (lines[0] === 'ABSENT') return { steps: [], result: { stat: { exists: false } } };
    return { steps: [], result: { stat: describe(args.path, lines, follow) } };
  },
});

function describe(path: string, lines: string[], follow: boolean): Record<string, unknown> {
  const [rawMode, uid, gid, user, group, size, inode, dev, nlink, atime, mtime, ctime, blocks, blksize] =
    lines[0].split('\t');
  const [target, real, access, checksum, mimetype, charset, attrs] = lines.slice(1);
  const m = Number.parseInt(rawMode, 16);
  const type = m & 0o170000;
  const bit = (b: number) => (m & b) !== 0;
  const st: Record<string, unknown> = {
    exists: true,
    path,
    mode: (m & 0o7777).toString(8).padStart(4, '0'),
    isdir: type === 0o040000,
    ischr: type === 0o020000,
    isblk: type === 0o060000,
    isreg: type === 0o100000,
    isfifo: type === 0o010000,
    islnk: type === 0o120000,
    issock: type === 0o140000,
    uid: Number(uid),
    gid: Number(gid),
    pw_name: user,
    gr_name: group,
    size: Number(size),
    inode: Number(inode),
    dev: Number(dev),
    nlink: Number(nlink),
    atime: Number(atime),
    mtime: Number(mtime),
    ctime: Number(ctime),
    blocks: Number(blocks),
    block_size: Number(blksize),
    rusr: bit(0o400),
    wusr: bit(0o200),
    xusr: bit(0o100),
    rgrp: bit(0o040),
    wgrp: bit(0o020),
    xgrp: bit(0o010),
    roth: bit(0o004),
    woth: bit(0o002),
    xoth: bit(0o001),
    isuid: bit(0o4000),
    isgid: bit(0o2000),
    // as the task's user (become): what it could do with the path
    readable: access.includes('r'),
    writeable: access.includes('w'),
    executable: access.includes('x'),
  };
  if (st.islnk && !follow) {
    st.lnk_target = target;
    st.lnk_source = real;
  }
  if (checksum) st.checksum = checksum;
  if (mimetype) {
    st.mimetype = mimetype;
    st.charset = charset;
  }
  if (attrs && /^[-A-Za-z]+$/.test(attrs)) {
    const flags = attrs.replace(/-/g, '');
    st.attr_flags = flags;
    st.attributes = [...flags].map((c) => ATTRS[c] ?? c);
  }
  return st;
}

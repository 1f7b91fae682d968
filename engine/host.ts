// The Host a module sees: a transport plus the task's become, environment, variables and file search paths.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, posix } from 'node:path';
import { SdtdError } from './errors.js';
import { type FileStat, type Host, TaskFailure, type WriteAttrs } from './module.js';
import { shq } from './shell.js';
import type { Become, ExecOptions, Transport } from './transports/transport.js';

export interface HostContext {
  name: string;
  transport: Transport;
  become?: Become;
  env?: Record<string, string | number | boolean>;
  vars: Record<string, unknown>;
  /** Directories searched for `src:` files, most specific first: the role's, then the playbook's. */
  searchDirs: string[];
  render(text: string, extraVars?: Record<string, unknown>): string;
}

const TYPES: Record<string, FileStat['type']> = {
  'regular file': 'file',
  'regular empty file': 'file',
  directory: 'directory',
  'symbolic link': 'link',
};

/** One shell snippet: absent marker, or stat fields, link target and optional checksum. */
function statScript(path: string, follow: boolean, checksum: boolean): string {
  const p = shq(path);
  const fmt = "'%F\t%a\t%U\t%G\t%u\t%g\t%s\t%Y'";
  const st = follow
    ? `{ stat -L -c ${fmt} -- ${p} 2>/dev/null || stat -c ${fmt} -- ${p}; }`
    : `stat -c ${fmt} -- ${p}`;
  const sum = checksum ? `; if [ -f ${p} ]; then sha256sum -- ${p} | cut -c1-64; else echo; fi` : '';
  return `if [ -e ${p} ] || [ -L ${p} ]; then ${st} && { readlink -- ${p} || echo; }${sum}; else echo ABSENT; fi`;
}

export function parseStat(out: string): FileStat | null {
  const lines = out.split('\n');
  if (lines[0] === 'ABSENT') return null;
  const [type, mode, owner, group, uid, gid, size, mtime] = lines[0].split('\t');
  const st: FileStat = {
    type: TYPES[type] ?? 'other',
    mode: mode.padStart(4, '0'),
    owner,
    group,
    uid: Number(uid),
    gid: Number(gid),
    size: Number(size),
    mtime: Number(mtime),
  };
  if (lines[1]) st.linkTarget = lines[1];
  if (lines[2]) st.sha256 = lines[2];
  return st;
}

/** Shell commands that set a freshly written temporary file's attributes before it is renamed into place. */
export function attrCommands(tmp: string, dest: string, attrs: WriteAttrs): string {
  const t = shq(tmp);
  const d = shq(dest);
  // keep an existing file's mode and owner unless asked otherwise, as Ansible does
  const cmds = [
    `if [ -e ${d} ]; then chmod --reference=${d} ${t} && chown --reference=${d} ${t}; else chmod 0644 ${t}; fi`,
  ];
  if (attrs.mode) cmds.push(`chmod ${shq(attrs.mode)} ${t}`);
  if (attrs.owner || attrs.group)
    cmds.push(`chown ${shq(`${attrs.owner ?? ''}${attrs.group ? `:${attrs.group}` : ''}`)} ${t}`);
  return cmds.join(' && ');
}

export function makeHost(c: HostContext): Host {
  const base: ExecOptions = { become: c.become, env: c.env };
  const execOpts = (o?: ExecOptions): ExecOptions => ({ ...base, ...o, env: { ...base.env, ...o?.env } });
  const becoming = () => !!c.become && c.become.user !== c.transport.user;

  const host: Host = {
    name: c.name,
    vars: c.vars,
    exec: (cmd, o) => c.transport.exec(cmd, execOpts(o)),
    async run(cmd, o) {
      const r = await c.transport.exec(cmd, execOpts(o));
      if (r.rc !== 0) {
        const why = r.timedOut
          ? 'timed out'
          : (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-3).join(' | ');
        throw new TaskFailure(`command failed (rc ${r.rc}): ${why}`, {
          rc: r.rc,
          stdout: r.stdout,
          stderr: r.stderr,
          cmd,
        });
      }
      return r.stdout;
    },
    async stat(path, o = {}) {
      const out = await host.run(statScript(path, o.follow ?? false, o.checksum ?? false));
      return parseStat(out);
    },
    async read(path) {
      const r = await c.transport.exec(
        `if [ -e ${shq(path)} ]; then cat -- ${shq(path)}; else exit 3; fi`,
        execOpts(),
      );
      if (r.rc === 3) return null;
      if (r.rc !== 0) throw new TaskFailure(`cannot read ${path}: ${r.stderr.trim()}`);
      return r.stdout;
    },
    write: (path, content, attrs = {}) => place(path, attrs, (tmp) => c.transport.put(tmp, content)),
    // large archives go by path (SFTP fastPut) rather than through memory when the transport can
    upload: (local, path, attrs = {}) =>
      place(path, attrs, (tmp) =>
        c.transport.putFile ? c.transport.putFile(local, tmp) : c.transport.put(tmp, readFileSync(local)),
      ),
    localPath(kind, src) {
      if (isAbsolute(src)) {
        if (existsSync(src)) return src;
        throw new SdtdError('missing-file', `expected ${src} on the manager (got no such file)`);
      }
      const tried: string[] = [];
      for (const dir of new Set(c.searchDirs)) {
        for (const cand of [join(dir, kind, src), join(dir, src)]) {
          if (existsSync(cand)) return cand;
          tried.push(cand);
        }
      }
      throw new SdtdError(
        'missing-file',
        `expected "${src}" on the manager (got no such file; looked in ${tried.join(', ')})`,
      );
    },
    render: (text, extra) => c.render(text, extra),
  };

  async function place(
    dest: string,
    attrs: WriteAttrs,
    upload: (tmp: string) => Promise<void>,
  ): Promise<void> {
    const rand = randomBytes(6).toString('hex');
    const tmp = posix.join(posix.dirname(dest), `.${posix.basename(dest)}.sdtd-${rand}`);
    if (becoming()) {
      // the login user cannot write beside dest: upload to /tmp, then copy into place as the become user
      const up = `/tmp/.sdtd-up-${rand}`;
      await upload(up);
      await host.run(
        `cat ${shq(up)} > ${shq(tmp)} && rm -f ${shq(up)} && ${attrCommands(tmp, dest, attrs)} && mv -f ${shq(tmp)} ${shq(dest)}`,
      );
      return;
    }
    await upload(tmp);
    const r = await c.transport.exec(
      `${attrCommands(tmp, dest, attrs)} && mv -f ${shq(tmp)} ${shq(dest)}`,
      execOpts(),
    );
    if (r.rc !== 0) {
      await c.transport.exec(`rm -f ${shq(tmp)}`, execOpts());
      throw new TaskFailure(`cannot place ${dest}: ${r.stderr.trim()}`);
    }
  }
  return host;
}

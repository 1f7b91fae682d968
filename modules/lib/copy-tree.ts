// copy of a directory tree (from the manager or, remote_src, from the host): one round trip to compare, few steps to apply.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { parseStat } from '../../engine/host.js';
import {
  type Diff,
  type FileStat,
  type Host,
  type Plan,
  type Step,
  TaskFailure,
  type WriteAttrs,
} from '../../engine/module.js';
import { shjoin, shq } from '../../engine/shell.js';
import { attrDiffs } from './attrs.js';
import { sha256 } from './content.js';

export interface TreeOpts {
  /** The directory the tree lands in (dest, or dest/basename(src) without a trailing slash on src). */
  root: string;
  attrs: WriteAttrs;
  directoryMode?: string;
  force: boolean;
}

/** One path of the source tree and what is at its place under root now. */
interface Entry {
  rel: string;
  dir: boolean;
  dest: FileStat | null;
  /** Content already equal (sha256 for manager files, cmp for remote ones). */
  same: boolean;
  /** The manager's file to upload (not for remote_src). */
  local?: string;
}

const FMT = '%F\t%a\t%U\t%G\t%u\t%g\t%s\t%Y';
const statOf = (fields: string[]) => parseStat(fields.slice(0, 8).join('\t'));

/** The manager's tree, links followed (Ansible's local_follow), sorted so parents come first. */
function walk(dir: string, rel = ''): { rel: string; dir: boolean; abs: string }[] {
  const out: { rel: string; dir: boolean; abs: string }[] = [];
  for (const name of readdirSync(dir).sort()) {
    const abs = join(dir, name);
    const r = rel ? `${rel}/${name}` : name;
    const isDir = statSync(abs).isDirectory();
    out.push({ rel: r, dir: isDir, abs });
    if (isDir) out.push(...walk(abs, r));
  }
  return out;
}

export async function planLocalTree(host: Host, srcDir: string, o: TreeOpts): Promise<Plan> {
  const src = walk(srcDir);
  const files = src.filter((e) => !e.dir);
  const r = shq(o.root);
  const out = await host.run(
    `if [ -e ${r} ] && [ ! -d ${r} ]; then echo NOTDIR; exit 0; fi; cd ${r} 2>/dev/null || exit 0; ` +
      `stat -c '${FMT}\t%n' -- ${shjoin(['.', ...src.map((e) => e.rel)])} 2>/dev/null; echo ---; ` +
      `${files.length ? `sha256sum -- ${shjoin(files.map((e) => e.rel))} 2>/dev/null; ` : ''}true`,
  );
  if (out.startsWith('NOTDIR')) throw new TaskFailure(`expected ${o.root} to be a directory (got a file)`);
  const [stats, sums] = out.split('\n---\n');
  const st = new Map<string, FileStat | null>();
  for (const line of stats.split('\n').filter(Boolean)) {
    const f = line.split('\t');
    st.set(f.slice(8).join('\t'), statOf(f));
  }
  // sha256sum escapes odd names with a leading backslash; those simply compare unequal
  const sum = new Map((sums ?? '').split('\n').map((l) => [l.slice(66), l.slice(0, 64)]));
  const entries: Entry[] = src.map((e) => ({
    rel: e.rel,
    dir: e.dir,
    dest: st.get(e.rel) ?? null,
    same: !e.dir && sum.get(e.rel) === sha256(readFileSync(e.abs)),
    local: e.abs,
  }));
  return planTree(o, st.get('.') ?? null, entries);
}

export async function planRemoteTree(host: Host, srcDir: string, o: TreeOpts): Promise<Plan> {
  const root = shq(o.root);
  const row = `printf '%s\\t%s\\t%s\\t%s\\n'`;
  const out = await host.run(
    [
      `cd ${shq(srcDir)} || exit 1`,
      `st=$(stat -c '${FMT}' -- ${root} 2>/dev/null) || st=ABSENT; ${row} d - "$st" .`,
      `find -L . -mindepth 1 \\( -type d -o -type f \\) -print | sort | while IFS= read -r e; do x=\${e#./}; d=${root}/$x`,
      '  if [ -d "$e" ]; then t=d; s=-; else t=f; if cmp -s -- "$e" "$d"; then s=same; else s=diff; fi; fi',
      `  st=$(stat -c '${FMT}' -- "$d" 2>/dev/null) || st=ABSENT; ${row} "$t" "$s" "$st" "$x"`,
      'done',
    ].join('\n'),
  );
  const entries: Entry[] = [];
  for (const line of out.split('\n').filter(Boolean)) {
    const f = line.split('\t');
    const dest = f[2] === 'ABSENT' ? null : statOf(f.slice(2));
    const rel = f.slice(f[2] === 'ABSENT' ? 3 : 10).join('\t');
    entries.push({ rel, dir: f[0] === 'd', dest, same: f[1] === 'same' });
  }
  const top = entries.shift()!;
  if (top.dest && top.dest.type !== 'directory')
    throw new TaskFailure(`expected ${o.root} to be a directory (got a ${top.dest.type})`);
  return planTree(o, top.dest, entries, srcDir);
}

function planTree(o: TreeOpts, root: FileStat | null, entries: Entry[], remoteSrc?: string): Plan {
  const path = (rel: string) => `${o.root.replace(/\/+$/, '')}/${rel}`;
  const mkdirs = root ? [] : [o.root];
  const writes: Entry[] = [];
  const fixes: { path: string; diff: Diff[] }[] = [];
  for (const e of entries) {
    const want = e.dir ? 'directory' : 'file';
    if (e.dest && e.dest.type !== want)
      throw new TaskFailure(`expected ${path(e.rel)} to be a ${want} (got a ${e.dest.type})`);
    if (e.dir && !e.dest) mkdirs.push(path(e.rel));
    else if (!e.dir && (!e.dest || (!e.same && o.force))) writes.push(e);
    else if (!e.dir) {
      const d = attrDiffs(path(e.rel), e.dest!, o.attrs);
      if (d.length) fixes.push({ path: path(e.rel), diff: d });
    }
  }
  const steps: Step[] = [];
  const diff: Diff[] = mkdirs.map((d) => ({ kind: 'state', what: d, before: 'absent', after: 'directory' }));
  if (mkdirs.length) steps.push(mkdirsStep(mkdirs, { ...o.attrs, mode: o.directoryMode }));
  if (writes.length) {
    for (const e of writes)
      diff.push({
        kind: 'state',
        what: path(e.rel),
        before: e.dest ? 'other content' : 'absent',
        after: 'as src',
      });
    steps.push(writeFilesStep(writes, path, o.attrs, remoteSrc));
  }
  if (fixes.length) {
    for (const f of fixes) diff.push(...f.diff);
    steps.push(
      fixAttrsStep(
        fixes.map((f) => f.path),
        o.attrs,
      ),
    );
  }
  return { steps, diff, result: { dest: o.root, copied: writes.map((e) => path(e.rel)) } };
}

const chownSpec = (a: WriteAttrs) => `${a.owner ?? ''}${a.group ? `:${a.group}` : ''}`;

function mkdirsStep(dirs: string[], a: WriteAttrs): Step {
  let cmd = `mkdir -p -- ${shjoin(dirs)}`;
  if (a.owner || a.group) cmd += ` && chown ${shq(chownSpec(a))} -- ${shjoin(dirs)}`;
  if (a.mode) cmd += ` && chmod ${shq(a.mode)} -- ${shjoin(dirs)}`;
  const describe = `create ${dirs.length === 1 ? `directory ${dirs[0]}` : `${dirs.length} directories under ${dirs[0]}`}`;
  return { describe, run: async (host) => void (await host.run(cmd)) };
}

function writeFilesStep(
  files: Entry[],
  path: (rel: string) => string,
  a: WriteAttrs,
  remoteSrc?: string,
): Step {
  return {
    describe: `copy ${files.length === 1 ? path(files[0].rel) : `${files.length} files into ${path('')}`}`,
    async run(host) {
      if (!remoteSrc) {
        // SSH multiplexes channels: a handful of uploads at once beats one after the other
        const limit = pLimit(8);
        await Promise.all(files.map((e) => limit(() => host.write(path(e.rel), readFileSync(e.local!), a))));
        return undefined;
      }
      const cmds = files.map((e) => {
        const d = path(e.rel);
        const t = `${d.replace(/[^/]+$/, '.$&')}.sdtd-copy`;
        let c = `cp -- ${shq(`${remoteSrc.replace(/\/+$/, '')}/${e.rel}`)} ${shq(t)}`;
        c += ` && { if [ -e ${shq(d)} ]; then chmod --reference=${shq(d)} ${shq(t)}; else chmod 0644 ${shq(t)}; fi; }`;
        if (a.owner || a.group) c += ` && chown ${shq(chownSpec(a))} ${shq(t)}`;
        if (a.mode) c += ` && chmod ${shq(a.mode)} ${shq(t)}`;
        return `${c} && mv -f -- ${shq(t)} ${shq(d)}`;
      });
      await host.run(cmds.join(' && '));
      return undefined;
    },
  };
}

function fixAttrsStep(paths: string[], a: WriteAttrs): Step {
  const cmds: string[] = [];
  if (a.owner || a.group) cmds.push(`chown ${shq(chownSpec(a))} -- ${shjoin(paths)}`);
  if (a.mode) cmds.push(`chmod ${shq(a.mode)} -- ${shjoin(paths)}`);
  return {
    describe: `set attributes on ${paths.length === 1 ? paths[0] : `${paths.length} files`}`,
    run: async (host) => void (await host.run(cmds.join(' && '))),
  };
}

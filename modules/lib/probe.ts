// One round trip that reads everything a file-writing module decides on: dest's stat and sha256, its parent, the user, its text.

import { parseStat } from '../../engine/host.js';
import type { FileStat, Host } from '../../engine/module.js';
import { shq } from '../../engine/shell.js';

export interface Probe {
  /** The path the module acts on: after following links (follow) and descending into a directory (intoDir). */
  path: string;
  st: FileStat | null;
  parentExists: boolean;
  /** Who new files will belong to (the become user, when becoming). */
  user: string;
  group: string;
  /** The second path's stat (remote_src), with sha256; null when absent or not asked. */
  other: FileStat | null;
  /** The file's text when asked and dest is a regular file; null otherwise. */
  content: string | null;
}

export interface ProbeOpts {
  /** Act on a link's target (lineinfile, blockinfile, copy follow: true). */
  follow?: boolean;
  /** When path is a directory, act on path/intoDir instead (copy's dest directory rule). */
  intoDir?: string;
  /** Also stat and checksum this path, following links (remote_src). */
  other?: string;
  /** Return the file's content too (edits compute the new text from the old one). */
  content?: boolean;
}

const FMT = "'%F\t%a\t%U\t%G\t%u\t%g\t%s\t%Y'";

/** Three lines for $v: stat fields, link target, sha256 (only for a regular file that is not a link, unless following). */
function statBlock(v: string, followed: boolean): string {
  const isFile = followed ? `[ -f "$${v}" ]` : `[ -f "$${v}" ] && [ ! -L "$${v}" ]`;
  return (
    `if [ -e "$${v}" ] || [ -L "$${v}" ]; then { stat -c ${FMT} -- "$${v}" && { readlink -- "$${v}" || echo; } && ` +
    `if ${isFile}; then sha256sum -- "$${v}" | cut -c1-64; else echo; fi; } || exit 1; else printf 'ABSENT\\n\\n\\n'; fi`
  );
}

export function probeScript(path: string, o: ProbeOpts = {}): string {
  const lines = [`p=${shq(path)}`];
  // readlink -f resolves every link on the way; it fails only when a middle component is missing
  if (o.follow) lines.push(`r=$(readlink -f -- "$p" 2>/dev/null) && [ -n "$r" ] && p=$r`);
  if (o.intoDir !== undefined) lines.push(`if [ -d "$p" ]; then p="\${p%/}"/${shq(o.intoDir)}; fi`);
  lines.push(
    `printf '%s\\n' "$p"`,
    `if [ -d "$(dirname -- "$p")" ]; then echo 1; else echo 0; fi`,
    // a uid without a name (containers) must still give one line each
    'id -un 2>/dev/null || id -u; id -gn 2>/dev/null || id -g',
    statBlock('p', !!o.follow),
  );
  if (o.other) {
    lines.push(`o=${shq(o.other)}`, `r=$(readlink -f -- "$o" 2>/dev/null) && [ -n "$r" ] && o=$r`);
    lines.push(statBlock('o', true));
  } else lines.push(`printf '\\n\\n\\n'`);
  if (o.content) lines.push(`if [ -f "$p" ]; then cat -- "$p" || exit 1; fi`);
  return lines.join('\n');
}

/** Split off the first n lines; the rest is returned verbatim (file content may hold anything). */
function headLines(out: string, n: number): { head: string[]; rest: string } {
  const head: string[] = [];
  let at = 0;
  for (let i = 0; i < n; i++) {
    const nl = out.indexOf('\n', at);
    if (nl < 0) throw new Error(`probe output cut short: ${JSON.stringify(out.slice(0, 200))}`);
    head.push(out.slice(at, nl));
    at = nl + 1;
  }
  return { head, rest: out.slice(at) };
}

export function parseProbe(out: string, o: ProbeOpts = {}): Probe {
  const { head, rest } = headLines(out, 10);
  const st = parseStat(head.slice(4, 7).join('\n'));
  return {
    path: head[0],
    parentExists: head[1] === '1',
    user: head[2],
    group: head[3],
    st,
    other: o.other ? parseStat(head.slice(7, 10).join('\n')) : null,
    content: o.content && st?.type === 'file' ? rest : null,
  };
}

export async function probe(host: Host, path: string, o: ProbeOpts = {}): Promise<Probe> {
  return parseProbe(await host.run(probeScript(path, o)), o);
}

// Tar archive members (from `tar -tv --full-time`, run with TZ=UTC) and how they compare with the host's files.
import type { WriteAttrs } from '../../engine/module.js';
import { shq } from '../../engine/shell.js';
import { applyMode, modeText } from './mode.js';

export interface Member {
  /** Path relative to dest, after strip_components. */
  name: string;
  type: 'file' | 'directory' | 'link' | 'hard' | 'other';
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
}

const TYPES: Record<string, Member['type']> = { '-': 'file', d: 'directory', l: 'link', h: 'hard' };
const LINE = /^(\S)\S*\s+\S+\s+(\d+|\d+,\s*\d+)\s+(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.\d+)? (.*)$/;

/** Members as tar lists them verbosely; leading components stripped as --strip-components does. */
export function parseListing(out: string, strip: number): Member[] {
  const members: Member[] = [];
  for (const line of out.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const type = TYPES[m[1]] ?? 'other';
    // the listing shows link targets after the name
    const name = type === 'link' ? before(m[5], ' -> ') : type === 'hard' ? before(m[5], ' link to ') : m[5];
    const parts = name.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.length <= strip) continue;
    members.push({
      name: parts.slice(strip).join('/'),
      type,
      size: type === 'file' ? Number(m[2]) : 0,
      mtime: Date.parse(`${m[3]}T${m[4]}Z`) / 1000,
    });
  }
  return members;
}

function before(s: string, sep: string): string {
  const i = s.indexOf(sep);
  return i < 0 ? s : s.slice(0, i);
}

/** Shell that stats the names read from stdin (relative to dest) in one go; missing ones are just not listed. */
export function statMembersScript(dest: string): string {
  return `cd ${shq(dest)} && xargs -d '\\n' -r stat -c '%F\t%s\t%Y\t%a\t%U\t%G\t%u\t%g\t%n' -- 2>/dev/null; true`;
}

/** How many members are missing or different on the host, and how many have other mode/owner/group. */
export function compareMembers(members: Member[], statOut: string, attrs: WriteAttrs) {
  const host = new Map<string, string[]>();
  for (const line of statOut.split('\n')) {
    const f = line.split('\t');
    if (f.length >= 9) host.set(f.slice(8).join('\t'), f);
  }
  let differ = 0;
  let attrsDiffer = 0;
  for (const m of members) {
    const h = host.get(m.name);
    const type = h?.[0].replace('regular empty file', 'regular file');
    const same =
      h &&
      (m.type === 'file'
        ? type === 'regular file' && Number(h[1]) === m.size && Number(h[2]) === Math.floor(m.mtime)
        : m.type === 'directory'
          ? type === 'directory'
          : m.type === 'link'
            ? type === 'symbolic link'
            : m.type === 'hard'
              ? type === 'regular file'
              : true);
    if (!same) differ++;
    else if (!attrsMatch(h, m.type, attrs)) attrsDiffer++;
  }
  return { differ, attrsDiffer };
}

function attrsMatch(h: string[], type: Member['type'], a: WriteAttrs): boolean {
  const [, , , mode, user, group, uid, gid] = h;
  if (a.owner && a.owner !== user && a.owner !== uid) return false;
  if (a.group && a.group !== group && a.group !== gid) return false;
  if (!a.mode || type === 'link') return true;
  const cur = Number.parseInt(mode, 8);
  return modeText(applyMode(cur, a.mode, type === 'directory')) === modeText(cur);
}

/** Shell that sets mode/owner/group on the members listed on stdin (`C name`, or `L name` for links). */
export function attrsScript(dest: string, a: WriteAttrs): string | undefined {
  const cmds: string[] = [];
  if (a.owner || a.group) {
    const spec = shq(`${a.owner ?? ''}${a.group ? `:${a.group}` : ''}`);
    cmds.push(`sed 's/^. //' "$t" | xargs -d '\\n' -r chown -h ${spec} --`);
  }
  // chmod would follow a link out of dest: links only get chown -h
  if (a.mode) cmds.push(`sed -n 's/^C //p' "$t" | xargs -d '\\n' -r chmod ${shq(a.mode)} --`);
  if (!cmds.length) return undefined;
  return `t=$(mktemp) && cat > "$t" && cd ${shq(dest)} && ${cmds.join(' && ')}; rc=$?; rm -f "$t"; exit $rc`;
}

export function attrsInput(members: Member[]): string {
  return members.map((m) => `${m.type === 'link' ? 'L' : 'C'} ${m.name}\n`).join('');
}

// Shared planning of a path's mode, owner and group: the steps that fix them and the diff lines that show it.
import type { FileStat, StateDiff, Step, WriteAttrs } from '../../engine/module.js';
import { Mode, Type } from '../../engine/schema.js';
import { shq } from '../../engine/shell.js';
import { applyMode, modeText } from './mode.js';

/** The mode/owner/group arguments every file-writing module takes. */
export const attrProps = {
  mode: Type.Optional(Mode({ description: 'Permissions, quoted: "0644" or "u=rw,g=r,o=r".' })),
  owner: Type.Optional(Type.String({ description: 'Owning user name (or uid).' })),
  group: Type.Optional(Type.String({ description: 'Owning group name (or gid).' })),
};

function sameId(name: string, id: number, want: string): boolean {
  return want === name || want === String(id);
}

/** Which of mode/owner/group differ from what is wanted, as state diffs. */
export function attrDiffs(path: string, st: FileStat, want: WriteAttrs): StateDiff[] {
  const d: StateDiff[] = [];
  if (want.mode) {
    const target = modeText(applyMode(Number.parseInt(st.mode, 8), want.mode, st.type === 'directory'));
    if (target !== st.mode) d.push({ kind: 'state', what: `${path} mode`, before: st.mode, after: target });
  }
  if (want.owner && !sameId(st.owner, st.uid, want.owner))
    d.push({ kind: 'state', what: `${path} owner`, before: st.owner, after: want.owner });
  if (want.group && !sameId(st.group, st.gid, want.group))
    d.push({ kind: 'state', what: `${path} group`, before: st.group, after: want.group });
  return d;
}

/** Steps that set mode/owner/group on an existing path (none when already right). */
export function planAttrs(
  path: string,
  st: FileStat,
  want: WriteAttrs,
  opts: { follow?: boolean } = {},
): {
  steps: Step[];
  diff: StateDiff[];
} {
  const diff = attrDiffs(path, st, want);
  if (diff.length === 0) return { steps: [], diff };
  const cmds: string[] = [];
  const h = opts.follow === false && st.type === 'link' ? '-h ' : '';
  if (diff.some((x) => x.what.endsWith(' owner') || x.what.endsWith(' group'))) {
    const spec = `${want.owner ?? ''}${want.group ? `:${want.group}` : ''}`;
    cmds.push(`chown ${h}${shq(spec)} -- ${shq(path)}`);
  }
  if (want.mode && diff.some((x) => x.what.endsWith(' mode')))
    cmds.push(`chmod ${shq(want.mode)} -- ${shq(path)}`);
  const describe = diff.map((x) => `${x.what.slice(path.length + 1)} ${x.before} -> ${x.after}`).join(', ');
  return {
    steps: [
      {
        describe: `set ${describe} on ${path}`,
        run: async (host) => {
          await host.run(cmds.join(' && '));
        },
      },
    ],
    diff,
  };
}

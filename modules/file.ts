// `file`: make a path a directory, a file's attributes, a link, or absent (Ansible's file module).
import {
  defineModule,
  type FileStat,
  type Host,
  type Plan,
  type Step,
  TaskFailure,
} from '../engine/module.js';
import { Bool, Enum, Obj, type Static, Type } from '../engine/schema.js';
import { shq } from '../engine/shell.js';
import { attrProps, planAttrs } from './lib/attrs.js';
import { applyPlan, notYet } from './lib/content.js';
import { applyMode, modeText } from './lib/mode.js';

const schema = Obj({
  path: Type.String({ description: 'Path to manage.' }),
  state: Type.Optional(
    Enum(['file', 'directory', 'link', 'hard', 'touch', 'absent'], {
      description: 'What the path should be. Default: what it is now (file when absent, which fails).',
    }),
  ),
  src: Type.Optional(Type.String({ description: 'Target of a link (state link or hard).' })),
  force: Type.Optional(Bool({ description: 'Replace a file or empty directory by a link.' })),
  follow: Type.Optional(
    Bool({ description: 'Apply attributes to the target of a symbolic link (default true).' }),
  ),
  recurse: Type.Optional(
    Bool({ description: 'With state directory: apply mode/owner/group to everything beneath.' }),
  ),
  ...attrProps,
});

const step = (describe: string, cmd: string): Step => ({
  describe,
  run: async (host) => {
    await host.run(cmd);
  },
});

export default defineModule({
  name: 'file',
  schema,
  aliases: { dest: 'path', name: 'path' },
  plan: (args, host) => planFile(args, host),
});

/** strict: plan as the step of state file planned before the path existed, which fails if it still does not. */
async function planFile(args: Static<typeof schema>, host: Host, strict = false): Promise<Plan> {
  const { path } = args;
  const p = shq(path);
  const st = await host.stat(path);
  const state =
    args.state ??
    (st
      ? st.type === 'directory'
        ? 'directory'
        : st.type === 'link'
          ? 'link'
          : 'file'
      : args.recurse
        ? 'directory'
        : 'file');
  const attrs = { mode: args.mode, owner: args.owner, group: args.group };
  const was = st ? kind(st) : 'absent';
  const result = { path, state };

  if (state === 'absent') {
    if (!st) return { steps: [], result };
    return {
      steps: [step(`remove ${path}`, `rm -rf -- ${p}`)],
      diff: [{ kind: 'state', what: path, before: was, after: 'absent' }],
      result,
    };
  }

  if (state === 'link' || state === 'hard') {
    if (!args.src) throw new TaskFailure(`state ${state} needs src (the link's target)`);
    const src = shq(args.src);
    let same = false;
    if (st && state === 'link') same = st.type === 'link' && st.linkTarget === args.src;
    if (st && state === 'hard') same = (await host.exec(`[ ${p} -ef ${src} ]`)).rc === 0;
    const steps: Step[] = [];
    if (!same) {
      if (st && st.type !== 'link' && !args.force && state === 'link')
        throw new TaskFailure(`${path} exists as a ${st.type}; set force: true to replace it by a link`);
      const flag = state === 'link' ? '-sfn' : '-fn';
      const clear = st && st.type === 'directory' ? `rmdir -- ${p} && ` : '';
      steps.push(step(`link ${path} -> ${args.src}`, `${clear}ln ${flag} -- ${src} ${p}`));
    }
    const diff = same
      ? []
      : [
          {
            kind: 'state' as const,
            what: path,
            before: st?.linkTarget ? `link to ${st.linkTarget}` : was,
            after: `${state} to ${args.src}`,
          },
        ];
    // attributes of a symbolic link itself are rarely meant: they apply to its target unless follow is false
    if (same && (attrs.mode || attrs.owner || attrs.group)) {
      const target = args.follow === false ? st! : await host.stat(path, { follow: true });
      if (target) {
        const a = planAttrs(path, target, attrs, { follow: args.follow });
        steps.push(...a.steps);
        diff.push(...a.diff);
      }
    }
    return { steps, diff, result: { ...result, src: args.src } };
  }

  if (state === 'file') {
    if (!st) {
      const missing = `${path} does not exist; use state: touch to create it, or copy/template to write it`;
      if (strict) throw new TaskFailure(missing);
      // an earlier copy/template may create it: planned again and checked when the step runs. Setting
      // attributes is a predicted change; with none asked, the step only checks (a predicted ok)
      const setting = !!(attrs.mode || attrs.owner || attrs.group);
      return {
        steps: [
          {
            describe: setting ? `set attributes of ${path}` : `check that ${path} exists`,
            changes: setting,
            run: async (h) => applyPlan(await planFile(args, h, true), h),
          },
        ],
        diff: setting ? [{ kind: 'state', what: path, before: 'absent', after: 'file' }] : [],
        note: notYet(path),
        result,
      };
    }
    if (st.type === 'directory') throw new TaskFailure(`${path} is a directory, not a file`);
    const target = st.type === 'link' && args.follow !== false ? await host.stat(path, { follow: true }) : st;
    const a = planAttrs(path, target ?? st, attrs, { follow: args.follow });
    return { steps: a.steps, diff: a.diff, result };
  }

  if (state === 'touch') {
    if (!st) {
      const steps = [step(`create ${path}`, `touch -- ${p}${setAttrs(p, attrs)}`)];
      return { steps, diff: [{ kind: 'state', what: path, before: 'absent', after: 'file' }], result };
    }
    const a = planAttrs(path, st, attrs, { follow: args.follow });
    return { steps: a.steps, diff: a.diff, result };
  }

  // directory
  if (!st) {
    const steps = [step(`create directory ${path}`, `mkdir -p -- ${p}${setAttrs(p, attrs, args.recurse)}`)];
    return { steps, diff: [{ kind: 'state', what: path, before: 'absent', after: 'directory' }], result };
  }
  const dir = st.type === 'link' && args.follow !== false ? await host.stat(path, { follow: true }) : st;
  if (dir?.type !== 'directory') throw new TaskFailure(`${path} exists as a ${st.type}, not a directory`);
  if (args.recurse && (attrs.mode || attrs.owner || attrs.group))
    return planRecursive(path, attrs, host, result);
  const a = planAttrs(path, dir, attrs, { follow: args.follow });
  return { steps: a.steps, diff: a.diff, result };
}

function kind(st: FileStat): string {
  return st.type === 'link' ? `link to ${st.linkTarget}` : st.type;
}

/** Shell tail that sets mode/owner/group after creating a path. */
function setAttrs(p: string, a: { mode?: string; owner?: string; group?: string }, recurse = false): string {
  const r = recurse ? '-R ' : '';
  let s = '';
  if (a.owner || a.group)
    s += ` && chown ${r}${shq(`${a.owner ?? ''}${a.group ? `:${a.group}` : ''}`)} -- ${p}`;
  if (a.mode) s += ` && chmod ${r}${shq(a.mode)} -- ${p}`;
  return s;
}

/** recurse: one listing of the whole tree, compared here, and one chmod/chown -R if anything differs. */
async function planRecursive(
  path: string,
  attrs: { mode?: string; owner?: string; group?: string },
  host: Host,
  result: Record<string, unknown>,
): Promise<Plan> {
  const out = await host.run(`find ${shq(path)} -printf '%y\\t%m\\t%u\\t%g\\t%U\\t%G\\t%p\\n'`);
  let wrong = 0;
  for (const line of out.split('\n')) {
    if (!line) continue;
    const [y, m, u, g, uid, gid] = line.split('\t');
    if (y === 'l') continue;
    const cur = Number.parseInt(m, 8);
    const modeOk = !attrs.mode || modeText(applyMode(cur, attrs.mode, y === 'd')) === modeText(cur);
    const ownerOk = !attrs.owner || attrs.owner === u || attrs.owner === uid;
    const groupOk = !attrs.group || attrs.group === g || attrs.group === gid;
    if (!modeOk || !ownerOk || !groupOk) wrong++;
  }
  if (wrong === 0) return { steps: [], result };
  const p = shq(path);
  return {
    steps: [
      step(
        `set attributes on ${path} and beneath (${wrong} paths differ)`,
        `true${setAttrs(p, attrs, true)}`,
      ),
    ],
    diff: [
      {
        kind: 'state',
        what: `${path} (recursive)`,
        before: `${wrong} paths with other attributes`,
        after: 'all as asked',
      },
    ],
    result,
  };
}

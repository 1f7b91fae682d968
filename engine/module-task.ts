// One module task: which key is the module, its keywords and arguments checked, its display name.
import { findModule, moduleNames } from '../modules/index.js';
import { type Position, SdtdError } from './errors.js';
import { conds, list, loopSpec } from './inherit.js';
import { TASK_KEYWORDS, taskKeywords } from './keywords.js';
import { posOf } from './load.js';
import { argsFromString, prepareArgs } from './module-args.js';
import type { ModuleTask } from './task-model.js';
import type { LoadCtx } from './tasks.js';
import { nearest, validate } from './validate.js';

export function parseModuleTask(
  t: Record<string, any>,
  ctx: LoadCtx,
  pos: Position,
  where: string,
  base: (kw: Record<string, any>, name: string) => any,
): ModuleTask {
  const actions = Object.keys(t).filter((k) => !TASK_KEYWORDS.has(k));
  const unknown = actions.find((k) => !findModule(k));
  if (unknown) {
    const hint = nearest(unknown, [...moduleNames(), ...TASK_KEYWORDS]);
    throw new SdtdError(
      'unknown-module',
      `expected a module or a task keyword (got "${unknown}"${hint ? `; did you mean "${hint}"?` : ''})`,
      { pos: posOf(t, unknown, 'key'), where },
    );
  }
  if (actions.length === 0)
    throw new SdtdError(
      'schema',
      `expected a module such as command, copy or template (got only keywords: ${Object.keys(t).join(', ')})`,
      { pos, where },
    );
  if (actions.length > 1)
    throw new SdtdError('schema', `expected one module per task (got ${actions.join(' and ')})`, {
      pos: posOf(t, actions[1], 'key'),
      where,
    });
  const key = actions[0];
  const mod = findModule(key)!;
  const kw = { ...t };
  delete kw[key];
  // positions come from the task as written (kw is a copy without the module key)
  validate(taskKeywords, kw, { where, deferTemplates: true, root: t });
  if (!ctx.handlers && kw.listen !== undefined)
    throw new SdtdError('schema', 'expected listen only on handlers (got it on a task)', {
      pos: posOf(t, 'listen', 'key'),
      where,
    });
  const argsPos = posOf(t, key);
  // as Ansible's parse_kv: `a={{ x }} b=2` is split before rendering, so that each value keeps its type
  let rawArgs =
    typeof t[key] === 'string'
      ? argsFromString(mod, t[key], { where: `${where} > ${key}`, pos: argsPos })
      : t[key];
  if (kw.args) rawArgs = { ...rawArgs, ...kw.args };
  prepareArgs(mod, rawArgs, { where: `${where} > ${key}`, deferTemplates: true, pos: argsPos });
  const b = base(kw, t.name ?? summary(key, t[key]));
  return {
    ...b,
    kind: 'task',
    module: mod,
    rawArgs,
    loop: loopSpec(t, pos, where),
    register: kw.register,
    notify: list(kw.notify),
    notifyPos: posOf(t, 'notify'),
    listen: list(kw.listen),
    changedWhen: kw.changed_when === undefined ? undefined : conds(kw.changed_when, t, 'changed_when'),
    failedWhen: kw.failed_when === undefined ? undefined : conds(kw.failed_when, t, 'failed_when'),
    until: kw.until === undefined ? undefined : conds(kw.until, t, 'until'),
    retries: kw.retries,
    delay: kw.delay,
  };
}

function summary(key: string, args: unknown): string {
  if (typeof args === 'string') return `${key}: ${args.length > 50 ? `${args.slice(0, 47)}...` : args}`;
  const a = (args ?? {}) as Record<string, unknown>;
  const main = a.path ?? a.dest ?? a.name ?? a.cmd ?? a.msg ?? a.var;
  return main === undefined ? key : `${key}: ${String(main)}`;
}

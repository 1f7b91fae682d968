// What a task takes from the blocks, roles and imports around it: conditions, tags, become, vars, loops.
import { type Position, SdtdError } from './errors.js';
import { posOf } from './load.js';
import type { Cond, Inherited, LoopSpec } from './task-model.js';

/** A condition or a list of them (an AND), each with its position for error messages. */
export function conds(v: unknown, obj: object, key: string): Cond[] {
  if (v === undefined || v === null) return [];
  const all = Array.isArray(v) ? v : [v];
  return all.map((expr, i) => ({ expr, pos: Array.isArray(v) ? posOf(v, i) : posOf(obj, key) }));
}

/** A string or a list of strings, as a list. */
export const list = (v: unknown): string[] =>
  v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)];

/** A node's effective keywords: its own over those of the blocks/roles/imports around it. */
export function inherit(parent: Inherited, kw: Record<string, any>, obj: object): Inherited {
  return {
    ...parent,
    when: [...parent.when, ...conds(kw.when, obj, 'when')],
    tags: [...new Set([...parent.tags, ...list(kw.tags)])],
    become: kw.become ?? parent.become,
    becomeUser: kw.become_user ?? parent.becomeUser,
    environment: kw.environment ? [...parent.environment, kw.environment] : parent.environment,
    vars: kw.vars ? [...parent.vars, kw.vars] : parent.vars,
    ignoreErrors: kw.ignore_errors ?? parent.ignoreErrors,
    ignoreUnreachable: kw.ignore_unreachable ?? parent.ignoreUnreachable,
    checkMode: kw.check_mode ?? parent.checkMode,
    diff: kw.diff ?? parent.diff,
    noLog: kw.no_log ?? parent.noLog,
    anyErrorsFatal: kw.any_errors_fatal ?? parent.anyErrorsFatal,
    delegateTo: kw.delegate_to ?? parent.delegateTo,
    runOnce: kw.run_once ?? parent.runOnce,
    timeout: kw.timeout ?? parent.timeout,
    throttle: kw.throttle ?? parent.throttle,
  };
}

export function loopSpec(item: Record<string, any>, pos: Position, where: string): LoopSpec | undefined {
  const kinds = (['loop', 'with_items', 'with_list', 'with_dict'] as const).filter((k) => k in item);
  if (kinds.length > 1)
    throw new SdtdError('schema', `expected one loop keyword (got ${kinds.join(' and ')})`, { pos, where });
  if (kinds.length === 0) return undefined;
  const lc = item.loop_control ?? {};
  return {
    kind: kinds[0],
    value: item[kinds[0]],
    loopVar: lc.loop_var ?? 'item',
    indexVar: lc.index_var,
    label: lc.label,
    pause: lc.pause,
    extended: lc.extended,
  };
}

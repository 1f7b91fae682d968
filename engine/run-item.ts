// One module invocation on one host (one loop item): when, arguments, connection, until/retries, changed_when/failed_when.
import { connectionInfo } from './connections.js';
import { SdtdError } from './errors.js';
import { makeHost } from './host.js';
import type { Diff } from './module.js';
import { prepareArgs } from './module-args.js';
import { evalCondition, renderDeep, renderText } from './render.js';
import type { PlayCtx } from './run-context.js';
import { runModule } from './run-module.js';
import type { Cond, ModuleTask } from './task-model.js';
import type { ExecResult, Transport } from './transports/transport.js';
import { hostState, scope, searchDirs } from './vars.js';

export interface ItemOutcome {
  status: 'ok' | 'changed' | 'failed' | 'skipped';
  result: Record<string, unknown>;
  msg?: string;
  diff: Diff[];
  steps: string[];
}

/** All conditions true (a list is an AND, as in Ansible); errors say which condition and where. */
export function allTrue(list: Cond[], s: Record<string, unknown>, what: string): boolean {
  for (const c of list) {
    try {
      if (!evalCondition(c.expr, s)) return false;
    } catch (e) {
      if (e instanceof SdtdError) throw e.at(c.pos, `${what} "${String(c.expr)}"`);
      throw e;
    }
  }
  return true;
}

/** Controller-only modules (debug, set_fact, assert, fail) never need the host: no connection is made. */
const noTransport: Transport = {
  kind: 'none',
  user: 'root',
  exec: async (): Promise<ExecResult> => {
    throw new Error('this module runs on the manager only');
  },
  put: async () => {
    throw new Error('this module runs on the manager only');
  },
  get: async () => {
    throw new Error('this module runs on the manager only');
  },
  close: async () => {},
};

export async function runItem(
  pc: PlayCtx,
  task: ModuleTask,
  host: string,
  s: Record<string, unknown>,
): Promise<ItemOutcome> {
  const inh = task.inh;
  const falseCond = inh.when.find((c) => !allTrue([c], s, 'when'));
  if (falseCond)
    return {
      status: 'skipped',
      result: {
        changed: false,
        skipped: true,
        skip_reason: 'Conditional result was False',
        false_condition: falseCond.expr,
      },
      msg: `condition is false: ${String(falseCond.expr)}`,
      diff: [],
      steps: [],
    };
  const where = `${task.module.name}`;
  const args = prepareArgs(task.module, renderDeep(task.rawArgs, s), { where, pos: task.pos });
  const target = inh.delegateTo ? String(renderDeep(inh.delegateTo, s)) : host;
  const targetVars = target === host ? s : scope(pc.vars, pc.pv, target, undefined);
  const transport = task.module.controllerOnly
    ? noTransport
    : await pc.conns.get(connectionInfo(target, targetVars, pc.pv.play.connection));
  const env = Object.assign({}, ...inh.environment.map((e) => renderDeep(e, s) as Record<string, string>));
  const h = makeHost({
    name: host,
    transport,
    become: inh.become
      ? { user: inh.becomeUser ? String(renderDeep(inh.becomeUser, s)) : 'root' }
      : undefined,
    env,
    vars: s,
    searchDirs: [...searchDirs(pc.pv, inh), task.dir],
    render: (text, extra) => renderText(text, extra ? overlay(s, extra) : s),
  });
  const check = inh.checkMode ?? pc.opts.check;
  const retries = task.until ? Number(renderDeep(task.retries ?? 3, s)) : 0;
  const delayMs = (task.delay ?? 5) * 1000;
  let attempt = 0;
  for (;;) {
    attempt++;
    const out = await withTimeout(
      runModule(task.module, args, h, { check }),
      inh.timeout ? Number(renderDeep(inh.timeout, s)) : 0,
    );
    if (out.facts) Object.assign(hostState(pc.vars, host)[task.module.varsLayer ?? 'vars'], out.facts);
    if (out.status === 'skipped') return { ...out, result: { ...out.result, changed: false } };
    let status = out.status;
    const result: Record<string, unknown> = {
      ...out.result,
      changed: status === 'changed',
      failed: status === 'failed',
    };
    if (task.register) s[task.register] = result;
    if (task.changedWhen && status !== 'failed')
      status = allTrue(task.changedWhen, s, 'changed_when') ? 'changed' : 'ok';
    if (task.failedWhen) {
      const failed = allTrue(task.failedWhen, s, 'failed_when');
      status = failed ? 'failed' : status === 'failed' ? (result.changed ? 'changed' : 'ok') : status;
    }
    result.changed = status === 'changed';
    result.failed = status === 'failed';
    let msg = status === 'failed' ? (out.msg ?? 'failed_when condition is true') : out.msg;
    if (task.until && !check) {
      result.attempts = attempt;
      if (task.register) s[task.register] = result;
      if (status !== 'failed' && allTrue(task.until, s, 'until'))
        return { status, result, msg, diff: out.diff, steps: out.steps };
      if (attempt <= retries) {
        await new Promise((r) => setTimeout(r, delayMs));
        continue;
      }
      status = 'failed';
      result.failed = true;
      msg = `still not as expected after ${attempt} attempts (until: ${task.until.map((c) => String(c.expr)).join(' and ')})${out.msg ? `: ${out.msg}` : ''}`;
    }
    return { status, result, msg, diff: out.diff, steps: out.steps };
  }
}

function overlay(s: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(extra)) s[k] = v;
  return s;
}

async function withTimeout<T>(p: Promise<T>, seconds: number): Promise<T> {
  if (!seconds) return p;
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new SdtdError('task-failed', `expected the task to finish within ${seconds}s (timeout)`)),
      seconds * 1000,
    );
  });
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

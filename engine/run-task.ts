// Runs one task across the hosts of a batch in parallel: loops, register, notify, stats and result events.
import pLimit from 'p-limit';
import { describeValue, isSdtdError, SdtdError } from './errors.js';
import { countResult, type Status } from './events.js';
import { persistNotified } from './handlers.js';
import { repr } from './jinja-python.js';
import { renderDeep, renderString } from './render.js';
import type { PlayCtx } from './run-context.js';
import { type ItemOutcome, runItem } from './run-item.js';
import type { LoopSpec, ModuleTask } from './task-model.js';
import { UnreachableError } from './transports/transport.js';
import { hostState, scope } from './vars.js';

export interface HostOutcome {
  status: Status;
  changed: boolean;
}

const HIDDEN = "the output has been hidden because 'no_log: true' was set for this task";

/** The items a loop runs over; with_items flattens one level, with_dict gives key/value pairs. */
function loopItems(loop: LoopSpec, s: Record<string, unknown>): unknown[] {
  const v = renderDeep(loop.value, s);
  if (loop.kind === 'with_dict') {
    if (!v || typeof v !== 'object' || Array.isArray(v))
      throw new SdtdError('schema', `expected with_dict to give a mapping (got ${describeValue(v)})`);
    return Object.entries(v).map(([key, value]) => ({ key, value }));
  }
  if (!Array.isArray(v))
    throw new SdtdError('schema', `expected ${loop.kind} to give a list (got ${describeValue(v)})`);
  return loop.kind === 'with_items' ? v.flatMap((x) => (Array.isArray(x) ? x : [x])) : v;
}

function taskTitle(pc: PlayCtx, task: ModuleTask, host: string | undefined): string {
  if (!host || !task.name.includes('{')) return task.name;
  try {
    return String(renderString(task.name, scope(pc.vars, pc.pv, host, task.inh)));
  } catch {
    return task.name;
  }
}

export async function runTask(
  pc: PlayCtx,
  task: ModuleTask,
  hosts: string[],
  handler = false,
): Promise<Map<string, HostOutcome>> {
  const runOnce = task.inh.runOnce === true;
  if (runOnce && pc.once) {
    // strategy free: the first host to get here runs it for the whole batch; the others take its result
    const started = pc.once.get(task) as Promise<Map<string, HostOutcome>> | undefined;
    if (started) return started;
    const others = pc.pv.batch.filter((h) => h !== hosts[0] && pc.status.get(h) === 'active');
    const p = runTaskOn(pc, task, [...hosts, ...others], handler);
    pc.once.set(task, p);
    return p;
  }
  return runTaskOn(pc, task, hosts, handler);
}

async function runTaskOn(
  pc: PlayCtx,
  task: ModuleTask,
  hosts: string[],
  handler: boolean,
): Promise<Map<string, HostOutcome>> {
  const id = pc.nextTaskId.n++;
  const started = Date.now();
  const name = taskTitle(pc, task, hosts[0]);
  const runOnce = task.inh.runOnce === true;
  const targets = runOnce ? hosts.slice(0, 1) : hosts;
  await pc.emit({
    type: 'task_start',
    id,
    name,
    role: task.inh.role?.name,
    hosts: targets,
    handler,
    pos: task.pos,
  });
  const limit = pLimit(Math.max(1, Number(task.inh.throttle ?? 0) || pc.opts.forks));
  const outcomes = new Map<string, HostOutcome>();
  await Promise.all(
    targets.map((h) => limit(async () => outcomes.set(h, await runOnHost(pc, task, h, id, name)))),
  );
  if (runOnce && targets.length) {
    // run_once: the one result counts for every host of the batch (registered values, notifications)
    const first = outcomes.get(targets[0])!;
    const reg = task.register ? hostState(pc.vars, targets[0]).vars[task.register] : undefined;
    for (const h of hosts.slice(1)) {
      outcomes.set(h, first);
      if (task.register) hostState(pc.vars, h).vars[task.register] = reg;
      if (first.changed && first.status !== 'failed') await notify(pc, task, h);
    }
  }
  await pc.emit({ type: 'task_end', id, durationMs: Date.now() - started });
  return outcomes;
}

async function runOnHost(
  pc: PlayCtx,
  task: ModuleTask,
  host: string,
  taskId: number,
  name: string,
): Promise<HostOutcome> {
  const t0 = Date.now();
  const emit = (status: Status, o: Partial<ItemOutcome> & { item?: string; perItem?: boolean }) => {
    const noLog = task.inh.noLog === true;
    const showDiff = (task.inh.diff ?? pc.opts.diff) && !noLog && o.diff?.length;
    pc.emit({
      type: 'host_result',
      taskId,
      task: name,
      module: task.module.name,
      host,
      status,
      msg: noLog && o.msg ? HIDDEN : o.msg,
      item: noLog ? undefined : o.item,
      diff: showDiff ? o.diff : undefined,
      steps: o.steps,
      result: noLog ? { censored: HIDDEN } : o.result,
      delegatedTo: task.inh.delegateTo,
      durationMs: Date.now() - t0,
      perItem: o.perItem,
    });
  };
  let out: ItemOutcome;
  let status: Status;
  try {
    const base = scope(pc.vars, pc.pv, host, task.inh);
    if (!task.loop) out = await runItem(pc, task, host, base);
    else
      out = await runLoop(pc, task, host, base, (item, o) => emit(o.status, { ...o, item, perItem: true }));
    status = out.status;
  } catch (e) {
    if (e instanceof UnreachableError && !task.inh.ignoreUnreachable) {
      pc.status.set(host, 'unreachable');
      countResult(pc.stats, host, 'unreachable');
      emit('unreachable', { msg: e.message });
      return { status: 'unreachable', changed: false };
    }
    if (!isSdtdError(e)) throw e;
    const err = e.at(
      task.pos,
      task.inh.role ? `role ${task.inh.role.name}: task "${task.name}"` : `task "${task.name}"`,
    );
    out = {
      status: 'failed',
      result: { failed: true, changed: false, msg: err.format() },
      msg: err.format(),
      diff: [],
      steps: [],
    };
    status = 'failed';
  }
  if (task.register) hostState(pc.vars, host).vars[task.register] = out.result;
  if (status === 'failed' && task.inh.ignoreErrors) status = 'ignored';
  if (status === 'failed') pc.status.set(host, 'failed');
  const changed = out.status === 'changed';
  if (changed && status !== 'failed') await notify(pc, task, host);
  countResult(pc.stats, host, status);
  pc.timings.push({ task: name, host, durationMs: Date.now() - t0 });
  emit(status, { ...out, item: undefined });
  return { status, changed };
}

async function runLoop(
  pc: PlayCtx,
  task: ModuleTask,
  host: string,
  base: Record<string, unknown>,
  onItem: (label: string, o: ItemOutcome) => void,
): Promise<ItemOutcome> {
  const loop = task.loop!;
  const items = loopItems(loop, base);
  const results: Record<string, unknown>[] = [];
  const outs: ItemOutcome[] = [];
  for (const [index, item] of items.entries()) {
    const extra: Record<string, unknown> = { [loop.loopVar]: item, ansible_loop_var: loop.loopVar };
    if (loop.indexVar) extra[loop.indexVar] = index;
    if (loop.extended)
      extra.ansible_loop = {
        index: index + 1,
        index0: index,
        first: index === 0,
        last: index === items.length - 1,
        length: items.length,
      };
    const s = scope(pc.vars, pc.pv, host, task.inh, extra);
    const o = await runItem(pc, task, host, s);
    // as ansible-playbook shows items: strings as they are, anything else as Python prints it
    const label = loop.label
      ? String(renderString(loop.label, s))
      : typeof item === 'string'
        ? item
        : repr(item);
    results.push({ ...o.result, [loop.loopVar]: item, ansible_loop_var: loop.loopVar });
    outs.push(o);
    onItem(label, o);
    if (loop.pause && index < items.length - 1) await new Promise((r) => setTimeout(r, loop.pause! * 1000));
  }
  const any = (st: string) => outs.some((o) => o.status === st);
  const status = any('failed')
    ? 'failed'
    : any('changed')
      ? 'changed'
      : outs.length && outs.every((o) => o.status === 'skipped')
        ? 'skipped'
        : items.length
          ? 'ok'
          : 'skipped';
  const msg = any('failed') ? 'one or more items failed' : items.length ? undefined : 'no items in the loop';
  const result: Record<string, unknown> = {
    results,
    changed: status === 'changed',
    failed: status === 'failed',
    skipped: status === 'skipped',
  };
  if (msg) result.msg = msg;
  return { status, result, msg, diff: [], steps: [] };
}

async function notify(pc: PlayCtx, task: ModuleTask, host: string): Promise<void> {
  if (!task.notify.length) return;
  const set = pc.notified.get(host) ?? new Set<string>();
  pc.notified.set(host, set);
  const before = set.size;
  for (const n of task.notify) set.add(n);
  if (set.size !== before)
    await persistNotified(pc, host).catch((e: Error) =>
      pc.emit({
        type: 'warning',
        msg: `${host}: could not record pending handlers on the host: ${e.message}`,
      }),
    );
}

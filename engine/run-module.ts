// Runs one module on one host: plan, then (unless checking) apply the steps; the outcome the task reports.
import type { Diff, Host, Module } from './module.js';
import { TaskFailure } from './module.js';

export interface ModuleOutcome {
  status: 'ok' | 'changed' | 'failed' | 'skipped';
  /** What `register:` stores (changed/failed are added by the task runner). */
  result: Record<string, unknown>;
  diff: Diff[];
  /** The steps, described: what was done (or, in check mode, would be). */
  steps: string[];
  msg?: string;
  facts?: Record<string, unknown>;
}

export async function runModule(
  mod: Module,
  args: Record<string, unknown>,
  host: Host,
  opts: { check: boolean },
): Promise<ModuleOutcome> {
  let plan: Awaited<ReturnType<Module['plan']>>;
  try {
    plan = await mod.plan(args as never, host);
  } catch (e) {
    if (e instanceof TaskFailure) return failed(e, [], []);
    throw e;
  }
  const diff = plan.diff ?? [];
  const steps = plan.steps.map((s) => s.describe);
  const result: Record<string, unknown> = { ...plan.result };
  if (plan.note && result.msg === undefined) result.msg = plan.note;
  if (plan.fail)
    return { status: 'failed', result: { ...result, msg: plan.fail }, diff, steps, msg: plan.fail };
  const changes = plan.steps.some((s) => s.changes !== false);
  if (opts.check) {
    if (plan.unpredictable && plan.steps.length > 0) {
      const msg = `skipped in check mode: ${plan.unpredictable}`;
      return { status: 'skipped', result: { ...result, skipped: true, skip_reason: msg }, diff, steps, msg };
    }
    return { status: changes ? 'changed' : 'ok', result, diff, steps, msg: plan.note, facts: plan.facts };
  }
  let changed = changes;
  for (const [i, step] of plan.steps.entries()) {
    try {
      const out = await step.run(host);
      // a step may find out only when it runs that it changed something (apt latest after a cache update)
      if (out?.changed === true) changed = true;
      if (out) Object.assign(result, out);
    } catch (e) {
      if (e instanceof TaskFailure) return failed(e, diff, steps.slice(0, i + 1), result);
      throw e;
    }
  }
  delete result.changed;
  return { status: changed ? 'changed' : 'ok', result, diff, steps, msg: plan.note, facts: plan.facts };
}

function failed(
  e: TaskFailure,
  diff: Diff[],
  steps: string[],
  partial: Record<string, unknown> = {},
): ModuleOutcome {
  return {
    status: 'failed',
    result: { ...partial, ...e.result, msg: e.message },
    diff,
    steps,
    msg: e.message,
  };
}

// The linear strategy over a task list: each node runs on every active host before the next; blocks, includes, meta.
import { emptyStats } from './events.js';
import { runHandlers } from './handlers.js';
import { inherit } from './inherit.js';
import { loadYamlFile } from './load.js';
import { renderDeep } from './render.js';
import { loadRoleInto } from './roles.js';
import { active, type PlayCtx } from './run-context.js';
import { allTrue } from './run-item.js';
import { runTask } from './run-task.js';
import { selected } from './tags.js';
import { display, resolveTaskFile } from './task-files.js';
import type { BlockNode, IncludeRoleNode, IncludeTasksNode, MetaNode, TaskNode } from './task-model.js';
import { parseTasks } from './tasks.js';
import { hostState, scope } from './vars.js';

/** Runs nodes on the hosts; returns the hosts that failed while doing so. */
export async function runList(pc: PlayCtx, nodes: TaskNode[], hosts: string[]): Promise<Set<string>> {
  const was = new Map(hosts.map((h) => [h, pc.status.get(h)]));
  for (const node of nodes) {
    const on = active(pc, hosts);
    if (!on.length || pc.stop.interrupted || pc.abort) break;
    if (node.kind === 'block') await runBlock(pc, node, on);
    else if (!selected(node.inh.tags, pc.opts.tags, pc.opts.skipTags)) continue;
    else if (pc.startAt.pending && !startsHere(pc, node)) continue;
    else if (node.kind === 'task') {
      await runTask(pc, node, on);
      checkAbort(pc, node.inh.anyErrorsFatal ?? pc.pv.play.anyErrorsFatal, on);
    } else if (node.kind === 'include_tasks' || node.kind === 'include_role') await runInclude(pc, node, on);
    else await runMeta(pc, node, on);
  }
  return new Set(hosts.filter((h) => pc.status.get(h) === 'failed' && was.get(h) !== 'failed'));
}

function startsHere(pc: PlayCtx, node: TaskNode): boolean {
  if (node.kind !== 'task' || node.name !== pc.startAt.name) return false;
  pc.startAt.pending = false;
  return true;
}

/** any_errors_fatal ends the play for everyone; max_fail_percentage when too many of the batch failed. */
function checkAbort(pc: PlayCtx, fatal: boolean, hosts: string[]): void {
  const failed = hosts.filter((h) => pc.status.get(h) === 'failed' || pc.status.get(h) === 'unreachable');
  const batch = pc.pv.batch;
  const pct = pc.pv.play.maxFailPercentage;
  const down = batch.filter((h) => ['failed', 'unreachable'].includes(pc.status.get(h)!)).length;
  if (fatal && failed.length) pc.abort = `any_errors_fatal: ${failed.join(', ')} failed`;
  else if (pct !== undefined && (down / batch.length) * 100 > pct)
    pc.abort = `max_fail_percentage ${pct}% exceeded: ${down} of ${batch.length} hosts failed`;
  if (pc.abort) for (const h of batch) if (pc.status.get(h) === 'active') pc.status.set(h, 'ended');
}

async function runBlock(pc: PlayCtx, node: BlockNode, hosts: string[]): Promise<void> {
  const failed = await runList(pc, node.block, hosts);
  if (node.rescue.length && failed.size) {
    for (const h of failed) pc.status.set(h, 'active');
    const failedAgain = await runList(pc, node.rescue, [...failed]);
    for (const h of failed) {
      if (failedAgain.has(h) || pc.status.get(h) !== 'active') continue;
      // rescued: the block's failure no longer counts against the host
      const st = pc.stats.get(h) ?? emptyStats();
      st.failed = Math.max(0, st.failed - 1);
      st.rescued++;
      pc.stats.set(h, st);
    }
  }
  if (!node.always.length) return;
  const stillFailed = hosts.filter((h) => pc.status.get(h) === 'failed');
  for (const h of stillFailed) pc.status.set(h, 'active');
  await runList(
    pc,
    node.always,
    hosts.filter((h) => pc.status.get(h) === 'active'),
  );
  for (const h of stillFailed) if (pc.status.get(h) === 'active') pc.status.set(h, 'failed');
}

/** include_tasks / include_role: chosen per host at run time; hosts that include the same thing run it together. */
async function runInclude(
  pc: PlayCtx,
  node: IncludeTasksNode | IncludeRoleNode,
  hosts: string[],
): Promise<void> {
  const groups = new Map<string, { hosts: string[]; params: Record<string, unknown>; target: string }>();
  for (const h of hosts) {
    const base = scope(pc.vars, pc.pv, h, node.inh);
    const items = node.loop ? (renderDeep(node.loop.value, base) as unknown[]) : [undefined];
    for (const [i, item] of (Array.isArray(items) ? items : []).entries()) {
      const extra = node.loop
        ? { [node.loop.loopVar]: item, ...(node.loop.indexVar ? { [node.loop.indexVar]: i } : {}) }
        : {};
      const s = scope(pc.vars, pc.pv, h, node.inh, extra);
      if (!allTrue(node.inh.when, s, 'when')) continue;
      const target = node.kind === 'include_tasks' ? String(renderDeep(node.file, s)) : node.call.name;
      const params = { ...(renderDeep(node.inh.includeParams ?? {}, s) as object), ...extra };
      const key = `${target}|${JSON.stringify(params)}`;
      if (!groups.has(key)) groups.set(key, { hosts: [], params, target });
      groups.get(key)!.hosts.push(h);
    }
  }
  for (const g of groups.values()) {
    const inh = inherit(
      { ...node.inh, when: [], includeParams: g.params },
      (node.kind === 'include_tasks' ? node.apply : node.call.apply) ?? {},
      {},
    );
    const ctx = {
      file: display(node.pos.file),
      dir: node.dir,
      playbookDir: pc.pv.play.dir,
      inh,
      sink: pc.sink,
      stack: [],
      role: node.inh.role,
    };
    let tasks: TaskNode[];
    if (node.kind === 'include_tasks') {
      const path = resolveTaskFile(g.target, ctx, node.pos);
      tasks = parseTasks(loadYamlFile(path, node.pos, display(path)), {
        ...ctx,
        file: display(path),
        dir: path.slice(0, path.lastIndexOf('/')),
      });
    } else {
      const before = pc.sink.handlers.length;
      tasks = loadRoleInto(node.call, {}, ctx, node.pos, false);
      pc.handlers.push(...pc.sink.handlers.slice(before));
    }
    pc.emit({ type: 'info', msg: `included: ${g.target} for ${g.hosts.join(', ')}` });
    await runList(pc, tasks, active(pc, g.hosts));
  }
}

async function runMeta(pc: PlayCtx, node: MetaNode, hosts: string[]): Promise<void> {
  const on = hosts.filter((h) => allTrue(node.inh.when, scope(pc.vars, pc.pv, h, node.inh), 'when'));
  switch (node.action) {
    case 'flush_handlers':
      return runHandlers(pc, pc.pv.batch);
    case 'end_play':
      if (on.length)
        for (const h of pc.pv.batch) if (pc.status.get(h) === 'active') pc.status.set(h, 'ended');
      return;
    case 'end_host':
      for (const h of on) pc.status.set(h, 'ended');
      return;
    case 'clear_facts':
      for (const h of on) hostState(pc.vars, h).facts = {};
      return;
    case 'reset_connection':
      await Promise.all(on.map((h) => pc.conns.reset(h)));
      return;
    default:
      return;
  }
}

// The free strategy: every host goes through the task list at its own pace; the play waits for all of them.
import type { PlayCtx } from './run-context.js';
import { runList } from './run-list.js';
import type { TaskNode } from './task-model.js';

/**
 * One list run per host, concurrently. Hosts share the play's state (status, stats, notifications,
 * run_once results) but each keeps its own --start-at-task progress; a host that makes the play stop
 * (any_errors_fatal, max_fail_percentage) ends the others at their next task.
 */
export async function runFree(pc: PlayCtx, nodes: TaskNode[], batch: string[]): Promise<void> {
  pc.once ??= new Map();
  const per = batch.map(() => ({ ...pc, startAt: { ...pc.startAt } }));
  await Promise.all(batch.map((h, i) => runList(per[i], nodes, [h])));
  pc.abort ??= per.map((c) => c.abort).find(Boolean);
  pc.startAt.pending = per.every((c) => c.startAt.pending);
}

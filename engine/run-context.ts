// The explicit contexts passed through a run: run-wide (options, vars, connections, stats) and per play.
import type { Connections } from './connections.js';
import type { Emit, HostStats } from './events.js';
import type { ModuleTask } from './task-model.js';
import type { PlaySink } from './tasks.js';
import type { PlayVars, RunVars } from './vars.js';

export interface RunOptions {
  check: boolean;
  diff: boolean;
  forks: number;
  verbosity: number;
  tags: string[];
  skipTags: string[];
  startAtTask?: string;
  forceHandlers: boolean;
  limit?: string;
}

export interface RunCtx {
  opts: RunOptions;
  vars: RunVars;
  emit: Emit;
  conns: Connections;
  stats: Map<string, HostStats>;
  timings: { task: string; host: string; durationMs: number }[];
  /** Set by Ctrl-C: no new task starts; running ones finish. */
  stop: { interrupted: boolean };
  /** --start-at-task: true until the named task is reached. */
  startAt: { pending: boolean; name?: string };
  nextTaskId: { n: number };
  /** Hosts that failed or were unreachable in an earlier play: later plays leave them out, as Ansible does. */
  out: Map<string, 'failed' | 'unreachable'>;
}

export type HostStatus = 'active' | 'failed' | 'unreachable' | 'ended';

export interface PlayCtx extends RunCtx {
  pv: PlayVars;
  status: Map<string, HostStatus>;
  /** Handler names and listen topics notified, per host. */
  notified: Map<string, Set<string>>;
  /** The play's handlers; include_role adds its role's handlers at run time. */
  handlers: ModuleTask[];
  sink: PlaySink;
  /** Why the play stopped for every host (any_errors_fatal, max_fail_percentage, end_play). */
  abort?: string;
  /** Strategy free: run_once tasks already started by one host, for the whole batch. */
  once?: Map<object, Promise<unknown>>;
}

export function active(pc: PlayCtx, hosts: string[]): string[] {
  return hosts.filter((h) => pc.status.get(h) === 'active');
}

// The events a run emits; reporters (listr2, plain lines, JSON) turn them into output.
import type { Position } from './errors.js';
import type { Diff } from './module.js';

export type Status = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable' | 'rescued' | 'ignored';

export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

export type RunEvent =
  | { type: 'playbook_start'; file: string; check: boolean }
  | { type: 'play_start'; name: string; hosts: string[]; pos: Position; strategy?: 'linear' | 'free' }
  | {
      type: 'task_start';
      id: number;
      name: string;
      role?: string;
      hosts: string[];
      handler: boolean;
      pos: Position;
    }
  | {
      type: 'host_result';
      taskId: number;
      task: string;
      /** The module the task ran (debug results are shown at every verbosity, as in Ansible). */
      module?: string;
      host: string;
      status: Status;
      msg?: string;
      item?: string;
      diff?: Diff[];
      steps?: string[];
      /** The registered result, for -v and JSON output (hidden with no_log). */
      result?: Record<string, unknown>;
      delegatedTo?: string;
      durationMs: number;
      /** For a loop: true on the per-item results, the summary has it unset. */
      perItem?: boolean;
    }
  | { type: 'task_end'; id: number; durationMs: number }
  | { type: 'warning'; msg: string; pos?: Position }
  | { type: 'info'; msg: string }
  | { type: 'play_end'; name: string }
  | {
      type: 'recap';
      stats: Record<string, HostStats>;
      slowest: { task: string; host: string; durationMs: number }[];
      durationMs: number;
    }
  | { type: 'interrupted' };

/** Reporters may return a promise at task and play boundaries; the engine waits for it there. */
export type Emit = (e: RunEvent) => void | Promise<void>;

export function emptyStats(): HostStats {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
}

/** Count one result in the recap: ok includes changed, as in ansible-playbook's PLAY RECAP. */
export function countResult(stats: Map<string, HostStats>, host: string, status: Status): void {
  let st = stats.get(host);
  if (!st) {
    st = emptyStats();
    stats.set(host, st);
  }
  if (status === 'changed') st.changed++;
  if (status === 'ok' || status === 'changed') st.ok++;
  else st[status]++;
}

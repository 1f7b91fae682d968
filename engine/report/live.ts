// Live reporter for terminals (listr2): one row per host under the current task, with spinner and elapsed time.
import { Listr, PRESET_TIMER } from 'listr2';
import type { Emit, RunEvent } from '../events.js';
import { plainReporter, type Sink } from './plain.js';
import { paint, renderDiffs, statusColor } from './text.js';

type Result = Extract<RunEvent, { type: 'host_result' }>;

export function liveReporter(verbosity: number, sink: Sink): Emit {
  const p = paint(true);
  const plain = plainReporter(verbosity, sink, true);
  let waiting = new Map<string, (r: Result) => void>();
  let results: Result[] = [];
  let running: Promise<unknown> | undefined;

  // strategy free: tasks of different hosts overlap, which one live view cannot show; lines can
  let free = false;
  return async (e: RunEvent) => {
    if (e.type === 'play_start') free = e.strategy === 'free';
    if (free && e.type !== 'recap') return plain(e);
    if (e.type === 'task_start') {
      results = [];
      waiting = new Map();
      const promises = new Map(e.hosts.map((h) => [h, new Promise<Result>((r) => waiting.set(h, r))]));
      const title = `${e.handler ? 'HANDLER' : 'TASK'} [${e.role ? `${e.role} : ` : ''}${e.name}]`;
      const list = new Listr(
        [
          {
            title,
            task: (_ctx, t) =>
              t.newListr(
                e.hosts.map((h) => ({
                  title: h,
                  task: async (_c, ht) => {
                    const r = await promises.get(h)!;
                    ht.title = `${h} ${p(r.status, statusColor(r.status))}${r.item !== undefined ? ` (item=${r.item})` : ''}`;
                    if (r.status === 'skipped') ht.skip(`${h} skipped${r.msg ? `: ${r.msg}` : ''}`);
                    if (r.status === 'failed' || r.status === 'unreachable')
                      throw new Error(`${h}: ${r.msg ?? r.status}`);
                  },
                })),
                { concurrent: true, exitOnError: false, rendererOptions: { collapseSubtasks: false } },
              ),
          },
        ],
        {
          exitOnError: false,
          rendererOptions: { timer: PRESET_TIMER, collapseSubtasks: false, collapseErrors: false },
        },
      );
      running = list.run().catch(() => undefined);
      return;
    }
    if (e.type === 'host_result') {
      if (e.perItem) return;
      results.push(e);
      waiting.get(e.host)?.(e);
      return;
    }
    if (e.type === 'task_end') {
      await running;
      running = undefined;
      for (const r of results) {
        if (r.diff?.length) sink.out(`${p(`[${r.host}]`, 'bold')}\n${renderDiffs(r.diff, p)}`);
        if (verbosity >= 1 && r.msg && r.status !== 'failed') sink.out(`${p(`[${r.host}]`, 'dim')} ${r.msg}`);
      }
      return;
    }
    if (
      e.type === 'play_start' ||
      e.type === 'recap' ||
      e.type === 'warning' ||
      e.type === 'info' ||
      e.type === 'interrupted' ||
      e.type === 'playbook_start'
    )
      return plain(e);
  };
}

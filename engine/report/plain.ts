// Plain reporter: one line per result, as ansible-playbook prints them; for CI logs and pipes.
import type { Emit, RunEvent } from '../events.js';
import { banner, paint, recapLines, renderDiffs, resultLine, slowestLines } from './text.js';

export interface Sink {
  out(line: string): void;
  err(line: string): void;
}

export function plainReporter(verbosity: number, sink: Sink, colors = false): Emit {
  const p = paint(colors);
  let check = false;
  // strategy free: tasks of several hosts overlap, so a task's banner is printed before each run of its
  // results that follows another task's output (as Ansible does), never left above someone else's line
  let free = false;
  const banners = new Map<number, string>();
  let shown: number | undefined;
  return (e: RunEvent) => {
    switch (e.type) {
      case 'playbook_start':
        check = e.check;
        return;
      case 'play_start':
        free = e.strategy === 'free';
        shown = undefined;
        sink.out(`\n${banner(`PLAY [${e.name}]${check ? ' (check mode)' : ''}`)}`);
        return;
      case 'task_start': {
        const b = `\n${banner(`${e.handler ? 'RUNNING HANDLER' : 'TASK'} [${e.role ? `${e.role} : ` : ''}${e.name}]`)}`;
        if (!free) return sink.out(b);
        banners.set(e.id, b);
        return;
      }
      case 'task_end':
        banners.delete(e.id);
        return;
      case 'host_result':
        if (free && shown !== e.taskId) {
          sink.out(banners.get(e.taskId) ?? `\n${banner(`TASK [${e.task}]`)}`);
          shown = e.taskId;
        }
        sink.out(resultLine(e, verbosity, p));
        if (e.diff?.length) sink.out(renderDiffs(e.diff, p));
        return;
      case 'warning':
        sink.err(
          p(`[WARNING]: ${e.pos ? `${e.pos.file}:${e.pos.line}:${e.pos.col}: ` : ''}${e.msg}`, 'magenta'),
        );
        return;
      case 'info':
        sink.out(p(e.msg, 'cyan'));
        return;
      case 'interrupted':
        sink.err(p('[INTERRUPTED]: stopped by the user; running tasks were let finish', 'red'));
        return;
      case 'recap':
        sink.out(`\n${banner('PLAY RECAP')}`);
        for (const l of recapLines(e.stats, p)) sink.out(l);
        if (verbosity > 0 && e.slowest.length) {
          sink.out(`\n${banner('SLOWEST TASKS')}`);
          for (const l of slowestLines(e.slowest)) sink.out(l);
        }
        sink.out(`\n${(e.durationMs / 1000).toFixed(2)}s`);
        return;
      default:
        return;
    }
  };
}

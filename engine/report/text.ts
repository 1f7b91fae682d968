// Text pieces every human-readable reporter shares: diffs, result lines, the PLAY RECAP, the slowest tasks.
import { createTwoFilesPatch } from 'diff';
import { color } from 'listr2';
import type { HostStats, RunEvent, Status } from '../events.js';
import type { Diff } from '../module.js';

export type Paint = (
  s: string,
  c: 'green' | 'yellow' | 'red' | 'cyan' | 'magenta' | 'dim' | 'bold',
) => string;

export const paint =
  (on: boolean): Paint =>
  (s, c) =>
    on ? color[c](s) : s;

const STATUS_COLOR: Record<Status, 'green' | 'yellow' | 'red' | 'cyan' | 'magenta'> = {
  ok: 'green',
  changed: 'yellow',
  failed: 'red',
  unreachable: 'red',
  skipped: 'cyan',
  rescued: 'magenta',
  ignored: 'cyan',
};

export function statusColor(s: Status) {
  return STATUS_COLOR[s];
}

/** --diff: unified diffs for contents, `what: before -> after` for states. */
export function renderDiffs(diffs: Diff[], p: Paint): string {
  return diffs
    .map((d) => {
      if (d.kind === 'state') return `${d.what}: ${p(d.before, 'red')} -> ${p(d.after, 'green')}`;
      const patch = createTwoFilesPatch(`before: ${d.path}`, `after: ${d.path}`, d.before, d.after, '', '', {
        context: 3,
      });
      return patch
        .split('\n')
        .slice(1)
        .filter((l) => l !== '')
        .map((l) =>
          l.startsWith('+') && !l.startsWith('+++')
            ? p(l, 'green')
            : l.startsWith('-') && !l.startsWith('---')
              ? p(l, 'red')
              : l.startsWith('@@')
                ? p(l, 'cyan')
                : l,
        )
        .join('\n');
    })
    .join('\n');
}

/** `changed: [node1] => (item=x) msg`, as ansible-playbook prints results. */
export function resultLine(
  e: Extract<RunEvent, { type: 'host_result' }>,
  verbosity: number,
  p: Paint,
): string {
  const word = {
    ok: 'ok',
    changed: 'changed',
    failed: 'fatal',
    unreachable: 'fatal',
    skipped: 'skipping',
    rescued: 'rescued',
    ignored: 'failed (ignored)',
  }[e.status];
  let line = `${word}: [${e.host}${e.delegatedTo ? ` -> ${e.delegatedTo}` : ''}]`;
  if (e.status === 'unreachable') line += ': UNREACHABLE!';
  if (e.item !== undefined) line += ` => (item=${e.item})`;
  const showMsg =
    e.msg &&
    (e.status === 'failed' ||
      e.status === 'unreachable' ||
      e.status === 'ignored' ||
      verbosity > 0 ||
      e.module === 'debug');
  if (showMsg) line += ` => ${e.msg}`;
  const output = e.status === 'failed' || e.status === 'ignored' ? failureOutput(e.result) : '';
  line = p(line + output, statusColor(e.status));
  if (verbosity >= 1 && e.steps?.length && (e.status === 'changed' || verbosity >= 2))
    line += `\n${e.steps.map((s) => `    ${p(s, 'dim')}`).join('\n')}`;
  if (verbosity >= 2 && e.result && !e.perItem) line += `\n${p(JSON.stringify(e.result, null, 2), 'dim')}`;
  return line;
}

/** What a failed command said, so that "non-zero return code" never stands alone: rc and the last lines of stderr (or stdout). */
function failureOutput(result: Record<string, unknown> | undefined): string {
  if (typeof result?.rc !== 'number') return '';
  const said = [result.stderr, result.stdout].find(
    (s): s is string => typeof s === 'string' && s.trim() !== '',
  );
  const tail = said ? said.trimEnd().split('\n').slice(-FAILURE_LINES) : [];
  return ` (rc=${result.rc})${tail.map((l) => `\n    ${l}`).join('')}`;
}

const FAILURE_LINES = 10;

export function banner(title: string, width = 79): string {
  return `${title} ${'*'.repeat(Math.max(3, width - title.length - 1))}`;
}

export function recapLines(stats: Record<string, HostStats>, p: Paint): string[] {
  const width = Math.max(10, ...Object.keys(stats).map((h) => h.length));
  return Object.entries(stats).map(([host, s]) => {
    const col = s.failed || s.unreachable ? 'red' : s.changed ? 'yellow' : 'green';
    const f = (k: keyof HostStats) => `${k}=${s[k]}`.padEnd(k.length + 6);
    return `${p(host.padEnd(width), col)} : ${f('ok')}${f('changed')}${f('unreachable')}${f('failed')}${f('skipped')}${f('rescued')}${f('ignored')}`.trimEnd();
  });
}

export function slowestLines(slowest: { task: string; host: string; durationMs: number }[]): string[] {
  return slowest.map((t) => `${(t.durationMs / 1000).toFixed(2).padStart(8)}s  ${t.host}  ${t.task}`);
}

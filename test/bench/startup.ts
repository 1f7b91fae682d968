// `npm run bench:startup`: how long `sdtd-play --version` and `--syntax-check` of the example take (and Ansible's, if installed).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../lib/cli.js';
import { median, table, updateDoc } from './report.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const CLI = join(ROOT, 'dist', 'bundle', 'sdtd-play.mjs');
const EXAMPLE = join(ROOT, 'playbooks', 'examples', 'webapp.yml');

/** Median wall time of a command over RUNS runs (after one warm-up run, so the file cache is warm for both tools). */
function time(argv: string[]): number | undefined {
  const first = spawnSync(argv[0], argv.slice(1), { cwd: ROOT, encoding: 'utf8' });
  if (first.status !== 0) return undefined;
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    spawnSync(argv[0], argv.slice(1), { cwd: ROOT });
    xs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(xs);
}

const ansible = spawnSync('ansible-playbook', ['--version']).status === 0;
const rows: string[][] = [];
for (const [what, ours, theirs] of [
  ['--version', ['node', CLI, '--version'], ['ansible-playbook', '--version']],
  [
    '--syntax-check of the example',
    ['node', CLI, '--syntax-check', '-i', 'localhost,', EXAMPLE],
    ['ansible-playbook', '--syntax-check', '-i', 'localhost,', EXAMPLE],
  ],
] as [string, string[], string[]][]) {
  const a = time(ours);
  const b = ansible ? time(theirs) : undefined;
  rows.push([
    what,
    a === undefined ? 'failed' : `${a.toFixed(0)} ms`,
    b === undefined ? 'n/a' : `${b.toFixed(0)} ms`,
    a && b ? `${(b / a).toFixed(1)}x` : '',
  ]);
}
const text = table(['command', 'sdtd-play', 'ansible-playbook', 'ratio'], rows);
process.stdout.write(`${text}\n`);
updateDoc(
  join(ROOT, 'docs', 'perf.md'),
  'startup',
  `${text}\n\nMedians of ${RUNS} runs each after one warm-up, ${new Date().toISOString().slice(0, 10)}.`,
);

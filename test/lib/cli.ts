// Runs the sdtd-play command line as users do (a child process) and captures what it prints and its exit code.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The project root, whether the tests run compiled (dist/test/lib) or from source with tsx (test/lib). */
export const ROOT = here.includes(`${join('dist', 'test')}`)
  ? join(here, '..', '..', '..')
  : join(here, '..', '..');
/** The command users run: the bundled CLI (one file loads much faster than hundreds of modules). */
const built = join(ROOT, 'dist', 'bundle', 'sdtd-play.mjs');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Parsed --json events, when --json was given. */
  events: Record<string, any>[];
}

export function cli(
  args: string[],
  opts: {
    cwd?: string;
    env?: Record<string, string>;
    stdin?: string;
    sigintWhen?: RegExp;
    asUser?: string;
  } = {},
): Promise<CliResult> {
  const useBuilt = here.includes(join('dist', 'test'));
  const cmd = useBuilt ? [built] : ['--import', 'tsx', join(ROOT, 'engine', 'cli.ts')];
  return new Promise((resolve, reject) => {
    // as another user: setpriv drops root before node starts
    const argv = [process.execPath, ...cmd, ...args];
    if (opts.asUser)
      argv.unshift('setpriv', `--reuid=${opts.asUser}`, `--regid=${opts.asUser}`, '--clear-groups');
    const child = spawn(argv[0], argv.slice(1), {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, CI: '1', ...opts.env },
    });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    child.stdout.on('data', (d) => {
      stdout += d;
      // Ctrl-C as a user would press it: once the output shows the moment to press it
      if (opts.sigintWhen && !signalled && opts.sigintWhen.test(stdout)) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const events = args.includes('--json')
        ? stdout
            .split('\n')
            .filter((l) => l.startsWith('{'))
            .map((l) => JSON.parse(l))
        : [];
      resolve({ code: code ?? -1, stdout, stderr, events });
    });
    child.stdin.end(opts.stdin ?? '');
  });
}

/** Tasks that ended with a status (summary results only, not per loop item), as "task name" strings. */
export function tasksWith(events: Record<string, any>[], status: string): string[] {
  return events
    .filter((e) => e.type === 'host_result' && !e.perItem && e.status === status)
    .map((e) => `${e.host}: ${e.task}`);
}

export function recap(events: Record<string, any>[]): Record<string, Record<string, number>> {
  return events.find((e) => e.type === 'recap')?.stats ?? {};
}

// Chooses the reporter: listr2 live view on a terminal, plain lines otherwise (CI), JSON lines with --json.
import type { Emit } from '../events.js';
import { jsonReporter } from './json.js';
import { liveReporter } from './live.js';
import { plainReporter } from './plain.js';

export type ReportMode = 'live' | 'plain' | 'json';

export function chooseMode(json: boolean, isTTY: boolean): ReportMode {
  if (json) return 'json';
  // a terminal with no width (some pseudo-terminals) cannot hold a live view: plain lines then
  return isTTY && !process.env.CI && (process.stdout.columns ?? 0) >= 40 ? 'live' : 'plain';
}

export function makeReporter(mode: ReportMode, verbosity: number): Emit {
  const sink = {
    out: (l: string) => process.stdout.write(`${l}\n`),
    err: (l: string) => process.stderr.write(`${l}\n`),
  };
  if (mode === 'json') return jsonReporter(sink.out);
  if (mode === 'live') return liveReporter(verbosity, sink);
  return plainReporter(verbosity, sink, false);
}

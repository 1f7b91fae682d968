// JSON reporter: newline-delimited events, one object per line, for machines.
import type { Emit } from '../events.js';

export function jsonReporter(write: (line: string) => void): Emit {
  return (e) => write(JSON.stringify({ ...e, time: new Date().toISOString() }));
}

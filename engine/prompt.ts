// Questions asked before a run (sudo and vault passwords, vars_prompt): on the terminal, or one line each from stdin.
import { createInterface, type Interface } from 'node:readline';

let rl: Interface | undefined;
const lines: string[] = [];
const waiting: ((line: string) => void)[] = [];
/** Whether what is typed is shown (vars_prompt with private: false); secrets are not. */
let echo = false;

/** One reader for every question, so that two secrets piped on stdin arrive in order, none lost. */
function reader(): Interface {
  if (rl) return rl;
  rl = createInterface({ input: process.stdin, output: process.stderr, terminal: !!process.stdin.isTTY });
  if (process.stdin.isTTY) {
    // readline echoes what is typed through this method: keep secrets off the screen
    const r = rl as unknown as { _writeToOutput: (s: string) => void };
    const write = r._writeToOutput.bind(r);
    r._writeToOutput = (s) => {
      if (echo) write(s);
    };
  }
  rl.on('line', (l) => (waiting.length ? waiting.shift()!(l) : lines.push(l)));
  rl.on('close', () => {
    for (const w of waiting.splice(0)) w('');
  });
  return rl;
}

/** Ask one question (a secret unless SHOW: not echoed on a terminal). Lines piped on stdin answer in order. */
export function ask(label: string, show = false): Promise<string> {
  reader();
  echo = show;
  if (process.stdin.isTTY) process.stderr.write(`${label}: `);
  return new Promise((resolve) => {
    const done = (l: string) => {
      if (process.stdin.isTTY && !show) process.stderr.write('\n');
      resolve(l);
    };
    if (lines.length) done(lines.shift()!);
    else waiting.push(done);
  });
}

/** Stop reading stdin once every secret is in (the run must not wait for more input). */
export function closePrompts(): void {
  rl?.close();
  rl = undefined;
}

// Secrets asked once per run (sudo's and the vault's passwords): from the terminal without echo, else one line each from stdin.
import { createInterface, type Interface } from 'node:readline';

let rl: Interface | undefined;
const lines: string[] = [];
const waiting: ((line: string) => void)[] = [];

/** One reader for every question, so that two secrets piped on stdin arrive in order, none lost. */
function reader(): Interface {
  if (rl) return rl;
  rl = createInterface({ input: process.stdin, output: process.stderr, terminal: !!process.stdin.isTTY });
  if (process.stdin.isTTY) {
    // readline echoes what is typed through this method: keep the secret off the screen
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
  }
  rl.on('line', (l) => (waiting.length ? waiting.shift()!(l) : lines.push(l)));
  rl.on('close', () => {
    for (const w of waiting.splice(0)) w('');
  });
  return rl;
}

export function askSecret(label: string): Promise<string> {
  reader();
  if (process.stdin.isTTY) process.stderr.write(`${label}: `);
  return new Promise((resolve) => {
    const done = (l: string) => {
      if (process.stdin.isTTY) process.stderr.write('\n');
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

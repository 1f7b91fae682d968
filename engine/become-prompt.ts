// --ask-become-pass: read sudo's password once, from the terminal without echo, or as the first line of stdin.
import { createInterface } from 'node:readline';

export function askBecomePassword(): Promise<string> {
  const rl = createInterface({
    input: process.stdin,
    output: process.stderr,
    terminal: !!process.stdin.isTTY,
  });
  if (process.stdin.isTTY) {
    process.stderr.write('BECOME password: ');
    // readline echoes what is typed through this method: keep the password off the screen
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
  }
  return new Promise((resolve) =>
    rl.once('line', (line) => {
      rl.close();
      if (process.stdin.isTTY) process.stderr.write('\n');
      resolve(line);
    }),
  );
}

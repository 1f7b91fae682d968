// The `local` transport: the manager itself, through /bin/sh child processes.
import { spawn } from 'node:child_process';
import { chmod, copyFile, readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { type ExecOptions, type ExecResult, type Transport, wrapCommand } from './transport.js';

export class LocalTransport implements Transport {
  readonly kind = 'local';
  readonly user = userInfo().username;

  exec(cmd: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const w = wrapCommand(cmd, opts, this.user);
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', w.cmd], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      const timer = opts.timeoutMs
        ? setTimeout(() => {
            timedOut = true;
            // the whole process group: a shell's children must not outlive the timeout
            try {
              process.kill(-child.pid!, 'SIGKILL');
            } catch {}
          }, opts.timeoutMs)
        : undefined;
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      child.on('error', reject);
      child.stdin.on('error', () => {}); // the command may exit without reading its stdin
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        resolve({
          rc: timedOut ? 124 : (code ?? (signal ? 128 + 9 : 1)),
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          ...(timedOut ? { timedOut } : {}),
        });
      });
      child.stdin.end(w.stdin ?? '');
    });
  }

  async put(path: string, content: Buffer | string, opts: { mode?: number } = {}): Promise<void> {
    await writeFile(path, content, { mode: opts.mode ?? 0o600 });
  }

  async putFile(localPath: string, path: string): Promise<void> {
    await copyFile(localPath, path);
    await chmod(path, 0o600);
  }

  get(path: string): Promise<Buffer> {
    return readFile(path);
  }

  async close(): Promise<void> {}
}

// Multiplexes commands as SSH channels over one connection, within the server's MaxSessions (extra ones queue).
import type { Client, ClientChannel } from 'ssh2';
import type { ExecResult } from './transport.js';

interface Waiter {
  resolve: () => void;
  reject: (e: Error) => void;
}

export class ChannelPool {
  private running = 0;
  private readonly queue: Waiter[] = [];
  private readonly live = new Set<(e: Error) => void>();
  private failed?: Error;

  constructor(
    private readonly client: Client,
    private limit: number,
  ) {}

  private async slot(): Promise<void> {
    if (this.failed) throw this.failed;
    if (this.running < this.limit) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve, reject) => this.queue.push({ resolve, reject }));
    this.running++;
  }

  private release(): void {
    this.running--;
    this.queue.shift()?.resolve();
  }

  /** Every queued and running command fails with this error (the connection dropped): never a hang. */
  failAll(e: Error): void {
    this.failed ??= e;
    for (const w of this.queue.splice(0)) w.reject(e);
    for (const f of this.live) f(e);
  }

  async exec(cmd: string, stdin: string | Buffer | undefined, timeoutMs?: number): Promise<ExecResult> {
    for (let refused = 0; ; refused++) {
      await this.slot();
      try {
        return await this.run(cmd, stdin, timeoutMs);
      } catch (e) {
        // the server refused another session (its MaxSessions is lower than ours, or it has not yet
        // freed a closed one): use fewer at once and try again shortly
        if (!/open failure|prohibited/i.test((e as Error).message) || this.failed || refused >= 100) throw e;
        this.limit = Math.max(1, Math.min(this.limit, this.running - 1));
      } finally {
        this.release();
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private run(cmd: string, stdin: string | Buffer | undefined, timeoutMs?: number): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      this.client.exec(cmd, (err, stream: ClientChannel) => {
        if (err) return reject(err);
        const out: Buffer[] = [];
        const errs: Buffer[] = [];
        let code: number | null = null;
        let signal: string | undefined;
        let timedOut = false;
        const fail = (e: Error) => {
          cleanup();
          reject(e);
        };
        this.live.add(fail);
        const timer = timeoutMs
          ? setTimeout(() => {
              timedOut = true;
              stream.signal('KILL');
              stream.close();
            }, timeoutMs)
          : undefined;
        const cleanup = () => {
          if (timer) clearTimeout(timer);
          this.live.delete(fail);
        };
        stream.on('data', (d: Buffer) => out.push(d));
        stream.stderr.on('data', (d: Buffer) => errs.push(d));
        stream.on('exit', (c: number | null, sig?: string) => {
          code = c;
          signal = sig;
        });
        stream.on('close', () => {
          cleanup();
          resolve({
            rc: timedOut ? 124 : (code ?? (signal ? 128 + 9 : 255)),
            stdout: Buffer.concat(out).toString('utf8'),
            stderr: Buffer.concat(errs).toString('utf8'),
            ...(timedOut ? { timedOut } : {}),
          });
        });
        stream.end(stdin ?? '');
      });
    });
  }
}

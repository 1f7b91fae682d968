// The SSH transport (ssh2): one connection per host for the whole run, commands multiplexed as channels, SFTP for files.
import { homedir } from 'node:os';
import { Client, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import type { ConnectionInfo } from '../connections.js';
import { hostId, knownKeys, verifyHostKey } from './known-hosts.js';
import { authConfig, defaultUser, noKeyMessage } from './ssh-auth.js';
import { ChannelPool } from './ssh-channels.js';
import { connectJump, parseJump } from './ssh-jump.js';
import {
  type ExecOptions,
  type ExecResult,
  type Transport,
  UnreachableError,
  wrapCommand,
} from './transport.js';

const RSA = ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];

export interface SshSettings {
  knownHostsFile: string;
  trustNewHosts: boolean;
  connectTimeoutMs: number;
  retries: number;
  maxSessions: number;
}

export function sshSettings(vars: Record<string, unknown> = {}): SshSettings {
  return {
    knownHostsFile: String(
      vars.sdtd_known_hosts_file ?? process.env.SDTD_KNOWN_HOSTS ?? `${homedir()}/.ssh/known_hosts`,
    ),
    trustNewHosts: process.env.SDTD_TRUST_NEW_HOSTS === '1',
    connectTimeoutMs: Number(vars.sdtd_connect_timeout ?? 10) * 1000,
    retries: Number(vars.sdtd_connect_retries ?? 3),
    maxSessions: Number(vars.sdtd_ssh_max_sessions ?? 10),
  };
}

/** Open a connection, retrying a few times on refused/timed-out connects (hosts that are still booting). */
export async function connectSsh(info: ConnectionInfo, s: SshSettings): Promise<SshTransport> {
  const port = info.port ?? 22;
  const names = [...new Set([info.name, info.address].map((n) => hostId(n, port)))];
  const known = knownKeys(s.knownHostsFile, names).map((k) => k.type);
  const preferred = known.flatMap((t) => (t === 'ssh-rsa' ? RSA : [t]));
  const user = info.user ?? defaultUser();
  let auth: Partial<ConnectConfig>;
  try {
    auth = authConfig(user, info.privateKeyFile);
  } catch (e) {
    throw new UnreachableError(info.name, (e as Error).message);
  }
  let lastError: Error | undefined;
  for (let attempt = 0; attempt <= s.retries; attempt++) {
    if (attempt) await new Promise((r) => setTimeout(r, 500 * 2 ** (attempt - 1)));
    let refusal: string | undefined;
    const client = new Client();
    try {
      const sock = info.jumpHost
        ? await connectJump(parseJump(info.jumpHost), info.address, port, s, info.privateKeyFile)
        : undefined;
      await new Promise<void>((resolve, reject) => {
        client.once('ready', () => {
          // one small packet per command: without TCP_NODELAY, Nagle and delayed ACKs add ~40 ms to each
          client.setNoDelay(true);
          resolve();
        });
        client.once('error', reject);
        client.connect({
          host: info.address,
          port,
          sock,
          readyTimeout: s.connectTimeoutMs,
          keepaliveInterval: 5000,
          keepaliveCountMax: 3,
          ...auth,
          ...(preferred.length ? { algorithms: { serverHostKey: preferred as never } } : {}),
          hostVerifier: (key: Buffer) => {
            const v = verifyHostKey(s.knownHostsFile, info.name, names, key, s.trustNewHosts);
            if (!v.ok) refusal = v.message;
            return v.ok;
          },
        });
      });
      return new SshTransport(client, info, s);
    } catch (e) {
      client.end();
      if (refusal) throw new UnreachableError(info.name, refusal);
      lastError = e as Error;
      const level = (e as { level?: string }).level;
      if (level === 'client-authentication') {
        if (Array.isArray(auth.authHandler) && auth.authHandler.length === 0)
          lastError = new Error(noKeyMessage(user));
        break; // a wrong key does not get better by retrying
      }
    }
  }
  throw new UnreachableError(
    info.name,
    `cannot connect to ${user}@${info.address}:${port}: ${lastError?.message}`,
  );
}

export class SshTransport implements Transport {
  readonly kind = 'ssh';
  readonly user: string;
  private dropped?: string;
  private sftpSession?: Promise<SFTPWrapper>;
  private readonly channels: ChannelPool;

  constructor(
    private readonly client: Client,
    private readonly info: ConnectionInfo,
    s: SshSettings,
  ) {
    this.user = info.user ?? defaultUser();
    this.channels = new ChannelPool(client, s.maxSessions);
    const drop = (why: string) => {
      this.dropped ??= why;
      this.channels.failAll(new UnreachableError(info.name, `connection dropped: ${why}`));
    };
    client.on('error', (e) => drop(e.message));
    client.on('close', () => drop('closed by the remote host'));
  }

  async exec(cmd: string, opts: ExecOptions = {}): Promise<ExecResult> {
    if (this.dropped) throw new UnreachableError(this.info.name, `connection dropped: ${this.dropped}`);
    const w = wrapCommand(cmd, opts, this.user);
    return this.channels.exec(w.cmd, w.stdin, opts.timeoutMs);
  }

  private sftp(): Promise<SFTPWrapper> {
    this.sftpSession ??= new Promise((resolve, reject) =>
      this.client.sftp((err, s) => (err ? reject(err) : resolve(s))),
    );
    return this.sftpSession;
  }

  async put(path: string, content: Buffer | string, opts: { mode?: number } = {}): Promise<void> {
    const sftp = await this.sftp();
    await new Promise<void>((resolve, reject) =>
      sftp.writeFile(path, content, { mode: opts.mode ?? 0o600 }, (err) => (err ? reject(err) : resolve())),
    );
  }

  async putFile(localPath: string, path: string): Promise<void> {
    const sftp = await this.sftp();
    await new Promise<void>((resolve, reject) =>
      sftp.fastPut(localPath, path, { mode: 0o600 }, (err) => (err ? reject(err) : resolve())),
    );
  }

  async get(path: string): Promise<Buffer> {
    const sftp = await this.sftp();
    return new Promise((resolve, reject) =>
      sftp.readFile(path, (err, data) => (err ? reject(err) : resolve(data))),
    );
  }

  async close(): Promise<void> {
    this.dropped ??= 'closed';
    this.client.end();
  }
}

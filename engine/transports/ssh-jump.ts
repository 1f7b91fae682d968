// Jump hosts (ProxyJump): reach private hosts through a bastion, one shared connection per bastion.

import type { Duplex } from 'node:stream';
import { Client } from 'ssh2';
import { hostId, verifyHostKey } from './known-hosts.js';
import type { SshSettings } from './ssh.js';
import { authConfig, defaultUser } from './ssh-auth.js';
import { UnreachableError } from './transport.js';

export interface JumpSpec {
  user?: string;
  host: string;
  port: number;
}

/** `user@host:port`, or an ansible_ssh_common_args value holding `-o ProxyJump=...` / `-J ...`. */
export function parseJump(spec: string): JumpSpec {
  const m = /(?:ProxyJump[= ]|-J\s*)([^\s'"]+)/.exec(spec);
  const s = (m ? m[1] : spec).split(',')[0];
  const at = s.lastIndexOf('@');
  const user = at >= 0 ? s.slice(0, at) : undefined;
  const [host, port] = (at >= 0 ? s.slice(at + 1) : s).split(':');
  return { user, host, port: port ? Number(port) : 22 };
}

const jumps = new Map<string, Promise<Client>>();

function openJump(j: JumpSpec, s: SshSettings, keyFile?: string): Promise<Client> {
  const key = `${j.user}@${j.host}:${j.port}`;
  let c = jumps.get(key);
  if (!c) {
    c = new Promise<Client>((resolve, reject) => {
      const client = new Client();
      let refusal: string | undefined;
      client.once('ready', () => {
        client.setNoDelay(true);
        resolve(client);
      });
      client.once('error', (e) => {
        jumps.delete(key);
        reject(new UnreachableError(j.host, `jump host: ${refusal ?? e.message}`));
      });
      client.on('close', () => jumps.delete(key));
      client.connect({
        host: j.host,
        port: j.port,
        readyTimeout: s.connectTimeoutMs,
        keepaliveInterval: 5000,
        ...authConfig(j.user ?? defaultUser(), keyFile),
        hostVerifier: (k: Buffer) => {
          const v = verifyHostKey(s.knownHostsFile, j.host, [hostId(j.host, j.port)], k, s.trustNewHosts);
          if (!v.ok) refusal = v.message;
          return v.ok;
        },
      });
    });
    jumps.set(key, c);
  }
  return c;
}

/** A stream to address:port through the jump host (authenticated with the target's key unless SDTD_JUMP_KEY is set). */
export async function connectJump(
  j: JumpSpec,
  address: string,
  port: number,
  s: SshSettings,
  keyFile?: string,
): Promise<Duplex> {
  const client = await openJump(j, s, process.env.SDTD_JUMP_KEY ?? keyFile);
  return new Promise((resolve, reject) =>
    client.forwardOut('127.0.0.1', 0, address, port, (err, stream) => (err ? reject(err) : resolve(stream))),
  );
}

export async function closeJumps(): Promise<void> {
  const all = [...jumps.values()];
  jumps.clear();
  for (const c of all) (await c.catch(() => undefined))?.end();
}

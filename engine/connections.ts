// One connection per host for the whole run, opened on first use from the host's connection variables.
import { SdtdError } from './errors.js';
import { LocalTransport } from './transports/local.js';
import { connectSsh, sshSettings } from './transports/ssh.js';
import { closeJumps } from './transports/ssh-jump.js';
import { type Transport, UnreachableError } from './transports/transport.js';

/** How to reach a host: from ansible_* or sdtd_* variables (sdtd_ wins), the play's `connection:`, or implicit localhost. */
export interface ConnectionInfo {
  host: string;
  connection: string;
  address: string;
  user?: string;
  port?: number;
  privateKeyFile?: string;
  jumpHost?: string;
  sshCommonArgs?: string;
  /** Variables transports read their own settings from (known_hosts file, timeouts). */
  vars: Record<string, unknown>;
}

export function connectionInfo(
  host: string,
  vars: Record<string, unknown>,
  playConnection?: string,
): ConnectionInfo {
  const v = (name: string) =>
    (vars[`sdtd_${name}`] ?? vars[`ansible_${name}`]) as string | number | undefined;
  const implicitLocal = host === 'localhost' || host === '127.0.0.1';
  const connection = String(playConnection ?? v('connection') ?? (implicitLocal ? 'local' : 'ssh'));
  return {
    host,
    connection,
    address: String(v('host') ?? host),
    user: (v('user') as string | undefined) ?? (vars.ansible_ssh_user as string | undefined),
    port: v('port') === undefined ? undefined : Number(v('port')),
    privateKeyFile: (vars.sdtd_private_key_file ??
      vars.ansible_ssh_private_key_file ??
      vars.ansible_private_key_file) as string | undefined,
    jumpHost: (vars.sdtd_jump_host as string | undefined) ?? proxyJump(vars.ansible_ssh_common_args),
    sshCommonArgs: vars.ansible_ssh_common_args as string | undefined,
    vars,
  };
}

/** A ProxyJump inside ansible_ssh_common_args (`-o ProxyJump=user@bastion` or `-J bastion`). */
function proxyJump(args: unknown): string | undefined {
  return typeof args === 'string' && /ProxyJump[= ]|-J\s/.test(args) ? args : undefined;
}

export type TransportFactory = (info: ConnectionInfo) => Promise<Transport>;

const factories = new Map<string, TransportFactory>([
  ['local', async () => new LocalTransport()],
  ['ssh', (info) => connectSsh(info, sshSettings(info.vars))],
]);

/** Transports register here by connection type (local is built in; ssh registers itself). */
export function registerTransport(kind: string, f: TransportFactory): void {
  factories.set(kind, f);
}

export class Connections {
  private readonly open = new Map<string, Promise<Transport>>();

  /** The host's transport, connecting on first use; a failed connect marks the host unreachable. */
  get(info: ConnectionInfo): Promise<Transport> {
    const key = `${info.host}|${info.connection}`;
    let t = this.open.get(key);
    if (!t) {
      const f = factories.get(info.connection);
      if (!f)
        return Promise.reject(
          new SdtdError(
            'schema',
            `expected a connection type among ${[...factories.keys()].join(', ')} (got "${info.connection}" for ${info.host})`,
          ),
        );
      t = f(info).catch((e) => {
        this.open.delete(key);
        throw e instanceof SdtdError ? e : new UnreachableError(info.host, (e as Error).message);
      });
      this.open.set(key, t);
    }
    return t;
  }

  async reset(host: string): Promise<void> {
    for (const [k, t] of this.open) {
      if (!k.startsWith(`${host}|`)) continue;
      this.open.delete(k);
      await (await t.catch(() => undefined))?.close();
    }
  }

  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map(async (t) => (await t.catch(() => undefined))?.close()));
    await closeJumps();
  }
}

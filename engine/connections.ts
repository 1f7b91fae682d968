// One connection per host for the whole run, opened on first use from the host's connection variables.
import { SdtdError } from './errors.js';
import { connectionFromVars, type HostConnection } from './inventory/host-vars.js';
import { LocalTransport } from './transports/local.js';
import { connectSsh, sshSettings } from './transports/ssh.js';
import { closeJumps } from './transports/ssh-jump.js';
import { type Transport, UnreachableError } from './transports/transport.js';

/** How to reach a host (inventory/host-vars.ts reads the variables), plus the variables transports read their own settings from (known_hosts file, timeouts). */
export interface ConnectionInfo extends HostConnection {
  vars: Record<string, unknown>;
}

/** The play's `connection:` wins over the host's variables; localhost with no connection variable is local. */
export function connectionInfo(
  host: string,
  vars: Record<string, unknown>,
  playConnection?: string,
): ConnectionInfo {
  const c = connectionFromVars(host, vars);
  const implicitLocal =
    (host === 'localhost' || host === '127.0.0.1') &&
    vars.sdtd_connection === undefined &&
    vars.ansible_connection === undefined;
  return { ...c, connection: playConnection ?? (implicitLocal ? 'local' : c.connection), vars };
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
    const key = `${info.name}|${info.connection}`;
    let t = this.open.get(key);
    if (!t) {
      const f = factories.get(info.connection);
      if (!f)
        return Promise.reject(
          new SdtdError(
            'schema',
            `expected a connection type among ${[...factories.keys()].join(', ')} (got "${info.connection}" for ${info.name})`,
          ),
        );
      t = f(info).catch((e) => {
        this.open.delete(key);
        throw e instanceof SdtdError ? e : new UnreachableError(info.name, (e as Error).message);
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

// The test fleet: real Debian hosts (systemd, OpenSSH, apt, Monit) reached over SSH, as the product reaches them.

import { connectionInfo } from '../../engine/connections.js';
import { makeHost } from '../../engine/host.js';
import { loadInventory } from '../../engine/inventory/index.js';
import type { Host } from '../../engine/module.js';
import { renderText } from '../../engine/render.js';
import { connectSsh, sshSettings } from '../../engine/transports/ssh.js';
import type { Transport } from '../../engine/transports/transport.js';

/** The inventory the tests use: $SDTD_TEST_INVENTORY, else the local fleet's dynamic inventory. */
export const FLEET_INVENTORY = process.env.SDTD_TEST_INVENTORY ?? 'inventory/local';

export interface FleetHost {
  name: string;
  transport: Transport;
  host: Host;
  /** Run a command on the host as root (plain SSH, not through a module); stdout, or an error on failure. */
  sh(cmd: string, stdin?: string): Promise<string>;
}

const open = new Map<string, Promise<FleetHost>>();

export async function fleetHostNames(): Promise<string[]> {
  const inv = await loadInventory([FLEET_INVENTORY]);
  return inv.hostNames();
}

/** A connection to one fleet host, shared by the tests of a run. */
export function fleetHost(name: string, vars: Record<string, unknown> = {}): Promise<FleetHost> {
  let h = open.get(name);
  if (!h) {
    h = (async () => {
      const inv = await loadInventory([FLEET_INVENTORY]);
      const hv = inv.hostVars(name);
      const transport = await connectSsh(connectionInfo(name, hv), sshSettings(hv));
      const host = makeHost({
        name,
        transport,
        vars: { ...hv, ...vars },
        searchDirs: [],
        render: (t) => renderText(t, { ...hv, ...vars }),
      });
      const sh = async (cmd: string, stdin?: string) => {
        const r = await transport.exec(cmd, { stdin });
        if (r.rc !== 0) throw new Error(`${name}: ${cmd}: rc ${r.rc}: ${r.stderr.trim()}`);
        return r.stdout;
      };
      return { name, transport, host, sh };
    })();
    open.set(name, h);
  }
  return h;
}

export async function closeFleet(): Promise<void> {
  for (const h of open.values()) (await h.catch(() => undefined))?.transport.close();
  open.clear();
}

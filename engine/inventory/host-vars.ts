// A host's inventory variables merged in Ansible's order, its magic variables, and how to connect to it.
import { dirname } from 'node:path';
import { describeValue, type Position, SdtdError } from '../errors.js';
import type { Inventory } from './inventory.js';
import type { Vars } from './model.js';
import type { VarsDir } from './vars-dirs.js';

/** How to reach a host. `connection` is ssh unless a variable says otherwise (local for the implicit localhost). */
export interface HostConnection {
  name: string;
  address: string;
  user?: string;
  port?: number;
  connection: string;
  privateKeyFile?: string;
  sshCommonArgs?: string;
  jumpHost?: string;
}

/** Groups in the order their variables apply: by depth (parents first), then ansible_group_priority, then name. */
export function sortGroups(inv: Inventory, names: string[]): string[] {
  const key = (g: string) => [inv.depth(g), inv.groupMap.get(g)?.priority ?? 1] as const;
  return [...names].sort((a, b) => {
    const [da, pa] = key(a);
    const [db, pb] = key(b);
    return da - db || pa - pb || (a < b ? -1 : a > b ? 1 : 0);
  });
}

/**
 * Ansible's VARIABLE_PRECEDENCE for inventory variables, low to high: -u/--private-key, `all` from the inventory sources, the other
 * groups from the sources, group_vars/all (inventory-adjacent, then playbook-adjacent), group_vars/GROUP (same),
 * then the host's variables from the sources, host_vars/ inventory-adjacent, host_vars/ playbook-adjacent.
 * Top-level keys replace (hash_behaviour=replace). `origin` tells which object each key came from.
 */
export function computeHostVars(inv: Inventory, name: string): { vars: Vars; origin: Map<string, object> } {
  const host = inv.requireHost(name);
  const vars: Vars = {};
  const origin = new Map<string, object>();
  const put = (src: Vars) => {
    for (const [k, v] of Object.entries(src)) {
      vars[k] = v;
      origin.set(k, src);
    }
  };
  const fromDirs = (dirs: VarsDir[], kind: 'group' | 'host', names: string[]) => {
    for (const d of dirs) for (const n of names) for (const f of d.files(kind, n)) put(f);
  };
  const groups = sortGroups(
    inv,
    inv.hostGroups(host.name).filter((g) => g !== 'all'),
  );
  put(inv.connectionDefaults);
  put(inv.groupMap.get('all')!.vars);
  for (const g of groups) put(inv.groupMap.get(g)!.vars);
  fromDirs(inv.inventoryVarsDirs, 'group', ['all']);
  fromDirs(inv.playbookVarsDirs, 'group', ['all']);
  fromDirs(inv.inventoryVarsDirs, 'group', groups);
  fromDirs(inv.playbookVarsDirs, 'group', groups);
  put(host.vars);
  fromDirs(inv.inventoryVarsDirs, 'host', [host.name]);
  fromDirs(inv.playbookVarsDirs, 'host', [host.name]);
  return { vars, origin };
}

/** Load every group_vars/host_vars file of known groups and hosts now, so that their errors show at load time. */
export function checkVarsDirs(inv: Inventory, dirs: VarsDir[]): void {
  for (const d of dirs) {
    for (const g of inv.groupMap.keys()) d.files('group', g);
    for (const h of inv.hostMap.keys()) d.files('host', h);
  }
}

const IP = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)$/;

export function magicVars(inv: Inventory, name: string): Vars {
  const host = inv.requireHost(name);
  const out: Vars = {
    inventory_hostname: host.name,
    inventory_hostname_short: IP.test(host.name) ? host.name : host.name.split('.')[0],
    group_names: inv.groupNames(host.name),
  };
  if (host.file) {
    out.inventory_file = host.file;
    out.inventory_dir = dirname(host.file);
  }
  return out;
}

/** How to reach a host, from its merged inventory variables; errors point where the bad value was set. */
export function connectionOf(inv: Inventory, name: string, given?: Vars): HostConnection {
  const host = inv.requireHost(name);
  return connectionFromVars(host.name, given ?? inv.hostVars(host.name), (key) =>
    given ? undefined : inv.varOrigin(host.name, key),
  );
}

/**
 * How to reach a host, from variables (the inventory's, or the engine's rendered ones). Of the spellings of each
 * setting the first set one wins: sdtd_, then ansible_, then the older ansible_ssh_ aliases.
 */
export function connectionFromVars(
  name: string,
  vars: Vars,
  originOf: (key: string) => Position | undefined = () => undefined,
): HostConnection {
  const pick = (keys: string[], type: 'string' | 'port'): string | number | undefined => {
    for (const k of keys) {
      const v = vars[k];
      if (v === undefined || v === null || v === '') continue;
      if (type === 'port') {
        const n =
          typeof v === 'number'
            ? v
            : typeof v === 'string' && /^\d+$/.test(v.trim())
              ? Number(v)
              : Number.NaN;
        if (Number.isInteger(n) && n > 0 && n < 65536) return n;
        throw bad(k, v, 'a port number between 1 and 65535');
      }
      if (typeof v === 'string' || typeof v === 'number') return String(v);
      throw bad(k, v, 'a string');
    }
    return undefined;
  };
  const bad = (key: string, v: unknown, what: string) =>
    new SdtdError('inventory', `expected ${what} (got ${describeValue(v)})`, {
      pos: originOf(key),
      where: `host "${name}" > ${key}`,
    });
  const conn = pick(['sdtd_connection', 'ansible_connection'], 'string') as string | undefined;
  const out: HostConnection = {
    name,
    address:
      (pick(['sdtd_host', 'ansible_host', 'ansible_ssh_host'], 'string') as string | undefined) ?? name,
    connection: !conn || conn === 'smart' ? 'ssh' : conn,
  };
  const common = pick(['sdtd_ssh_common_args', 'ansible_ssh_common_args'], 'string') as string | undefined;
  const opt = {
    user: pick(['sdtd_user', 'ansible_user', 'ansible_ssh_user'], 'string'),
    port: pick(['sdtd_port', 'ansible_port', 'ansible_ssh_port'], 'port'),
    privateKeyFile: pick(
      ['sdtd_private_key_file', 'ansible_ssh_private_key_file', 'ansible_private_key_file'],
      'string',
    ),
    sshCommonArgs: common,
    jumpHost: pick(['sdtd_jump_host'], 'string') ?? proxyJump(common),
  };
  for (const [k, v] of Object.entries(opt)) if (v !== undefined) (out as unknown as Vars)[k] = v;
  return out;
}

/** A ProxyJump inside ansible_ssh_common_args (`-o ProxyJump=user@bastion` or `-J bastion`). */
function proxyJump(args: string | undefined): string | undefined {
  return args && /ProxyJump[= ]|-J\s/.test(args) ? args : undefined;
}

// What `sdtd-play inventory --graph / --list / --host` print, in ansible-inventory's formats.
import { SdtdError } from '../errors.js';
import type { Inventory } from './inventory.js';
import type { Vars } from './model.js';

/** Magic variables ansible-inventory leaves out of --list and --host. */
const INTERNAL = [
  'inventory_file',
  'inventory_dir',
  'inventory_hostname',
  'inventory_hostname_short',
  'group_names',
  'groups',
  'omit',
  'playbook_dir',
];

function withoutInternal(vars: Vars): Vars {
  const out = { ...vars };
  for (const k of INTERNAL) delete out[k];
  return out;
}

/** ansible-inventory --graph [GROUP]: `@all:`, `  |--@web:`, `  |  |--web1`; children first, then hosts. */
export function graph(inv: Inventory, group = 'all'): string {
  if (!inv.groupMap.has(group)) {
    throw new SdtdError('inventory', `expected a group name for --graph (got "${group}")`, {
      where: '--graph',
    });
  }
  const line = (name: string, depth: number) => (depth ? `${'  |'.repeat(depth)}--${name}` : name);
  const out: string[] = [];
  const walk = (name: string, depth: number) => {
    const g = inv.groupMap.get(name)!;
    out.push(line(`@${name}:`, depth));
    for (const c of g.children) walk(c, depth + 1);
    if (name !== 'all') for (const h of g.hosts) out.push(line(h, depth + 1));
  };
  walk(group, 0);
  return out.join('\n');
}

/** A group's own variables as --list --export shows them: inventory sources, then group_vars/ files. */
function groupVars(inv: Inventory, name: string): Vars {
  const g = inv.groupMap.get(name)!;
  const out: Vars = { ...g.vars };
  for (const d of [...inv.inventoryVarsDirs, ...inv.playbookVarsDirs])
    for (const f of d.files('group', name)) Object.assign(out, f);
  if (g.priority !== 1) out.ansible_group_priority = g.priority;
  return withoutInternal(out);
}

/** A host's own variables (--export): inventory sources, then host_vars/ files, without group variables. */
function ownHostVars(inv: Inventory, name: string): Vars {
  const out: Vars = { ...inv.requireHost(name).vars };
  for (const d of [...inv.inventoryVarsDirs, ...inv.playbookVarsDirs])
    for (const f of d.files('host', name)) Object.assign(out, f);
  return withoutInternal(out);
}

export interface ListOptions {
  /** --export: group vars on the groups and only the host's own vars in _meta (default: merged host vars). */
  export?: boolean;
}

/**
 * ansible-inventory --list: each group with its direct `hosts` and `children` (and `vars` with export), empty keys
 * and empty groups left out, `all` without hosts; `_meta.hostvars` the variables of each host that has some.
 */
export function list(inv: Inventory, opts: ListOptions = {}): Record<string, unknown> {
  const hosts = inv.hostNames();
  const available = new Set(hosts);
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  const walk = (name: string) => {
    const g = inv.groupMap.get(name)!;
    const entry: Record<string, unknown> = {};
    if (name !== 'all') entry.hosts = g.hosts.filter((h) => available.has(h));
    entry.children = [...g.children];
    for (const c of g.children) {
      if (seen.has(c)) continue;
      seen.add(c);
      walk(c);
    }
    if (opts.export) entry.vars = groupVars(inv, name);
    for (const k of ['hosts', 'children', 'vars']) {
      const v = entry[k];
      if (v !== undefined && (Array.isArray(v) ? !v.length : !Object.keys(v as object).length))
        delete entry[k];
    }
    if (Object.keys(entry).length) out[name] = entry;
  };
  walk('all');
  const hostvars: Record<string, Vars> = {};
  for (const h of hosts) {
    const v = opts.export ? ownHostVars(inv, h) : hostInfo(inv, h);
    if (Object.keys(v).length) hostvars[h] = v;
  }
  out._meta = { hostvars };
  return out;
}

/** ansible-inventory --host NAME: the host's merged inventory variables. */
export function hostInfo(inv: Inventory, name: string): Vars {
  return withoutInternal(inv.hostVars(inv.requireHost(name, '--host').name));
}

/** JSON as ansible-inventory prints it: keys sorted, four-space indent. */
export function toJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v === null || typeof v !== 'object') return v;
    // values with their own JSON form (a !vault value shows as {"__ansible_vault": ...})
    if (typeof (v as { toJSON?: unknown }).toJSON === 'function')
      return (v as { toJSON(): unknown }).toJSON();
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sort((v as Vars)[k])]),
    );
  };
  return JSON.stringify(sort(value), null, 4);
}

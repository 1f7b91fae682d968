// The Inventory the engine and the CLI use: the model plus group_names/groups, merged host vars, connections, patterns.
import { resolve } from 'node:path';
import type { Position } from '../errors.js';
import { SdtdError } from '../errors.js';
import { checkVarsDirs, computeHostVars, connectionOf, type HostConnection, magicVars } from './host-vars.js';
import { type Host, InventoryData, LOCALHOST_NAMES, type Vars } from './model.js';
import { applyLimit, type LimitOptions, type SelectOptions, select } from './patterns.js';
import { varPos } from './positions.js';
import { VarsDir } from './vars-dirs.js';

export type { HostConnection, LimitOptions, SelectOptions };

export class Inventory extends InventoryData {
  /** Every inventory host, in inventory order (the implicit localhost is not one). */
  hostNames(): string[] {
    return this.groupHosts('all');
  }

  /** The `groups` magic variable: every group, all and ungrouped included, to its hosts. */
  groups(): Record<string, string[]> {
    return this.cached('groups', () =>
      Object.fromEntries([...this.groupMap.keys()].map((g) => [g, this.groupHosts(g)])),
    );
  }

  /** The groups a host is in, directly or through a child group, `all` included. */
  hostGroups(host: string): string[] {
    const h = this.resolveHost(host);
    if (!h || h.implicit) return [];
    const out = new Set<string>();
    for (const g of h.groups) {
      out.add(g);
      for (const a of this.ancestors(g)) out.add(a);
    }
    return [...out];
  }

  /** Ansible's group_names: sorted, without `all` (`ungrouped` stays, as in Ansible). */
  groupNames(host: string): string[] {
    return this.hostGroups(host)
      .filter((g) => g !== 'all')
      .sort();
  }

  /** A host by name; a localhost name that is not in the inventory gives the implicit localhost. */
  resolveHost(name: string): Host | undefined {
    const h = this.hostMap.get(name);
    if (h || !LOCALHOST_NAMES.includes(name)) return h;
    if (!this.localhost)
      this.localhost = { name, groups: [], vars: { ansible_connection: 'local' }, implicit: true };
    return this.localhost;
  }

  requireHost(name: string, where?: string): Host {
    const h = this.resolveHost(name);
    if (!h)
      throw new SdtdError('inventory', `expected a host of the inventory (got unknown host "${name}")`, {
        where,
      });
    return h;
  }

  private merged(name: string) {
    return this.cached(`vars:${name}`, () => computeHostVars(this, name));
  }

  /** Merged inventory variables of a host, in Ansible's order (docs/inventory.md). A fresh copy. */
  hostVars(name: string): Vars {
    return { ...this.merged(name).vars };
  }

  /** Where a host's merged variable was set, for error messages. */
  varOrigin(name: string, key: string): Position | undefined {
    const src = this.merged(name).origin.get(key);
    return src ? varPos(src, key) : undefined;
  }

  /** How to reach a host, from its merged vars or from VARS (e.g. the engine's rendered ones). */
  connection(name: string, vars?: Vars): HostConnection {
    return connectionOf(this, name, vars);
  }

  /** inventory_hostname, inventory_hostname_short, group_names, inventory_file, inventory_dir. */
  magicVars(name: string): Vars {
    return magicVars(this, name);
  }

  /** -u and --private-key: used where no inventory variable says otherwise. Unset values are left out. */
  setConnectionDefaults(vars: Vars): void {
    this.connectionDefaults = Object.fromEntries(Object.entries(vars).filter(([, v]) => v !== undefined));
    this.changed();
  }

  /** Add group_vars/ and host_vars/ beside a playbook: they win over the inventory's. */
  addVarsDir(dir: string): void {
    const abs = resolve(this.cwd, dir);
    if (this.playbookVarsDirs.some((d) => d.dir === abs)) return;
    const d = new VarsDir(abs, this.cwd);
    checkVarsDirs(this, [d]);
    this.playbookVarsDirs.push(d);
    this.changed();
  }

  /** Hosts matching a pattern (a play's `hosts:`), in inventory order, within the --limit. */
  select(pattern: string | readonly string[], opts?: SelectOptions): string[] {
    return select(this, pattern, opts);
  }

  /** Set --limit (a pattern; `@file` reads one pattern a line). Matching no host is an error. Returns the allowed hosts. */
  limit(pattern: string | readonly string[] | undefined, opts?: LimitOptions): Set<string> {
    return applyLimit(this, pattern, opts);
  }
}

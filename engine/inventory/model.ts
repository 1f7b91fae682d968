// The inventory model: hosts, groups and how they nest, with Ansible's implicit all, ungrouped and localhost.
import { resolve } from 'node:path';
import { describeValue, type Position, SdtdError } from '../errors.js';
import { notePos } from './positions.js';
import type { VarsDir } from './vars-dirs.js';

export type Vars = Record<string, unknown>;

/** Names that mean "this machine": naming one that is not in the inventory makes the implicit localhost. */
export const LOCALHOST_NAMES = ['localhost', '127.0.0.1', '::1'];

export interface Group {
  name: string;
  /** Hosts listed directly in this group, in order. */
  hosts: string[];
  children: string[];
  parents: string[];
  /** Variables from inventory sources (not group_vars/). */
  vars: Vars;
  /** ansible_group_priority (only settable in inventory sources, as in Ansible). */
  priority: number;
  pos?: Position;
}

export interface Host {
  name: string;
  /** Groups the host was put in directly. */
  groups: string[];
  /** Variables from inventory sources (not host_vars/). */
  vars: Vars;
  /** The implicit localhost: in no group, not in `all`. */
  implicit: boolean;
  /** Absolute path of the inventory file that first named the host (inventory_file). */
  file?: string;
  pos?: Position;
}

/** Hosts, groups and their variables from the inventory sources; Inventory (inventory.ts) adds the queries. */
export class InventoryData {
  readonly groupMap = new Map<string, Group>();
  readonly hostMap = new Map<string, Host>();
  /** Load-time warnings (a name used for both a host and a group...). */
  readonly warnings: string[] = [];
  /** group_vars/ and host_vars/ beside each inventory source (in order), and beside the playbook (these win). */
  readonly inventoryVarsDirs: VarsDir[] = [];
  readonly playbookVarsDirs: VarsDir[] = [];
  /** Connection variables from -u/--private-key: below every variable of the inventory. */
  connectionDefaults: Vars = {};
  /** The --limit patterns in force (undefined: no limit). */
  limitPatterns?: string[];
  /** The localhost patterns resolve to: the first localhost-like host of the inventory, or the implicit one. */
  localhost?: Host;
  readonly cwd: string;
  protected memo = new Map<string, unknown>();

  constructor(opts: { cwd?: string } = {}) {
    this.cwd = resolve(opts.cwd ?? process.cwd());
    this.addGroup('all');
    this.addGroup('ungrouped');
    this.addChild('all', 'ungrouped');
  }

  /** Forget what was computed from the structure or the variables. */
  changed(): void {
    this.memo.clear();
  }

  protected cached<T>(key: string, make: () => T): T {
    if (!this.memo.has(key)) this.memo.set(key, make());
    return this.memo.get(key) as T;
  }

  addGroup(name: string, pos?: Position): Group {
    let g = this.groupMap.get(name);
    if (!g) {
      g = { name, hosts: [], children: [], parents: [], vars: {}, priority: 1, pos };
      this.groupMap.set(name, g);
      this.changed();
    }
    return g;
  }

  /** Add a host (once) and, if given, put it in a group (created when missing). */
  addHost(name: string, group?: string, opts: { pos?: Position; file?: string } = {}): Host {
    let h = this.hostMap.get(name);
    if (!h) {
      h = { name, groups: [], vars: {}, implicit: false, pos: opts.pos, file: opts.file };
      this.hostMap.set(name, h);
      if (LOCALHOST_NAMES.includes(name) && (!this.localhost || this.localhost.implicit)) this.localhost = h;
    }
    if (group) {
      const g = this.addGroup(group, opts.pos);
      if (!g.hosts.includes(name)) {
        g.hosts.push(name);
        h.groups.push(group);
      }
    }
    this.changed();
    return h;
  }

  /** Make CHILD a child group of PARENT; a group that would become its own ancestor is an error. */
  addChild(parent: string, child: string, pos?: Position, where?: string): void {
    const p = this.addGroup(parent, pos);
    const c = this.addGroup(child, pos);
    if (p.children.includes(child)) return;
    if (parent === child || this.ancestors(parent).has(child)) {
      const chain = [...this.pathDown(child, parent), child];
      throw new SdtdError(
        'inventory',
        `expected groups not to contain themselves (got group "${child}" inside itself: ${chain.join(' > ')})`,
        { pos, where: where ?? `inventory group "${parent}" > children` },
      );
    }
    p.children.push(child);
    if (!c.parents.includes(parent)) c.parents.push(parent);
    this.changed();
  }

  setGroupVar(group: string, key: string, value: unknown, pos?: Position): void {
    const g = this.addGroup(group);
    if (key === 'ansible_group_priority') {
      g.priority = typeof value === 'string' || typeof value === 'number' ? Number(value) : Number.NaN;
      const where = `inventory group "${group}" > ${key}`;
      if (!Number.isInteger(g.priority))
        throw new SdtdError('inventory', `expected an integer (got ${describeValue(value)})`, { pos, where });
    } else {
      g.vars[key] = value;
      notePos(g.vars, key, pos);
    }
    this.changed();
  }

  setHostVar(host: string, key: string, value: unknown, pos?: Position): void {
    const h = this.hostMap.get(host) ?? this.addHost(host);
    h.vars[key] = value;
    notePos(h.vars, key, pos);
    this.changed();
  }

  /** Ansible's rules after loading: top groups under `all`, hosts in no group in `ungrouped`. */
  reconcile(): void {
    for (const g of [...this.groupMap.values()])
      if (g.name !== 'all' && !g.parents.length) this.addChild('all', g.name);
    const ungrouped = this.groupMap.get('ungrouped')!;
    for (const h of this.hostMap.values()) {
      const inOther = h.groups.some((g) => g !== 'all' && g !== 'ungrouped');
      const i = ungrouped.hosts.indexOf(h.name);
      if (inOther && i >= 0) {
        ungrouped.hosts.splice(i, 1);
        h.groups = h.groups.filter((g) => g !== 'ungrouped');
      } else if (!inOther && i < 0) this.addHost(h.name, 'ungrouped');
      const w = `Found both group and host with same name: ${h.name}`;
      if (this.groupMap.has(h.name) && !this.warnings.includes(w)) this.warnings.push(w);
    }
    this.changed();
  }

  ancestors(group: string): Set<string> {
    const seen = new Set<string>();
    const todo = [...(this.groupMap.get(group)?.parents ?? [])];
    while (todo.length) {
      const g = todo.shift()!;
      if (seen.has(g)) continue;
      seen.add(g);
      todo.push(...(this.groupMap.get(g)?.parents ?? []));
    }
    return seen;
  }

  /** Group names from FROM down to TO through children (FROM is an ancestor of TO). */
  private pathDown(from: string, to: string): string[] {
    if (from === to) return [from];
    for (const c of this.groupMap.get(from)?.children ?? []) {
      const rest = this.pathDown(c, to);
      if (rest.length) return [from, ...rest];
    }
    return [];
  }

  /** Longest distance from `all` (Ansible's group depth): parents sort before children. */
  depth(group: string): number {
    return this.cached(`depth:${group}`, () => {
      const parents = this.groupMap.get(group)?.parents ?? [];
      return parents.length ? 1 + Math.max(...parents.map((p) => this.depth(p))) : 0;
    });
  }

  /** The hosts of a group and of its descendants, in inventory order (breadth first, as Ansible). */
  groupHosts(group: string): string[] {
    return this.cached(`hosts:${group}`, () => {
      const order = [group];
      for (let i = 0; i < order.length; i++) {
        for (const c of this.groupMap.get(order[i])?.children ?? []) if (!order.includes(c)) order.push(c);
      }
      const out = new Set<string>();
      for (const g of order) for (const h of this.groupMap.get(g)!.hosts) out.add(h);
      return [...out];
    });
  }
}

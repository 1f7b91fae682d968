// Ansible's INI inventory: [group], [group:vars], [group:children], `host key=value ...` lines and host ranges.
import { type Position, SdtdError } from '../errors.js';
import { expandHostEntry } from './host-range.js';
import { parseIniValue } from './ini-values.js';
import type { InventoryData } from './model.js';
import { shlexSplit } from './shlex.js';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;

interface Pending {
  state: 'vars' | 'children';
  parents: { name: string; pos: Position }[];
  pos: Position;
}

/** Load INI inventory TEXT (from FILE, shown as DISPLAY in messages) into INV. */
export function loadIniInventory(inv: InventoryData, text: string, file: string, display: string): void {
  // As in Ansible, lines before the first section are hosts of `ungrouped`.
  let group = 'ungrouped';
  let state = 'hosts';
  const pending = new Map<string, Pending>();
  const lines = text.split(/\r?\n/);

  const resolvePending = (name: string) => {
    const decl = pending.get(name);
    if (!decl) return;
    pending.delete(name);
    if (decl.state !== 'children') return;
    for (const p of decl.parents) {
      inv.addChild(p.name, name, p.pos, `[${p.name}:children]`);
      if (pending.get(p.name)?.state === 'children') resolvePending(p.name);
    }
  };

  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n];
    const line = raw.trim();
    if (!line || line[0] === '#' || line[0] === ';') continue;
    const pos: Position = { file: display, line: n + 1, col: raw.indexOf(line[0]) + 1 };
    const err = (msg: string) =>
      new SdtdError('inventory', msg, { pos, where: `[${group}${state === 'hosts' ? '' : `:${state}`}]` });

    const m = SECTION.exec(line);
    if (m) {
      group = m[1];
      state = m[2] ?? 'hosts';
      if (!['hosts', 'vars', 'children'].includes(state)) {
        throw err(
          `expected a section [${group}], [${group}:vars] or [${group}:children] (got unknown type "${state}")`,
        );
      }
      if (!inv.groupMap.has(group)) {
        // [g] or [g:children] declares a group; [g:vars] alone does not (it must be declared somewhere in the file).
        if (state === 'vars' && !pending.has(group)) pending.set(group, { state, parents: [], pos });
        inv.addGroup(group, pos);
      }
      if (state !== 'vars') resolvePending(group);
      continue;
    }
    if (line.startsWith('[') && line.endsWith(']')) {
      throw err(
        `expected a section header such as [web] or [web:vars] (got "${line}": no spaces or other characters)`,
      );
    }

    if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 0) throw err(`expected key=value (got "${line}")`);
      inv.setGroupVar(group, line.slice(0, eq).trim(), parseIniValue(line.slice(eq + 1).trim()), pos);
    } else if (state === 'children') {
      const child = GROUP_NAME.exec(line)?.[1];
      if (!child) throw err(`expected a group name (got "${line}")`);
      if (inv.groupMap.has(child)) inv.addChild(group, child, pos, `[${group}:children]`);
      else {
        const decl = pending.get(child);
        if (decl) decl.parents.push({ name: group, pos });
        else pending.set(child, { state: 'children', parents: [{ name: group, pos }], pos });
      }
    } else {
      hostLine(inv, line, group, pos, file, err);
    }
  }

  for (const [name, decl] of pending) {
    const where = decl.state === 'vars' ? `[${name}:vars]` : `[${decl.parents.at(-1)!.name}:children]`;
    const what =
      decl.state === 'vars'
        ? `a section [${name}] or [${name}:children] for [${name}:vars]`
        : `a section [${name}]`;
    throw new SdtdError('inventory', `expected ${what} in this file (got group "${name}" never declared)`, {
      pos: decl.state === 'vars' ? decl.pos : decl.parents.at(-1)!.pos,
      where,
    });
  }
}

/** `host[:port] key=value ...`: add the host(s) to GROUP with their variables. */
function hostLine(
  inv: InventoryData,
  line: string,
  group: string,
  pos: Position,
  file: string,
  err: (msg: string) => SdtdError,
): void {
  let tokens: string[];
  try {
    tokens = shlexSplit(line);
  } catch (e) {
    throw err(`expected a host line "name key=value ..." (got "${line}": ${(e as Error).message})`);
  }
  if (!tokens.length) return;
  const { names, port } = expandHostEntry(tokens[0], pos, `[${group}]`);
  const vars: [string, unknown][] = [];
  for (const t of tokens.slice(1)) {
    const eq = t.indexOf('=');
    if (eq <= 0) throw err(`expected key=value host variables after the host name (got "${t}")`);
    vars.push([t.slice(0, eq), parseIniValue(t.slice(eq + 1))]);
  }
  for (const name of names) {
    inv.addHost(name, group, { pos, file });
    if (port !== undefined) inv.setHostVar(name, 'ansible_port', port, pos);
    for (const [k, v] of vars) inv.setHostVar(name, k, v, pos);
  }
}

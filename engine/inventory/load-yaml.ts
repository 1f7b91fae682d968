// Ansible's YAML inventory: top-level groups, each with hosts / vars / children, checked by a schema with positions.
import { describeValue, type Position, SdtdError } from '../errors.js';
import { posOf } from '../load.js';
import { Obj, Type } from '../schema.js';
import { validate } from '../validate.js';
import { expandHostEntry } from './host-range.js';
import type { InventoryData, Vars } from './model.js';

const Mapping = Type.Unsafe<Vars>({ type: 'object' });
const VarsOrNothing = Type.Unsafe<Vars | null>({ type: ['object', 'null'] });

/** One group's entry. Children are checked one by one as the loader walks down, so no recursive schema is needed. */
export const GroupSchema = Obj(
  {
    hosts: Type.Optional(
      Type.Unsafe<Record<string, Vars | null>>({ type: 'object', additionalProperties: VarsOrNothing }),
    ),
    vars: Type.Optional(Mapping),
    children: Type.Optional(
      Type.Unsafe<Record<string, Vars | null>>({ type: 'object', additionalProperties: VarsOrNothing }),
    ),
  },
  { description: 'A group of a YAML inventory: hosts (name: variables), vars, children (name: group).' },
);

const isMap = (v: unknown): v is Vars => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Load a parsed YAML inventory DATA (from FILE) into INV. */
export function loadYamlInventory(inv: InventoryData, data: unknown, file: string, display: string): void {
  if (data === null || data === undefined) return;
  const top: Position = { file: display, line: 1, col: 1 };
  validate(Mapping, data, { where: 'inventory', root: data, pos: top });
  for (const [name, group] of Object.entries(data as Vars)) {
    loadGroup(inv, name, group, posOf(data, name, 'key') ?? top, file);
  }
}

function loadGroup(inv: InventoryData, name: string, data: unknown, pos: Position, file: string): void {
  const where = `inventory group "${name}"`;
  if (data === null || data === undefined) {
    inv.addGroup(name, pos);
    return;
  }
  if (isMap(data)) normalize(data, where);
  validate(GroupSchema, data, { where, root: data, pos });
  inv.addGroup(name, pos);
  const g = data as Vars;
  // Sections apply in the order they are written, as in Ansible.
  for (const section of Object.keys(g)) {
    const value = g[section] as Vars;
    if (section === 'vars') {
      for (const [k, v] of Object.entries(value)) inv.setGroupVar(name, k, v, posOf(value, k));
    } else if (section === 'children') {
      for (const [child, childData] of Object.entries(value)) {
        const at = posOf(value, child, 'key') ?? pos;
        loadGroup(inv, child, childData, at, file);
        inv.addChild(name, child, at, `${where} > children`);
      }
    } else if (section === 'hosts') {
      for (const [entry, hostVars] of Object.entries(value)) {
        const at = posOf(value, entry, 'key') ?? pos;
        const { names, port } = expandHostEntry(entry, at, `${where} > hosts`);
        for (const h of names) {
          inv.addHost(h, name, { pos: at, file });
          if (port !== undefined) inv.setHostVar(h, 'ansible_port', port, at);
          for (const [k, v] of Object.entries((hostVars as Vars | null) ?? {})) {
            inv.setHostVar(h, k, v, posOf(hostVars, k));
          }
        }
      }
    }
  }
}

/**
 * What Ansible accepts besides mappings: a section that is empty is skipped, and `hosts: web1` or `children: db`
 * (a single name) means a mapping with that one key. Lists are the usual mistake: say how to write them.
 */
function normalize(g: Vars, where: string): void {
  for (const section of ['hosts', 'children', 'vars']) {
    const v = g[section];
    if (v === null) delete g[section];
    else if (typeof v === 'string' && section !== 'vars') g[section] = { [v]: null };
    else if (Array.isArray(v) && section !== 'vars') {
      throw new SdtdError(
        'schema',
        `expected a mapping of ${section === 'hosts' ? 'host' : 'group'} names, each followed by ":" (got ${describeValue(v)}: write "${section}:" then one "name:" per line, not "- name")`,
        { pos: posOf(g, section), where: `${where} > ${section}` },
      );
    }
  }
}

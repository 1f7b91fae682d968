// The inventory API: loadInventory(sources) and the Inventory it returns; plugins, patterns and CLI output helpers.
import { resolve } from 'node:path';
import './builtin-plugins.js';
import { checkVarsDirs } from './host-vars.js';
import { Inventory } from './inventory.js';
import { loadSource } from './sources.js';

export type { HostConnection, LimitOptions, SelectOptions } from './inventory.js';
export { Inventory } from './inventory.js';
export type { Group, Host, Vars } from './model.js';
export { LOCALHOST_NAMES } from './model.js';
export { orderPatterns, splitHostPattern } from './patterns.js';
export {
  findInventoryPlugin,
  type InventoryPlugin,
  type InventoryPluginContext,
  type InventoryPluginResult,
  inventoryPluginNames,
  registerInventoryPlugin,
  unregisterInventoryPlugin,
} from './plugins.js';
export { graph, hostInfo, type ListOptions, list, toJson } from './show.js';

/**
 * Load the inventory from `-i` sources (each a YAML/INI file, a plugin config, a folder, or "a,b,c"), in order,
 * with the group_vars/ and host_vars/ beside each. Relative paths are from opts.cwd (default: the process's).
 */
export async function loadInventory(sources: string[], opts: { cwd?: string } = {}): Promise<Inventory> {
  const cwd = resolve(opts.cwd ?? process.cwd());
  const inv = new Inventory({ cwd });
  for (const s of sources) if (s.trim()) await loadSource(inv, s, cwd);
  inv.reconcile();
  checkVarsDirs(inv, inv.inventoryVarsDirs);
  return inv;
}

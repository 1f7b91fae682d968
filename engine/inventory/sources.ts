// One `-i` source: a YAML or INI file, a plugin config, a folder of them, or an ad-hoc list "node1,node2,".
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, relative, resolve } from 'node:path';
import { SdtdError } from '../errors.js';
import { parseYaml } from '../load.js';
import { expandHostEntry } from './host-range.js';
import { inventoryFilesIn } from './load-dir.js';
import { loadIniInventory } from './load-ini.js';
import { loadYamlInventory } from './load-yaml.js';
import type { InventoryData, Vars } from './model.js';
import { runInventoryPlugin } from './plugins.js';
import { VarsDir } from './vars-dirs.js';

const YAML_EXTS = ['.yml', '.yaml', '.json'];

/** A path as messages show it: relative to the working folder when inside it. */
export function shown(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') ? rel : path;
}

export async function loadSource(inv: InventoryData, source: string, cwd: string): Promise<void> {
  const abs = resolve(cwd, source);
  if (!existsSync(abs)) {
    if (source.includes(',')) return loadHostList(inv, source);
    throw new SdtdError(
      'missing-file',
      `expected an inventory file, a folder or a comma-separated host list (got "${source}": no such file or folder)`,
      { where: '-i' },
    );
  }
  const isDir = statSync(abs).isDirectory();
  for (const f of isDir ? inventoryFilesIn(abs) : [abs]) await loadFile(inv, f, cwd);
  inv.inventoryVarsDirs.push(new VarsDir(isDir ? abs : dirname(abs), cwd));
}

/** Ansible's host_list: "a,b:2222,c" adds hosts to ungrouped (ranges are expanded too). */
function loadHostList(inv: InventoryData, source: string): void {
  for (const entry of source.split(',')) {
    if (!entry.trim()) continue;
    const { names, port } = expandHostEntry(entry, undefined, `-i "${source}"`);
    for (const h of names) {
      if (inv.hostMap.has(h)) continue;
      inv.addHost(h, 'ungrouped');
      if (port !== undefined) inv.setHostVar(h, 'ansible_port', port);
    }
  }
}

const isMap = (v: unknown): v is Vars => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A file: .yml/.yaml/.json are YAML, .ini is INI; otherwise YAML when it reads as a mapping, else INI. */
export async function loadFile(inv: InventoryData, path: string, cwd: string): Promise<void> {
  const display = shown(path, cwd);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SdtdError('missing-file', `expected a readable inventory file (got ${(e as Error).message})`, {
      pos: { file: display, line: 1, col: 1 },
    });
  }
  const ext = extname(path).toLowerCase();
  if (ext === '.ini') return loadIniInventory(inv, text, path, display);
  if (YAML_EXTS.includes(ext)) return loadYaml(inv, parseYaml(text, display), path, display);
  if (text.startsWith('#!')) {
    throw new SdtdError(
      'inventory',
      'expected a YAML or INI inventory file (got a script: dynamic inventory scripts are not supported, write an inventory plugin)',
      { pos: { file: display, line: 1, col: 1 } },
    );
  }
  let data: unknown;
  let yamlError: unknown;
  try {
    data = parseYaml(text, display);
  } catch (e) {
    yamlError = e;
  }
  if (!yamlError && (isMap(data) || data === null)) return loadYaml(inv, data, path, display);
  try {
    loadIniInventory(inv, text, path, display);
  } catch (e) {
    // An INI error in a file that looks like YAML is better reported as the YAML error.
    const firstLine = text.split('\n').find((l) => l.trim() && !l.trim().startsWith('#')) ?? '';
    if (yamlError && (/^---/.test(firstLine) || /^[^[=\s][^=]*:(\s|$)/.test(firstLine))) throw yamlError;
    throw e;
  }
}

async function loadYaml(inv: InventoryData, data: unknown, path: string, display: string): Promise<void> {
  if (isMap(data) && 'plugin' in data) {
    return runInventoryPlugin(inv, data, { file: display, path, dir: dirname(path), where: 'plugin' });
  }
  loadYamlInventory(inv, data, path, display);
}

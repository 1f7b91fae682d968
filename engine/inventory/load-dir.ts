// An inventory folder: every inventory file in it (sub-folders too), in name order, skipping what Ansible skips.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Ansible's INVENTORY_IGNORE_EXTS (2.19: .ini files are read) and its always-ignored names. */
const IGNORED_EXTS = [
  '.pyc',
  '.pyo',
  '.swp',
  '.bak',
  '~',
  '.rpm',
  '.md',
  '.txt',
  '.rst',
  '.orig',
  '.cfg',
  '.retry',
];
const IGNORED_NAMES = ['group_vars', 'host_vars', 'vars_plugins'];

export function ignoredInInventoryDir(entry: string): boolean {
  return (
    entry.startsWith('.') || IGNORED_NAMES.includes(entry) || IGNORED_EXTS.some((e) => entry.endsWith(e))
  );
}

/** The inventory files of DIR, sorted by name, sub-folders expanded where they sort. */
export function inventoryFilesIn(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    if (ignoredInInventoryDir(entry)) continue;
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...inventoryFilesIn(p));
    else out.push(p);
  }
  return out;
}

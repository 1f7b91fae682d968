// The module registry: every module the engine knows, sorted by name (a meta-test keeps it sorted, tested, documented).
import type { Module } from '../engine/module.js';
import file from './file.js';

export const modules: readonly Module[] = [file];

const byName = new Map(modules.map((m) => [m.name, m]));

/** A module by its YAML key; Ansible's collection prefixes (`ansible.builtin.copy`) are accepted too. */
export function findModule(key: string): Module | undefined {
  return byName.get(key) ?? byName.get(key.replace(/^[a-z0-9_]+\.[a-z0-9_]+\./, ''));
}

export function moduleNames(): string[] {
  return modules.map((m) => m.name);
}

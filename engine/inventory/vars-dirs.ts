// group_vars/ and host_vars/ folders: NAME, NAME.yml/.yaml/.json or a folder NAME/ of files, found and loaded as Ansible does.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { describeValue, SdtdError } from '../errors.js';
import { loadYamlFile, posOf } from '../load.js';
import type { Vars } from './model.js';

const EXTS = ['.yml', '.yaml', '.json'];

export type VarsKind = 'group' | 'host';

/** The group_vars/ and host_vars/ of one folder (beside an inventory source or a playbook). */
export class VarsDir {
  private cache = new Map<string, Vars[]>();

  constructor(
    readonly dir: string,
    private readonly cwd: string,
  ) {}

  /** The variable files of a group or host, loaded, in the order they apply (later wins). */
  files(kind: VarsKind, name: string): Vars[] {
    const key = `${kind}:${name}`;
    let out = this.cache.get(key);
    if (!out) {
      out = this.find(kind, name).map((f) => this.load(f, kind, name));
      out = out.filter((v) => Object.keys(v).length > 0);
      this.cache.set(key, out);
    }
    return out;
  }

  /** Ansible's find_vars_files: the first of NAME, NAME.yml, NAME.yaml, NAME.json that exists; a folder gives its files. */
  private find(kind: VarsKind, name: string): string[] {
    if (!name || name.includes('/') || name.includes('\\') || name === '.' || name === '..') return [];
    const base = join(this.dir, `${kind}_vars`, name);
    for (const ext of ['', ...EXTS]) {
      const p = base + ext;
      if (!existsSync(p)) continue;
      return statSync(p).isDirectory() ? filesIn(p) : [p];
    }
    return [];
  }

  private load(file: string, kind: VarsKind, name: string): Vars {
    const rel = relative(this.cwd, file);
    const display = rel.startsWith('..') ? file : rel;
    const data = loadYamlFile(file, undefined, display);
    if (data === null || data === undefined) return {};
    if (typeof data !== 'object' || Array.isArray(data)) {
      throw new SdtdError('inventory', `expected a mapping of variables (got ${describeValue(data)})`, {
        pos: posOf(data) ?? { file: display, line: 1, col: 1 },
        where: `${kind}_vars for ${kind} "${name}"`,
      });
    }
    return data as Vars;
  }
}

/** Files of a vars folder, sorted, recursing into sub-folders; hidden files, backups (~) and other extensions skipped. */
function filesIn(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    if (entry.startsWith('.') || entry.endsWith('~')) continue;
    const p = join(dir, entry);
    const ext = extname(entry);
    const st = statSync(p);
    if (st.isDirectory() && !ext) out.push(...filesIn(p));
    else if (st.isFile() && (!ext || EXTS.includes(ext))) out.push(p);
  }
  return out;
}

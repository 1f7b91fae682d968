// Ansible's lookup()/query()/q() on the manager: file, template, env, first_found, pipe, lines, items, dict, vars, list, fileglob.
//
// Contract with the engine: the scope a template renders with holds `__sdtd: { searchDirs: string[] }`, the
// manager-side base directories to search, highest priority first (the role's directory, then the playbook's).
// A relative name NAME is looked for as DIR/<kind>/NAME, then DIR/NAME, for each DIR in order, where kind is
// `files` (file, first_found, fileglob) or `templates` (template), as Ansible and host.localPath() do.
// Absolute names are used as they are. Commands (pipe, lines) run with /bin/sh in the last search directory
// (the playbook's). Without `__sdtd` the search directory is the current directory.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import type { Environment } from 'nunjucks';
import { SdtdError } from './errors.js';
import {
  defined,
  expected,
  getHooks,
  isMapping,
  type Kw,
  pyStr,
  type RenderHooks,
  setHooks,
  splitKw,
} from './jinja-python.js';

/** A lookup plugin: `this` is the nunjucks context (its `ctx` is the variable scope). */
type Lookup = (ctx: any, terms: unknown[], kw: Kw) => unknown[];

function searchDirs(ctx: any): string[] {
  const s = ctx.lookup('__sdtd')?.searchDirs;
  return Array.isArray(s) && s.length ? s.map(String) : [process.cwd()];
}

function find(ctx: any, kind: string, name: string): { path?: string; tried: string[] } {
  if (isAbsolute(name)) return existsSync(name) ? { path: name, tried: [] } : { tried: [name] };
  const tried = searchDirs(ctx).flatMap((d) => [join(d, kind, name), join(d, name)]);
  return { path: tried.find((p) => existsSync(p)), tried };
}

function need(plugin: string, ctx: any, kind: string, term: unknown): string {
  const name = pyStr(term);
  const r = find(ctx, kind, name);
  if (r.path) return r.path;
  throw new SdtdError(
    'missing-file',
    `lookup ${plugin}: expected "${name}" on the manager (got no such file; looked in ${r.tried.join(', ')})`,
  );
}

function sh(plugin: string, ctx: any, cmd: unknown): string {
  try {
    return execFileSync('/bin/sh', ['-c', pyStr(cmd)], {
      cwd: searchDirs(ctx).at(-1),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e: any) {
    const why = e.status === undefined ? e.message : `exit ${e.status}: ${String(e.stderr ?? '').trim()}`;
    throw new SdtdError('template', `lookup ${plugin}: expected "${pyStr(cmd)}" to succeed (got ${why})`);
  }
}

/** The scope plus extra variables, still read lazily. */
function withVars(scope: any, extra: unknown): object {
  if (!isMapping(extra) || !Object.keys(extra).length) return scope;
  const lazy = getHooks().lazy;
  return new Proxy(scope, {
    get: (t, k) => (k === lazy ? true : typeof k === 'string' && Object.hasOwn(extra, k) ? extra[k] : t[k]),
    has: (t, k) => (typeof k === 'string' && Object.hasOwn(extra, k)) || k in t,
  });
}

/** Ansible's first_found terms: names, lists of names, or {files, paths} mappings; `,;` split names. */
function candidates(terms: unknown[], kw: Kw): string[] {
  const split = (v: unknown, seps: RegExp) =>
    (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]).flatMap((x) => pyStr(x).split(seps));
  return (terms.length ? terms : [{}]).flatMap((t): string[] => {
    if (Array.isArray(t)) return candidates(t, kw);
    const o: Kw = isMapping(t) ? { ...kw, ...t } : { ...kw, files: [t] };
    const files = split(o.files, /[,;]/);
    const paths = split(o.paths, /[,:;]/);
    return paths.length ? paths.flatMap((p) => files.map((f) => join(p, f))) : files;
  });
}

/** Python's fnmatch for one path segment. */
function globRe(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

const flat = (terms: unknown[]) => terms.flatMap((t) => (Array.isArray(t) ? t : [t]));

export const lookups: Record<string, Lookup> = {
  file: (ctx, terms, kw) =>
    flat(terms).map((t) => {
      let c = readFileSync(need('file', ctx, 'files', t), 'utf8');
      if (kw.rstrip !== false) c = c.trimEnd();
      return kw.lstrip ? c.trimStart() : c;
    }),
  template: (ctx, terms, kw) =>
    flat(terms).map((t) =>
      getHooks().renderText(
        readFileSync(need('template', ctx, 'templates', t), 'utf8'),
        withVars(ctx.ctx, kw.template_vars),
      ),
    ),
  env: (_ctx, terms, kw) => flat(terms).map((t) => process.env[pyStr(t)] ?? kw.default ?? ''),
  first_found(ctx, terms, kw) {
    const names = candidates(terms, kw);
    for (const n of names) {
      const r = find(ctx, 'files', n);
      if (r.path) return [r.path];
    }
    if (kw.skip) return [];
    const tried = names.flatMap((n) => find(ctx, 'files', n).tried);
    throw new SdtdError(
      'missing-file',
      `lookup first_found: expected one of ${names.join(', ')} (got none; looked in ${tried.join(', ')})`,
    );
  },
  pipe: (ctx, terms) => flat(terms).map((c) => sh('pipe', ctx, c).trimEnd()),
  lines: (ctx, terms) =>
    flat(terms).flatMap((c) =>
      sh('lines', ctx, c)
        .split(/\r?\n/)
        .filter((l, i, a) => l || i < a.length - 1),
    ),
  items: (_ctx, terms) => flat(terms),
  list: (_ctx, terms) => terms,
  dict: (_ctx, terms) =>
    terms.flatMap((t) => {
      if (!isMapping(t)) throw expected('lookup dict', 'a mapping', t);
      return Object.entries(t).map(([key, value]) => ({ key, value }));
    }),
  vars: (ctx, terms, kw) =>
    flat(terms).map((t) => {
      const v = ctx.lookup(pyStr(t));
      if (v !== undefined) return v;
      if (kw.default !== undefined) return kw.default;
      throw new SdtdError(
        'undefined-variable',
        `lookup vars: expected '${pyStr(t)}' to be defined (got undefined)`,
      );
    }),
  fileglob: (ctx, terms) =>
    flat(terms).flatMap((t) => {
      const pattern = pyStr(t);
      const dir = find(ctx, 'files', dirname(pattern)).path;
      if (!dir || !statSync(dir).isDirectory()) return [];
      const re = globRe(basename(pattern));
      return readdirSync(dir)
        .filter((f) => re.test(f) && statSync(join(dir, f)).isFile())
        .sort()
        .map((f) => join(dir, f));
    }),
};

function run(ctx: any, name: unknown, args: unknown[], wantlist: boolean): unknown {
  const [terms, kw] = splitKw(args);
  const { wantlist: wl, errors, ...rest } = kw;
  const plugin = lookups[pyStr(defined(name))];
  if (!plugin) throw expected('lookup', `a lookup among ${Object.keys(lookups).join(', ')}`, name);
  let ran: unknown[];
  try {
    ran = plugin(
      ctx,
      terms.map((t) => defined(t)),
      rest,
    );
  } catch (e) {
    if (errors !== 'ignore' || !(e instanceof SdtdError) || e.code === 'undefined-variable') throw e;
    ran = [];
  }
  if (wantlist || wl) return ran;
  // Ansible joins a list of strings with commas, unwraps a single other value, and leaves the rest a list
  if (!ran.length) return ran;
  if (ran.every((r) => typeof r === 'string')) return ran.join(',');
  return ran.length === 1 ? ran[0] : ran;
}

export function installLookups(env: Environment, hooks: RenderHooks): void {
  setHooks(hooks);
  env.addGlobal('lookup', function lookup(this: any, name: unknown, ...args: unknown[]) {
    return run(this, name, args, false);
  });
  for (const q of ['query', 'q'])
    env.addGlobal(q, function query(this: any, name: unknown, ...args: unknown[]) {
      return run(this, name, args, true);
    });
}

// Jinja's and Ansible's tests (`x is defined`, `r is changed`, `v is version('2.0', '>=')`) for nunjucks.
import { existsSync, lstatSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { Environment } from 'nunjucks';
import {
  bind,
  defined,
  expected,
  isMapping,
  type Kw,
  pyCmp,
  pyEq,
  pyRegex,
  pyStr,
  type RenderHooks,
  setHooks,
  toBool,
  toList,
  truth,
} from './jinja-python.js';

type Test = (this: any, value: any, ...args: any[]) => boolean;

/** Tests meant for undefined values; every other test raises StrictUndefined's error on one. */
const TAKES_UNDEFINED = new Set(['defined', 'undefined']);

export function installTests(env: Environment, hooks: RenderHooks): void {
  setHooks(hooks);
  for (const [name, t] of Object.entries(tests)) (env as any).addTest(name, t);
  const all = (env as any).tests as Record<string, Test>;
  for (const [name, t] of Object.entries(all))
    if (!TAKES_UNDEFINED.has(name))
      all[name] = function strict(this: unknown, v: unknown, ...a: unknown[]) {
        return t.call(this, defined(v), ...a);
      };
}

/** Python's `x in seq`: list membership by ==, mapping keys, substrings. */
export function pyIn(x: unknown, seq: unknown): boolean {
  if (typeof seq === 'string') return seq.includes(pyStr(x));
  if (isMapping(seq)) return Object.hasOwn(seq, String(x));
  return toList('in', seq).some((y) => pyEq(x, y));
}

function regexTest(name: string, mode: 'match' | 'search' | 'fullmatch') {
  return (v: unknown, ...a: unknown[]) => {
    const o = bind(name, a, ['pattern', 'ignorecase', 'multiline', 'match_type'], { match_type: mode });
    const type = String(o.match_type);
    if (!['match', 'search', 'fullmatch'].includes(type))
      throw expected(name, "match_type 'match', 'search' or 'fullmatch'", o.match_type);
    const flags = (o.ignorecase ? 'i' : '') + (o.multiline ? 'm' : '') + (type === 'search' ? '' : 'y');
    const re = pyRegex(name, o.pattern, flags);
    re.lastIndex = 0;
    const s = pyStr(v);
    const m = re.exec(s);
    return !!m && (type !== 'fullmatch' || m[0].length === s.length);
  };
}

type Part = number | string;
/** Python's LooseVersion parts: numbers and words; numbers sort after words (Python would raise on the mix). */
function loose(v: string): Part[] {
  return (v.match(/\d+|[a-z]+|[^\da-z.]+/g) ?? []).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}
function cmpParts(a: Part[], b: Part[], numbersFirst = false): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [x, y] = [a[i], b[i]];
    if (x === y) continue;
    if (typeof x !== typeof y) return (typeof x === 'number') === numbersFirst ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

const SEMVER = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;
const STRICT = /^(\d+)\.(\d+)(?:\.(\d+))?(?:([ab])(\d+))?$/;

/** Compare versions as Ansible's version test does: loose (default), strict or semver. */
export function compareVersions(a: string, b: string, type: string): number {
  if (type === 'loose' || type === 'pep440') return cmpParts(loose(a), loose(b));
  const re = type === 'strict' ? STRICT : SEMVER;
  const [ma, mb] = [re.exec(a), re.exec(b)];
  if (!ma || !mb) throw expected('version', `a ${type} version`, ma ? b : a);
  if (type === 'strict') {
    // 1.0 is 1.0.0; a pre-release (1.0a1) comes before its release
    const key = (m: RegExpExecArray): Part[] => [+m[1], +m[2], +(m[3] ?? 0), m[4] ? m[4] : 'z', +(m[5] ?? 0)];
    return cmpParts(key(ma), key(mb));
  }
  const core = cmpParts([+ma[1], +ma[2], +ma[3]], [+mb[1], +mb[2], +mb[3]]);
  if (core || ma[4] === mb[4]) return core;
  if (!ma[4] || !mb[4]) return ma[4] ? -1 : 1;
  const pre = (s: string): Part[] => s.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  // in semver, numeric identifiers sort before alphanumeric ones: the opposite of loose
  return cmpParts(pre(ma[4]), pre(mb[4]), true);
}

const VERSION_OPS: Record<string, (c: number) => boolean> = {};
for (const [names, f] of [
  [['==', '=', 'eq'], (c: number) => c === 0],
  [['!=', '<>', 'ne'], (c: number) => c !== 0],
  [['<', 'lt'], (c: number) => c < 0],
  [['<=', 'le'], (c: number) => c <= 0],
  [['>', 'gt'], (c: number) => c > 0],
  [['>=', 'ge'], (c: number) => c >= 0],
] as const)
  for (const n of names) VERSION_OPS[n] = f;

function version(v: unknown, ...a: unknown[]): boolean {
  const o = bind('version', a, ['version', 'operator', 'strict', 'version_type'], { operator: 'eq' });
  const op = VERSION_OPS[String(o.operator)];
  if (!op) throw expected('version', `an operator among ${Object.keys(VERSION_OPS).join(' ')}`, o.operator);
  const type = String(o.version_type ?? (o.strict ? 'strict' : 'loose'));
  if (!['loose', 'strict', 'semver', 'semantic', 'pep440'].includes(type))
    throw expected('version', 'version_type loose, strict, semver or pep440', type);
  const t = type === 'semantic' ? 'semver' : type;
  return op(compareVersions(pyStr(v), pyStr(defined(o.version)), t));
}

/** A registered result; loop results are judged by their items, as Ansible does. */
function result(name: string, v: unknown): Kw {
  if (!isMapping(v)) throw expected(name, 'a registered task result (a mapping)', v);
  return v;
}
const items = (r: Kw) =>
  Array.isArray(r.results) && isMapping(r.results[0]) ? (r.results as Kw[]) : undefined;
const changed = (v: unknown) => {
  const r = result('changed', v);
  return items(r)?.some((x) => truth(x.changed)) ?? truth(r.changed);
};
const failed = (v: unknown) => truth(result('failed', v).failed);
const skipped = (v: unknown) => {
  const r = result('skipped', v);
  return items(r)?.every((x) => truth(x.skipped)) ?? truth(r.skipped);
};
const unreachable = (v: unknown) => truth(result('unreachable', v).unreachable);

const path = (f: (p: string) => boolean) => (v: unknown) => f(pyStr(v));
const stat = (p: string, link = false) => (link ? lstatSync : statSync)(p, { throwIfNoEntry: false });

export const tests: Record<string, Test> = {
  defined: (v) => v !== undefined,
  undefined: (v) => v === undefined,
  none: (v) => v === null,
  match: regexTest('match', 'match'),
  search: regexTest('search', 'search'),
  regex: regexTest('regex', 'search'),
  in: (v, seq) => pyIn(v, seq),
  contains: (seq, v) => pyIn(v, seq),
  equalto: (a, b) => pyEq(a, b),
  ne: (a, b) => !pyEq(a, b),
  lt: (a, b) => pyCmp(a, b, 'lt') < 0,
  le: (a, b) => pyCmp(a, b, 'le') <= 0,
  gt: (a, b) => pyCmp(a, b, 'gt') > 0,
  ge: (a, b) => pyCmp(a, b, 'ge') >= 0,
  number: (v) => typeof v === 'number' || typeof v === 'boolean',
  integer: (v) => typeof v === 'number' && Number.isInteger(v),
  float: (v) => typeof v === 'number' && !Number.isInteger(v),
  string: (v) => typeof v === 'string' || v instanceof String,
  mapping: (v) => isMapping(v),
  sequence: (v) => typeof v === 'string' || Array.isArray(v) || isMapping(v),
  iterable: (v) => typeof v === 'string' || Array.isArray(v) || isMapping(v),
  boolean: (v) => typeof v === 'boolean',
  true: (v) => v === true,
  false: (v) => v === false,
  truthy: (v, ...a) => truth(bind('truthy', a, ['convert_bool']).convert_bool ? toBool(v) : v),
  falsy: (v, ...a) => !truth(bind('falsy', a, ['convert_bool']).convert_bool ? toBool(v) : v),
  subset: (a, b) => toList('subset', a).every((x) => pyIn(x, toList('subset', b))),
  superset: (a, b) => toList('superset', b).every((x) => pyIn(x, toList('superset', a))),
  version,
  version_compare: version,
  changed,
  change: changed,
  failed,
  failure: failed,
  succeeded: (v) => !failed(v),
  success: (v) => !failed(v),
  successful: (v) => !failed(v),
  skipped,
  skip: skipped,
  unreachable,
  reachable: (v) => !unreachable(v),
  exists: path((p) => existsSync(p)),
  file: path((p) => !!stat(p)?.isFile()),
  directory: path((p) => !!stat(p)?.isDirectory()),
  link: path((p) => !!stat(p, true)?.isSymbolicLink()),
  abs: path((p) => isAbsolute(p)),
};
for (const [alias, name] of Object.entries({
  eq: 'equalto',
  '==': 'equalto',
  sameas: 'equalto',
  '!=': 'ne',
  '<': 'lt',
  lessthan: 'lt',
  '<=': 'le',
  '>': 'gt',
  greaterthan: 'gt',
  '>=': 'ge',
  is_file: 'file',
  is_dir: 'directory',
  is_link: 'link',
  is_abs: 'abs',
}))
  tests[alias] = tests[name];

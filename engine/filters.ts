// Jinja's and Ansible's filters on values, numbers and sequences (default, int, sort, map, select...), and installing all filters.
import { createHash } from 'node:crypto';
import type { Environment } from 'nunjucks';
import { describeValue, SdtdError } from './errors.js';
import { dataFilters } from './filters-data.js';
import { textFilters } from './filters-text.js';
import {
  bind,
  defined,
  expected,
  getAttr,
  getHooks,
  isMapping,
  pyCmp,
  pyEq,
  pyStr,
  type RenderHooks,
  setHooks,
  splitKw,
  toBool,
  toList,
  truth,
} from './jinja-python.js';

export type Filter = (this: any, value: any, ...args: any[]) => unknown;

/** Filters meant for undefined values; every other filter raises StrictUndefined's error on one. */
const TAKES_UNDEFINED = new Set(['default', 'd', 'mandatory']);

export function installFilters(env: Environment, hooks: RenderHooks): void {
  setHooks(hooks);
  for (const [name, f] of Object.entries({ ...filters, ...dataFilters, ...textFilters }))
    env.addFilter(name, f);
  // nunjucks' own filters (center, title, batch, ...) get the same strictness
  const all = (env as any).filters as Record<string, Filter>;
  for (const [name, f] of Object.entries(all))
    if (!TAKES_UNDEFINED.has(name))
      all[name] = function strict(this: unknown, v: unknown, ...a: unknown[]) {
        return f.call(this, defined(v), ...a);
      };
}

function length(v: unknown): number {
  if (typeof v === 'string') return [...v].length;
  if (Array.isArray(v)) return v.length;
  if (isMapping(v)) return Object.keys(v).length;
  throw expected('length', 'a string, a list or a mapping', v);
}

/** Python's int(text, base): prefixes 0x/0o/0b, underscores, no leading zeros with base 0. */
function parseIntPy(text: string, base: number): number | undefined {
  const t = text.trim().replace(/(?<=[0-9a-z])_(?=[0-9a-z])/gi, '');
  const m = /^([+-]?)(0[xob](?=.))?([0-9a-z]+)$/i.exec(t);
  if (!m) return undefined;
  const pb = m[2] ? ({ x: 16, o: 8, b: 2 } as Record<string, number>)[m[2][1].toLowerCase()] : undefined;
  let b = base;
  let digits = m[3];
  if (pb && (base === 0 || base === pb)) b = pb;
  else if (m[2]) digits = m[2] + digits;
  else if (base === 0) b = /^0+[1-9]/.test(digits) ? -1 : 10;
  if (b < 2 || b > 36 || [...digits.toLowerCase()].some((c) => !(parseInt(c, 36) < b))) return undefined;
  const n = parseInt(digits, b);
  return m[1] === '-' ? -n : n;
}

/** Python's float(text). */
function parseFloatPy(text: string): number | undefined {
  const t = text.trim();
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(t)) return Number.NaN;
  return /^[+-]?(\d(_?\d)*\.?(\d(_?\d)*)?|\.\d(_?\d)*)([eE][+-]?\d+)?$/.test(t)
    ? Number(t.replace(/_/g, ''))
    : undefined;
}

function toInt(v: unknown, dflt: unknown, base: number): unknown {
  if (typeof v === 'boolean') return +v;
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : dflt;
  if (typeof v !== 'string') return dflt;
  const n = parseIntPy(v, base) ?? parseFloatPy(v);
  return n !== undefined && Number.isFinite(n) ? Math.trunc(n) : dflt;
}

/** Jinja's sort/min/max/unique key: attributes (comma-separated), lower-cased unless case_sensitive. */
function keyOf(attribute: unknown, caseSensitive: unknown) {
  const paths = attribute === null || attribute === undefined ? [] : String(attribute).split(',');
  const fold = (x: unknown) => (!caseSensitive && typeof x === 'string' ? x.toLowerCase() : x);
  return (item: unknown) =>
    paths.length > 1
      ? paths.map((p) => fold(defined(getAttr(item, p))))
      : fold(paths.length ? getAttr(item, paths[0]) : item);
}

function minMax(name: string, sign: number) {
  return (v: unknown, ...a: unknown[]) => {
    const o = bind(name, a, ['case_sensitive', 'attribute']);
    const items = toList(name, v);
    if (!items.length) return getHooks().miss(`the ${name} of an empty list`);
    const key = keyOf(o.attribute, o.case_sensitive);
    return items.reduce((best, x) => (sign * pyCmp(key(x), key(best), name) > 0 ? x : best));
  };
}

/** The test a select/reject-style filter applies: a named Jinja test, or truth. */
function tester(ctx: any, where: string, args: unknown[]): (x: unknown) => boolean {
  const [pos, kw] = splitKw(args);
  if (!pos.length) return truth;
  const [name, ...rest] = pos;
  const test = ctx.env.tests[String(name)];
  if (!test) throw expected(where, 'the name of a Jinja test', name);
  const more = Object.keys(kw).length ? [...rest, { ...kw, __keywords: true }] : rest;
  return (x) => !!test.call(ctx, x, ...more);
}

function seeded(seed: unknown): () => number {
  let s = createHash('sha256').update(pyStr(seed)).digest().readUInt32LE(0);
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const filters: Record<string, Filter> = {
  default(v, ...a) {
    const o = bind('default', a, ['default_value', 'boolean'], { default_value: '', boolean: false });
    return v === undefined || (o.boolean && !truth(v)) ? o.default_value : v;
  },
  mandatory(v, ...a) {
    const o = bind('mandatory', a, ['msg']);
    if (v !== undefined) return v;
    if (o.msg !== undefined && o.msg !== null) throw new SdtdError('undefined-variable', pyStr(o.msg));
    throw new SdtdError('undefined-variable', `mandatory: ${getHooks().undefinedError().message}`);
  },
  bool: toBool,
  int(v, ...a) {
    const o = bind('int', a, ['default', 'base'], { default: 0, base: 10 });
    return toInt(v, o.default, Number(o.base));
  },
  float(v, ...a) {
    const o = bind('float', a, ['default'], { default: 0 });
    const n =
      typeof v === 'number' || typeof v === 'boolean'
        ? +v
        : typeof v === 'string'
          ? parseFloatPy(v)
          : undefined;
    return n ?? o.default;
  },
  length,
  count: length,
  first: (v) =>
    toList('first', v).length ? toList('first', v)[0] : getHooks().miss('the first item of an empty list'),
  last: (v) =>
    toList('last', v).length ? toList('last', v).at(-1) : getHooks().miss('the last item of an empty list'),
  min: minMax('min', -1),
  max: minMax('max', 1),
  sort(v, ...a) {
    const o = bind('sort', a, ['reverse', 'case_sensitive', 'attribute'], { reverse: false });
    const key = keyOf(o.attribute, o.case_sensitive);
    const keyed = toList('sort', v).map((x) => [key(x), x] as const);
    keyed.sort((x, y) => (o.reverse ? -1 : 1) * pyCmp(x[0], y[0], 'sort'));
    return keyed.map((k) => k[1]);
  },
  unique(v, ...a) {
    const o = bind('unique', a, ['case_sensitive', 'attribute']);
    const key = keyOf(o.attribute, o.case_sensitive);
    const seen: unknown[] = [];
    return toList('unique', v).filter((x) => !seen.some((s) => pyEq(s, key(x))) && seen.push(key(x)));
  },
  map(this: any, v, ...a) {
    const [pos, kw] = splitKw(a);
    const items = toList('map', v);
    if (!pos.length) {
      if (kw.attribute === undefined) throw expected('map', "a filter name or attribute='...'", kw);
      return items.map((x) => {
        const r = getAttr(x, String(kw.attribute));
        if (r !== undefined) return r;
        if ('default' in kw) return kw.default;
        throw new SdtdError(
          'undefined-variable',
          `map: expected attribute '${kw.attribute}' on every item (got ${describeValue(x)})`,
        );
      });
    }
    const [name, ...rest] = pos;
    const f = this.env.filters[String(name)];
    if (!f) throw expected('map', 'the name of a filter', name);
    const more = Object.keys(kw).length ? [...rest, { ...kw, __keywords: true }] : rest;
    return items.map((x) => f.call(this, x, ...more));
  },
  select(v, ...a) {
    return toList('select', v).filter(tester(this, 'select', a));
  },
  reject(v, ...a) {
    const t = tester(this, 'reject', a);
    return toList('reject', v).filter((x) => !t(x));
  },
  selectattr(v, attr, ...a) {
    const t = tester(this, 'selectattr', a);
    return toList('selectattr', v).filter((x) => t(getAttr(x, String(attr))));
  },
  rejectattr(v, attr, ...a) {
    const t = tester(this, 'rejectattr', a);
    return toList('rejectattr', v).filter((x) => !t(getAttr(x, String(attr))));
  },
  ternary(v, ...a) {
    const o = bind('ternary', a, ['true_val', 'false_val', 'none_val'], { none_val: null });
    if (v === null && o.none_val !== null) return o.none_val;
    return truth(v) ? o.true_val : o.false_val;
  },
  list: (v) => [...toList('list', v)],
  sum(v, ...a) {
    const o = bind('sum', a, ['attribute', 'start'], { start: 0 });
    const items = toList('sum', v).map((x) => (o.attribute == null ? x : getAttr(x, String(o.attribute))));
    return items.reduce((acc: any, x: any) => {
      if (Array.isArray(acc) && Array.isArray(x)) return acc.concat(x);
      if (typeof acc === 'number' && (typeof x === 'number' || typeof x === 'boolean')) return acc + +x;
      throw expected('sum', 'numbers (or lists with start=[])', x);
    }, o.start);
  },
  round(v, ...a) {
    const o = bind('round', a, ['precision', 'method'], { precision: 0, method: 'common' });
    const f = 10 ** Number(o.precision);
    const x = Number(v) * f;
    const r = o.method === 'ceil' ? Math.ceil(x) : o.method === 'floor' ? Math.floor(x) : Math.round(x);
    // Python's round() sends exact halves to the even neighbour
    const even = o.method === 'common' && Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
    return even / f;
  },
  random(v, ...a) {
    const o = bind('random', a, ['start', 'step', 'seed']);
    if (o.seed === undefined || o.seed === null)
      throw expected('random', 'seed=... (an unseeded random value changes on every run)', o.seed);
    const rnd = seeded(o.seed);
    if (typeof v !== 'number') {
      const items = toList('random', v);
      return items[Math.floor(rnd() * items.length)];
    }
    const start = Number(o.start ?? 0);
    const step = Number(o.step ?? 1);
    const n = Math.max(0, Math.ceil((v - start) / step));
    if (!n) throw expected('random', 'a non-empty range', v);
    return start + step * Math.floor(rnd() * n);
  },
  type_debug: (v) =>
    v === null
      ? 'NoneType'
      : typeof v === 'string'
        ? 'str'
        : typeof v === 'boolean'
          ? 'bool'
          : typeof v === 'number'
            ? Number.isInteger(v)
              ? 'int'
              : 'float'
            : Array.isArray(v)
              ? 'list'
              : 'dict',
};
filters.d = filters.default;

// Python value semantics (truth, str(), ==, ordering, re syntax, call arguments) for Jinja filters, tests and lookups.
import { describeValue, SdtdError } from './errors.js';

/** What filters, tests and lookups need from render.ts; passed in at install so they never import it (no cycle). */
export interface RenderHooks {
  /** The undefined-variable error naming the variable that was missing last. */
  undefinedError(): SdtdError;
  /** Note what is missing (named if the result is then used) and return undefined, as Jinja's Undefined. */
  miss(what: string): undefined;
  renderText(text: string, vars: object): string;
  /** The symbol marking a lazy scope (render.ts's LAZY). */
  lazy: symbol;
}

let hooks: RenderHooks | undefined;
export function setHooks(h: RenderHooks): void {
  hooks = h;
}
export function getHooks(): RenderHooks {
  if (!hooks) throw new Error('jinja hooks used before render.ts installed them');
  return hooks;
}
/** StrictUndefined: using an undefined value is an error naming the variable. */
export function defined<T>(v: T): Exclude<T, undefined> {
  if (v === undefined) throw getHooks().undefinedError();
  return v as Exclude<T, undefined>;
}

export type Kw = Record<string, unknown>;

/** An error raised by a filter, test or lookup. */
export function expected(where: string, what: string, got: unknown): SdtdError {
  return new SdtdError('template', `${where}: expected ${what} (got ${describeValue(got)})`);
}

/** nunjucks passes keyword arguments as a last object marked `__keywords`. */
export function splitKw(args: unknown[]): [unknown[], Kw] {
  const last = args[args.length - 1];
  if (last && typeof last === 'object' && Object.hasOwn(last, '__keywords')) {
    const { __keywords: _, ...kw } = last as Kw;
    return [args.slice(0, -1), kw];
  }
  return [args, {}];
}

/** Bind arguments the way Python binds them to `def f(value, names...)`. */
export function bind(where: string, args: unknown[], names: string[], defaults: Kw = {}): Kw {
  const [pos, kw] = splitKw(args);
  if (pos.length > names.length)
    throw new SdtdError(
      'template',
      `${where}: expected at most ${names.length} arguments (got ${pos.length})`,
    );
  const out: Kw = { ...defaults };
  pos.forEach((v, i) => {
    out[names[i]] = v;
  });
  for (const [k, v] of Object.entries(kw)) {
    if (!names.includes(k))
      throw new SdtdError('template', `${where}: expected an argument among ${names.join(', ')} (got ${k}=)`);
    out[k] = v;
  }
  return out;
}

export function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof String);
}

/** Python's bool(): empty strings, lists and mappings are false (JavaScript says [] and {} are true). */
export function truth(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'string' || v instanceof String || Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return typeof v === 'number' ? v !== 0 : Boolean(v);
}

function pyNum(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  return String(n);
}

/** Python's repr(), which is also how lists and mappings print inside text. */
export function repr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return pyNum(v);
  if (typeof v === 'string' || v instanceof String)
    return `'${String(v).replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  if (Array.isArray(v)) return `[${v.map(repr).join(', ')}]`;
  return `{${Object.entries(v as object)
    .map(([k, x]) => `${repr(k)}: ${repr(x)}`)
    .join(', ')}}`;
}

/** Ansible's bool filter: 'yes', 'on', '1', 'true' (any case) and 1 are true; everything else is false. */
export function toBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  return (['yes', 'on', '1', 'true', 1] as unknown[]).includes(typeof v === 'string' ? v.toLowerCase() : v);
}

/** Python's str(): True, None, and repr() for collections. */
export function pyStr(v: unknown): string {
  defined(v);
  if (typeof v === 'string') return v;
  if (v instanceof String) return v.toString();
  return repr(v);
}

/** Python's ==: deep for lists and mappings, True == 1, but '1' != 1. */
export function pyEq(a: unknown, b: unknown): boolean {
  const x = typeof a === 'boolean' ? +a : a instanceof String ? a.toString() : a;
  const y = typeof b === 'boolean' ? +b : b instanceof String ? b.toString() : b;
  if (x === y) return true;
  if (Array.isArray(x)) return Array.isArray(y) && x.length === y.length && x.every((e, i) => pyEq(e, y[i]));
  if (isMapping(x) && isMapping(y)) {
    const kx = Object.keys(x);
    return kx.length === Object.keys(y).length && kx.every((k) => Object.hasOwn(y, k) && pyEq(x[k], y[k]));
  }
  return (x === null || x === undefined) && (y === null || y === undefined);
}

/** Python's ordering (sort, min, max): numbers with numbers, strings with strings, lists element-wise. */
export function pyCmp(a: unknown, b: unknown, where = 'sort'): number {
  const x = typeof a === 'boolean' ? +a : a;
  const y = typeof b === 'boolean' ? +b : b;
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  if (typeof x === 'string' && typeof y === 'string') return x < y ? -1 : x > y ? 1 : 0;
  if (Array.isArray(x) && Array.isArray(y)) {
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const c = pyCmp(x[i], y[i], where);
      if (c) return c;
    }
    return x.length - y.length;
  }
  throw new SdtdError(
    'template',
    `${where}: expected values of one comparable type (got ${describeValue(a)} and ${describeValue(b)})`,
  );
}

/** Iterate as Python does: a string by character, a mapping by key. */
export function toList(where: string, v: unknown): unknown[] {
  defined(v);
  if (Array.isArray(v)) return v;
  if (typeof v === 'string' || v instanceof String) return [...String(v)];
  if (isMapping(v)) return Object.keys(v);
  throw expected(where, 'a list, a string or a mapping', v);
}

/** Jinja's attribute getter: `a.b.0` walks mappings and list indexes; undefined when missing. */
export function getAttr(item: unknown, path: string): unknown {
  let v: any = item;
  for (const part of String(path).split('.')) {
    if (v === null || v === undefined) return undefined;
    v = Array.isArray(v) && /^\d+$/.test(part) ? v[Number(part)] : isMapping(v) ? v[part] : undefined;
  }
  return v;
}

const reCache = new Map<string, RegExp>();

/** A JavaScript RegExp for a Python pattern: (?P<n>) and (?P=n) groups, \A \Z, inline flags, Python's `$`. */
export function pyRegex(where: string, pattern: unknown, flags = ''): RegExp {
  if (typeof pattern !== 'string') throw expected(where, 'a regular expression string', pattern);
  const key = `${flags}/${pattern}`;
  const hit = reCache.get(key);
  if (hit) return hit;
  let src = pattern;
  let f = flags;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(src);
  if (inline) {
    if (inline[1].includes('x')) throw expected(where, 'a pattern without the verbose flag (?x)', pattern);
    for (const c of inline[1]) if ('ims'.includes(c) && !f.includes(c)) f += c;
    src = src.slice(inline[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      const n = src[++i] ?? '';
      out += inClass ? c + n : n === 'A' ? '(?<![\\s\\S])' : n === 'Z' ? '(?![\\s\\S])' : c + n;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
      if (src[i + 1] === '^') out += src[++i];
      // Python allows a literal ] first in a class; JavaScript would read [] as an empty class
      if (src[i + 1] === ']') out += `\\${src[++i]}`;
    } else if (src.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
    } else if (src.startsWith('(?P=', i)) {
      const end = src.indexOf(')', i);
      out += `\\k<${src.slice(i + 4, end)}>`;
      i = end;
    } else out += c === '$' && !f.includes('m') ? '(?=\\n?(?![\\s\\S]))' : c; // Python's $ also matches before a final newline
  }
  try {
    const re = new RegExp(out, f);
    reCache.set(key, re);
    return re;
  } catch (e) {
    throw new SdtdError(
      'template',
      `${where}: expected a valid regular expression (got ${pattern}: ${(e as Error).message})`,
    );
  }
}

/** Expand a Python re.sub replacement (\1, \g<1>, \g<name>, \n) for one match. */
export function pyExpand(template: string, m: RegExpMatchArray): string {
  return template.replace(/\\(?:g<(\w+)>|(\d{1,2})|(.))/gs, (esc, g, d, o) => {
    if (g !== undefined) return (/^\d+$/.test(g) ? m[Number(g)] : m.groups?.[g]) ?? '';
    if (d !== undefined) return m[Number(d)] ?? '';
    return ({ n: '\n', t: '\t', r: '\r', '\\': '\\' } as Record<string, string>)[o] ?? esc;
  });
}

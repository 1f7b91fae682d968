// Python's str semantics for Jinja: split/replace/strip, `%` formatting, str.format, and the str methods templates call.
import { expected, isMapping, type Kw, pyStr, repr } from './jinja-python.js';

/** Python's str.split: no separator splits on runs of whitespace and drops empty parts. */
export function pySplit(s: string, sep: unknown, max: number): string[] {
  if (sep === null || sep === undefined) {
    const parts: string[] = [];
    let rest = s.replace(/^\s+/, '');
    while (rest) {
      const m = /\s+/.exec(rest);
      if (!m || (max >= 0 && parts.length === max)) return [...parts, rest];
      parts.push(rest.slice(0, m.index));
      rest = rest.slice(m.index + m[0].length);
    }
    return parts;
  }
  const d = pyStr(sep);
  if (!d) throw expected('split', 'a non-empty separator', sep);
  const all = s.split(d);
  return max < 0 || all.length <= max + 1 ? all : [...all.slice(0, max), all.slice(max).join(d)];
}

export function pyReplace(s: string, old: string, nu: string, count: number): string {
  let n = count;
  if (old === '') return [...s, ''].map((c) => (n-- !== 0 ? nu + c : c)).join('');
  let out = '';
  let i = 0;
  for (let j = s.indexOf(old); j >= 0 && n-- !== 0; j = s.indexOf(old, i)) {
    out += s.slice(i, j) + nu;
    i = j + old.length;
  }
  return out + s.slice(i);
}

/** Python's str.strip/lstrip/rstrip: whitespace, or any of the given characters. */
export function pyStrip(s: string, chars: unknown, left = true, right = true): string {
  const set = chars === undefined || chars === null ? undefined : [...pyStr(chars)];
  const strip = (c: string) => (set ? set.includes(c) : /\s/.test(c));
  const ch = [...s];
  let i = 0;
  let j = ch.length;
  while (left && i < j && strip(ch[i])) i++;
  while (right && j > i && strip(ch[j - 1])) j--;
  return ch.slice(i, j).join('');
}

/** Python's `fmt % args` (%s %r %d %i %f %e %g %x %o %c %%, flags, width, precision, %(name)s). */
export function pyFormat(fmt: string, args: unknown): string {
  // a list is the tuple of values, unless the format takes one value and the list is that value
  const n = fmt.replace(/%%/g, '').split('%').length - 1;
  const list = Array.isArray(args) && !(n === 1 && args.length !== 1) ? args : [args];
  let i = 0;
  const out = fmt.replace(/%(?:\(([^)]*)\))?([-+ 0#]*)(\d+|\*)?(?:\.(\d+))?([sridfFeEgGxXoc%])/g, (...m) => {
    const [, name, flags, width, prec, conv] = m as string[];
    if (conv === '%') return '%';
    const v = name !== undefined ? (args as Kw)[name] : list[i++];
    const p = prec === undefined ? undefined : Number(prec);
    let s: string;
    const num = () => (typeof v === 'boolean' ? +v : typeof v === 'number' ? v : Number.NaN);
    if (conv === 's') s = pyStr(v).slice(0, p);
    else if (conv === 'r') s = repr(v).slice(0, p);
    else if (conv === 'c') s = typeof v === 'number' ? String.fromCodePoint(v) : pyStr(v);
    else {
      const n = num();
      if (Number.isNaN(n)) throw expected('% formatting', `a number for %${conv}`, v);
      if ('di'.includes(conv)) s = String(Math.trunc(n));
      else if ('xXo'.includes(conv)) s = Math.trunc(n).toString(conv === 'o' ? 8 : 16);
      else if ('eE'.includes(conv)) s = n.toExponential(p ?? 6).replace(/e([+-])(\d)$/, 'e$10$2');
      else if ('gG'.includes(conv)) s = String(Number(n.toPrecision(p || 6)));
      else s = n.toFixed(p ?? 6);
      if (conv === 'X' || conv === 'E' || conv === 'G') s = s.toUpperCase();
      if (n >= 0 && flags.includes('+')) s = `+${s}`;
      else if (n >= 0 && flags.includes(' ')) s = ` ${s}`;
    }
    const w = width === '*' ? Number(list[i++]) : Number(width ?? 0);
    if (flags.includes('-')) return s.padEnd(w);
    if (flags.includes('0') && conv !== 's' && conv !== 'r') {
      const sign = /^[-+ ]/.test(s) ? s[0] : '';
      return sign + s.slice(sign.length).padStart(w - sign.length, '0');
    }
    return s.padStart(w);
  });
  if (!isMapping(args) && i < list.length) throw expected('% formatting', `${i} values for the format`, list);
  return out;
}

/** Python's str.format with {}, {0}, {name}, {0.attr} and {{ }}; format specs beyond the field are ignored. */
export function strFormat(fmt: string, args: unknown[], kw: Kw): string {
  let auto = 0;
  return fmt.replace(/\{\{|\}\}|\{([^{}!:]*)(?:![rs])?(?::[^{}]*)?\}/g, (m, field: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const [head, ...path] = (field ?? '').split('.');
    let v: any = head === '' ? args[auto++] : /^\d+$/.test(head) ? args[Number(head)] : kw[head];
    for (const p of path) v = v?.[p];
    return pyStr(v);
  });
}

const sides = (left: boolean, right: boolean) => (s: string, chars?: unknown) =>
  pyStrip(s, chars, left, right);
const affix = (end: boolean) => (s: string, x: unknown) =>
  (Array.isArray(x) ? x : [x]).some((p) => (end ? s.endsWith(pyStr(p)) : s.startsWith(pyStr(p))));

/** The str methods Ansible templates call most; they shadow JavaScript's (whose split and replace differ). */
export const STR_METHODS: Record<string, (s: string, ...a: any[]) => unknown> = {
  startswith: affix(false),
  endswith: affix(true),
  strip: sides(true, true),
  lstrip: sides(true, false),
  rstrip: sides(false, true),
  lower: (s) => s.toLowerCase(),
  upper: (s) => s.toUpperCase(),
  capitalize: (s) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(),
  title: (s) => s.toLowerCase().replace(/(^|[^a-z])([a-z])/g, (_m, a, b) => a + b.toUpperCase()),
  split: (s, sep = null, max = -1) => pySplit(s, sep, Number(max)),
  splitlines: (s) =>
    s.split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/).filter((l, i, a) => i < a.length - 1 || l),
  replace: (s, old, nu, count = -1) => pyReplace(s, pyStr(old), pyStr(nu), Number(count)),
  find: (s, sub) => s.indexOf(pyStr(sub)),
  count: (s, sub) => (pyStr(sub) ? s.split(pyStr(sub)).length - 1 : [...s].length + 1),
  isdigit: (s) => /^\d+$/.test(s),
  isalpha: (s) => /^\p{L}+$/u.test(s),
  isalnum: (s) => /^[\p{L}\p{N}]+$/u.test(s),
  join: (s, items) => (Array.isArray(items) ? items : [...pyStr(items)]).map(pyStr).join(s),
  zfill: (s, w) =>
    /^[+-]/.test(s) ? s[0] + s.slice(1).padStart(Number(w) - 1, '0') : s.padStart(Number(w), '0'),
  format(s, ...a) {
    const last = a[a.length - 1];
    const kw = last && typeof last === 'object' && Object.hasOwn(last, '__keywords') ? a.pop() : {};
    return strFormat(s, a, kw);
  },
};

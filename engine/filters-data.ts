// Ansible's filters on data: set operations, flatten and zip, mappings (combine, dict2items), JSON and YAML, extract.
import YAML from 'yaml';
import { describeValue, SdtdError } from './errors.js';
import type { Filter } from './filters.js';
import { bind, expected, isMapping, type Kw, pyEq, pyStr, splitKw, toList } from './jinja-python.js';

/** Ansible dedups case-insensitively in union, as its unique filter does. */
function uniq(items: unknown[], fold: boolean): unknown[] {
  const key = (x: unknown) => (fold && typeof x === 'string' ? x.toLowerCase() : x);
  const out: unknown[] = [];
  for (const x of items) if (!out.some((o) => pyEq(key(o), key(x)))) out.push(x);
  return out;
}
const has = (list: unknown[], x: unknown) => list.some((y) => pyEq(x, y));

function mapping(where: string, v: unknown): Record<string, unknown> {
  if (!isMapping(v)) throw expected(where, 'a mapping', v);
  return v;
}

/** Ansible's merge_hash, which combine uses. */
function mergeHash(x: Kw, y: Kw, recursive: boolean, listMerge: string): Kw {
  const out: Kw = { ...x };
  for (const [k, yv] of Object.entries(y)) {
    const xv = out[k];
    if (recursive && isMapping(xv) && isMapping(yv)) out[k] = mergeHash(xv, yv, true, listMerge);
    else if (Array.isArray(xv) && Array.isArray(yv) && Object.hasOwn(out, k)) {
      const rest = xv.filter((e) => !has(yv, e));
      out[k] = {
        replace: yv,
        keep: xv,
        append: [...xv, ...yv],
        prepend: [...yv, ...xv],
        append_rp: [...rest, ...yv],
        prepend_rp: [...yv, ...rest],
      }[listMerge];
    } else out[k] = yv;
  }
  return out;
}

/** Python's json.dumps: ", " and ": " separators, sorted keys on demand, non-ASCII escaped by default. */
function pyJson(v: unknown, indent: number | null, sortKeys: boolean, ascii: boolean, level = 0): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number')
    return Number.isNaN(v) ? 'NaN' : Number.isFinite(v) ? String(v) : v > 0 ? 'Infinity' : '-Infinity';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string' || v instanceof String) {
    const s = JSON.stringify(String(v));
    return ascii
      ? s.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
      : s;
  }
  const inner = indent === null ? '' : `\n${' '.repeat(indent * (level + 1))}`;
  const outer = indent === null ? '' : `\n${' '.repeat(indent * level)}`;
  const sep = indent === null ? ', ' : ',';
  const dump = (x: unknown) => pyJson(x, indent, sortKeys, ascii, level + 1);
  if (Array.isArray(v)) return v.length ? `[${inner}${v.map(dump).join(sep + inner)}${outer}]` : '[]';
  const keys = Object.keys(v as object);
  if (sortKeys) keys.sort();
  const items = keys.map((k) => `${pyJson(k, null, false, ascii)}: ${dump((v as Kw)[k])}`);
  return items.length ? `{${inner}${items.join(sep + inner)}${outer}}` : '{}';
}

/** PyYAML's dump: sorted keys, YAML 1.1 quoting; to_yaml writes leaf collections in flow style as PyYAML's default does. */
function pyYaml(v: unknown, o: Kw, nice: boolean): string {
  const doc = new YAML.Document(v, { version: '1.1', sortMapEntries: o.sort_keys !== false });
  if (!nice)
    YAML.visit(doc, {
      Collection(_k, node) {
        if (node.items.every((i: any) => !YAML.isCollection(YAML.isPair(i) ? i.value : i))) node.flow = true;
      },
    });
  return doc.toString({
    indent: Number(o.indent ?? (nice ? 4 : 2)),
    indentSeq: false,
    singleQuote: true,
    flowCollectionPadding: false,
    lineWidth: Number(o.width ?? 80),
  });
}

function flatten(list: unknown[], levels: number | null, skipNulls: boolean): unknown[] {
  return list.flatMap((e) => {
    if (skipNulls && (e === null || e === 'None' || e === 'null')) return [];
    if (!Array.isArray(e) || (levels !== null && levels < 1)) return [e];
    return flatten(e, levels === null ? null : levels - 1, skipNulls);
  });
}

export const dataFilters: Record<string, Filter> = {
  union: (a, b) => uniq([...toList('union', a), ...toList('union', b)], true),
  intersect: (a, b) =>
    uniq(
      toList('intersect', a).filter((x) => has(toList('intersect', b), x)),
      false,
    ),
  difference: (a, b) =>
    uniq(
      toList('difference', a).filter((x) => !has(toList('difference', b), x)),
      false,
    ),
  symmetric_difference(a, b) {
    const [x, y] = [toList('symmetric_difference', a), toList('symmetric_difference', b)];
    return uniq([...x, ...y], true).filter((e) => !(has(x, e) && has(y, e)));
  },
  flatten(v, ...a) {
    const o = bind('flatten', a, ['levels', 'skip_nulls'], { levels: null, skip_nulls: true });
    return flatten(toList('flatten', v), o.levels === null ? null : Number(o.levels), !!o.skip_nulls);
  },
  zip: (v, ...a) => {
    const lists = [v, ...splitKw(a)[0]].map((l) => toList('zip', l));
    return lists[0].slice(0, Math.min(...lists.map((l) => l.length))).map((_, i) => lists.map((l) => l[i]));
  },
  zip_longest(v, ...a) {
    const [pos, kw] = splitKw(a);
    const lists = [v, ...pos].map((l) => toList('zip_longest', l));
    const n = Math.max(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_, i) =>
      lists.map((l) => (i < l.length ? l[i] : (kw.fillvalue ?? null))),
    );
  },
  combine(v, ...a) {
    const [pos, kw] = splitKw(a);
    const o = bind('combine', [{ ...kw, __keywords: true }], ['recursive', 'list_merge']);
    const lm = String(o.list_merge ?? 'replace');
    if (!['replace', 'keep', 'append', 'prepend', 'append_rp', 'prepend_rp'].includes(lm))
      throw expected('combine', 'list_merge among replace, keep, append, prepend, append_rp, prepend_rp', lm);
    const dicts = [v, ...pos].flatMap((d) => (Array.isArray(d) ? d : [d]));
    return dicts.reduce((acc: Kw, d) => mergeHash(acc, mapping('combine', d), !!o.recursive, lm), {});
  },
  dict2items(v, ...a) {
    const o = bind('dict2items', a, ['key_name', 'value_name'], { key_name: 'key', value_name: 'value' });
    return Object.entries(mapping('dict2items', v)).map(([k, x]) => ({
      [String(o.key_name)]: k,
      [String(o.value_name)]: x,
    }));
  },
  items2dict(v, ...a) {
    const o = bind('items2dict', a, ['key_name', 'value_name'], { key_name: 'key', value_name: 'value' });
    const out: Kw = {};
    for (const it of toList('items2dict', v)) {
      const m = mapping('items2dict', it);
      if (!Object.hasOwn(m, String(o.key_name)) || !Object.hasOwn(m, String(o.value_name)))
        throw expected('items2dict', `items with '${o.key_name}' and '${o.value_name}'`, it);
      out[String(m[String(o.key_name)])] = m[String(o.value_name)];
    }
    return out;
  },
  to_json(v, ...a) {
    const o = bind('to_json', a, ['indent', 'sort_keys', 'ensure_ascii'], {
      indent: null,
      ensure_ascii: true,
    });
    return pyJson(v, o.indent === null ? null : Number(o.indent), !!o.sort_keys, !!o.ensure_ascii);
  },
  to_nice_json(v, ...a) {
    const o = bind('to_nice_json', a, ['indent', 'sort_keys', 'ensure_ascii'], {
      indent: 4,
      sort_keys: true,
      ensure_ascii: true,
    });
    return pyJson(v, Number(o.indent), !!o.sort_keys, !!o.ensure_ascii);
  },
  to_yaml: (v, ...a) => pyYaml(v, bind('to_yaml', a, ['indent', 'width', 'sort_keys']), false),
  to_nice_yaml: (v, ...a) => pyYaml(v, bind('to_nice_yaml', a, ['indent', 'width', 'sort_keys']), true),
  from_json(v) {
    try {
      return JSON.parse(pyStr(v));
    } catch (e) {
      throw expected('from_json', `JSON text (${(e as Error).message})`, v);
    }
  },
  from_yaml(v) {
    try {
      return YAML.parse(pyStr(v), { version: '1.1' }) ?? null;
    } catch (e) {
      throw expected('from_yaml', `YAML text (${(e as Error).message.split('\n')[0]})`, v);
    }
  },
  extract(item, ...a) {
    const o = bind('extract', a, ['container', 'morekeys']);
    const keys = [item, ...(o.morekeys == null ? [] : Array.isArray(o.morekeys) ? o.morekeys : [o.morekeys])];
    return keys.reduce((c: any, k) => {
      const x = c === null || c === undefined ? undefined : c[k as any];
      if (x === undefined)
        throw new SdtdError(
          'undefined-variable',
          `extract: expected key ${pyStr(k)} (got ${describeValue(c)})`,
        );
      return x;
    }, o.container);
  },
};

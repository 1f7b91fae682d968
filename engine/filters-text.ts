// Jinja's and Ansible's filters on text: str() and case, split/replace/trim, regular expressions, encodings, hashes, paths.
import { createHash } from 'node:crypto';
import type { Filter } from './filters.js';
import {
  bind,
  expected,
  getAttr,
  type Kw,
  pyExpand,
  pyRegex,
  pyStr,
  splitKw,
  toList,
} from './jinja-python.js';
import { pyFormat, pyReplace, pySplit, pyStrip } from './jinja-strings.js';
import { shq } from './shell.js';

function regexFlags(o: Kw, extra = ''): string {
  return (o.ignorecase ? 'i' : '') + (o.multiline ? 'm' : '') + extra;
}

const ENCODINGS: Record<string, BufferEncoding> = {
  'utf-8': 'utf8',
  utf8: 'utf8',
  'utf-16-le': 'utf16le',
  'utf-16le': 'utf16le',
  'latin-1': 'latin1',
  latin1: 'latin1',
  ascii: 'ascii',
};
function encoding(where: string, o: Kw): BufferEncoding {
  const e = ENCODINGS[String(o.encoding ?? 'utf-8').toLowerCase()];
  if (!e) throw expected(where, `an encoding among ${Object.keys(ENCODINGS).join(', ')}`, o.encoding);
  return e;
}

function digest(where: string, data: unknown, type: unknown): string {
  try {
    return createHash(String(type)).update(pyStr(data)).digest('hex');
  } catch {
    throw expected(where, 'a hash type like sha1, sha256, sha512 or md5', type);
  }
}

/** Python's os.path.basename/dirname (not Node's: 'a/b/' has basename ''). */
const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);
function dirname(p: string): string {
  const head = p.slice(0, p.lastIndexOf('/') + 1);
  return head && !/^\/+$/.test(head) ? head.replace(/\/+$/, '') : head;
}

export const textFilters: Record<string, Filter> = {
  string: (v) => pyStr(v),
  lower: (v) => pyStr(v).toLowerCase(),
  upper: (v) => pyStr(v).toUpperCase(),
  replace(v, ...a) {
    const o = bind('replace', a, ['old', 'new', 'count']);
    return pyReplace(
      pyStr(v),
      pyStr(o.old),
      pyStr(o.new),
      o.count === undefined || o.count === null ? -1 : Number(o.count),
    );
  },
  join(v, ...a) {
    const o = bind('join', a, ['d', 'attribute'], { d: '' });
    const items = toList('join', v);
    return (o.attribute == null ? items : items.map((x) => getAttr(x, String(o.attribute))))
      .map(pyStr)
      .join(pyStr(o.d));
  },
  split(v, ...a) {
    const o = bind('split', a, ['sep', 'maxsplit'], { maxsplit: -1 });
    return pySplit(pyStr(v), o.sep, Number(o.maxsplit));
  },
  trim(v, ...a) {
    return pyStrip(pyStr(v), bind('trim', a, ['chars']).chars);
  },
  format(v, ...a) {
    const [pos, kw] = splitKw(a);
    return pyFormat(pyStr(v), Object.keys(kw).length ? kw : pos);
  },
  indent(v, ...a) {
    const o = bind('indent', a, ['width', 'first', 'blank', 'indentfirst'], { width: 4 });
    const pad = typeof o.width === 'string' ? o.width : ' '.repeat(Number(o.width));
    const lines = pyStr(v).split('\n');
    const body = lines.map((l, i) => (i === 0 || (!o.blank && !l) ? l : pad + l)).join('\n');
    return (o.first || o.indentfirst ? pad : '') + body;
  },
  regex_replace(v, ...a) {
    const o = bind(
      'regex_replace',
      a,
      ['pattern', 'replacement', 'ignorecase', 'multiline', 'count', 'mandatory_count'],
      {
        replacement: '',
        count: 0,
        mandatory_count: 0,
      },
    );
    const re = pyRegex('regex_replace', o.pattern, regexFlags(o, 'g'));
    const s = pyStr(v);
    const max = Number(o.count) || Infinity;
    const rep = pyStr(o.replacement);
    let out = '';
    let last = 0;
    let n = 0;
    for (const m of s.matchAll(re)) {
      if (n >= max) break;
      out += s.slice(last, m.index) + pyExpand(rep, m);
      last = m.index + m[0].length;
      n++;
    }
    if (Number(o.mandatory_count) && n !== Number(o.mandatory_count))
      throw expected('regex_replace', `${o.mandatory_count} replacements`, n);
    return out + s.slice(last);
  },
  regex_search(v, ...a) {
    const [pos, kw] = splitKw(a);
    const [pattern, ...groups] = pos;
    const o = bind('regex_search', [kw], ['ignorecase', 'multiline']);
    const m = pyRegex('regex_search', pattern, regexFlags(o)).exec(pyStr(v));
    if (!m) return null;
    if (!groups.length) return m[0];
    return groups.map((g) => {
      const r = /^\\(?:g<(\w+)>|(\d+))$/.exec(String(g));
      if (!r) throw expected('regex_search', "group arguments like '\\\\1' or '\\\\g<name>'", g);
      const x =
        r[2] !== undefined ? m[Number(r[2])] : /^\d+$/.test(r[1]) ? m[Number(r[1])] : m.groups?.[r[1]];
      return x ?? null;
    });
  },
  regex_findall(v, ...a) {
    const o = bind('regex_findall', a, ['regex', 'multiline', 'ignorecase']);
    const re = pyRegex('regex_findall', o.regex, regexFlags(o, 'g'));
    return [...pyStr(v).matchAll(re)].map((m) =>
      m.length === 1 ? m[0] : m.length === 2 ? (m[1] ?? '') : m.slice(1).map((x) => x ?? ''),
    );
  },
  regex_escape(v, ...a) {
    const o = bind('regex_escape', a, ['re_type'], { re_type: 'python' });
    if (o.re_type === 'posix_basic') return pyStr(v).replace(/[\].[^$*\\]/g, '\\$&');
    if (o.re_type !== 'python')
      throw expected('regex_escape', "re_type 'python' or 'posix_basic'", o.re_type);
    return pyStr(v).replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, (c) => `\\${c}`);
  },
  b64encode: (v, ...a) =>
    Buffer.from(pyStr(v), encoding('b64encode', bind('b64encode', a, ['encoding']))).toString('base64'),
  b64decode: (v, ...a) =>
    Buffer.from(pyStr(v), 'base64').toString(encoding('b64decode', bind('b64decode', a, ['encoding']))),
  hash: (v, ...a) => digest('hash', v, bind('hash', a, ['hashtype'], { hashtype: 'sha1' }).hashtype),
  checksum: (v) => digest('checksum', v, 'sha1'),
  sha1: (v) => digest('sha1', v, 'sha1'),
  md5: (v) => digest('md5', v, 'md5'),
  basename: (v) => basename(pyStr(v)),
  dirname: (v) => dirname(pyStr(v)),
  splitext(v) {
    const s = pyStr(v);
    const m = /(?<=[^/.][^/]*)\.[^./]*$/.exec(s);
    return m ? [s.slice(0, m.index), m[0]] : [s, ''];
  },
  path_join: (v) =>
    toList('path_join', typeof v === 'string' ? [v] : v)
      .map(pyStr)
      .reduce((acc, p) => (p.startsWith('/') || !acc ? p : acc.endsWith('/') ? acc + p : `${acc}/${p}`), ''),
  quote: (v) => shq(v === null ? '' : pyStr(v)),
};

// Jinja ends a {{ }} or {% %} tag at its closer only outside brackets; nunjucks at the first `}}`: nested literals are spaced for it.

/** Where a tag's code ends: the index of its closer at bracket depth 0 (-1 when it never closes). */
function codeEnd(src: string, from: number, closer: string, out: string[]): number {
  let depth = 0;
  let i = from;
  while (i < src.length) {
    const c = src[i];
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === '\\' ? 2 : 1;
      out.push(src.slice(i, j + 1));
      i = j + 1;
      continue;
    }
    if (depth === 0 && src.startsWith(closer, i)) return i;
    if (c === '{' || c === '[' || c === '(') depth++;
    else if ((c === '}' || c === ']' || c === ')') && depth > 0) depth--;
    out.push(c);
    // `{'a': {'b': 1}}`: the inner `}` is followed by one that closes a literal, not the tag
    if (c === '}' && src[i + 1] === '}' && depth > 0) out.push(' ');
    i++;
  }
  return -1;
}

const RAW = /^-?\s*(raw|verbatim)\s*-?$/;

/**
 * The template with `}}` inside expressions written `} }`, which means the same to Jinja and lets nunjucks
 * read `{{ x | combine({'a': {'b': 1}}) }}`. Text, comments and raw blocks are left as they are.
 */
export function spaceNestedBraces(src: string): string {
  if (!src.includes('}}')) return src;
  const out: string[] = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{', i);
    if (open < 0 || open + 1 >= src.length) break;
    const kind = src[open + 1];
    if (kind !== '{' && kind !== '%' && kind !== '#') {
      out.push(src.slice(i, open + 1));
      i = open + 1;
      continue;
    }
    out.push(src.slice(i, open + 2));
    if (kind === '#') {
      const end = src.indexOf('#}', open + 2);
      if (end < 0) return src;
      out.push(src.slice(open + 2, end + 2));
      i = end + 2;
      continue;
    }
    const closer = kind === '{' ? '}}' : '%}';
    const code: string[] = [];
    const end = codeEnd(src, open + 2, closer, code);
    if (end < 0) return src; // unterminated: nunjucks reports it on the original text
    out.push(code.join(''), closer);
    i = end + 2;
    if (kind === '%' && RAW.test(code.join('').trim())) {
      const m = /\{%-?\s*end(raw|verbatim)\s*-?%\}/.exec(src.slice(i));
      if (!m) return src;
      out.push(src.slice(i, i + m.index + m[0].length));
      i += m.index + m[0].length;
    }
  }
  out.push(src.slice(i));
  return out.join('');
}

/** The expression of a text that is exactly one `{{ expr }}` (surrounding blanks allowed), else undefined. */
export function singleExpression(text: string): string | undefined {
  const start = text.search(/\S/);
  if (start < 0 || !text.startsWith('{{', start)) return undefined;
  const end = codeEnd(text, start + 2, '}}', []);
  if (end < 0 || text.slice(end + 2).trim() !== '') return undefined;
  return text.slice(start + 2, end);
}

/** The [start, end) spans of the `{{ }}` and `{% %}` tags of a text, each ending where Jinja ends it. */
export function tagSpans(src: string): [number, number][] {
  const spans: [number, number][] = [];
  for (let i = src.indexOf('{'); i >= 0; i = src.indexOf('{', i)) {
    const kind = src[i + 1];
    if (kind !== '{' && kind !== '%') {
      i++;
      continue;
    }
    const end = codeEnd(src, i + 2, kind === '{' ? '}}' : '%}', []);
    if (end < 0) break;
    spans.push([i, end + 2]);
    i = end + 2;
  }
  return spans;
}

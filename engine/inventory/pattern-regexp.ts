// One host pattern word as a RegExp: `~regex` (Python re.match semantics) or an fnmatch glob (*, ?, [seq], [!seq]).

const compiled = new Map<string, RegExp>();

/** `~regex` (Python re.match: anchored at the start only) or an fnmatch glob with *, ?, [seq], [!seq]. */
export function patternRegExp(expr: string): RegExp {
  let re = compiled.get(expr);
  if (re) return re;
  if (expr[0] === '~') {
    let src = expr
      .slice(1)
      .replace(/\(\?P</g, '(?<')
      .replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
    const flags = /^\(\?i\)/.test(src) ? 'i' : '';
    if (flags) src = src.slice(4);
    re = new RegExp(`^(?:${src})`, flags);
  } else re = new RegExp(`^(?:${fnmatch(expr)})$`, 's');
  compiled.set(expr, re);
  return re;
}

/** Python's fnmatch.translate, without the anchors. */
function fnmatch(pat: string): string {
  let out = '';
  for (let i = 0; i < pat.length; ) {
    const c = pat[i++];
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      let j = i;
      if (pat[j] === '!') j++;
      if (pat[j] === ']') j++;
      while (j < pat.length && pat[j] !== ']') j++;
      if (j >= pat.length) {
        out += '\\[';
        continue;
      }
      let set = pat.slice(i, j).replace(/[\\\]]/g, (x) => `\\${x}`);
      i = j + 1;
      if (set[0] === '!') set = `^${set.slice(1)}`;
      else if (set[0] === '^') set = `\\${set}`;
      out += `[${set}]`;
    } else out += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return out;
}

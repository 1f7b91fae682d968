// Python's shlex.split for INI inventory host lines: quotes, backslashes and # comments, as Ansible splits them.

/** Python's shlex.split(line, comments=True): quotes, backslashes, and `#` starting a comment (even inside a word). */
export function shlexSplit(line: string): string[] {
  const out: string[] = [];
  let tok = '';
  let inTok = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === "'") {
      const j = line.indexOf("'", i + 1);
      if (j < 0) throw new Error('no closing quotation');
      tok += line.slice(i + 1, j);
      inTok = true;
      i = j + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new Error('no closing quotation');
        const d = line[i];
        if (d === '"') break;
        if (d === '\\' && i + 1 < line.length && '\\"$`'.includes(line[i + 1])) i++;
        tok += line[i++];
      }
      inTok = true;
      i++;
    } else if (c === '\\') {
      if (i + 1 >= line.length) throw new Error('no escaped character');
      tok += line[i + 1];
      inTok = true;
      i += 2;
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      if (inTok) out.push(tok);
      tok = '';
      inTok = false;
      i++;
    } else if (c === '#') {
      break;
    } else {
      tok += c;
      inTok = true;
      i++;
    }
  }
  if (inTok) out.push(tok);
  return out;
}

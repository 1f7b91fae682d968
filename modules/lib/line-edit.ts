// lineinfile's text edit, computed on the manager from the file's current text (Ansible's present/absent, minus its quirks).
import { expand, pyRegex } from './pyregex.js';

/** Lines with their endings, as Python's readlines gives them ('' has none). */
export function splitLines(text: string): string[] {
  return text === '' ? [] : text.split(/(?<=\n)/);
}

/** A line without its ending: what patterns and `line` are compared with. */
export const bare = (l: string) => l.replace(/[\r\n]+$/, '');

export interface LineOpts {
  line?: string;
  regexp?: string;
  search_string?: string;
  insertafter?: string;
  insertbefore?: string;
  backrefs?: boolean;
  firstmatch?: boolean;
}

/** Find the line that regexp or search_string designates: the last one, or the first with firstmatch. */
function find(lines: string[], o: LineOpts): { index: number; match: RegExpExecArray | null } {
  const re = o.regexp !== undefined ? pyRegex(o.regexp) : null;
  let index = -1;
  let match: RegExpExecArray | null = null;
  if (!re && o.search_string === undefined) return { index, match };
  for (const [i, l] of lines.entries()) {
    if (re) {
      const m = re.exec(bare(l));
      if (!m) continue;
      match = m;
    } else if (!l.includes(o.search_string!)) continue;
    index = i;
    if (o.firstmatch) break;
  }
  return { index, match };
}

export function linePresent(text: string, o: LineOpts & { line: string }): { after: string; msg: string } {
  const lines = splitLines(text);
  const line = o.line;
  let { index, match } = find(lines, o);
  if (index === -1) index = lines.findLastIndex((l) => bare(l) === line);

  if (index !== -1) {
    let next = o.backrefs && match ? expand(match, line) : line;
    // keep the line's own ending (CRLF files stay CRLF); a last line without one gets \n, as in Ansible
    if (!next.endsWith('\n')) next += /\r?\n$/.exec(lines[index])?.[0] ?? '\n';
    if (lines[index] === next) return { after: text, msg: '' };
    lines[index] = next;
    return { after: lines.join(''), msg: 'line replaced' };
  }
  // without a match the backreferences have nothing to expand: Ansible leaves the file alone
  if (o.backrefs) return { after: text, msg: '' };

  const after = o.insertafter;
  const before = o.insertbefore;
  if (after === 'BOF' || before === 'BOF') {
    lines.unshift(`${line}\n`);
    return { after: lines.join(''), msg: 'line added' };
  }
  let at = -1;
  const anchor = after !== undefined && after !== 'EOF' ? after : before;
  if (anchor !== undefined && anchor !== 'EOF') {
    const re = pyRegex(anchor, after !== undefined ? 'insertafter' : 'insertbefore');
    for (const [i, l] of lines.entries()) {
      if (!re.test(bare(l))) continue;
      at = after !== undefined ? i + 1 : i;
      if (o.firstmatch) break;
    }
  }
  if (at === -1 || at === lines.length) {
    // a last line without its newline must not be glued to the new one
    if (lines.length && !lines[lines.length - 1].endsWith('\n')) lines[lines.length - 1] += '\n';
    lines.push(`${line}\n`);
  } else lines.splice(at, 0, `${line}\n`);
  return { after: lines.join(''), msg: 'line added' };
}

export function lineAbsent(text: string, o: LineOpts): { after: string; msg: string } {
  const re = o.regexp !== undefined ? pyRegex(o.regexp) : null;
  const lines = splitLines(text);
  const keep = lines.filter((l) =>
    re
      ? !re.test(bare(l))
      : o.search_string !== undefined
        ? !l.includes(o.search_string)
        : bare(l) !== o.line,
  );
  const n = lines.length - keep.length;
  return n ? { after: keep.join(''), msg: `${n} line(s) removed` } : { after: text, msg: '' };
}

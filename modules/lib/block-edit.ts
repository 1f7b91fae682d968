// blockinfile's text edit: the marked block inserted, replaced in place or removed, computed from the current text.
import { TaskFailure } from '../../engine/module.js';
import { bare, splitLines } from './line-edit.js';
import { pyRegex } from './pyregex.js';

export interface BlockOpts {
  block: string;
  present: boolean;
  begin: string;
  end: string;
  insertafter?: string;
  insertbefore?: string;
  prepend_newline?: boolean;
  append_newline?: boolean;
}

/** Where a new block goes: after (before) the last line matching the anchor, else at the end. */
function insertionPoint(lines: string[], o: BlockOpts): number {
  const after = o.insertafter ?? (o.insertbefore === undefined ? 'EOF' : undefined);
  if (after === 'EOF') return lines.length;
  if (o.insertbefore === 'BOF' || after === 'BOF') return 0;
  const re = pyRegex((after ?? o.insertbefore)!, after !== undefined ? 'insertafter' : 'insertbefore');
  const last = lines.findLastIndex((l) => re.test(bare(l)));
  if (last === -1) return lines.length;
  return after !== undefined ? last + 1 : last;
}

export function editBlock(text: string, o: BlockOpts): { after: string; msg: string } {
  const lines = splitLines(text);
  // markers are compared without line endings: a last line that lost its newline is still the end marker
  const n0 = lines.findIndex((l) => bare(l) === o.begin);
  const n1 = n0 === -1 ? -1 : lines.findIndex((l, i) => i > n0 && bare(l) === o.end);
  if (n0 !== -1 && n1 === -1)
    throw new TaskFailure(
      `found the begin marker "${o.begin}" on line ${n0 + 1} but no end marker "${o.end}" after it; ` +
        'repair the file by hand (rewriting it could lose lines)',
    );
  if (n0 === -1) {
    const stray = lines.findIndex((l) => bare(l) === o.end);
    if (stray !== -1)
      throw new TaskFailure(
        `found the end marker "${o.end}" on line ${stray + 1} without a begin marker "${o.begin}" before it; ` +
          'repair the file by hand',
      );
  }
  const present = o.present && o.block !== '';
  if (n0 === -1 && !present) return { after: text, msg: '' };

  let at: number;
  if (n0 === -1) at = insertionPoint(lines, o);
  else {
    lines.splice(n0, n1 - n0 + 1);
    at = n0;
  }
  if (present) {
    const body = o.block.endsWith('\n') ? o.block : `${o.block}\n`;
    const blockLines = [`${o.begin}\n`, ...splitLines(body), `${o.end}\n`];
    // the line before the block must end, or the begin marker would be glued to it
    if (at > 0 && !lines[at - 1].endsWith('\n')) lines[at - 1] += '\n';
    if (o.prepend_newline && at > 0 && lines[at - 1] !== '\n') lines.splice(at++, 0, '\n');
    lines.splice(at, 0, ...blockLines);
    const next = at + blockLines.length;
    if (o.append_newline && next < lines.length && lines[next] !== '\n') lines.splice(next, 0, '\n');
  }
  const after = lines.join('');
  if (after === text) return { after, msg: '' };
  return { after, msg: present ? (n0 === -1 ? 'Block inserted' : 'Block updated') : 'Block removed' };
}

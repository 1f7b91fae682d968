// Small helpers shared by the benchmarks: medians, Markdown tables, and refreshing a section of docs/perf.md.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function table(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** Replace the text between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` in a doc (appended when absent). */
export function updateDoc(path: string, name: string, body: string): void {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const doc = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const block = `${open}\n${body}\n${close}`;
  const re = new RegExp(`${open}[\\s\\S]*?${close}`);
  writeFileSync(path, re.test(doc) ? doc.replace(re, block) : `${doc}\n${block}\n`);
}

// Checksum files as projects publish them: sha512sum output, BSD tags, bare hex, and Apache's `gpg --print-md` blocks.
import { posix } from 'node:path';
import { TaskFailure } from '../../engine/module.js';

/** Hex digits in each algorithm's digest: a length check catches a checksum pasted for the wrong algorithm. */
export const DIGEST_HEX: Record<string, number> = {
  md5: 32,
  sha1: 40,
  sha224: 56,
  sha256: 64,
  sha384: 96,
  sha512: 128,
};

interface Entry {
  name?: string;
  hex: string;
}

const FORMATS: [RegExp, (m: RegExpExecArray) => Entry][] = [
  // sha256sum: "hex  name", or "hex *name" (binary mode), "\hex ..." when the name was escaped
  [/^\\?([0-9a-fA-F]+) [ *](.+)$/, (m) => ({ hex: m[1], name: m[2] })],
  // BSD tag: "SHA512 (name) = hex"
  [/^[A-Za-z0-9-]+ ?\((.+)\) ?= ?([0-9a-fA-F]+)$/, (m) => ({ name: m[1], hex: m[2] })],
  // gpg --print-md: "name: 1A2B3C4D 5E6F7A8B ..." in upper-case groups
  [/^(.+?):\s*([0-9a-fA-F]+(?:\s+[0-9a-fA-F]+)*)\s*$/, (m) => ({ name: m[1], hex: m[2] })],
  [/^([0-9a-fA-F]+)$/, (m) => ({ hex: m[1] })],
];

/** Entries of a checksum file; gpg's continuation lines (indented) are joined to the line they continue. */
export function parseChecksumFile(text: string): Entry[] {
  const lines: string[] = [];
  for (const raw of text.replace(/\r/g, '').split('\n')) {
    if (/^\s/.test(raw) && lines.length) lines[lines.length - 1] += ` ${raw.trim()}`;
    else if (raw.trim() && !raw.startsWith('#')) lines.push(raw.trim());
  }
  const out: Entry[] = [];
  for (const line of lines) {
    for (const [re, make] of FORMATS) {
      const m = re.exec(line);
      if (m) {
        out.push(make(m));
        break;
      }
    }
  }
  return out.map((e) => ({ ...e, hex: e.hex.replace(/\s+/g, '').toLowerCase() }));
}

/** The checksum for file `name` in a checksum file's text (from `from`, for messages). */
export function findChecksum(text: string, name: string, algo: string, from: string): string {
  const entries = parseChecksumFile(text).filter((e) => e.hex.length === DIGEST_HEX[algo]);
  const base = (n: string) => posix.basename(n.replace(/^\*/, ''));
  const mine = entries.filter((e) => e.name && base(e.name) === name);
  if (mine.length) return mine[0].hex;
  // one checksum and nothing to choose between: a bare digest, or a file named differently upstream
  if (entries.length === 1) return entries[0].hex;
  const seen = entries.map((e) => e.name ?? '(no name)').join(', ');
  throw new TaskFailure(
    `expected a ${algo} checksum for ${name} in ${from} (found ${entries.length ? `only ${seen}` : `no ${DIGEST_HEX[algo]}-digit ${algo} digest`})`,
  );
}

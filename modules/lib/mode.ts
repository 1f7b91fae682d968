// File modes: the permission bits a chmod mode string (octal or symbolic) gives, so plans can compare without changing.

const WHO: Record<string, number> = { u: 0o4700, g: 0o2070, o: 0o1007, a: 0o7777 };

/** The mode (as a number) that `chmod spec` would give a file that has `current` now. */
export function applyMode(current: number, spec: string, isDir: boolean, umask = 0o022): number {
  if (/^[0-7]{1,4}$/.test(spec)) return Number.parseInt(spec, 8);
  let mode = current & 0o7777;
  for (const clause of spec.split(',')) {
    const m = /^([ugoa]*)(([-+=][rwxXstugo]*)+)$/.exec(clause);
    if (!m) throw new Error(`invalid mode: ${spec}`);
    const whoMask = m[1] ? [...m[1]].reduce((acc, w) => acc | WHO[w], 0) : 0o7777 & ~umask;
    for (const [, op, perms] of m[2].matchAll(/([-+=])([rwxXstugo]*)/g)) {
      let bits = 0;
      for (const p of perms) {
        if (p === 'r') bits |= 0o444;
        else if (p === 'w') bits |= 0o222;
        else if (p === 'x') bits |= 0o111;
        else if (p === 'X') bits |= isDir || current & 0o111 ? 0o111 : 0;
        else if (p === 's') bits |= 0o6000;
        else if (p === 't') bits |= 0o1000;
        else {
          // copy another class's bits: u, g or o
          const shift = p === 'u' ? 6 : p === 'g' ? 3 : 0;
          const b = (mode >> shift) & 7;
          bits |= (b << 6) | (b << 3) | b;
        }
      }
      const who = m[1] ? whoMask : 0o7777;
      const eff = bits & (m[1] ? whoMask : whoMask | 0o7000);
      if (op === '+') mode |= eff;
      else if (op === '-') mode &= ~eff;
      else mode = (mode & ~(who & (0o777 | (m[1] ? 0o7000 & whoMask : 0)))) | eff;
    }
  }
  return mode;
}

/** Four-digit octal text, as stat shows it: "0644". */
export function modeText(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

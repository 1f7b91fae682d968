// Fingerprint of a directory tree (names, types, modes, owners, times, contents) to prove nothing changed.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export function hashTree(root: string): string {
  const h = createHash('sha256');
  const walk = (dir: string, rel: string) => {
    const st = lstatSync(dir);
    h.update(`${rel}\0d\0${st.mode}\0${st.uid}\0${st.gid}\0${st.mtimeMs}\n`);
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const r = `${rel}/${name}`;
      const s = lstatSync(p);
      if (s.isDirectory()) walk(p, r);
      else if (s.isSymbolicLink()) h.update(`${r}\0l\0${readlinkSync(p)}\0${s.uid}\n`);
      else
        h.update(
          `${r}\0f\0${s.mode}\0${s.uid}\0${s.gid}\0${s.mtimeMs}\0${createHash('sha256').update(readFileSync(p)).digest('hex')}\n`,
        );
    }
  };
  walk(root, '.');
  return h.digest('hex');
}

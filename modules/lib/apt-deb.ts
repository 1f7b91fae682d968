// Where the apt module's deb is: on the host, or on the manager, whose head (up to the control member) is sent to dpkg-deb.
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { type Host, TaskFailure } from '../../engine/module.js';
import { findLocal } from './content.js';

const MAGIC = '!<arch>\n';
const HEADER = 60;

/**
 * A .deb is an ar archive: debian-binary, control.tar.*, data.tar.*. Sending only the first two members keeps
 * the plan's round trip small however large the package is; dpkg-deb stops reading after the control member.
 */
export function debHead(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const read = (pos: number, len: number) => {
      const b = Buffer.alloc(len);
      return b.subarray(0, readSync(fd, b, 0, len, pos));
    };
    if (read(0, MAGIC.length).toString('latin1') !== MAGIC)
      throw new TaskFailure(`expected ${path} to be a .deb package (an ar archive); it is not`);
    let pos = MAGIC.length;
    for (let i = 0; i < 3; i++) {
      const h = read(pos, HEADER);
      if (h.length < HEADER) break;
      const name = h.toString('latin1', 0, 16).trim();
      const size = Number.parseInt(h.toString('latin1', 48, 58).trim(), 10);
      // members are padded to an even length
      const end = pos + HEADER + size + (size % 2);
      if (name.startsWith('control.tar')) return read(0, end);
      pos = end;
    }
    throw new TaskFailure(`expected ${path} to hold a control.tar member (a .deb package); found none`);
  } finally {
    closeSync(fd);
  }
}

/** An absolute path is looked for on the host first, then the manager; a relative one only on the manager. */
export function debSource(host: Host, deb: string): { hostPath?: string; local?: string } {
  if (!isAbsolute(deb)) return { local: findLocal(host, 'files', deb) };
  return { hostPath: deb, local: existsSync(deb) ? deb : undefined };
}

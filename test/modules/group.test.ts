// Table tests for the group module: real groups on this machine (needs root), under throwaway names.
import { execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import group from '../../modules/group.js';
import { testModule } from '../lib/module-tester.js';

const PREFIX = `sdtdg${String(Math.random()).slice(2, 8)}`;
const n = (tag: string) => `${PREFIX}${tag}`;
const sh = (cmd: string) => execSync(cmd, { encoding: 'utf8', shell: '/bin/sh' });
const gidOf = (name: string) => Number(sh(`getent group ${name}`).split(':')[2]);
const exists = (name: string) => sh(`getent group ${name} || true`).trim() !== '';

/** Unused gids, one per use, spaced out: groupadd without -g takes the highest gid + 1. */
function freeGids(count: number): number[] {
  const out: number[] = [];
  for (let g = 41000 + Math.floor(Math.random() * 5000); out.length < count; g += 100)
    if (sh(`getent group ${g} || true`).trim() === '') out.push(g);
  return out;
}
const [G1, G2, G3, G4] = freeGids(4);

/** The account databases: check mode must leave them byte for byte as they were. */
const snapshot = () =>
  ['/etc/group', '/etc/gshadow', '/etc/passwd']
    .map((p) => createHash('sha256').update(readFileSync(p)).digest('hex'))
    .join(' ');

function cleanup(): void {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n'))
    if (line.startsWith(PREFIX)) sh(`userdel -r ${line.split(':')[0]} 2>/dev/null || true`);
  for (const line of readFileSync('/etc/group', 'utf8').split('\n'))
    if (line.startsWith(PREFIX)) sh(`groupdel ${line.split(':')[0]}`);
}

const root = process.getuid?.() === 0;
(root ? describe : describe.skip)('group (real groups, as root)', () => {
  after(cleanup);
  testModule(group, {
    snapshot,
    changed: [
      {
        name: 'creates a group and returns its gid',
        args: () => ({ name: n('a') }),
        verify: (_f, out) => {
          expect(out.result.gid).to.equal(gidOf(n('a')));
          expect(out.diff).to.deep.equal([
            { kind: 'state', what: `group ${n('a')}`, before: 'absent', after: 'present' },
          ]);
        },
      },
      {
        name: 'creates a group with a gid',
        args: () => ({ name: n('b'), gid: G1 }),
        verify: () => expect(gidOf(n('b'))).to.equal(G1),
      },
      {
        name: 'creates a system group',
        args: () => ({ name: n('c'), system: 'yes' }),
        verify: () => expect(gidOf(n('c'))).to.be.below(1000),
      },
      {
        name: 'changes the gid',
        setup: () => sh(`groupadd -g ${G2} ${n('d')}`),
        args: () => ({ name: n('d'), gid: G3 }),
        verify: (_f, out) => {
          expect(gidOf(n('d'))).to.equal(G3);
          expect(out.diff).to.deep.equal([
            { kind: 'state', what: `group ${n('d')}`, before: `gid ${G2}`, after: `gid ${G3}` },
          ]);
        },
      },
      {
        name: 'removes a group',
        setup: () => sh(`groupadd ${n('e')}`),
        args: () => ({ name: n('e'), state: 'absent' }),
        verify: () => expect(exists(n('e'))).to.equal(false),
      },
    ],
    ok: [
      {
        name: 'present group, no gid asked',
        setup: () => sh(`groupadd ${n('f')}`),
        args: () => ({ name: n('f') }),
        verify: (_f, out) =>
          expect(out.result).to.include({ name: n('f'), state: 'present', gid: gidOf(n('f')) }),
      },
      {
        name: 'present group with that gid',
        setup: () => sh(`groupadd -g ${G4} ${n('g')}`),
        args: () => ({ name: n('g'), gid: String(G4), state: 'present' }),
      },
      { name: 'absent group stays absent', args: () => ({ name: n('h'), state: 'absent' }) },
    ],
    invalid: [
      { name: 'no name', args: { gid: 1000 }, error: /expected the key "name"/ },
      { name: 'misspelt state', args: { name: 'x', state: 'abscent' }, error: /did you mean "absent"/ },
      {
        name: 'gid not a number',
        args: { name: 'x', gid: 'abc' },
        error: /expected an integer \(got string "abc"\)/,
      },
      { name: 'unknown key', args: { name: 'x', gdi: 5 }, error: /unknown key "gdi"; did you mean "gid"/ },
    ],
    failed: [
      {
        name: 'a gid another group has',
        args: () => ({ name: n('x'), gid: 0 }),
        error: /GID '0' already exists/,
      },
      {
        name: "removing a user's primary group",
        setup: () => sh(`useradd -M ${n('u')}`),
        args: () => ({ name: n('u'), state: 'absent' }),
        error: /cannot remove the primary group of user/,
      },
    ],
  });
});

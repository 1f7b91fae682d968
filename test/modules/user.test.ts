// Table tests for the user module: real accounts on this machine (needs root), under throwaway names.
import { execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { expect } from 'chai';
import { prepareArgs } from '../../engine/module-args.js';
import { runModule } from '../../engine/run-module.js';
import user from '../../modules/user.js';
import { type Fixture, fixture, testModule } from '../lib/module-tester.js';

const PREFIX = `sdtdu${String(Math.random()).slice(2, 8)}`;
const n = (tag: string) => `${PREFIX}${tag}`;
const sh = (cmd: string) => execSync(cmd, { encoding: 'utf8', shell: '/bin/sh' });
const passwd = (name: string) => sh(`getent passwd ${name} || true`).trim().split(':');
const groupsOf = (name: string) => sh(`id -Gn ${name}`).trim().split(/\s+/);
const shadow = (name: string) => sh(`getent shadow ${name}`).split(':')[1];
const gidOf = (name: string) => sh(`getent group ${name}`).split(':')[2];

/** Unused uids, spaced out: useradd without -u takes the highest uid + 1. */
function freeUids(count: number): number[] {
  const out: number[] = [];
  for (let u = 44000 + Math.floor(Math.random() * 5000); out.length < count; u += 100)
    if (sh(`getent passwd ${u} || true`).trim() === '') out.push(u);
  return out;
}
const [U1, U2, U3, U4] = freeUids(4);

/** The account databases and our homes: check mode must leave them as they were. */
const snapshot = () =>
  ['/etc/passwd', '/etc/group', '/etc/shadow', '/etc/gshadow', '/etc/subuid', '/etc/subgid']
    .filter(existsSync)
    .map((p) => createHash('sha256').update(readFileSync(p)).digest('hex'))
    .concat(readdirSync('/home').filter((d) => d.startsWith(PREFIX)))
    .join(' ');

function cleanup(): void {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n'))
    if (line.startsWith(PREFIX)) sh(`userdel -r -f ${line.split(':')[0]} 2>/dev/null || true`);
  for (const line of readFileSync('/etc/group', 'utf8').split('\n'))
    if (line.startsWith(PREFIX)) sh(`groupdel ${line.split(':')[0]}`);
  sh(`rm -rf /home/${PREFIX}*`);
}

const root = process.getuid?.() === 0;
(root ? describe : describe.skip)('user (real accounts, as root)', () => {
  after(cleanup);
  testModule(user, {
    snapshot,
    changed: [
      {
        name: 'creates a user with uid, shell, comment and home',
        args: () => ({ name: n('a'), uid: U1, shell: '/bin/bash', comment: 'Test User' }),
        verify: (_f, out) => {
          const [, , uid, gid, comment, home, shell] = passwd(n('a'));
          expect([uid, comment, home, shell].join(':')).to.equal(`${U1}:Test User:/home/${n('a')}:/bin/bash`);
          expect(statSync(home).uid).to.equal(U1);
          expect(out.result).to.include({ state: 'present', uid: U1, group: Number(gid), groups: '' });
        },
      },
      {
        name: 'creates a system user without a home',
        args: () => ({ name: n('b'), system: true, create_home: 'no', shell: '/usr/sbin/nologin' }),
        verify: () => {
          expect(Number(passwd(n('b'))[2])).to.be.below(1000);
          expect(existsSync(`/home/${n('b')}`)).to.equal(false);
        },
      },
      {
        name: 'creates the missing home of an existing user, from /etc/skel',
        setup: () => sh(`useradd -M ${n('c')}`),
        args: () => ({ name: n('c') }),
        verify: () => {
          const home = `/home/${n('c')}`;
          expect(statSync(home).uid).to.equal(Number(passwd(n('c'))[2]));
          if (existsSync('/etc/skel/.bashrc')) expect(existsSync(`${home}/.bashrc`)).to.equal(true);
        },
      },
      {
        name: 'sets the exact supplementary groups',
        setup: () =>
          sh(`for g in 1 2 3; do groupadd ${n('dg')}$g; done; useradd -G ${n('dg1')},${n('dg2')} ${n('d')}`),
        args: () => ({ name: n('d'), groups: [n('dg2'), n('dg3')], create_home: false }),
        verify: (_f, out) => {
          expect(groupsOf(n('d')).sort()).to.deep.equal([n('d'), n('dg2'), n('dg3')].sort());
          expect(out.diff.map((d) => `${d.before} -> ${d.after}`)).to.deep.equal([
            `groups ${n('dg1')},${n('dg2')} -> groups ${n('dg2')},${n('dg3')}`,
          ]);
          expect(out.result.groups).to.equal(`${n('dg2')},${n('dg3')}`);
        },
      },
      {
        name: 'append adds groups and keeps the others (comma-separated string)',
        setup: () => sh(`groupadd ${n('eg1')}; groupadd ${n('eg2')}; useradd -m -G ${n('eg1')} ${n('e')}`),
        args: () => ({ name: n('e'), groups: `${n('eg2')}`, append: true }),
        verify: () => expect(groupsOf(n('e')).sort()).to.deep.equal([n('e'), n('eg1'), n('eg2')].sort()),
      },
      {
        name: 'groups [] leaves only the primary group',
        setup: () => sh(`groupadd ${n('fg')}; useradd -m -G ${n('fg')} ${n('f')}`),
        args: () => ({ name: n('f'), groups: [] }),
        verify: () => expect(groupsOf(n('f'))).to.deep.equal([n('f')]),
      },
      {
        name: 'changes uid, shell, comment and primary group (by gid) in one usermod',
        setup: () => sh(`groupadd ${n('gp')}; useradd -m -u ${U2} ${n('g')}`),
        args: () => ({ name: n('g'), uid: U3, shell: '/bin/bash', comment: 'G, x', group: gidOf(n('gp')) }),
        verify: (_f, out) => {
          expect(out.steps).to.have.length(1);
          const [, , uid, , comment, home, shell] = passwd(n('g'));
          expect([uid, comment, shell].join(':')).to.equal(`${U3}:G, x:/bin/bash`);
          expect(groupsOf(n('g'))[0]).to.equal(n('gp'));
          expect(statSync(home).uid).to.equal(U3);
        },
      },
      {
        name: 'locks a password',
        setup: () => sh(`useradd -m ${n('h')} && echo '${n('h')}:S3cret-x' | chpasswd`),
        args: () => ({ name: n('h'), password_lock: true }),
        verify: () => expect(shadow(n('h'))).to.match(/^!\$/),
      },
      {
        name: 'unlocks a locked password',
        setup: () =>
          sh(`useradd -m ${n('i')} && echo '${n('i')}:S3cret-x' | chpasswd && usermod -L ${n('i')}`),
        args: () => ({ name: n('i'), password_lock: false }),
        verify: () => expect(shadow(n('i'))).to.match(/^\$/),
      },
      {
        name: 'removes a user and its home',
        setup: () => sh(`useradd -m ${n('j')}`),
        args: () => ({ name: n('j'), state: 'absent', remove: true }),
        verify: () => {
          expect(passwd(n('j'))).to.deep.equal(['']);
          expect(existsSync(`/home/${n('j')}`)).to.equal(false);
        },
      },
      {
        name: 'joins an existing group of the same name as its primary group',
        setup: () => sh(`groupadd ${n('k')}`),
        args: () => ({ name: n('k'), uid: U4 }),
        verify: () => expect(groupsOf(n('k'))).to.deep.equal([n('k')]),
      },
    ],
    ok: [
      {
        name: 'an existing user as asked',
        setup: () => sh(`useradd -m -s /bin/bash -c 'Ok User' ${n('l')}`),
        args: () => ({ name: n('l'), shell: '/bin/bash', comment: 'Ok User', home: `/home/${n('l')}` }),
        verify: (_f, out) => expect(out.result).to.include({ shell: '/bin/bash', home: `/home/${n('l')}` }),
      },
      { name: 'absent user stays absent', args: () => ({ name: n('m'), state: 'absent', remove: true }) },
      {
        name: 'the primary group listed in groups is not a change',
        setup: () => sh(`groupadd ${n('og')}; useradd -m -G ${n('og')} ${n('o')}`),
        args: () => ({ name: n('o'), groups: [n('o'), n('og')] }),
      },
      {
        name: 'append with groups already held',
        setup: () => sh(`groupadd ${n('pg')}; useradd -m -G ${n('pg')} ${n('p')}`),
        args: () => ({ name: n('p'), groups: [n('pg')], append: true }),
      },
      {
        name: 'a placeholder home (/nonexistent) is never created',
        setup: () => sh(`useradd -r -M -d /nonexistent ${n('q')}`),
        args: () => ({ name: n('q') }),
      },
      {
        name: 'password_lock false leaves a password-less account locked',
        setup: () => sh(`useradd -m ${n('r')}`),
        args: () => ({ name: n('r'), password_lock: false }),
      },
    ],
    invalid: [
      { name: 'no name', args: { uid: 1000 }, error: /expected the key "name"/ },
      { name: 'uid not a number', args: { name: 'x', uid: 'abc' }, error: /expected an integer/ },
      { name: 'misspelt state', args: { name: 'x', state: 'presnet' }, error: /did you mean "present"/ },
      { name: 'unknown key', args: { name: 'x', shel: 'sh' }, error: /"shel"; did you mean "shell"/ },
      {
        name: 'groups as a mapping',
        args: { name: 'x', groups: {} },
        error: /a string or a list of strings/,
      },
    ],
    failed: [
      {
        name: 'a supplementary group that does not exist (and no earlier task made it)',
        args: () => ({ name: n('s'), groups: [n('nosuch')] }),
        error: new RegExp(`expected group ${n('nosuch')} to exist`),
      },
      {
        name: 'a primary group that does not exist (and no earlier task made it)',
        args: () => ({ name: n('np'), group: n('nosuchp') }),
        error: new RegExp(
          `^expected group ${n('nosuchp')} to exist \\(got no such group; create it first\\)$`,
        ),
      },
      {
        name: 'a uid another user has',
        args: () => ({ name: n('t'), uid: 0 }),
        error: /UID 0 is not unique/,
      },
    ],
  });

  describe('groups an earlier `group` task creates', () => {
    let f: Fixture;
    before(() => {
      f = fixture();
    });
    after(() => rmSync(f.dir, { recursive: true, force: true }));
    const run = (raw: object, check: boolean) =>
      runModule(user, prepareArgs(user, raw, { where: 't' }), f.host, { check });

    it('a new user: check mode predicts a change and changes nothing; the real run fails, then works once the group exists', async () => {
      const args = { name: n('lg'), groups: [n('later')] };
      const before = snapshot();
      const predicted = await run(args, true);
      expect(predicted.status, predicted.msg).to.equal('changed');
      expect(predicted.msg).to.equal(
        `group ${n('later')} does not exist yet: an earlier task must create it`,
      );
      expect(snapshot(), 'check mode changed the host').to.equal(before);
      const failed = await run(args, false);
      expect(failed.status).to.equal('failed');
      expect(failed.msg).to.equal(
        `expected group ${n('later')} to exist (got no such group; create it first)`,
      );
      expect(passwd(n('lg'))).to.deep.equal(['']);
      sh(`groupadd ${n('later')}`);
      const out = await run(args, false);
      expect(out.status, out.msg).to.equal('changed');
      expect(groupsOf(n('lg'))).to.include(n('later'));
    });

    it('an existing user: check mode predicts the new primary group, by name', async () => {
      sh(`useradd -M ${n('lh')}`);
      const before = snapshot();
      const predicted = await run({ name: n('lh'), group: n('laterh') }, true);
      expect(predicted.status, predicted.msg).to.equal('changed');
      expect(predicted.result).to.include({ group: n('laterh') });
      expect(predicted.steps[0]).to.match(/^usermod -g /);
      expect(snapshot(), 'check mode changed the host').to.equal(before);
    });
  });
});

// Ansible Vault: files and values made by ansible-vault open here; ours open in ansible-vault (same format); errors say what to give.
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { decryptVault, encryptVault, setVaultPassword } from '../../engine/vault.js';
import { cli } from '../lib/cli.js';

const F = 'test/fixtures/vault';
const PW = ['--vault-password-file', `${F}/password.txt`];
const msgOf = (r: Awaited<ReturnType<typeof cli>>, task: string) =>
  r.events.find((e) => e.type === 'host_result' && e.task === task)?.result?.msg;

describe('vault', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sdtd-vault-'));
  });
  afterEach(() => {
    setVaultPassword(undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it("opens ansible-vault's files and !vault values: password file, script, environment, prompt", async () => {
    for (const how of [
      { args: PW },
      { args: ['--vault-password-file', `${F}/password.sh`] },
      { args: [], env: { ANSIBLE_VAULT_PASSWORD_FILE: `${F}/password.txt` } },
      { args: ['-J'], stdin: 'sdtd-test\n' },
      // sudo's password is asked first, then the vault's, as ansible-playbook does
      { args: ['-K', '--ask-vault-pass'], stdin: 'not-used\nsdtd-test\n' },
    ]) {
      const r = await cli([`${F}/play.yml`, '--json', ...how.args], { env: how.env, stdin: how.stdin });
      expect(r.code, `${how.args.join(' ')}: ${r.stderr}`).to.equal(0);
      expect(msgOf(r, 'show')).to.equal('s3cret 9043 k3y');
    }
  });

  it('without the password, or with a wrong one: exit 2, the file and position, what to give', async () => {
    const none = await cli([`${F}/play.yml`]);
    expect(none.code).to.equal(2);
    expect(none.stderr).to.equal(
      `ERROR: ${F}/secrets.yml:1:1: expected a vault password to decrypt ${F}/secrets.yml: give --vault-password-file FILE or --ask-vault-pass (got none) [vault]\n`,
    );
    writeFileSync(join(dir, 'wrong'), 'nope\n');
    const wrong = await cli([`${F}/play.yml`, '--vault-password-file', join(dir, 'wrong')]);
    expect(wrong.code).to.equal(2);
    expect(wrong.stderr).to.include(
      'expected the vault password of test/fixtures/vault/secrets.yml (got one that does not open it) [vault]',
    );
    const missing = await cli([`${F}/play.yml`, '--vault-password-file', join(dir, 'none')]);
    expect(missing.stderr).to.match(
      /expected a readable vault password file .*none \(got ENOENT\) \[vault\]/,
    );
  });

  it('a !vault value is opened only when read: unused, no password is needed', async () => {
    const plain = await cli([`${F}/unused.yml`, '--json']);
    expect(plain.code, plain.stderr).to.equal(0);
    const read = await cli([`${F}/unused.yml`, '-e', 'read_it=true']);
    expect(read.code).to.equal(2);
    expect(read.stdout).to.match(
      /fatal: \[localhost\] => .*unused\.yml:5:\d+: task "secret": expected a vault password to decrypt a !vault value/,
    );
  });

  it('sdtd-play vault: encrypt, view, decrypt in place; encrypt-string output works in a playbook; vault ids', async () => {
    const f = join(dir, 'vars.yml');
    writeFileSync(f, 'zk: [z1, z2]\n');
    const enc = await cli(['vault', 'encrypt', f, ...PW]);
    expect(enc.code, enc.stderr).to.equal(0);
    expect(readFileSync(f, 'utf8')).to.match(/^\$ANSIBLE_VAULT;1\.1;AES256\n([0-9a-f]{80}\n)+[0-9a-f]*\n?$/);
    const again = await cli(['vault', 'encrypt', f, ...PW]);
    expect(again.stderr).to.include('expected a plain file to encrypt');
    const view = await cli(['vault', 'view', f, ...PW]);
    expect(view.stdout).to.equal('zk: [z1, z2]\n');
    expect((await cli(['vault', 'decrypt', f, ...PW])).code).to.equal(0);
    expect(readFileSync(f, 'utf8')).to.equal('zk: [z1, z2]\n');

    const s = await cli([
      'vault',
      'encrypt-string',
      '-n',
      'cass_pw',
      'p@ss w0rd',
      ...PW,
      '--vault-id',
      'prod',
    ]);
    expect(s.stdout).to.match(/^cass_pw: !vault \|\n {10}\$ANSIBLE_VAULT;1\.2;AES256;prod\n/);
    const play = join(dir, 'p.yml');
    const vars = s.stdout
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n');
    writeFileSync(
      play,
      `- hosts: localhost\n  gather_facts: false\n  vars:\n${vars}\n  tasks:\n    - name: show\n      debug: {msg: "{{ cass_pw }}"}\n`,
    );
    const r = await cli([play, '--json', ...PW]);
    expect(msgOf(r, 'show')).to.equal('p@ss w0rd');
  });

  it('the format: round trip, PKCS#7 padding at a block boundary, damaged and foreign vaults refused', () => {
    setVaultPassword('sdtd-test');
    for (const plain of ['', 'x', '0123456789abcdef', 'é\n'.repeat(40)])
      expect(decryptVault(encryptVault(plain, 'sdtd-test'), { what: 't' })).to.equal(plain);
    const v = encryptVault('x', 'sdtd-test');
    const damaged = v.replace(/\n([0-9a-f])/, (_m, c) => `\n${c === 'a' ? 'b' : 'a'}`);
    expect(() => decryptVault(damaged, { what: 't' })).to.throw(/got one that does not open it|damaged/);
    expect(() => decryptVault('$ANSIBLE_VAULT;1.0;AES\nabcd', { what: 't' })).to.throw(
      /expected an Ansible vault of format 1\.1 or 1\.2 with AES256 \(got "\$ANSIBLE_VAULT;1\.0;AES"\)/,
    );
  });

  it('inventory: a vaulted variable is shown as ansible-inventory shows it, and opened for a run', async () => {
    const inv = await cli(['inventory', '-i', `${F}/inventory.yml`, '--host', 'localhost']);
    expect(JSON.parse(inv.stdout).api_key.__ansible_vault).to.match(/^\$ANSIBLE_VAULT;1\.1;AES256\n/);
    const play = join(dir, 'p.yml');
    writeFileSync(
      play,
      '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - name: show\n      debug: {msg: "{{ api_key }}"}\n',
    );
    const r = await cli(['-i', `${F}/inventory.yml`, play, '--json', ...PW]);
    expect(msgOf(r, 'show')).to.equal('k3y');
  });

  it('an executable password file that fails is an error, not a password', async () => {
    const script = join(dir, 'pw.sh');
    copyFileSync(`${F}/password.sh`, script);
    writeFileSync(script, '#!/bin/sh\nexit 3\n');
    chmodSync(script, 0o755);
    const r = await cli([`${F}/play.yml`, '--vault-password-file', script]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/expected a readable vault password file .*pw\.sh/);
  });
});

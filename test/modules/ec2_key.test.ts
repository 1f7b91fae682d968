// Table tests for ec2_key against the fake EC2: import the operator's public key, replace a different one, delete.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import ec2Key from '../../modules/ec2_key.js';
import { ec2Fingerprint, parsePublicKey } from '../../modules/lib/aws/keys.js';
import { FAKE } from '../lib/fake-ec2.js';
import { apply, unchanged, useFakeEc2 } from '../lib/fake-ec2-run.js';
import { testModule } from '../lib/module-tester.js';

const dir = mkdtempSync(join(tmpdir(), 'sdtd-key-'));
const keygen = (name: string, type: string) => {
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', 'me@laptop', '-f', join(dir, name)]);
  return join(dir, `${name}.pub`);
};
const ed = keygen('ed', 'ed25519');
const ed2 = keygen('ed2', 'ed25519');
const rsa = keygen('rsa', 'rsa');
const base = { region: FAKE.region, cluster: 'test', name: 'test' };
const key = (extra: Record<string, unknown> = {}) => ({ ...base, key_material_file: ed, ...extra });

describe('ec2_key against the fake EC2', function () {
  this.timeout(20_000);
  const world = useFakeEc2();
  after(() => rmSync(dir, { recursive: true, force: true }));
  const pair = () => world().keyPairs.find((k) => k.KeyName === 'test');
  const material = (f: string) => readFileSync(f, 'utf8').split(' ').slice(0, 2).join(' ');

  testModule(ec2Key, {
    snapshot: () => unchanged(world()),
    changed: [
      {
        name: 'imports the public key file, tagged, without its comment',
        args: () => key(),
        verify: (_f, out) => {
          expect(pair()?.PublicKey).to.equal(material(ed));
          expect(pair()?.Tags).to.deep.include({ Key: 'sdtd:cluster', Value: 'test' });
          expect(out.result.key).to.include({
            name: 'test',
            fingerprint: pair()?.KeyFingerprint,
            type: 'ed25519',
          });
        },
      },
      {
        name: 'imports an RSA key given as text',
        args: () => ({ ...base, key_material: readFileSync(rsa, 'utf8') }),
        verify: () => expect(pair()?.KeyType).to.equal('rsa'),
      },
      {
        name: 'replaces a key pair that holds another key (force, the default)',
        setup: () => apply(ec2Key, key({ key_material_file: ed2 })),
        args: () => key(),
        verify: (_f, out) => {
          expect(pair()?.PublicKey).to.equal(material(ed));
          expect(out.steps.slice(0, 2)).to.deep.equal([
            'delete key pair test (it holds another key)',
            `import key pair test from ${ed}`,
          ]);
        },
      },
      {
        name: 'absent deletes ours',
        setup: () => apply(ec2Key, key()),
        args: () => ({ ...base, state: 'absent' }),
        verify: () => expect(pair()).to.equal(undefined),
      },
    ],
    ok: [
      { name: 'the same key already there', setup: () => apply(ec2Key, key()), args: () => key() },
      {
        name: 'a pair EC2 keeps no public key for is compared by fingerprint',
        setup: async () => {
          await apply(ec2Key, { ...base, key_material_file: rsa });
          delete pair()!.PublicKey;
        },
        args: () => key({ key_material_file: rsa }),
      },
      {
        name: 'force false leaves a different key',
        setup: () => apply(ec2Key, key({ key_material_file: ed2 })),
        args: () => key({ force: false }),
        verify: (_f, out) =>
          expect(out.msg).to.equal('key pair test holds another key; force: false leaves it'),
      },
      { name: 'absent when there is none', args: () => ({ ...base, state: 'absent' }) },
      {
        name: 'absent leaves a key pair of that name that is not ours',
        setup: () => world().keyPairs.push({ KeyName: 'test', KeyPairId: 'key-0theirs' }),
        args: () => ({ ...base, state: 'absent' }),
        verify: () => expect(pair()?.KeyPairId).to.equal('key-0theirs'),
      },
    ],
    invalid: [
      { name: 'no name', args: { cluster: 'c', key_material: 'x' }, error: /name/ },
      { name: 'force as a word', args: { ...base, key_material: 'x', force: 'maybe' }, error: /force/ },
    ],
    failed: [
      {
        name: 'neither material nor file',
        args: () => ({ ...base }),
        error: /^expected key_material or key_material_file \(got neither\)$/,
      },
      {
        name: 'a private key',
        args: () => key({ key_material_file: join(dir, 'ed') }),
        error: /^expected a public key in \/.*\/ed \(got a private key: give the \.pub file\)$/,
      },
      {
        name: 'a key pair of that name that is not ours',
        setup: () => world().keyPairs.push({ KeyName: 'test', KeyPairId: 'key-0theirs' }),
        args: () => key(),
        error:
          /^expected key pair test to carry sdtd:cluster=test \(got no such tag\): not ours, left alone$/,
      },
      {
        name: 'the file is still missing when the import runs',
        args: () => key({ key_material_file: join(dir, 'nope.pub') }),
        error: /^expected a public key in \/.*\/nope\.pub \(got no such file\)$/,
      },
    ],
  });

  it('check mode with the key file not made yet plans the import, with a note and no mutating call', async () => {
    const out = await apply(ec2Key, key({ key_material_file: join(dir, 'later.pub') }), true);
    expect([out.status, out.msg]).to.deep.equal([
      'changed',
      `key file ${join(dir, 'later.pub')} does not exist yet: an earlier task must create it`,
    ]);
    expect(world().mutatingCalls()).to.deep.equal([]);
  });

  it("computes EC2's fingerprints of imported keys: MD5 of the DER key for RSA, SHA-256 for ED25519", () => {
    const sha = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', ed], { encoding: 'utf8' }).split(
      ' ',
    )[1];
    expect(ec2Fingerprint(parsePublicKey(readFileSync(ed, 'utf8'), ed))).to.equal(`${sha.slice(7)}=`);
    // AWS's documented way: openssl pkey -pubin -outform DER | openssl md5 -c
    const pem = execFileSync('ssh-keygen', ['-e', '-m', 'PKCS8', '-f', rsa], { encoding: 'utf8' });
    const der = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'DER'], { input: pem });
    const md5 = execFileSync('openssl', ['md5', '-c'], { input: der, encoding: 'utf8' })
      .trim()
      .split(' ')
      .pop();
    expect(ec2Fingerprint(parsePublicKey(readFileSync(rsa, 'utf8'), rsa))).to.equal(md5);
  });
});

// `ec2_key`: an EC2 key pair imported from the operator's public key (present, replaced when it differs) or absent, as Ansible's ec2_key.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import type { KeyPairInfo } from '@aws-sdk/client-ec2';
import { defineModule, type Plan, TaskFailure } from '../engine/module.js';
import { Bool, Obj, Type } from '../engine/schema.js';
import { connectEc2 } from './lib/aws/client.js';
import { ec2Fingerprint, type PublicKey, parsePublicKey, sameFingerprint, sameKey } from './lib/aws/keys.js';
import { awsProps, nameProp, notYet, stateProp, tagProps, wantedTags } from './lib/aws/net-args.js';
import { describe, findOwn } from './lib/aws/net-find.js';
import { deleting, NetPlan } from './lib/aws/net-steps.js';
import { CLUSTER_TAG, type TagMap, tagMap, tagSpecs } from './lib/aws/tags.js';

const schema = Obj({
  ...awsProps,
  name: nameProp,
  key_material: Type.Optional(Type.String({ description: 'The public key itself (ssh-ed25519 AAAA...).' })),
  key_material_file: Type.Optional(
    Type.String({ description: 'A public key file on the manager (~ is the home).' }),
  ),
  force: Type.Optional(Bool({ description: 'Replace a key pair whose key differs (default true).' })),
  ...tagProps,
  state: stateProp,
});

function view(k: KeyPairInfo | undefined, name: string, fingerprint?: string, tags?: TagMap) {
  return {
    name,
    id: k?.KeyPairId ?? null,
    fingerprint: fingerprint ?? k?.KeyFingerprint ?? null,
    type: k?.KeyType ?? null,
    tags: tags ?? tagMap(k?.Tags),
  };
}

export default defineModule({
  name: 'ec2_key',
  schema,
  aliases: { resource_tags: 'tags' },
  controllerOnly: true,
  async plan(a): Promise<Plan> {
    if (a.state !== 'absent' && (a.key_material === undefined) === (a.key_material_file === undefined))
      throw new TaskFailure(
        `expected key_material or key_material_file (got ${a.key_material === undefined ? 'neither' : 'both'})`,
      );
    const ec2 = await connectEc2(a);
    const { sdk } = ec2;
    const s = new NetPlan(ec2);
    if (a.state === 'absent') {
      const found = await findOwn(ec2, 'key-pair', a.cluster, a.name);
      for (const k of found) {
        s.state(`key pair ${a.name}`, k.KeyFingerprint ?? 'present', 'absent');
        s.step(`delete key pair ${a.name}`, () =>
          deleting(`key pair ${a.name}`, () =>
            ec2.send(new sdk.DeleteKeyPairCommand({ KeyPairId: k.KeyPairId })),
          ),
        );
      }
      return s.done({ key: null }, found.length ? undefined : `no key pair ${a.name} in ${a.cluster}`);
    }
    const file = a.key_material_file?.replace(/^~(?=$|\/)/, homedir());
    const read = (): PublicKey | undefined => {
      if (a.key_material !== undefined) return parsePublicKey(a.key_material, 'key_material');
      if (!existsSync(file!)) return undefined;
      return parsePublicKey(readFileSync(file!, 'utf8'), file!);
    };
    const mine = read();
    if (!mine) s.note(notYet(`key file ${file}`));
    const [k] = await describe(ec2, 'key-pair', [{ Name: 'key-name', Values: [a.name] }]);
    if (k && tagMap(k.Tags)[CLUSTER_TAG] !== a.cluster)
      throw new TaskFailure(
        `expected key pair ${a.name} to carry ${CLUSTER_TAG}=${a.cluster} (got ${tagMap(k.Tags)[CLUSTER_TAG] ?? 'no such tag'}): not ours, left alone`,
      );
    const want = wantedTags(a);
    const fp = mine && ec2Fingerprint(mine);
    const importKey = () =>
      s.step(`import key pair ${a.name} from ${file ?? 'key_material'}`, async () => {
        const key = read();
        if (!key) throw new TaskFailure(`expected a public key in ${file} (got no such file)`);
        await ec2.send(
          new sdk.ImportKeyPairCommand({
            KeyName: a.name,
            PublicKeyMaterial: Buffer.from(`${key.type} ${key.blob}`),
            TagSpecifications: tagSpecs(want.tags, ['key-pair']),
          }),
        );
      });
    let tags = want.tags;
    if (!k) {
      s.state(`key pair ${a.name}`, 'absent', fp ?? 'present');
      importKey();
    } else {
      const now = k.PublicKey ? parsePublicKey(k.PublicKey, `key pair ${a.name}`) : undefined;
      const same = mine && (now ? sameKey(now, mine) : sameFingerprint(k.KeyFingerprint, fp));
      if (mine && !same) {
        if (a.force === false) s.note(`key pair ${a.name} holds another key; force: false leaves it`);
        else {
          s.state(`key pair ${a.name}`, k.KeyFingerprint ?? 'another key', fp ?? 'the new key');
          s.step(`delete key pair ${a.name} (it holds another key)`, () =>
            ec2.send(new sdk.DeleteKeyPairCommand({ KeyPairId: k.KeyPairId })),
          );
          importKey();
        }
      }
      // a replaced key gets its tags from the import
      if (!s.steps.length) tags = s.tag(k.KeyPairId!, `key pair ${a.name}`, tagMap(k.Tags), want);
    }
    s.observe(async () => {
      const [now] = await describe(ec2, 'key-pair', [{ Name: 'key-name', Values: [a.name] }]);
      return { key: view(now, a.name) };
    });
    const replaced = s.steps.length > 0 && !!k && !s.diff.every((d) => d.what.endsWith('tags'));
    return s.done({ key: view(replaced ? undefined : k, a.name, fp, tags) });
  },
});

// The fake EC2's key pairs, volumes and tags: import (EC2's fingerprints), describe, delete, CreateTags/DeleteTags.
import type { KeyPairInfo, Tag, Volume } from '@aws-sdk/client-ec2';
import { ec2Fingerprint } from '../../modules/lib/aws/keys.js';
import type { FakeEc2 } from './fake-ec2.js';
import { tagsFor } from './fake-ec2-vpc.js';

const ids = (v: string[] | undefined) => (v?.length ? v : undefined);

/** The EBS volumes RunInstances makes for instance ID: the image's root device, then the extra mappings. */
export function attachVolumes(
  w: FakeEc2,
  id: string,
  rootDevice: string | undefined,
  r: any,
  az: string,
): Volume[] {
  const extra = (r.BlockDeviceMappings ?? []).filter((m: any) => m.DeviceName !== rootDevice);
  const root = r.BlockDeviceMappings?.find((m: any) => m.DeviceName === rootDevice) ?? {
    DeviceName: rootDevice,
    Ebs: { DeleteOnTermination: true, VolumeSize: 8 },
  };
  const volumes: Volume[] = [root, ...extra].map((m: any) => {
    const VolumeId = w.id('vol');
    const at = new Date(w.now);
    return {
      VolumeId,
      Size: m.Ebs?.VolumeSize ?? 8,
      VolumeType: m.Ebs?.VolumeType ?? 'gp3',
      AvailabilityZone: az,
      State: 'in-use',
      Encrypted: m.Ebs?.Encrypted ?? false,
      CreateTime: at,
      Attachments: [
        {
          AttachTime: at,
          Device: m.DeviceName,
          InstanceId: id,
          State: 'attached',
          VolumeId,
          DeleteOnTermination: m.Ebs?.DeleteOnTermination ?? true,
        },
      ],
      Tags: tagsFor(r, 'volume'),
    };
  });
  w.volumes.push(...volumes);
  return volumes;
}

/** Which list holds a resource, by its id's prefix (what CreateTags looks at). */
function tagged(w: FakeEc2, id: string): { Tags?: Tag[] } | undefined {
  const lists: [string, { Tags?: Tag[] }[], string][] = [
    ['i-', w.instances, 'InstanceId'],
    ['vpc-', w.vpcs, 'VpcId'],
    ['subnet-', w.subnets, 'SubnetId'],
    ['sg-', w.securityGroups, 'GroupId'],
    ['key-', w.keyPairs, 'KeyPairId'],
    ['ami-', w.images, 'ImageId'],
    ['igw-', w.internetGateways, 'InternetGatewayId'],
    ['rtb-', w.routeTables, 'RouteTableId'],
    ['vol-', w.volumes, 'VolumeId'],
  ];
  const hit = lists.find(([p]) => id.startsWith(p));
  return hit?.[1].find((x) => (x as Record<string, unknown>)[hit[2]] === id);
}

const NOT_FOUND: Record<string, string> = {
  i: 'InvalidInstanceID.NotFound',
  vpc: 'InvalidVpcID.NotFound',
  subnet: 'InvalidSubnetID.NotFound',
  sg: 'InvalidGroup.NotFound',
  igw: 'InvalidInternetGatewayID.NotFound',
  rtb: 'InvalidRouteTableID.NotFound',
  vol: 'InvalidVolume.NotFound',
};

export function installKeyHandlers(w: FakeEc2): void {
  const retag = async (r: any, f: (tags: Tag[], t: Tag) => Tag[]) => {
    for (const id of r.Resources) {
      const x = tagged(w, id);
      if (!x)
        throw await w.error(NOT_FOUND[id.split('-')[0]] ?? 'InvalidID', `The ID '${id}' does not exist`);
      for (const t of r.Tags ?? []) x.Tags = f(x.Tags ?? [], t);
    }
    return {};
  };
  w.on('CreateTags', (r) =>
    retag(r, (tags, t) => [...tags.filter((x) => x.Key !== t.Key), { Key: t.Key, Value: t.Value ?? '' }]),
  );
  w.on('DeleteTags', (r) =>
    retag(r, (tags, t) =>
      tags.filter((x) => x.Key !== t.Key || (t.Value !== undefined && x.Value !== t.Value)),
    ),
  );
  w.on('ImportKeyPair', async (r) => {
    const text = Buffer.from(r.PublicKeyMaterial ?? []).toString();
    const [type, blob] = text.trim().split(/\s+/);
    if (!/^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp\d+)$/.test(type ?? '') || !blob)
      throw await w.error('InvalidKey.Format', 'Key is not in valid OpenSSH public key format');
    if (w.keyPairs.some((k) => k.KeyName === r.KeyName))
      throw await w.error('InvalidKeyPair.Duplicate', `The keypair already exists`);
    const k: KeyPairInfo = {
      KeyPairId: w.id('key'),
      KeyName: r.KeyName,
      KeyType: type === 'ssh-rsa' ? 'rsa' : 'ed25519',
      KeyFingerprint: ec2Fingerprint({ type, blob }) ?? 'fake',
      PublicKey: `${type} ${blob}`,
      CreateTime: new Date(w.now),
      Tags: tagsFor(r, 'key-pair'),
    };
    w.keyPairs.push(k);
    return {
      KeyFingerprint: k.KeyFingerprint,
      KeyName: k.KeyName,
      KeyPairId: k.KeyPairId,
      Tags: structuredClone(k.Tags),
    };
  });
  w.on('DescribeKeyPairs', async (r) => {
    for (const n of r.KeyNames ?? [])
      if (!w.keyPairs.some((k) => k.KeyName === n))
        throw await w.error('InvalidKeyPair.NotFound', `The key pair '${n}' does not exist`);
    const byName = w.keyPairs.filter((k) => !r.KeyNames?.length || r.KeyNames.includes(k.KeyName));
    // not paginated: every match in one answer
    const { items } = await w.describe(byName, 'KeyPairId', ids(r.KeyPairIds), 'InvalidKeyPair.NotFound', {
      Filters: r.Filters,
    });
    const out = structuredClone(items).map((k) => (r.IncludePublicKey ? k : { ...k, PublicKey: undefined }));
    return { KeyPairs: out };
  });
  w.on('DeleteKeyPair', async (r) => {
    const k = w.keyPairs.find((x) => (r.KeyPairId ? x.KeyPairId === r.KeyPairId : x.KeyName === r.KeyName));
    // as EC2: deleting a key that is not there succeeds
    if (k) w.keyPairs = w.keyPairs.filter((x) => x !== k);
    return { Return: true, KeyPairId: k?.KeyPairId };
  });
  w.on('DescribeVolumes', async (r) => {
    const { items, NextToken } = await w.describe(
      w.volumes,
      'VolumeId',
      ids(r.VolumeIds),
      'InvalidVolume.NotFound',
      r,
    );
    return { Volumes: structuredClone(items), NextToken };
  });
  w.on('DeleteVolume', async (r) => {
    const v = w.volumes.find((x) => x.VolumeId === r.VolumeId);
    if (!v) throw await w.error('InvalidVolume.NotFound', `The volume '${r.VolumeId}' does not exist.`);
    if (v.State !== 'available')
      throw await w.error(
        'VolumeInUse',
        `Volume ${r.VolumeId} is currently attached to ${v.Attachments?.[0]?.InstanceId}`,
      );
    w.volumes = w.volumes.filter((x) => x !== v);
    return {};
  });
}

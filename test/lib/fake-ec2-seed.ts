// The fake EC2's default world: a network that is not ours (no cluster tag), a key pair, official and look-alike images.
import type { FakeEc2 } from './fake-ec2.js';

/** Ids of the default world's network, key and images (a seeded world; `seed: false` starts empty). */
export const FAKE = {
  region: 'eu-west-1',
  vpc: 'vpc-0f00000000000001',
  subnet: 'subnet-0f00000000000001',
  group: 'sg-0f00000000000001',
  groupName: 'sdtd-cluster',
  key: 'sdtd',
  debian: 'ami-0deb12000000002',
  debianOld: 'ami-0deb12000000001',
  ubuntu: 'ami-0b2404000000001a',
  owner: '123456789012',
};

export function seedNetwork(w: FakeEc2): void {
  const tags = (k: string) => [{ Key: 'Name', Value: k }];
  w.vpcs.push({
    VpcId: FAKE.vpc,
    CidrBlock: '10.0.0.0/16',
    State: 'available',
    IsDefault: false,
    OwnerId: FAKE.owner,
    Tags: tags('sdtd'),
  });
  w.vpcDns[FAKE.vpc] = { EnableDnsSupport: true, EnableDnsHostnames: false };
  w.subnets.push({
    SubnetId: FAKE.subnet,
    VpcId: FAKE.vpc,
    CidrBlock: '10.0.1.0/24',
    AvailabilityZone: `${w.region}a`,
    State: 'available',
    MapPublicIpOnLaunch: false,
    AvailableIpAddressCount: 251,
    Tags: tags('sdtd-a'),
  });
  w.securityGroups.push({
    GroupId: FAKE.group,
    GroupName: FAKE.groupName,
    VpcId: FAKE.vpc,
    Description: 'sdtd',
    OwnerId: FAKE.owner,
    IpPermissions: [],
    IpPermissionsEgress: [],
  });
  w.keyPairs.push({ KeyName: FAKE.key, KeyPairId: 'key-0f00000000000001', KeyType: 'ed25519' });
}

export function seedImages(w: FakeEc2): void {
  const img = (
    ImageId: string,
    Name: string,
    OwnerId: string,
    CreationDate: string,
    RootDeviceName = '/dev/xvda',
  ) =>
    w.images.push({
      ImageId,
      Name,
      OwnerId,
      CreationDate,
      RootDeviceName,
      Architecture: 'x86_64',
      State: 'available',
      VirtualizationType: 'hvm',
      RootDeviceType: 'ebs',
    });
  img(FAKE.debianOld, 'debian-12-amd64-20240717-1811', '136693071363', '2024-07-17T18:30:00.000Z');
  img(FAKE.debian, 'debian-12-amd64-20250210-2019', '136693071363', '2025-02-10T20:40:00.000Z');
  img('ami-0deb12000000099', 'debian-12-amd64-20991231-0000', '999999999999', '2099-12-31T00:00:00.000Z');
  img(
    FAKE.ubuntu,
    'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250115',
    '099720109477',
    '2025-01-15T10:00:00.000Z',
    '/dev/sda1',
  );
}

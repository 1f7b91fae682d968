// A mixed fixture for teardown tests: another cluster's and untagged look-alikes with our names, next to ours.
import { CLUSTER_TAG } from '../../modules/lib/aws/tags.js';
import { FAKE, type FakeEc2 } from './fake-ec2.js';

type Tagged = { Tags?: { Key?: string; Value?: string }[] };
const tagList = (tags: Record<string, string>) =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

export const tagged = (r: Tagged, cluster: string) =>
  r.Tags?.some((t) => t.Key === CLUSTER_TAG && t.Value === cluster) ?? false;

/** Instances (with kept volumes), volumes, groups and a VPC that are not CLUSTER's, several with its names. */
export async function mixedFixture(w: FakeEc2, cluster: string): Promise<void> {
  const run = (tags: Record<string, string>) =>
    w.dispatch('RunInstances', {
      ImageId: FAKE.debian,
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
      SubnetId: FAKE.subnet,
      BlockDeviceMappings: [{ DeviceName: '/dev/xvdb', Ebs: { VolumeSize: 5, DeleteOnTermination: false } }],
      TagSpecifications: ['instance', 'volume'].map((ResourceType) => ({
        ResourceType,
        Tags: tagList(tags),
      })),
    });
  await run({ Name: 'kafka1', [CLUSTER_TAG]: 'other' });
  await run({ Name: 'kafka2' });
  const vol = (VolumeId: string, tags: Record<string, string>) =>
    w.volumes.push({ VolumeId, State: 'available', Size: 5, Tags: tagList(tags) });
  vol('vol-0oursleft', { [CLUSTER_TAG]: cluster });
  vol('vol-0otherleft', { [CLUSTER_TAG]: 'other' });
  vol('vol-0untaggedleft', {});
  const group = (GroupId: string, GroupName: string, tags: Record<string, string>) =>
    w.securityGroups.push({ GroupId, GroupName, VpcId: FAKE.vpc, Tags: tagList(tags) });
  group('sg-0othermanager', `${cluster}-manager`, { [CLUSTER_TAG]: 'other' });
  group('sg-0untaggedcluster', `${cluster}-cluster`, {});
  w.vpcs.push({
    VpcId: 'vpc-0other',
    CidrBlock: '10.42.0.0/16',
    State: 'available',
    Tags: tagList({ Name: cluster, [CLUSTER_TAG]: 'other' }),
  });
  for (const i of w.instances) w.setState(i, 'running');
}

/** The ids of everything carrying CLUSTER's tag now. */
export function ownedIds(w: FakeEc2, cluster: string): Set<string> {
  const ids = <T extends Tagged>(list: T[], key: keyof T) =>
    list.filter((r) => tagged(r, cluster)).map((r) => r[key] as string);
  return new Set([
    ...ids(w.instances, 'InstanceId'),
    ...ids(w.volumes, 'VolumeId'),
    ...ids(w.securityGroups, 'GroupId'),
    ...ids(w.vpcs, 'VpcId'),
    ...ids(w.subnets, 'SubnetId'),
    ...ids(w.internetGateways, 'InternetGatewayId'),
    ...ids(w.routeTables, 'RouteTableId'),
    ...ids(w.keyPairs, 'KeyPairId'),
  ]);
}

/** Everything not CLUSTER's, as a string to compare before and after (a VPC's default group excepted). */
export function foreignState(w: FakeEc2, cluster: string): string {
  const not = <T extends Tagged>(list: T[]) => list.filter((r) => !tagged(r, cluster));
  return JSON.stringify([
    not(w.instances).map((i) => [i.InstanceId, i.State?.Name]),
    not(w.volumes),
    not(w.securityGroups).filter((g) => g.GroupName !== 'default'),
    not(w.vpcs),
    not(w.keyPairs),
  ]);
}

/** Every resource id the mutating calls so far have named. */
export function touchedIds(w: FakeEc2): string[] {
  return w.mutatingCalls().flatMap((c) => {
    const i = c.input;
    const one = [
      i.VolumeId,
      i.GroupId,
      i.VpcId,
      i.SubnetId,
      i.InternetGatewayId,
      i.RouteTableId,
      i.KeyPairId,
    ];
    return [...(i.InstanceIds ?? []), ...(i.Resources ?? []), ...one.filter(Boolean)] as string[];
  });
}

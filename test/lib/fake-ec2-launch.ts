// The fake EC2's RunInstances: checks as EC2 makes them, addresses from the subnet, volumes, tags, ClientToken.
import type { Instance } from '@aws-sdk/client-ec2';
import type { FakeEc2 } from './fake-ec2.js';
import { setState } from './fake-ec2-instances.js';
import { attachVolumes } from './fake-ec2-keys.js';

async function refuse(w: FakeEc2, r: any, subnetId: string | undefined, groups: string[]) {
  const subnet = subnetId ? w.subnets.find((x) => x.SubnetId === subnetId) : undefined;
  const bad = !w.images.some((x) => x.ImageId === r.ImageId)
    ? ['InvalidAMIID.NotFound', r.ImageId]
    : subnetId && !subnet
      ? ['InvalidSubnetID.NotFound', subnetId]
      : r.KeyName && !w.keyPairs.some((k) => k.KeyName === r.KeyName)
        ? ['InvalidKeyPair.NotFound', r.KeyName]
        : groups.find((g: string) => !w.securityGroups.some((x) => x.GroupId === g))
          ? ['InvalidGroup.NotFound', groups.join(',')]
          : !r.InstanceType
            ? ['MissingParameter', 'InstanceType']
            : undefined;
  if (bad) throw await w.error(bad[0], `The ID '${bad[1]}' does not exist`);
}

export async function launch(w: FakeEc2, r: any): Promise<Instance[]> {
  const again = w.token(r.ClientToken);
  if (again) return again;
  const net = r.NetworkInterfaces?.[0] ?? {};
  const subnetId = r.SubnetId ?? net.SubnetId;
  const subnet = subnetId ? w.subnets.find((x) => x.SubnetId === subnetId) : undefined;
  const groups = r.SecurityGroupIds ?? net.Groups ?? [];
  await refuse(w, r, subnetId, groups);
  const image = w.images.find((x) => x.ImageId === r.ImageId)!;
  const ip = r.PrivateIpAddress ?? net.PrivateIpAddress;
  const live = w.instances.filter((i) => i.State?.Name !== 'terminated');
  if (ip && live.some((i) => i.PrivateIpAddress === ip))
    throw await w.error('InvalidIPAddress.InUse', `Address ${ip} is in use.`);
  const base = (subnet?.CidrBlock ?? '172.31.16.0/20').split('.').slice(0, 3).join('.');
  const taken = new Set(live.map((i) => i.PrivateIpAddress));
  const tagsFor = (t: string) => r.TagSpecifications?.find((x: any) => x.ResourceType === t)?.Tags ?? [];
  const made: Instance[] = [];
  const reservation = w.id('r');
  const az = subnet?.AvailabilityZone ?? `${w.region}a`;
  for (let k = 0; k < r.MaxCount; k++) {
    let n = 4;
    while (taken.has(`${base}.${n}`)) n++;
    const addr = k === 0 && ip ? ip : `${base}.${n}`;
    taken.add(addr);
    const id = w.id('i');
    const volumes = attachVolumes(w, id, image.RootDeviceName, r, az);
    const i: Instance & { ReservationId?: string } = {
      InstanceId: id,
      ReservationId: reservation,
      ImageId: r.ImageId,
      InstanceType: r.InstanceType,
      KeyName: r.KeyName,
      AmiLaunchIndex: k,
      LaunchTime: new Date(w.now),
      Architecture: 'x86_64',
      ClientToken: r.ClientToken ?? '',
      Placement: { AvailabilityZone: az, Tenancy: 'default' },
      PrivateIpAddress: addr,
      PrivateDnsName: `ip-${addr.replaceAll('.', '-')}.${w.region}.compute.internal`,
      PublicDnsName: '',
      SubnetId: subnet?.SubnetId ?? 'subnet-0default000000001',
      VpcId: subnet?.VpcId ?? 'vpc-0default000000001',
      RootDeviceName: image.RootDeviceName,
      RootDeviceType: 'ebs',
      StateTransitionReason: '',
      Monitoring: { State: 'disabled' },
      SecurityGroups: groups.map((g: string) => ({
        GroupId: g,
        GroupName: w.securityGroups.find((x) => x.GroupId === g)?.GroupName,
      })),
      BlockDeviceMappings: volumes.map((v) => ({
        DeviceName: v.Attachments![0].Device,
        Ebs: {
          VolumeId: v.VolumeId,
          Status: 'attached',
          DeleteOnTermination: v.Attachments![0].DeleteOnTermination,
        },
      })),
      Tags: structuredClone(tagsFor('instance')),
    };
    const c = w.clock(id);
    c.invisible = w.invisibleFor;
    c.publicIp = net.AssociatePublicIpAddress ?? subnet?.MapPublicIpOnLaunch ?? !subnetId;
    setState(w, i, 'pending');
    made.push(i);
  }
  w.instances.push(...made);
  w.token(r.ClientToken, made);
  return made;
}

// The fake EC2's subnets: create inside the VPC block without overlaps, public addresses, delete.
import type { Subnet } from '@aws-sdk/client-ec2';
import { inside } from '../../modules/lib/aws/cidr.js';
import type { FakeEc2 } from './fake-ec2.js';
import { FAKE } from './fake-ec2-seed.js';
import { live, tagsFor } from './fake-ec2-vpc.js';

const ids = (v: string[] | undefined) => (v?.length ? v : undefined);

export function installSubnetHandlers(w: FakeEc2): void {
  const vpcOf = async (id: string) => {
    const v = w.vpcs.find((x) => x.VpcId === id);
    if (!v) throw await w.error('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`);
    return v;
  };
  w.on('CreateSubnet', async (r) => {
    const v = await vpcOf(r.VpcId);
    if (!inside(r.CidrBlock, v.CidrBlock!))
      throw await w.error('InvalidSubnet.Range', `The CIDR '${r.CidrBlock}' is invalid.`);
    if (
      w.subnets.some(
        (s) =>
          s.VpcId === r.VpcId && (inside(s.CidrBlock!, r.CidrBlock) || inside(r.CidrBlock, s.CidrBlock!)),
      )
    )
      throw await w.error(
        'InvalidSubnet.Conflict',
        `The CIDR '${r.CidrBlock}' conflicts with another subnet`,
      );
    const bits = Number(r.CidrBlock.split('/')[1]);
    const s: Subnet = {
      SubnetId: w.id('subnet'),
      VpcId: r.VpcId,
      CidrBlock: r.CidrBlock,
      AvailabilityZone: r.AvailabilityZone ?? `${w.region}a`,
      AvailabilityZoneId: 'euw1-az1',
      State: 'available',
      AvailableIpAddressCount: 2 ** (32 - bits) - 5,
      MapPublicIpOnLaunch: false,
      DefaultForAz: false,
      OwnerId: FAKE.owner,
      SubnetArn: `arn:aws:ec2:${w.region}:${FAKE.owner}:subnet/x`,
      Tags: tagsFor(r, 'subnet'),
    };
    w.subnets.push(s);
    return { Subnet: structuredClone(s) };
  });
  w.on('DescribeSubnets', async (r) => {
    const { items, NextToken } = await w.describe(
      w.subnets,
      'SubnetId',
      ids(r.SubnetIds),
      'InvalidSubnetID.NotFound',
      r,
    );
    return { Subnets: structuredClone(items), NextToken };
  });
  const subnetOf = async (id: string) => {
    const s = w.subnets.find((x) => x.SubnetId === id);
    if (!s) throw await w.error('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`);
    return s;
  };
  w.on('ModifySubnetAttribute', async (r) => {
    const s = await subnetOf(r.SubnetId);
    if (r.MapPublicIpOnLaunch) s.MapPublicIpOnLaunch = r.MapPublicIpOnLaunch.Value;
    return {};
  });
  w.on('DeleteSubnet', async (r) => {
    await subnetOf(r.SubnetId);
    if (live(w).some((i) => i.SubnetId === r.SubnetId))
      throw await w.error(
        'DependencyViolation',
        `The subnet '${r.SubnetId}' has dependencies and cannot be deleted.`,
      );
    w.subnets = w.subnets.filter((s) => s.SubnetId !== r.SubnetId);
    for (const t of w.routeTables) t.Associations = t.Associations?.filter((a) => a.SubnetId !== r.SubnetId);
    return {};
  });
}

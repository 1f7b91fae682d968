// The fake EC2's VPCs: create (with their main route table and default group), DNS attributes, delete.
import type { Vpc } from '@aws-sdk/client-ec2';
import { parseCidr } from '../../modules/lib/aws/cidr.js';
import type { FakeEc2 } from './fake-ec2.js';
import { FAKE } from './fake-ec2-seed.js';

const ids = (v: string[] | undefined) => (v?.length ? v : undefined);
export const tagsFor = (r: any, type: string) =>
  structuredClone(r.TagSpecifications?.find((t: any) => t.ResourceType === type)?.Tags ?? []);
export const live = (w: FakeEc2) => w.instances.filter((i) => i.State?.Name !== 'terminated');

/** Resources still in a VPC: what DeleteVpc refuses to leave behind. */
function inVpc(w: FakeEc2, id: string): string[] {
  return [
    ...w.subnets.filter((s) => s.VpcId === id).map((s) => s.SubnetId!),
    ...w.internetGateways
      .filter((g) => g.Attachments?.some((a) => a.VpcId === id))
      .map((g) => g.InternetGatewayId!),
    ...w.securityGroups.filter((g) => g.VpcId === id && g.GroupName !== 'default').map((g) => g.GroupId!),
    ...w.routeTables
      .filter((t) => t.VpcId === id && !t.Associations?.some((a) => a.Main))
      .map((t) => t.RouteTableId!),
    ...live(w)
      .filter((i) => i.VpcId === id)
      .map((i) => i.InstanceId!),
  ];
}

export function installVpcHandlers(w: FakeEc2): void {
  const vpcOf = async (id: string) => {
    const v = w.vpcs.find((x) => x.VpcId === id);
    if (!v) throw await w.error('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`);
    return v;
  };
  w.on('CreateVpc', async (r) => {
    const b = parseCidr(r.CidrBlock ?? '');
    if (!b || b.bits < 16 || b.bits > 28)
      throw await w.error('InvalidVpc.Range', `The CIDR '${r.CidrBlock}' is invalid.`);
    const v: Vpc = {
      VpcId: w.id('vpc'),
      CidrBlock: r.CidrBlock,
      State: 'pending',
      DhcpOptionsId: 'dopt-0fake0000000001',
      InstanceTenancy: 'default',
      IsDefault: false,
      OwnerId: FAKE.owner,
      CidrBlockAssociationSet: [
        {
          AssociationId: w.id('vpc-cidr-assoc'),
          CidrBlock: r.CidrBlock,
          CidrBlockState: { State: 'associated' },
        },
      ],
      Tags: tagsFor(r, 'vpc'),
    };
    w.vpcs.push(v);
    w.vpcDns[v.VpcId!] = { EnableDnsSupport: true, EnableDnsHostnames: false };
    // as EC2 does: every VPC comes with its main route table and its default group, untagged
    w.routeTables.push({
      RouteTableId: w.id('rtb'),
      VpcId: v.VpcId,
      OwnerId: FAKE.owner,
      Routes: [
        {
          DestinationCidrBlock: r.CidrBlock,
          GatewayId: 'local',
          Origin: 'CreateRouteTable',
          State: 'active',
        },
      ],
      Associations: [
        { Main: true, RouteTableAssociationId: w.id('rtbassoc'), AssociationState: { State: 'associated' } },
      ],
      PropagatingVgws: [],
      Tags: [],
    });
    w.securityGroups.push({
      GroupId: w.id('sg'),
      GroupName: 'default',
      Description: 'default VPC security group',
      VpcId: v.VpcId,
      OwnerId: FAKE.owner,
      IpPermissions: [],
      IpPermissionsEgress: [
        {
          IpProtocol: '-1',
          IpRanges: [{ CidrIp: '0.0.0.0/0' }],
          Ipv6Ranges: [],
          PrefixListIds: [],
          UserIdGroupPairs: [],
        },
      ],
      Tags: [],
    });
    return { Vpc: structuredClone(v) };
  });
  w.on('DescribeVpcs', async (r) => {
    const { items, NextToken } = await w.describe(w.vpcs, 'VpcId', ids(r.VpcIds), 'InvalidVpcID.NotFound', r);
    const out = { Vpcs: structuredClone(items), NextToken };
    // a new VPC is pending for one look
    for (const v of w.vpcs) v.State = 'available';
    return out;
  });
  w.on('DescribeVpcAttribute', async (r) => {
    await vpcOf(r.VpcId);
    const key =
      r.Attribute === 'enableDnsSupport'
        ? 'EnableDnsSupport'
        : r.Attribute === 'enableDnsHostnames'
          ? 'EnableDnsHostnames'
          : undefined;
    if (!key)
      throw await w.error(
        'InvalidParameterValue',
        `Value (${r.Attribute}) for parameter attribute is invalid.`,
      );
    return { VpcId: r.VpcId, [key]: { Value: w.vpcDns[r.VpcId][key] } };
  });
  w.on('ModifyVpcAttribute', async (r) => {
    await vpcOf(r.VpcId);
    const keys = ['EnableDnsSupport', 'EnableDnsHostnames'].filter((k) => r[k] !== undefined) as (
      | 'EnableDnsSupport'
      | 'EnableDnsHostnames'
    )[];
    if (keys.length !== 1)
      throw await w.error('InvalidParameterCombination', 'Exactly one attribute may be modified at a time.');
    const dns = w.vpcDns[r.VpcId];
    dns[keys[0]] = r[keys[0]].Value;
    if (dns.EnableDnsHostnames && !dns.EnableDnsSupport)
      throw await w.error('InvalidParameterValue', 'DNS hostnames need DNS support.');
    return {};
  });
  w.on('DeleteVpc', async (r) => {
    await vpcOf(r.VpcId);
    const deps = inVpc(w, r.VpcId);
    if (deps.length)
      throw await w.error(
        'DependencyViolation',
        `The vpc '${r.VpcId}' has dependencies and cannot be deleted.`,
      );
    w.vpcs = w.vpcs.filter((v) => v.VpcId !== r.VpcId);
    w.routeTables = w.routeTables.filter((t) => t.VpcId !== r.VpcId);
    w.securityGroups = w.securityGroups.filter((g) => g.VpcId !== r.VpcId);
    return {};
  });
}

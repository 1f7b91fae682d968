// `ec2_subnet`: a subnet of our VPC present (block, zone, public addresses, tags) or absent, as Ansible's ec2_vpc_subnet.
import type { Subnet } from '@aws-sdk/client-ec2';
import { defineModule, type Plan, TaskFailure } from '../engine/module.js';
import { Bool, Obj, Type } from '../engine/schema.js';
import { cidrArg, inside, nthBlock } from './lib/aws/cidr.js';
import { connectEc2 } from './lib/aws/client.js';
import {
  atMostOne,
  awsProps,
  idProp,
  nameProp,
  need,
  notYet,
  stateProp,
  tagProps,
  wantedTags,
} from './lib/aws/net-args.js';
import { byId, findOwn, labelOf } from './lib/aws/net-find.js';
import { NetPlan, Ref, until } from './lib/aws/net-steps.js';
import { type TagMap, tagMap, tagSpecs } from './lib/aws/tags.js';

const schema = Obj({
  ...awsProps,
  name: nameProp,
  vpc_id: idProp('The VPC'),
  cidr: Type.Optional(Type.String({ description: 'IPv4 block inside the VPC block.' })),
  cidr_index: Type.Optional(
    Type.Integer({ minimum: 0, description: 'Without cidr: the n-th /24 of the VPC block (default 0).' }),
  ),
  az: Type.Optional(Type.String({ description: 'Availability zone (default: EC2 chooses).' })),
  map_public: Type.Optional(
    Bool({ description: 'Public addresses for instances by default (default false).' }),
  ),
  ...tagProps,
  state: stateProp,
  wait_timeout: Type.Optional(Type.Integer({ minimum: 1, description: 'Seconds (default 300).' })),
});

function view(n: Subnet | undefined, tags?: TagMap): Record<string, unknown> {
  return {
    id: n?.SubnetId ?? null,
    name: (tags ?? tagMap(n?.Tags)).Name ?? null,
    vpc_id: n?.VpcId ?? null,
    cidr_block: n?.CidrBlock ?? null,
    availability_zone: n?.AvailabilityZone ?? null,
    map_public_ip_on_launch: n?.MapPublicIpOnLaunch ?? false,
    available_ip_address_count: n?.AvailableIpAddressCount ?? null,
    state: n?.State ?? null,
    tags: tags ?? tagMap(n?.Tags),
  };
}

export default defineModule({
  name: 'ec2_subnet',
  schema,
  aliases: { availability_zone: 'az', map_public_ip_on_launch: 'map_public', resource_tags: 'tags' },
  controllerOnly: true,
  async plan(a): Promise<Plan> {
    if (a.cidr !== undefined && a.cidr_index !== undefined)
      throw new TaskFailure('expected cidr or cidr_index (got both)');
    if (a.cidr !== undefined) cidrArg(a.cidr, 'cidr', 16, 28);
    const ec2 = await connectEc2(a);
    const { sdk } = ec2;
    const s = new NetPlan(ec2);
    const inVpc = a.vpc_id ? [{ Name: 'vpc-id', Values: [a.vpc_id] }] : [];
    if (a.state === 'absent') {
      const found = await findOwn(ec2, 'subnet', a.cluster, a.name, inVpc);
      for (const n of found) {
        const label = labelOf('subnet', n);
        s.remove(`subnet ${label}`, () => ec2.send(new sdk.DeleteSubnetCommand({ SubnetId: n.SubnetId })));
      }
      return s.done(
        { subnet_id: null, subnet: null },
        found.length ? undefined : `no subnet ${a.name} in ${a.cluster}`,
      );
    }
    if (a.vpc_id === undefined) throw new TaskFailure('expected vpc_id for state present (got none)');
    const vpc = a.vpc_id
      ? (await ec2.send(new sdk.DescribeVpcsCommand({ VpcIds: [a.vpc_id] }))).Vpcs?.[0]
      : undefined;
    if (!a.vpc_id) s.note(notYet('the VPC'));
    const vpcBlock = vpc?.CidrBlock;
    const derived = vpcBlock && a.cidr === undefined ? nthBlock(vpcBlock, a.cidr_index ?? 0) : undefined;
    const cidr = a.cidr ?? derived;
    if (a.cidr && vpcBlock && !inside(a.cidr, vpcBlock))
      throw new TaskFailure(`expected cidr inside the VPC block ${vpcBlock} (got ${a.cidr})`);
    const found = a.vpc_id ? await findOwn(ec2, 'subnet', a.cluster, a.name, inVpc) : [];
    const net = atMostOne(found, `subnet named ${a.name} in ${a.vpc_id}`, (n) => n.SubnetId);
    const want = wantedTags(a);
    const pub = a.map_public ?? false;
    const id = new Ref(net?.SubnetId);
    let tags = want.tags;
    const wait = a.wait_timeout ?? 300;
    if (!net) {
      const what = cidr ?? `its /24 number ${a.cidr_index ?? 0}`;
      s.state(`subnet ${a.name}`, 'absent', `present (${what})`);
      s.step(`create subnet ${a.name} (${what}${a.az ? ` in ${a.az}` : ''})`, async () => {
        const vpcId = need(a.vpc_id, 'vpc_id', 'the VPC');
        const block = cidr ?? nthBlock((await byId(ec2, 'vpc', vpcId))?.CidrBlock ?? '', a.cidr_index ?? 0);
        const out = await ec2.send(
          new sdk.CreateSubnetCommand({
            VpcId: vpcId,
            CidrBlock: block,
            AvailabilityZone: a.az,
            TagSpecifications: tagSpecs(want.tags, ['subnet']),
          }),
          { retryNotFound: true },
        );
        id.id = out.Subnet?.SubnetId;
        await until(
          `subnet ${id.id} to be available`,
          () => byId(ec2, 'subnet', id.get()),
          (n) => n.State === 'available',
          (n) => n?.State ?? 'not visible yet',
          wait,
        );
      });
    } else {
      const label = labelOf('subnet', net);
      const asked = a.cidr ?? (a.cidr_index !== undefined ? derived : undefined);
      if (asked && net.CidrBlock !== asked)
        throw new TaskFailure(
          `expected subnet ${label} to have block ${asked} (got ${net.CidrBlock}): a subnet's block never changes; delete it first`,
        );
      if (a.az && net.AvailabilityZone !== a.az)
        throw new TaskFailure(
          `expected subnet ${label} in ${a.az} (got ${net.AvailabilityZone}): a subnet never moves; delete it first`,
        );
      tags = s.tag(net.SubnetId!, `subnet ${label}`, tagMap(net.Tags), want);
    }
    if ((net?.MapPublicIpOnLaunch ?? false) !== pub) {
      if (net) s.state(`subnet ${labelOf('subnet', net)} map_public`, String(!pub), String(pub));
      s.step(`${pub ? 'map' : 'do not map'} public addresses in subnet ${a.name}`, async () => {
        await ec2.send(
          new sdk.ModifySubnetAttributeCommand({ SubnetId: id.get(), MapPublicIpOnLaunch: { Value: pub } }),
          { retryNotFound: true },
        );
      });
    }
    s.observe(async () => ({ subnet_id: id.id, subnet: view(await byId(ec2, 'subnet', id.get())) }));
    const predicted: Subnet = net ?? {
      VpcId: a.vpc_id || undefined,
      CidrBlock: cidr,
      AvailabilityZone: a.az,
      State: 'available',
    };
    return s.done({
      subnet_id: net?.SubnetId ?? null,
      subnet: view({ ...predicted, MapPublicIpOnLaunch: pub }, tags),
    });
  },
});

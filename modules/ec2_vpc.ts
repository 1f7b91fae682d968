// `ec2_vpc`: our cluster's VPC present (block, DNS attributes, tags) or absent, as Ansible's ec2_vpc_net.
import type { Vpc } from '@aws-sdk/client-ec2';
import { defineModule, type Plan, TaskFailure } from '../engine/module.js';
import { Bool, Obj, Type } from '../engine/schema.js';
import { cidrArg, DEFAULT_VPC_CIDR } from './lib/aws/cidr.js';
import { connectEc2, type Ec2 } from './lib/aws/client.js';
import { atMostOne, awsProps, nameProp, stateProp, tagProps, wantedTags } from './lib/aws/net-args.js';
import { byId, findOwn, labelOf } from './lib/aws/net-find.js';
import { NetPlan, Ref, until } from './lib/aws/net-steps.js';
import { type TagMap, tagMap, tagSpecs } from './lib/aws/tags.js';

const schema = Obj({
  ...awsProps,
  name: nameProp,
  cidr_block: Type.Optional(
    Type.String({ description: `IPv4 block of a new VPC (default ${DEFAULT_VPC_CIDR}); it never changes.` }),
  ),
  dns_support: Type.Optional(Bool({ description: 'Amazon DNS in the VPC (default true).' })),
  dns_hostnames: Type.Optional(Bool({ description: 'DNS names for instances (default true).' })),
  ...tagProps,
  state: stateProp,
  wait_timeout: Type.Optional(Type.Integer({ minimum: 1, description: 'Seconds (default 300).' })),
});

type Dns = { dns_support: boolean; dns_hostnames: boolean };
const ATTR = {
  dns_support: ['enableDnsSupport', 'EnableDnsSupport'],
  dns_hostnames: ['enableDnsHostnames', 'EnableDnsHostnames'],
} as const;

async function dnsOf(ec2: Ec2, id: string): Promise<Dns> {
  const out = {} as Dns;
  for (const k of ['dns_support', 'dns_hostnames'] as const) {
    const r = await ec2.send(new ec2.sdk.DescribeVpcAttributeCommand({ VpcId: id, Attribute: ATTR[k][0] }), {
      retryNotFound: true,
    });
    out[k] = r[ATTR[k][1]]?.Value === true;
  }
  return out;
}

function view(v: Vpc | undefined, dns: Dns, tags?: TagMap): Record<string, unknown> {
  return {
    id: v?.VpcId ?? null,
    name: (tags ?? tagMap(v?.Tags)).Name ?? null,
    cidr_block: v?.CidrBlock ?? null,
    state: v?.State ?? null,
    is_default: v?.IsDefault ?? false,
    dhcp_options_id: v?.DhcpOptionsId ?? null,
    instance_tenancy: v?.InstanceTenancy ?? 'default',
    owner_id: v?.OwnerId ?? null,
    ...dns,
    tags: tags ?? tagMap(v?.Tags),
  };
}

export default defineModule({
  name: 'ec2_vpc',
  schema,
  aliases: { cidr: 'cidr_block', resource_tags: 'tags' },
  controllerOnly: true,
  async plan(a): Promise<Plan> {
    const ec2 = await connectEc2(a);
    const s = new NetPlan(ec2);
    const { sdk } = ec2;
    const found = await findOwn(ec2, 'vpc', a.cluster, a.name);
    if (a.state === 'absent') {
      for (const v of found) {
        const label = labelOf('vpc', v);
        s.remove(`VPC ${label}`, () => ec2.send(new sdk.DeleteVpcCommand({ VpcId: v.VpcId })));
      }
      return s.done(
        { vpc_id: null, vpc: null },
        found.length ? undefined : `no VPC ${a.name} in ${a.cluster}`,
      );
    }
    if (a.cidr_block !== undefined) cidrArg(a.cidr_block, 'cidr_block', 16, 28);
    const want = wantedTags(a);
    const dns: Dns = { dns_support: a.dns_support ?? true, dns_hostnames: a.dns_hostnames ?? true };
    const vpc = atMostOne(found, `VPC named ${a.name} in cluster ${a.cluster}`, (v) => v.VpcId);
    const id = new Ref(vpc?.VpcId);
    let now: Dns = { dns_support: true, dns_hostnames: false };
    let tags = want.tags;
    if (!vpc) {
      const cidr = a.cidr_block ?? DEFAULT_VPC_CIDR;
      s.state(`VPC ${a.name}`, 'absent', `present (${cidr})`);
      s.step(`create VPC ${a.name} (${cidr})`, async () => {
        const out = await ec2.send(
          new sdk.CreateVpcCommand({ CidrBlock: cidr, TagSpecifications: tagSpecs(want.tags, ['vpc']) }),
        );
        id.id = out.Vpc?.VpcId;
        await until(
          `VPC ${id.id} to be available`,
          () => byId(ec2, 'vpc', id.get()),
          (v) => v.State === 'available',
          (v) => v?.State ?? 'not visible yet',
          a.wait_timeout ?? 300,
        );
      });
    } else {
      if (a.cidr_block !== undefined && vpc.CidrBlock !== a.cidr_block)
        throw new TaskFailure(
          `expected VPC ${labelOf('vpc', vpc)} to have block ${a.cidr_block} (got ${vpc.CidrBlock}): a VPC's block never changes; use another name, or delete it first`,
        );
      now = await dnsOf(ec2, vpc.VpcId!);
      tags = s.tag(vpc.VpcId!, `VPC ${labelOf('vpc', vpc)}`, tagMap(vpc.Tags), want);
    }
    // hostnames need DNS support: support goes on first and off last
    const order = dns.dns_support
      ? (['dns_support', 'dns_hostnames'] as const)
      : (['dns_hostnames', 'dns_support'] as const);
    for (const k of order) {
      if (now[k] === dns[k]) continue;
      if (vpc) s.state(`VPC ${labelOf('vpc', vpc)} ${k}`, String(now[k]), String(dns[k]));
      s.step(`${dns[k] ? 'enable' : 'disable'} ${k} in VPC ${a.name}`, async () => {
        await ec2.send(
          new sdk.ModifyVpcAttributeCommand({ VpcId: id.get(), [ATTR[k][1]]: { Value: dns[k] } }),
          { retryNotFound: true },
        );
      });
    }
    s.observe(async () => {
      const v = await byId(ec2, 'vpc', id.get());
      return { vpc_id: id.id, vpc: view(v, await dnsOf(ec2, id.get())) };
    });
    const predicted = vpc ?? { CidrBlock: a.cidr_block ?? DEFAULT_VPC_CIDR, State: 'available' as const };
    return s.done({ vpc_id: vpc?.VpcId ?? null, vpc: view(predicted, dns, tags) });
  },
});

// Dynamic inventory of our EC2 cluster (as amazon.aws.aws_ec2): groups by role tag, private addresses via the manager.
import type { Instance } from '@aws-sdk/client-ec2';
import { connectEc2 } from '../../../modules/lib/aws/client.js';
import { findInstances, LIVE_STATES, stateOf } from '../../../modules/lib/aws/instances.js';
import { CLUSTER_TAG, clusterFilters, filterList, ROLE_TAG, tagMap } from '../../../modules/lib/aws/tags.js';
import { SdtdError } from '../../errors.js';
import { Any, Bool, Obj, StrOrList, Type } from '../../schema.js';
import { validate } from '../../validate.js';
import type { InventoryPlugin } from '../plugins.js';

const Config = Obj({
  plugin: Type.String(),
  regions: Type.Optional(StrOrList({ description: 'Default: the region of the standard AWS chain.' })),
  profile: Type.Optional(Type.String({ description: 'Shared config profile (default AWS_PROFILE).' })),
  cluster: Type.Optional(
    Type.String({ description: `Our ${CLUSTER_TAG} tag: only its instances are hosts.` }),
  ),
  filters: Type.Optional(
    Type.Record(Type.String(), Any(), { description: 'More DescribeInstances filters.' }),
  ),
  include_stopped: Type.Optional(Bool({ description: 'List pending, stopping and stopped instances too.' })),
  role_tag: Type.Optional(
    Type.String({ description: `The tag whose value names each host's group (${ROLE_TAG}).` }),
  ),
  manager_role: Type.Optional(Type.String({ description: 'Role of the jump host (default manager).' })),
  jump_host: Type.Optional(
    Bool({ description: 'Reach private addresses through the manager (default true).' }),
  ),
  hostnames: Type.Optional(
    Type.Array(Type.String(), {
      description: 'Host name sources, first with a value wins: tag:KEY, instance-id, private-dns-name, ...',
    }),
  ),
  user: Type.Optional(Type.String({ description: 'ansible_user (default admin, the Debian images user).' })),
  private_key_file: Type.Optional(Type.String()),
});

type Cfg = typeof Config.static;

/** A hostnames entry's value for one instance: tag:KEY, or a DescribeInstances filter-style field name. */
function hostnameOf(i: Instance, source: string): string | undefined {
  if (source.startsWith('tag:')) return tagMap(i.Tags)[source.slice(4)] || undefined;
  const fields: Record<string, string | undefined> = {
    'instance-id': i.InstanceId,
    'private-dns-name': i.PrivateDnsName,
    'dns-name': i.PublicDnsName,
    'private-ip-address': i.PrivateIpAddress,
    'ip-address': i.PublicIpAddress,
  };
  if (!(source in fields))
    throw new SdtdError(
      'inventory',
      `expected hostnames entries tag:KEY or ${Object.keys(fields).join(', ')} (got ${JSON.stringify(source)})`,
    );
  return fields[source] || undefined;
}

/** The variables Ansible's aws_ec2 gives a host (the usual subset), plus our role and cluster. */
function ec2Vars(i: Instance, region: string, roleTag: string): Record<string, unknown> {
  const tags = tagMap(i.Tags);
  return {
    instance_id: i.InstanceId,
    instance_type: i.InstanceType,
    image_id: i.ImageId,
    private_ip_address: i.PrivateIpAddress ?? null,
    public_ip_address: i.PublicIpAddress ?? null,
    private_dns_name: i.PrivateDnsName || null,
    public_dns_name: i.PublicDnsName || null,
    launch_time: i.LaunchTime ? new Date(i.LaunchTime).toISOString() : null,
    state: { code: i.State?.Code, name: stateOf(i) },
    placement: { availability_zone: i.Placement?.AvailabilityZone, region },
    subnet_id: i.SubnetId ?? null,
    vpc_id: i.VpcId ?? null,
    tags,
    sdtd_role: tags[roleTag] ?? null,
    sdtd_cluster: tags[CLUSTER_TAG] ?? null,
  };
}

/** Ansible's group name rules: anything but letters, digits and _ becomes _. */
const groupName = (s: string) => s.replace(/[^A-Za-z0-9_]/g, '_');

export const awsEc2: InventoryPlugin = async (config, ctx) => {
  validate(Config, config, { where: ctx.where, root: config });
  const c = config as Cfg;
  if (!c.cluster && !c.filters)
    throw new SdtdError(
      'inventory',
      'expected cluster: (our sdtd:cluster tag) or filters: to choose the instances (got neither: every instance in the account would be a host)',
    );
  const roleTag = c.role_tag ?? ROLE_TAG;
  const managerRole = c.manager_role ?? 'manager';
  const user = c.user ?? 'admin';
  const filters = [...clusterFilters(c.cluster), ...filterList(c.filters as Record<string, unknown>)];
  if (!filters.some((f) => f.Name === 'instance-state-name'))
    filters.push({ Name: 'instance-state-name', Values: c.include_stopped ? LIVE_STATES : ['running'] });
  const regions = c.regions === undefined ? [undefined] : [c.regions].flat();
  const found: { i: Instance; region: string }[] = [];
  for (const r of regions) {
    const ec2 = await connectEc2({ region: r, profile: c.profile });
    for (const i of await findInstances(ec2, filters)) found.push({ i, region: ec2.region });
  }
  const hosts: Record<string, Record<string, unknown>> = {};
  const groups: Record<string, { hosts: string[] }> = { aws_ec2: { hosts: [] } };
  const sources = c.hostnames ?? ['tag:Name', 'private-dns-name', 'instance-id'];
  const isManager = (i: Instance) => tagMap(i.Tags)[roleTag] === managerRole;
  const manager = found.find(({ i }) => isManager(i) && stateOf(i) === 'running')?.i;
  const jump =
    c.jump_host !== false && manager?.PublicIpAddress ? `${user}@${manager.PublicIpAddress}` : undefined;
  for (const { i, region } of found) {
    // two instances with one Name (a stale copy) must not merge into one host: the later one takes its next name
    const name = [...sources.map((s) => hostnameOf(i, s)), i.InstanceId].find((n) => n && !(n in hosts))!;
    const own = isManager(i);
    hosts[name] = {
      ansible_host: own ? (i.PublicIpAddress ?? i.PrivateIpAddress) : i.PrivateIpAddress,
      ansible_user: user,
      ...(c.private_key_file ? { ansible_ssh_private_key_file: c.private_key_file } : {}),
      ...(jump && !own ? { sdtd_jump_host: jump } : {}),
      ...ec2Vars(i, region, roleTag),
    };
    groups.aws_ec2.hosts.push(name);
    const role = tagMap(i.Tags)[roleTag];
    if (!role) continue;
    groups[groupName(role)] ??= { hosts: [] };
    groups[groupName(role)].hosts.push(name);
  }
  return { hosts, groups };
};

// ec2_instance's arguments: the schema, which instances are ours, the tags to have, names and addresses of new ones.
import type { Filter, Instance } from '@aws-sdk/client-ec2';
import { TaskFailure } from '../../../engine/module.js';
import { Bool, Enum, Obj, StrOrList, Type } from '../../../engine/schema.js';
import type { Ec2 } from './client.js';
import { findImage, type ImageSpec } from './images.js';
import type { ImageChoice } from './instance-steps.js';
import { LIVE_STATES, nameOf } from './instances.js';
import type { Launch } from './launch.js';
import { clusterFilters, filterList, ownTags, type TagMap } from './tags.js';

const Str = (description: string) => Type.Optional(Type.String({ description }));
const Scalar = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);

export const schema = Obj({
  region: Str('AWS region (default AWS_REGION, AWS_DEFAULT_REGION, the profile region).'),
  profile: Str('Shared config profile (default AWS_PROFILE).'),
  cluster: Str('Value of our sdtd:cluster tag: set on launch, and nothing without it is ever matched.'),
  role: Str('Value of our sdtd:role tag (kafka, cassandra, ...): set on launch and matched.'),
  state: Type.Optional(
    Enum(['present', 'running', 'started', 'stopped', 'restarted', 'rebooted', 'terminated', 'absent']),
  ),
  name: Str('The Name tag of every matched and launched instance (as Ansible).'),
  name_prefix: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z][A-Za-z0-9-]*$',
      description: 'Name tags PREFIX1, PREFIX2...: new instances take the lowest free numbers.',
    }),
  ),
  count: Type.Optional(
    Type.Integer({ minimum: 1, description: 'Launch this many more, every run (as Ansible).' }),
  ),
  exact_count: Type.Optional(
    Type.Integer({
      minimum: 0,
      description: 'Exactly this many match: launch the missing, terminate the oldest.',
    }),
  ),
  instance_ids: Type.Optional(Type.Array(Type.String({ pattern: '^i-[0-9a-f]+$' }))),
  filters: Type.Optional(
    Type.Record(Type.String(), Type.Union([Scalar, Type.Array(Scalar)]), {
      description: 'DescribeInstances filters instead of the default ones (name, subnet).',
    }),
  ),
  tags: Type.Optional(Type.Record(Type.String(), Scalar)),
  purge_tags: Type.Optional(
    Bool({ description: 'Remove tags not in tags (default true when tags is given).' }),
  ),
  image_id: Str('AMI id to launch.'),
  image: Type.Optional(
    Obj({
      id: Type.Optional(Type.String()),
      name: Type.Optional(
        Type.String({ description: 'Pattern, or debian-12, ubuntu-24.04: the newest match.' }),
      ),
      owner: Type.Optional(Type.String()),
      architecture: Type.Optional(Enum(['x86_64', 'arm64'])),
    }),
  ),
  instance_type: Str('Default t3.micro.'),
  key_name: Str('EC2 key pair for the default user.'),
  vpc_subnet_id: Str('Subnet to launch in (default: the default VPC).'),
  security_groups: Type.Optional(StrOrList({ description: 'Security group ids or names.' })),
  assign_public_ip: Type.Optional(Bool()),
  private_ip_address: Type.Optional(
    StrOrList({ description: 'Static private addresses, taken in order by new instances.' }),
  ),
  volumes: Type.Optional(
    Type.Array(
      Obj({
        device_name: Type.Optional(Type.String()),
        ebs: Type.Optional(
          Obj({
            volume_size: Type.Optional(Type.Integer({ minimum: 1 })),
            volume_type: Type.Optional(Enum(['gp2', 'gp3', 'io1', 'io2', 'st1', 'sc1', 'standard'])),
            iops: Type.Optional(Type.Integer()),
            throughput: Type.Optional(Type.Integer()),
            delete_on_termination: Type.Optional(Bool()),
            encrypted: Type.Optional(Bool()),
            kms_key_id: Type.Optional(Type.String()),
            snapshot_id: Type.Optional(Type.String()),
          }),
        ),
      }),
    ),
  ),
  user_data: Str('Cloud-init user data (plain text; encoded for the API).'),
  wait: Type.Optional(Bool({ description: 'Wait for the instances to reach the state (default true).' })),
  wait_timeout: Type.Optional(Type.Integer({ minimum: 1, description: 'Seconds (default 600).' })),
});

export type Args = typeof schema.static;

export function checkArgs(a: Args): void {
  const both = (x: keyof Args, y: keyof Args) => {
    if (a[x] !== undefined && a[y] !== undefined) throw new TaskFailure(`expected ${x} or ${y} (got both)`);
  };
  both('count', 'exact_count');
  both('exact_count', 'instance_ids');
  both('name', 'name_prefix');
  both('image_id', 'image');
  if (!a.cluster && !a.role && !a.name && !a.name_prefix && !a.filters && !a.instance_ids?.length)
    throw new TaskFailure(
      'expected cluster, role, name, name_prefix, filters or instance_ids to say which instances are ours (got none: every instance in the account would match)',
    );
}

/** Which instances are ours: cluster and role always, then ids, the user's filters, or Ansible's name/subnet. */
export function matchFilters(a: Args): Filter[] {
  const f = clusterFilters(a.cluster, a.role);
  const nameTag = a.name ?? (a.tags?.Name === undefined ? undefined : String(a.tags.Name));
  if (a.instance_ids?.length) f.push({ Name: 'instance-id', Values: a.instance_ids });
  if (a.filters) f.push(...filterList(a.filters));
  else if (!a.instance_ids?.length) {
    if (a.vpc_subnet_id) f.push({ Name: 'subnet-id', Values: [a.vpc_subnet_id] });
    if (nameTag) f.push({ Name: 'tag:Name', Values: [nameTag] });
    if (a.name_prefix) f.push({ Name: 'tag:Name', Values: [`${a.name_prefix}*`] });
  }
  if (!f.some((x) => x.Name === 'instance-state-name'))
    f.push({ Name: 'instance-state-name', Values: LIVE_STATES });
  return f;
}

/** The tags to have, or undefined when tags are not managed (neither tags nor name given). */
export function wantedTags(a: Args): { tags: TagMap; purge: boolean } | undefined {
  if (a.tags === undefined && a.name === undefined) return undefined;
  const tags: TagMap = {};
  for (const [k, v] of Object.entries(a.tags ?? {})) tags[k] = String(v);
  if (a.name) tags.Name = a.name;
  Object.assign(tags, ownTags(a.cluster, a.role));
  return { tags, purge: a.tags !== undefined && a.purge_tags !== false };
}

/** Names and addresses of N new instances: the lowest free numbers, the first free listed addresses. */
export function launches(a: Args, existing: Instance[], n: number): Launch[] {
  const used = new Set(existing.map(nameOf));
  const addrs = [a.private_ip_address ?? []].flat();
  const taken = new Set(existing.map((i) => i.PrivateIpAddress));
  const free = addrs.filter((x) => !taken.has(x));
  if (addrs.length && free.length < n)
    throw new TaskFailure(
      `expected a free address in private_ip_address for each of ${n} new instances (got ${free.length} free of ${addrs.join(', ')})`,
    );
  const out: Launch[] = [];
  for (let k = 1; out.length < n; k++) {
    const name = a.name_prefix ? `${a.name_prefix}${k}` : a.name;
    if (a.name_prefix && used.has(name)) continue;
    out.push({ name, privateIp: addrs.length ? free[out.length] : undefined });
  }
  return out;
}

export async function chooseImage(ec2: Ec2, a: Args, n: number): Promise<ImageChoice> {
  const spec: ImageSpec | undefined = a.image_id ? { id: a.image_id } : a.image;
  if (!spec || !(spec.id || spec.name))
    throw new TaskFailure(
      `expected image_id or image to launch ${n} instance${n > 1 ? 's' : ''} (got neither)`,
    );
  // an id alone needs no look-up unless a volume needs the image's root device name
  if (spec.id && !a.volumes?.some((v) => !v.device_name)) return { id: spec.id };
  const img = await findImage(ec2, spec);
  return { id: img.ImageId!, name: img.Name, rootDevice: img.RootDeviceName };
}

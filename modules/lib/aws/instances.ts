// Reading EC2 instances: paginated queries, oldest-first order, and the shape modules and inventories return.
import type { Filter, Instance } from '@aws-sdk/client-ec2';
import { collect, type Ec2 } from './client.js';
import { ROLE_TAG, tagMap } from './tags.js';

/** Every state but shutting-down and terminated: what "exists" means for matching, as in Ansible. */
export const LIVE_STATES = ['pending', 'running', 'stopping', 'stopped'];

export const stateOf = (i: Instance): string => i.State?.Name ?? 'unknown';
export const nameOf = (i: Instance): string | undefined => tagMap(i.Tags).Name;
export const launchTime = (i: Instance): number => (i.LaunchTime ? new Date(i.LaunchTime).getTime() : 0);

/** `i-0abc (kafka1)`: the id AWS knows and the name people know. */
export function label(i: Instance | string, names?: Map<string, string>): string {
  const id = typeof i === 'string' ? i : (i.InstanceId ?? '?');
  const name = typeof i === 'string' ? names?.get(i) : nameOf(i);
  return name ? `${id} (${name})` : id;
}

/** Oldest launch first (then by id, so equal times give a stable order): exact_count terminates from the front. */
export function oldestFirst(list: Instance[]): Instance[] {
  return [...list].sort(
    (a, b) => launchTime(a) - launchTime(b) || (a.InstanceId ?? '').localeCompare(b.InstanceId ?? ''),
  );
}

/** Instances matching FILTERS, every page, oldest first. */
export async function findInstances(ec2: Ec2, filters: Filter[]): Promise<Instance[]> {
  const { sdk } = ec2;
  const found = await collect(
    ec2,
    (NextToken) => new sdk.DescribeInstancesCommand({ Filters: filters, NextToken }),
    (o) => o.Reservations?.flatMap((r) => r.Instances ?? []),
  );
  return oldestFirst(found);
}

/** Instances by id, retrying NotFound: one launched a moment ago may not be visible yet. */
export async function instancesById(ec2: Ec2, ids: string[]): Promise<Instance[]> {
  if (!ids.length) return [];
  const { sdk } = ec2;
  const found = await collect(
    ec2,
    (NextToken) => new sdk.DescribeInstancesCommand({ InstanceIds: ids, NextToken }),
    (o) => o.Reservations?.flatMap((r) => r.Instances ?? []),
    { retryNotFound: true },
  );
  return oldestFirst(found);
}

const iso = (d: Date | string | undefined) => (d ? new Date(d).toISOString() : null);

/** One instance as registered results show it: nspawn_instance's name/address/state, then EC2's fields in snake_case. */
export function instanceView(i: Instance): Record<string, unknown> {
  const tags = tagMap(i.Tags);
  return {
    name: tags.Name ?? i.InstanceId,
    address: i.PrivateIpAddress ?? null,
    state: stateOf(i),
    instance_id: i.InstanceId,
    instance_type: i.InstanceType,
    image_id: i.ImageId,
    role: tags[ROLE_TAG] ?? null,
    private_ip_address: i.PrivateIpAddress ?? null,
    public_ip_address: i.PublicIpAddress ?? null,
    private_dns_name: i.PrivateDnsName || null,
    public_dns_name: i.PublicDnsName || null,
    launch_time: iso(i.LaunchTime),
    availability_zone: i.Placement?.AvailabilityZone ?? null,
    subnet_id: i.SubnetId ?? null,
    vpc_id: i.VpcId ?? null,
    key_name: i.KeyName ?? null,
    tags,
  };
}

/** How long an instance has run, `3d 4h`, `2h 5m`, `7m`; '-' when it is not running. */
export function uptime(i: Instance, now = Date.now()): string {
  if (stateOf(i) !== 'running' || !i.LaunchTime) return '-';
  const m = Math.max(0, Math.floor((now - launchTime(i)) / 60_000));
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  if (d) return `${d}d ${h}h`;
  return h ? `${h}h ${m % 60}m` : `${m}m`;
}

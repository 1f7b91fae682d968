// The fake EC2's Describe filters: tag:K, tag-key, states, nested fields (attachment.vpc-id), wildcards.
import type { Filter, Tag } from '@aws-sdk/client-ec2';

export const glob = (v: string) =>
  new RegExp(
    `^${v
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );

export const tagOf = (tags: Tag[] | undefined, k: string) => tags?.find((t) => t.Key === k)?.Value;

const pascal = (s: string) => s.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
/** Filter prefixes that name a list field: `attachment.vpc-id` reads Attachments[].VpcId. */
const LISTS: Record<string, string> = { attachment: 'Attachments', association: 'Associations' };
/** Filters whose field is not their name in PascalCase. */
const RENAMED: Record<string, string> = { status: 'State', 'owner-id': 'OwnerId', cidr: 'CidrBlock' };

/** A filter's values on a resource: tag:K, tag-key, instance-state-name, nested, else the PascalCase field. */
export function field(r: any, name: string): unknown[] {
  if (name.startsWith('tag:')) return [tagOf(r.Tags, name.slice(4))];
  if (name === 'tag-key') return (r.Tags ?? []).map((t: Tag) => t.Key);
  if (name === 'instance-state-name') return [r.State?.Name];
  const dot = name.indexOf('.');
  if (dot > 0) {
    const head = name.slice(0, dot);
    const key = pascal(name.slice(dot + 1));
    const v = r[LISTS[head] ?? pascal(head)];
    const items = Array.isArray(v) ? v : v ? [v] : [];
    return items.map((x: any) => (typeof x[key] === 'boolean' ? String(x[key]) : x[key]));
  }
  const v = r[RENAMED[name] ?? pascal(name)];
  return [typeof v === 'boolean' ? String(v) : v];
}

export const matches = (r: unknown, filters: Filter[] = []) =>
  filters.every((f) =>
    field(r, f.Name!).some((v) => v !== undefined && (f.Values ?? []).some((p) => glob(p).test(String(v)))),
  );

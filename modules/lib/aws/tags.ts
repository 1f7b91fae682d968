// EC2 tags and filters: our cluster and role tags, tag lists as mappings, what to set and unset, Ansible-style filters.
import type { Filter, Tag, TagSpecification } from '@aws-sdk/client-ec2';

/** Every resource sdtd-play makes carries this tag: filters on it keep us away from anything else in the account. */
export const CLUSTER_TAG = 'sdtd:cluster';
/** What a host is for (kafka, cassandra, spark, mesos, zookeeper, akka, manager): inventory groups come from it. */
export const ROLE_TAG = 'sdtd:role';

export type TagMap = Record<string, string>;

export function tagMap(tags: Tag[] | undefined): TagMap {
  const m: TagMap = {};
  for (const t of tags ?? []) if (t.Key !== undefined) m[t.Key] = t.Value ?? '';
  return m;
}

export function tagList(m: TagMap): Tag[] {
  return Object.entries(m).map(([Key, Value]) => ({ Key, Value }));
}

/** Tags applied by the create call itself, so nothing is ever untagged (and invisible to our filters) for a moment. */
export function tagSpecs(m: TagMap, types: string[] = ['instance', 'volume']): TagSpecification[] {
  if (!Object.keys(m).length) return [];
  return types.map((t) => ({ ResourceType: t as TagSpecification['ResourceType'], Tags: tagList(m) }));
}

/** The tags our own arguments imply: cluster and role, which no purge ever removes. */
export function ownTags(cluster?: string, role?: string): TagMap {
  const m: TagMap = {};
  if (cluster) m[CLUSTER_TAG] = cluster;
  if (role) m[ROLE_TAG] = role;
  return m;
}

export interface TagChange {
  set: TagMap;
  unset: string[];
}

/** Tags a purge never removes: `aws:` ones belong to AWS; without Name, cluster or role a host drops out of sight. */
const kept = (k: string) => k.startsWith('aws:') || k === 'Name' || k === CLUSTER_TAG || k === ROLE_TAG;

/** What to set and unset to go from CURRENT to WANTED (with PURGE, tags not wanted go, except the kept ones). */
export function tagChange(current: TagMap, wanted: TagMap, purge: boolean): TagChange {
  const set: TagMap = {};
  for (const [k, v] of Object.entries(wanted)) if (current[k] !== v) set[k] = v;
  const unset = purge ? Object.keys(current).filter((k) => !(k in wanted) && !kept(k)) : [];
  return { set, unset };
}

export const isNoChange = (c: TagChange) => !Object.keys(c.set).length && !c.unset.length;

/** `k=v, k2=v2`, sorted: for diffs and step lines. */
export function showTags(m: TagMap): string {
  return Object.keys(m)
    .sort()
    .map((k) => `${k}=${m[k]}`)
    .join(', ');
}

/** The tags after a change, for predictions. */
export function applyTagChange(current: TagMap, c: TagChange): TagMap {
  const out = { ...current, ...c.set };
  for (const k of c.unset) delete out[k];
  return out;
}

/** Ansible's filter mapping (`tag:Name: web`, `instance_state_name: [running]`) as EC2 Filters. */
export function filterList(f: Record<string, unknown> | undefined): Filter[] {
  return Object.entries(f ?? {}).map(([k, v]) => ({
    // as amazon.aws does: underscores mean dashes, except in tag keys
    Name: k.startsWith('tag:') ? k : k.replaceAll('_', '-'),
    Values: (Array.isArray(v) ? v : [v]).map(String),
  }));
}

/** Filters that match only our cluster (and role): added to every query we make. */
export function clusterFilters(cluster?: string, role?: string): Filter[] {
  return filterList({
    ...(cluster ? { [`tag:${CLUSTER_TAG}`]: cluster } : {}),
    ...(role ? { [`tag:${ROLE_TAG}`]: role } : {}),
  });
}

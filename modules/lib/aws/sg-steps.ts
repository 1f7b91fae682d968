// ec2_security_group's steps: group names to ids (now, or when the step runs), authorize, revoke, describe.
import type { IpPermission, SecurityGroup } from '@aws-sdk/client-ec2';
import { TaskFailure } from '../../../engine/module.js';
import type { Ec2 } from './client.js';
import { describe } from './net-find.js';
import type { NetPlan, Ref } from './net-steps.js';
import { ec2Perms, type Perm, permChange, permView, showPerm, toEc2 } from './sg-rules.js';
import { type TagMap, tagMap } from './tags.js';

export interface Resolver {
  /** Sources as far as they are known now: ids for groups that exist, `name:X` for those still to be made. */
  now(perms: Perm[] | undefined): Perm[] | undefined;
  /** Every source an id, when a step runs (by then earlier steps and tasks have made the groups). */
  atRun(perms: Perm[]): Promise<Perm[]>;
}

export async function resolver(
  ec2: Ec2,
  own: string,
  vpcId: string | undefined,
  id: Ref,
  perms: Perm[],
): Promise<Resolver> {
  const names = [...new Set(perms.filter((p) => p.source.startsWith('name:')).map((p) => p.source.slice(5)))];
  const lookup = async () => {
    const others = names.filter((n) => n !== own);
    if (!others.length || !vpcId) return new Map<string, string>();
    const found = await describe(ec2, 'security-group', [
      { Name: 'group-name', Values: others },
      { Name: 'vpc-id', Values: [vpcId] },
    ]);
    return new Map(found.map((g) => [g.GroupName!, g.GroupId!]));
  };
  const known = await lookup();
  const idFor = (n: string, ids: Map<string, string>) => (n === own ? id.id : ids.get(n));
  const swap = (p: Perm, ids: Map<string, string>): Perm => {
    if (!p.source.startsWith('name:')) return p;
    const got = idFor(p.source.slice(5), ids);
    return got ? { ...p, source: got } : p;
  };
  return {
    now: (perms) => perms?.map((p) => swap(p, known)),
    async atRun(perms) {
      const ids = await lookup();
      return perms.map((p) => {
        const q = swap(p, ids);
        if (q.source.startsWith('name:'))
          throw new TaskFailure(
            `expected security group ${q.source.slice(5)} in ${vpcId} (got none by that name)`,
          );
        return q;
      });
    },
  };
}

const lines = (perms: Perm[]) => perms.map(showPerm).sort().join(', ') || 'none';
const bare = (perms: Perm[]) => perms.map(({ desc: _, ...p }) => p);

/** Steps for one direction; CURRENT undefined means a group still to be made, which starts with FRESH. */
export function permSteps(
  s: NetPlan,
  id: Ref,
  label: string,
  dir: 'ingress' | 'egress',
  current: IpPermission[] | undefined,
  want: Perm[],
  purge: boolean,
  resolve: Resolver,
  fresh: Perm[] = [],
): void {
  const have = current === undefined ? fresh : ec2Perms(current);
  const c = permChange(have, want, purge);
  if (!c.add.length && !c.revoke.length && !c.describe.length) return;
  const after = [...have.filter((p) => !c.revoke.includes(p)), ...c.add];
  s.state(`security group ${label} ${dir}`, lines(have), lines(after));
  const { sdk, ec2 } = s;
  const In = dir === 'ingress';
  const send = async (kind: 'add' | 'revoke' | 'describe', perms: Perm[]) => {
    const input = {
      GroupId: id.get(),
      IpPermissions: toEc2(kind === 'revoke' ? bare(perms) : await resolve.atRun(perms)),
    };
    const cmd =
      kind === 'add'
        ? In
          ? new sdk.AuthorizeSecurityGroupIngressCommand(input)
          : new sdk.AuthorizeSecurityGroupEgressCommand(input)
        : kind === 'revoke'
          ? In
            ? new sdk.RevokeSecurityGroupIngressCommand(input)
            : new sdk.RevokeSecurityGroupEgressCommand(input)
          : In
            ? new sdk.UpdateSecurityGroupRuleDescriptionsIngressCommand(input)
            : new sdk.UpdateSecurityGroupRuleDescriptionsEgressCommand(input);
    await ec2.send(cmd as never, { retryNotFound: true });
  };
  // revoking first keeps a replaced rule from ever being duplicated; adding happens right after
  if (c.revoke.length)
    s.step(`revoke ${dir} of ${label}: ${lines(c.revoke)}`, () => send('revoke', c.revoke));
  if (c.add.length) s.step(`authorize ${dir} of ${label}: ${lines(c.add)}`, () => send('add', c.add));
  if (c.describe.length)
    s.step(`describe ${dir} rules of ${label}: ${lines(c.describe)}`, () => send('describe', c.describe));
}

/** The group as registered results show it (rules in Ansible's words). */
export function viewGroup(
  g: SecurityGroup | undefined,
  rules?: { ingress?: Perm[]; egress?: Perm[] },
  tags?: TagMap,
): Record<string, unknown> {
  return {
    group_name: g?.GroupName ?? null,
    description: g?.Description ?? null,
    vpc_id: g?.VpcId ?? null,
    rules: (rules?.ingress ?? ec2Perms(g?.IpPermissions)).map(permView),
    rules_egress: (rules?.egress ?? ec2Perms(g?.IpPermissionsEgress)).map(permView),
    tags: tags ?? tagMap(g?.Tags),
  };
}

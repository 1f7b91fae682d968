// The fake EC2's security groups: create (with the default egress rule), authorize, revoke, describe, delete.
import type { IpPermission, SecurityGroup } from '@aws-sdk/client-ec2';
import type { FakeEc2 } from './fake-ec2.js';
import { FAKE } from './fake-ec2-seed.js';
import { tagsFor } from './fake-ec2-vpc.js';

const ids = (v: string[] | undefined) => (v?.length ? v : undefined);
const SOURCES = ['IpRanges', 'Ipv6Ranges', 'UserIdGroupPairs', 'PrefixListIds'] as const;
const sourceKey = (s: any) => s.CidrIp ?? s.CidrIpv6 ?? s.GroupId ?? s.PrefixListId;
const PROTO: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', all: '-1' };

/** As EC2 stores it: protocol names for 6/17/1, no ports for all protocols. */
function normal(p: IpPermission): IpPermission {
  const proto = PROTO[String(p.IpProtocol)] ?? String(p.IpProtocol);
  return proto === '-1'
    ? { IpProtocol: '-1' }
    : { IpProtocol: proto, FromPort: p.FromPort, ToPort: p.ToPort };
}
const same = (a: IpPermission, b: IpPermission) =>
  a.IpProtocol === b.IpProtocol && a.FromPort === b.FromPort && a.ToPort === b.ToPort;

export function installGroupHandlers(w: FakeEc2): void {
  const group = async (id: string) => {
    const g = w.securityGroups.find((x) => x.GroupId === id);
    if (!g) throw await w.error('InvalidGroup.NotFound', `The security group '${id}' does not exist`);
    return g;
  };
  w.on('CreateSecurityGroup', async (r) => {
    if (!r.GroupName || !r.Description)
      throw await w.error('MissingParameter', 'GroupName and Description are required');
    if (r.VpcId && !w.vpcs.some((v) => v.VpcId === r.VpcId))
      throw await w.error('InvalidVpcID.NotFound', `The vpc ID '${r.VpcId}' does not exist`);
    if (w.securityGroups.some((g) => g.VpcId === r.VpcId && g.GroupName === r.GroupName))
      throw await w.error(
        'InvalidGroup.Duplicate',
        `The security group '${r.GroupName}' already exists for VPC '${r.VpcId}'`,
      );
    const g: SecurityGroup = {
      GroupId: w.id('sg'),
      GroupName: r.GroupName,
      Description: r.Description,
      VpcId: r.VpcId,
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
      Tags: tagsFor(r, 'security-group'),
    };
    w.securityGroups.push(g);
    return { GroupId: g.GroupId, Tags: structuredClone(g.Tags) };
  });
  w.on('DescribeSecurityGroups', async (r) => {
    const { items, NextToken } = await w.describe(
      w.securityGroups,
      'GroupId',
      ids(r.GroupIds),
      'InvalidGroup.NotFound',
      r,
    );
    return { SecurityGroups: structuredClone(items), NextToken };
  });
  const change = (dir: 'IpPermissions' | 'IpPermissionsEgress', add: boolean) => async (r: any) => {
    const g = await group(r.GroupId);
    const perms = g[dir]!;
    for (const p of r.IpPermissions as IpPermission[]) {
      const n = normal(p);
      for (const kind of SOURCES)
        for (const s of (p[kind] ?? []) as any[]) {
          if (s.GroupId) await group(s.GroupId);
          let cur = perms.find((x) => same(x, n));
          const has = cur?.[kind]?.some((x: any) => sourceKey(x) === sourceKey(s));
          if (add && has)
            throw await w.error(
              'InvalidPermission.Duplicate',
              `the specified rule "peer: ${sourceKey(s)}, ${n.IpProtocol}" already exists`,
            );
          if (!add && !has)
            throw await w.error(
              'InvalidPermission.NotFound',
              'The specified rule does not exist in this security group.',
            );
          if (add) {
            if (!cur) {
              cur = { ...n, IpRanges: [], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] };
              perms.push(cur);
            }
            (cur[kind] as any[]).push(s.GroupId ? { ...s, UserId: FAKE.owner } : { ...s });
          } else (cur as any)[kind] = (cur![kind] as any[]).filter((x) => sourceKey(x) !== sourceKey(s));
        }
    }
    g[dir] = perms.filter((x) => SOURCES.some((k) => (x[k] as unknown[] | undefined)?.length));
    return add ? { Return: true, SecurityGroupRules: [] } : { Return: true };
  };
  w.on('AuthorizeSecurityGroupIngress', change('IpPermissions', true));
  w.on('RevokeSecurityGroupIngress', change('IpPermissions', false));
  w.on('AuthorizeSecurityGroupEgress', change('IpPermissionsEgress', true));
  w.on('RevokeSecurityGroupEgress', change('IpPermissionsEgress', false));
  const describeRules = (dir: 'IpPermissions' | 'IpPermissionsEgress') => async (r: any) => {
    const g = await group(r.GroupId);
    for (const p of r.IpPermissions as IpPermission[])
      for (const kind of SOURCES)
        for (const s of (p[kind] ?? []) as any[]) {
          const cur = g[dir]!.find((x) => same(x, normal(p)))?.[kind]?.find(
            (x: any) => sourceKey(x) === sourceKey(s),
          );
          if (!cur)
            throw await w.error(
              'InvalidPermission.NotFound',
              'The specified rule does not exist in this security group.',
            );
          (cur as any).Description = s.Description;
        }
    return { Return: true };
  };
  w.on('UpdateSecurityGroupRuleDescriptionsIngress', describeRules('IpPermissions'));
  w.on('UpdateSecurityGroupRuleDescriptionsEgress', describeRules('IpPermissionsEgress'));
  w.on('DeleteSecurityGroup', async (r) => {
    const g = await group(r.GroupId);
    if (g.GroupName === 'default')
      throw await w.error(
        'CannotDelete',
        `the specified group: "${r.GroupId}" name: "default" cannot be deleted by a user`,
      );
    const used = w.instances.some(
      (i) => i.State?.Name !== 'terminated' && i.SecurityGroups?.some((x) => x.GroupId === r.GroupId),
    );
    const referenced = w.securityGroups.some(
      (o) =>
        o !== g &&
        [...(o.IpPermissions ?? []), ...(o.IpPermissionsEgress ?? [])].some((p) =>
          p.UserIdGroupPairs?.some((x) => x.GroupId === r.GroupId),
        ),
    );
    if (used || referenced)
      throw await w.error('DependencyViolation', `resource ${r.GroupId} has a dependent object`);
    w.securityGroups = w.securityGroups.filter((x) => x !== g);
    return {};
  });
}

// Security group rules as data: Ansible's rule mappings and EC2's IpPermissions, both as one permission per source.
import type { IpPermission } from '@aws-sdk/client-ec2';
import { TaskFailure } from '../../../engine/module.js';
import { Obj, StrOrList, Type } from '../../../engine/schema.js';
import { cidrArg, isWorld } from './cidr.js';

const Port = Type.Union([Type.Integer({ minimum: -1, maximum: 65535 }), Type.String()]);

export const Rule = Obj({
  proto: Type.Optional(
    Type.Union([Type.String(), Type.Integer()], {
      description: 'tcp (default), udp, icmp, icmpv6, all, or a number.',
    }),
  ),
  ports: Type.Optional(
    Type.Union([Port, Type.Array(Port)], { description: '22, "8000-8099", or a list of them.' }),
  ),
  from_port: Type.Optional(Type.Integer({ minimum: -1, maximum: 65535 })),
  to_port: Type.Optional(Type.Integer({ minimum: -1, maximum: 65535 })),
  cidr_ip: Type.Optional(StrOrList()),
  cidr_ipv6: Type.Optional(StrOrList()),
  group_id: Type.Optional(StrOrList()),
  group_name: Type.Optional(
    StrOrList({ description: 'Groups of the same VPC by name; its own name: itself.' }),
  ),
  rule_desc: Type.Optional(Type.String()),
});
export type RuleArg = typeof Rule.static;

/** One protocol, port range and source: what EC2 stores, and what plans compare. */
export interface Perm {
  proto: string;
  from?: number;
  to?: number;
  kind: 'cidr' | 'cidr6' | 'group' | 'prefix';
  /** A block, a group id, or `name:NAME` for a group not looked up yet (or not made yet). */
  source: string;
  desc?: string;
}

const PROTOS: Record<string, string> = {
  all: '-1',
  '-1': '-1',
  tcp: 'tcp',
  udp: 'udp',
  icmp: 'icmp',
  icmpv6: '58',
  '6': 'tcp',
  '17': 'udp',
  '1': 'icmp',
  '58': '58',
};
const hasPorts = (p: string) => p === 'tcp' || p === 'udp' || p === 'icmp' || p === '58';

export const permKey = (p: Perm) => `${p.proto}|${p.from ?? ''}|${p.to ?? ''}|${p.kind}|${p.source}`;

/** `tcp 22 from 10.0.0.0/8`, `all from sg-0abc`: for steps and diffs. */
export function showPerm(p: Perm): string {
  const proto = p.proto === '-1' ? 'all' : p.proto === '58' ? 'icmpv6' : p.proto;
  const ports = p.from === undefined ? '' : p.from === p.to ? ` ${p.from}` : ` ${p.from}-${p.to}`;
  return `${proto}${ports} from ${p.source.replace(/^name:/, '')}${p.desc ? ` (${p.desc})` : ''}`;
}

function ranges(r: RuleArg, at: string): { from?: number; to?: number }[] {
  if (r.ports !== undefined && (r.from_port !== undefined || r.to_port !== undefined))
    throw new TaskFailure(`expected ${at}.ports or from_port/to_port (got both)`);
  if (r.ports === undefined) {
    if (r.from_port === undefined && r.to_port === undefined) return [{}];
    return [{ from: r.from_port ?? r.to_port, to: r.to_port ?? r.from_port }];
  }
  return [r.ports].flat().map((p) => {
    const m = /^(-?\d+)(?:-(\d+))?$/.exec(String(p).trim());
    if (!m)
      throw new TaskFailure(
        `expected ${at}.ports numbers or ranges such as 8000-8099 (got ${JSON.stringify(p)})`,
      );
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from || to > 65535)
      throw new TaskFailure(`expected ${at}.ports a range low-high up to 65535 (got ${p})`);
    return { from, to };
  });
}

/** The permissions rules ask for; OWN is the group's own name (a rule naming it means the group itself). */
export function rulePerms(rules: RuleArg[], where: string, openToWorld: boolean): Perm[] {
  const out: Perm[] = [];
  for (const [n, r] of rules.entries()) {
    const at = `${where}[${n}]`;
    const proto = PROTOS[String(r.proto ?? 'tcp').toLowerCase()] ?? String(r.proto);
    if (!/^(-1|tcp|udp|icmp|58|\d{1,3})$/.test(proto))
      throw new TaskFailure(
        `expected ${at}.proto tcp, udp, icmp, icmpv6, all or a number (got ${JSON.stringify(r.proto)})`,
      );
    const list = (v: string | string[] | undefined) => (v === undefined ? [] : [v].flat());
    const sources: Pick<Perm, 'kind' | 'source'>[] = [
      ...list(r.cidr_ip).map((c) => ({ kind: 'cidr' as const, source: c.trim() })),
      ...list(r.cidr_ipv6).map((c) => ({ kind: 'cidr6' as const, source: c.trim() })),
      ...list(r.group_id).map((g) => ({ kind: 'group' as const, source: g })),
      ...list(r.group_name).map((g) => ({ kind: 'group' as const, source: `name:${g}` })),
    ];
    if (!sources.length)
      throw new TaskFailure(
        `expected ${at} to say where from: cidr_ip, cidr_ipv6, group_id or group_name (got none)`,
      );
    for (const s of sources) {
      if (s.kind === 'cidr') cidrArg(s.source, `${at}.cidr_ip`);
      if (s.kind !== 'group' && isWorld(s.source) && !openToWorld)
        throw new TaskFailure(
          `expected ${at} to let in less than the whole internet (got ${s.source}); set open_to_world: true if that is really meant`,
        );
    }
    const spans = hasPorts(proto) ? ranges(r, at) : [{}];
    if (hasPorts(proto) && spans.some((x) => x.from === undefined) && proto !== 'icmp' && proto !== '58')
      throw new TaskFailure(`expected ${at}.ports or from_port/to_port for ${proto} (got neither)`);
    for (const span of spans) {
      const icmpAll = (proto === 'icmp' || proto === '58') && span.from === undefined;
      for (const s of sources)
        out.push({ proto, ...(icmpAll ? { from: -1, to: -1 } : span), ...s, desc: r.rule_desc });
    }
  }
  return out;
}

/** EC2's IpPermissions, one Perm per source. */
export function ec2Perms(list: IpPermission[] | undefined): Perm[] {
  const out: Perm[] = [];
  for (const p of list ?? []) {
    const proto = PROTOS[p.IpProtocol ?? '-1'] ?? p.IpProtocol!;
    const span = proto === '-1' ? {} : { from: p.FromPort, to: p.ToPort };
    for (const r of p.IpRanges ?? [])
      out.push({ proto, ...span, kind: 'cidr', source: r.CidrIp!, desc: r.Description });
    for (const r of p.Ipv6Ranges ?? [])
      out.push({ proto, ...span, kind: 'cidr6', source: r.CidrIpv6!, desc: r.Description });
    for (const r of p.UserIdGroupPairs ?? [])
      out.push({ proto, ...span, kind: 'group', source: r.GroupId!, desc: r.Description });
    for (const r of p.PrefixListIds ?? [])
      out.push({ proto, ...span, kind: 'prefix', source: r.PrefixListId!, desc: r.Description });
  }
  return out;
}

/** Perms as EC2's IpPermissions (one per perm: simple, and what Authorize and Revoke both take). */
export function toEc2(perms: Perm[]): IpPermission[] {
  return perms.map((p) => {
    const d = p.desc === undefined ? {} : { Description: p.desc };
    return {
      IpProtocol: p.proto,
      ...(p.proto === '-1' ? {} : { FromPort: p.from, ToPort: p.to }),
      ...(p.kind === 'cidr' ? { IpRanges: [{ CidrIp: p.source, ...d }] } : {}),
      ...(p.kind === 'cidr6' ? { Ipv6Ranges: [{ CidrIpv6: p.source, ...d }] } : {}),
      ...(p.kind === 'group' ? { UserIdGroupPairs: [{ GroupId: p.source, ...d }] } : {}),
      ...(p.kind === 'prefix' ? { PrefixListIds: [{ PrefixListId: p.source, ...d }] } : {}),
    };
  });
}

/** What to authorize, revoke and re-describe to go from HAVE to WANT (PURGE: and nothing else). */
export function permChange(have: Perm[], want: Perm[], purge: boolean) {
  const now = new Map(have.map((p) => [permKey(p), p]));
  const wanted = new Set(want.map(permKey));
  const add = want.filter((p) => !now.has(permKey(p)));
  const describe = want.filter((p) => {
    const cur = now.get(permKey(p));
    return cur && p.desc !== undefined && (cur.desc ?? '') !== p.desc;
  });
  const revoke = purge ? have.filter((p) => !wanted.has(permKey(p))) : [];
  return { add, revoke, describe };
}

export const permView = (p: Perm) => ({
  proto: p.proto === '-1' ? 'all' : p.proto === '58' ? 'icmpv6' : p.proto,
  from_port: p.from ?? null,
  to_port: p.to ?? null,
  [p.kind === 'cidr'
    ? 'cidr_ip'
    : p.kind === 'cidr6'
      ? 'cidr_ipv6'
      : p.kind === 'group'
        ? 'group_id'
        : 'prefix_list_id']: p.source.replace(/^name:/, ''),
  rule_desc: p.desc ?? null,
});

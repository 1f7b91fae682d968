// `sdtd-play ec2 status`: our clusters' EC2 instances with state, type and uptime, so nobody forgets a running VM.
import type { Instance } from '@aws-sdk/client-ec2';
import type { Command } from 'commander';
import { connectEc2 } from '../modules/lib/aws/client.js';
import { findInstances, stateOf, uptime } from '../modules/lib/aws/instances.js';
import { CLUSTER_TAG, ROLE_TAG, tagMap } from '../modules/lib/aws/tags.js';
import { EXIT, SdtdError } from './errors.js';
import { TaskFailure } from './module.js';

export interface Ec2StatusOptions {
  cluster?: string;
  region?: string;
  profile?: string;
  all?: boolean;
  json?: boolean;
}

/** Adds `ec2 status` to the program. */
export function addEc2Command(p: Command): void {
  p.command('ec2')
    .description('EC2 helpers for our clusters')
    .command('status')
    .description('list our instances (tag sdtd:cluster): state, type, uptime, addresses')
    .option('-c, --cluster <name>', 'only this cluster (default: every instance with an sdtd:cluster tag)')
    .option('--region <region>', 'AWS region (default AWS_REGION, AWS_DEFAULT_REGION, the profile region)')
    .option('--profile <name>', 'shared config profile (default AWS_PROFILE)')
    .option('--all', 'terminated instances too')
    .option('--json', 'the instances as JSON')
    .exitOverride()
    .action(async (_o: Ec2StatusOptions, cmd: Command) => {
      // the program's own --json would otherwise take ours
      process.exitCode = await ec2Status(cmd.optsWithGlobals<Ec2StatusOptions>());
    });
}

function row(i: Instance, now: number): string[] {
  const t = tagMap(i.Tags);
  return [
    t[CLUSTER_TAG] ?? '-',
    t.Name ?? '-',
    t[ROLE_TAG] ?? '-',
    i.InstanceId ?? '-',
    stateOf(i),
    i.InstanceType ?? '-',
    uptime(i, now),
    i.PrivateIpAddress ?? '-',
    i.PublicIpAddress ?? '-',
  ];
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r) =>
      r
        .map((v, c) => v.padEnd(widths[c]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export async function ec2Status(
  o: Ec2StatusOptions,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const ec2 = await connectEc2({ region: o.region, profile: o.profile });
  const filters = [
    o.cluster
      ? { Name: `tag:${CLUSTER_TAG}`, Values: [o.cluster] }
      : { Name: 'tag-key', Values: [CLUSTER_TAG] },
  ];
  if (!o.all)
    filters.push({
      Name: 'instance-state-name',
      Values: ['pending', 'running', 'shutting-down', 'stopping', 'stopped'],
    });
  let found: Instance[];
  try {
    found = await findInstances(ec2, filters);
  } catch (e) {
    if (e instanceof TaskFailure) throw new SdtdError('aws', e.message);
    throw e;
  }
  const now = Date.now();
  const key = (i: Instance) => row(i, now).slice(0, 3).join('\u0000');
  found.sort((a, b) => key(a).localeCompare(key(b), 'en', { numeric: true }));
  if (o.json) {
    const cols = [
      'cluster',
      'name',
      'role',
      'instance_id',
      'state',
      'instance_type',
      'uptime',
      'private_ip',
      'public_ip',
    ];
    const list = found.map((i) =>
      Object.fromEntries(row(i, now).map((v, c) => [cols[c], v === '-' ? null : v])),
    );
    out.write(`${JSON.stringify({ region: ec2.region, instances: list }, null, 2)}\n`);
    return EXIT.ok;
  }
  const where = `${ec2.region}${o.cluster ? `, cluster ${o.cluster}` : ''}`;
  if (!found.length) {
    out.write(`no instances of ours in ${where}\n`);
    return EXIT.ok;
  }
  const head = ['CLUSTER', 'NAME', 'ROLE', 'INSTANCE', 'STATE', 'TYPE', 'UPTIME', 'PRIVATE', 'PUBLIC'];
  out.write(`${table([head, ...found.map((i) => row(i, now))])}\n`);
  const counts = new Map<string, number>();
  for (const i of found) counts.set(stateOf(i), (counts.get(stateOf(i)) ?? 0) + 1);
  const summary = [...counts].map(([s, n]) => `${n} ${s}`).join(', ');
  const running = counts.get('running') ?? 0;
  const cost = running
    ? `: ${running} running cost money until stopped (ec2_instance state: stopped) or terminated`
    : '';
  out.write(`\n${summary} in ${where}${cost}\n`);
  return EXIT.ok;
}

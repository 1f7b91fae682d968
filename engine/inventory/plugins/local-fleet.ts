// Dynamic inventory of the local fleet (the hosts nspawn_instance booted), as aws_ec2 is for AWS.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bool, Obj, Type } from '../../schema.js';
import { validate } from '../../validate.js';
import type { InventoryPlugin } from '../plugins.js';

const Config = Obj({
  plugin: Type.String(),
  fleet_dir: Type.Optional(
    Type.String({ description: 'Where nspawn_instance keeps the fleet (default /var/lib/sdtd-fleet).' }),
  ),
  include_stopped: Type.Optional(Bool({ description: 'List stopped hosts too (they are unreachable).' })),
  groups: Type.Optional(
    Type.Record(Type.String(), Type.Array(Type.String()), {
      description: 'Extra groups: name -> host names.',
    }),
  ),
});

function running(dir: string): boolean {
  try {
    const pid = readFileSync(join(dir, 'pid'), 'utf8').trim();
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('systemd-nspawn');
  } catch {
    return false;
  }
}

export const localFleet: InventoryPlugin = (config, ctx) => {
  validate(Config, config, { where: ctx.where, root: config });
  const fleetDir = String(config.fleet_dir ?? '/var/lib/sdtd-fleet');
  const nodesDir = join(fleetDir, 'nodes');
  const names = existsSync(nodesDir)
    ? readdirSync(nodesDir)
        .filter((n) => existsSync(join(nodesDir, n, 'address')))
        .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    : [];
  const hosts: Record<string, Record<string, unknown>> = {};
  for (const name of names) {
    const dir = join(nodesDir, name);
    const up = running(dir);
    if (!up && !config.include_stopped) continue;
    hosts[name] = {
      ansible_host: readFileSync(join(dir, 'address'), 'utf8').trim(),
      ansible_user: 'root',
      ansible_ssh_private_key_file: join(fleetDir, 'keys', 'id_ed25519'),
      sdtd_known_hosts_file: join(fleetDir, 'known_hosts'),
      sdtd_fleet_state: up ? 'running' : 'stopped',
    };
  }
  const extra = (config.groups ?? {}) as Record<string, string[]>;
  const groups: Record<string, { hosts: string[] }> = { fleet: { hosts: Object.keys(hosts) } };
  for (const [g, members] of Object.entries(extra)) groups[g] = { hosts: members.filter((h) => h in hosts) };
  return { hosts, groups };
};

// Table tests for nspawn_instance: a second small fleet (own bridge and subnet, the main fleet's image) made and unmade.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { prepareArgs } from '../../engine/module-args.js';
import { runModule } from '../../engine/run-module.js';
import { shq } from '../../engine/shell.js';
import nspawn from '../../modules/nspawn_instance.js';
import { cli } from '../lib/cli.js';
import { type Fixture, testModule } from '../lib/module-tester.js';

const IMAGE = '/var/lib/sdtd-fleet/rootfs';
const fleet = (f: Fixture, extra: Record<string, unknown> = {}) => {
  // apt-cacher-ng runs as its own user: the fleet directory must be reachable by it
  sh(`chmod 755 ${f.dir}`);
  return {
    name: 'tn',
    fleet_dir: f.p('fleet'),
    image_dir: IMAGE,
    bridge: 'sdtdt0',
    subnet: '10.231.9.0/24',
    wait_timeout: 60,
    ...extra,
  };
};
const sh = (cmd: string) => execSync(cmd, { encoding: 'utf8', shell: '/bin/bash' });
const ssh = (f: Fixture, host: string, cmd: string) =>
  sh(
    `ssh -i ${f.p('fleet/keys/id_ed25519')} -o UserKnownHostsFile=${f.p('fleet/known_hosts')} -o StrictHostKeyChecking=yes -o BatchMode=yes root@${host} ${shq(cmd)}`,
  ).trim();

async function apply(f: Fixture, args: Record<string, unknown>) {
  const out = await runModule(nspawn, prepareArgs(nspawn, args, { where: 'test' }), f.host, { check: false });
  if (out.status === 'failed') throw new Error(out.msg);
  return out;
}

/** Which hosts exist and run, whether the bridge and proxy are up: what check mode must not move. */
function snapshot(f: Fixture): string {
  const nodes = join(f.p('fleet'), 'nodes');
  const list = existsSync(nodes)
    ? readdirSync(nodes).map(
        (n) =>
          `${n}:${existsSync(join(nodes, n, 'pid')) ? readFileSync(join(nodes, n, 'pid'), 'utf8').trim() : '-'}`,
      )
    : [];
  const bridge = sh('ip -o link show sdtdt0 2>/dev/null | wc -l').trim();
  return JSON.stringify({ list, bridge, key: existsSync(f.p('fleet/keys/id_ed25519')) });
}

testModule(nspawn, {
  timeout: 180_000,
  snapshot,
  teardown: (f) => apply(f, fleet(f, { state: 'absent' })),
  changed: [
    {
      name: 'makes a fleet of two: network, apt proxy, hosts that answer over SSH with keys known in advance',
      args: (f) => fleet(f, { exact_count: 2 }),
      verify: (f, out) => {
        expect(ssh(f, '10.231.9.11', 'hostname')).to.equal('tn1');
        expect(ssh(f, '10.231.9.12', 'systemctl is-system-running --wait || true')).to.match(
          /running|degraded/,
        );
        expect((out.result.instances as { name: string }[]).map((i) => i.name)).to.deep.equal(['tn1', 'tn2']);
        // the hosts reach the apt proxy on the bridge, and nothing else
        expect(ssh(f, '10.231.9.11', "bash -c 'exec 3<>/dev/tcp/10.231.9.1/3142 && echo proxy'")).to.equal(
          'proxy',
        );
        expect(ssh(f, '10.231.9.11', 'ip route show default | wc -l')).to.equal('0');
      },
    },
    {
      name: 'exact_count scales down: the highest-numbered host goes',
      setup: (f) => apply(f, fleet(f, { exact_count: 2 })),
      args: (f) => fleet(f, { exact_count: 1 }),
      verify: (f) => {
        expect(readdirSync(f.p('fleet/nodes'))).to.deep.equal(['tn1']);
        expect(readFileSync(f.p('fleet/known_hosts'), 'utf8')).to.not.include('tn2,');
      },
    },
    {
      name: 'stopped, then running again keeps the host (its files survive)',
      setup: async (f) => {
        await apply(f, fleet(f, { exact_count: 1 }));
        ssh(f, '10.231.9.11', 'echo kept > /root/mark');
        await apply(f, fleet(f, { state: 'stopped' }));
      },
      args: (f) => fleet(f, { exact_count: 1, state: 'running' }),
      verify: (f) => expect(ssh(f, '10.231.9.11', 'cat /root/mark')).to.equal('kept'),
    },
    {
      name: 'a half-built host (overlay mounted, never booted) is healed',
      setup: async (f) => {
        await apply(f, fleet(f, { exact_count: 1 }));
        await apply(f, fleet(f, { state: 'stopped' }));
        sh(`rm -f ${f.p('fleet/nodes/tn1/merged/etc/systemd/network/10-host0.network')}`);
      },
      args: (f) => fleet(f, { exact_count: 1 }),
      verify: (f) => expect(ssh(f, '10.231.9.11', 'hostname')).to.equal('tn1'),
    },
  ],
  ok: [
    {
      name: 'the fleet is already as asked',
      setup: (f) => apply(f, fleet(f, { exact_count: 1 })),
      args: (f) => fleet(f, { exact_count: 1 }),
    },
    { name: 'absent when there is nothing', args: (f) => fleet(f, { state: 'absent' }) },
  ],
  invalid: [
    {
      name: 'negative count',
      args: { exact_count: -1 },
      error: /exact_count: expected a value that must be >= 0/,
    },
    { name: 'misspelt state', args: { state: 'runing' }, error: /did you mean "running"/ },
    {
      name: 'a subnet that is not a /24',
      args: { subnet: '10.0.0.0/16' },
      error: /subnet: expected text matching/,
    },
  ],
});

describe('nspawn_instance needs root', function () {
  this.timeout(30_000);
  it('says so clearly when run by another user, and exits 2', async () => {
    const r = await cli(['playbooks/local-fleet-teardown.yml', '-e', 'keep=stopped'], {
      asUser: '65534',
      env: { HOME: '/tmp' },
    });
    expect(r.stdout).to.match(/expected to run as root: the local fleet mounts overlays.*got uid 65534/);
    expect(r.code).to.equal(2);
  });
});

// Table tests for hosts_file (inventory-derived /etc/hosts block), plus one run against a fleet host's real /etc/hosts.
import { statSync } from 'node:fs';
import { expect } from 'chai';
import { makeHost } from '../../engine/host.js';
import { loadInventory } from '../../engine/inventory/index.js';
import { prepareArgs } from '../../engine/module-args.js';
import { renderText } from '../../engine/render.js';
import { runModule } from '../../engine/run-module.js';
import hostsFile from '../../modules/hosts_file.js';
import { closeFleet, FLEET_INVENTORY, fleetHost } from '../lib/fleet.js';
import { testModule } from '../lib/module-tester.js';

const mode = (p: string) => (statSync(p).mode & 0o7777).toString(8).padStart(4, '0');
const DEBIAN =
  '127.0.0.1\tlocalhost\n127.0.1.1\tnode1\n::1\tlocalhost ip6-localhost ip6-loopback\nff02::1\tip6-allnodes\n';
const KEPT = '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nff02::1\tip6-allnodes\n';
const B = '# BEGIN SDTD-PLAY MANAGED HOSTS\n';
const E = '# END SDTD-PLAY MANAGED HOSTS\n';
const ALL = '10.9.0.11\tnode1 kafka1\n10.9.1.12\tnode2 kafka2\n10.9.0.13\tnode3\n';
const VARS = {
  inventory_hostname: 'node1',
  groups: { all: ['node1', 'node2', 'node3'], kafka: ['node1', 'node2'], ungrouped: [] },
  hostvars: {
    node1: { ansible_host: '10.9.0.11', sdtd_host_aliases: ['kafka1'] },
    // sdtd_host wins: ansible_host may be the address SSH goes through, not the cluster's
    node2: { ansible_host: '10.9.0.12', sdtd_host: '10.9.1.12', sdtd_host_aliases: 'kafka2' },
    node3: { ansible_host: '10.9.0.13' },
  },
};
const withHost = (name: string, hv: Record<string, unknown>) => ({
  ...VARS,
  groups: { ...VARS.groups, all: [...VARS.groups.all, name] },
  hostvars: { ...VARS.hostvars, [name]: hv },
});

testModule(hostsFile, {
  changed: [
    {
      name: "Debian's file: the 127.0.1.1 line goes, the block maps every inventory host",
      vars: VARS,
      setup: (f) => f.write('hosts', DEBIAN),
      args: (f) => ({ path: f.p('hosts') }),
      verify: (f, out) => {
        expect(f.read('hosts')).to.equal(`${KEPT}${B}${ALL}${E}`);
        expect(out.diff[0]).to.include({ kind: 'content', before: DEBIAN });
        expect(out.result.hosts).to.deep.equal({
          node1: '10.9.0.11',
          node2: '10.9.1.12',
          node3: '10.9.0.13',
        });
        expect(out.result.msg).to.match(/Block inserted; dropped: 127\.0\.1\.1 node1/);
      },
    },
    {
      name: 'hosts: a group name maps only its hosts; aliases add names',
      vars: VARS,
      setup: (f) => f.write('hosts', KEPT),
      args: (f) => ({ path: f.p('hosts'), hosts: 'kafka', aliases: { node2: ['zk2', 'spark2'] } }),
      verify: (f) =>
        expect(f.read('hosts')).to.equal(
          `${KEPT}${B}10.9.0.11\tnode1 kafka1\n10.9.1.12\tnode2 kafka2 zk2 spark2\n${E}`,
        ),
    },
    {
      name: 'a stale mapping outside the block loses the managed names, keeps the others and its comment',
      vars: VARS,
      setup: (f) => f.write('hosts', `${KEPT}10.0.0.99  node2 legacy kafka1 # old\n10.0.0.98 node3\n`),
      args: (f) => ({ path: f.p('hosts'), hosts: ['node1', 'node2', 'node3'] }),
      verify: (f) => expect(f.read('hosts')).to.equal(`${KEPT}10.0.0.99  legacy # old\n${B}${ALL}${E}`),
    },
    {
      name: 'a block with an old address is updated in place',
      vars: VARS,
      setup: (f) => f.write('hosts', `${B}10.9.0.1\tnode1 kafka1\n${E}${KEPT}`),
      args: (f) => ({ path: f.p('hosts') }),
      verify: (f) => expect(f.read('hosts')).to.equal(`${B}${ALL}${E}${KEPT}`),
    },
    {
      name: 'state absent removes the block and nothing else',
      vars: VARS,
      setup: (f) => f.write('hosts', `${KEPT}${B}${ALL}${E}127.0.1.1 node1\n`),
      args: (f) => ({ path: f.p('hosts'), state: 'absent' }),
      verify: (f) => expect(f.read('hosts')).to.equal(`${KEPT}127.0.1.1 node1\n`),
    },
    {
      name: 'a missing file is created, mode 0644',
      vars: VARS,
      args: (f) => ({ path: f.p('etc/hosts'), hosts: 'node3' }),
      verify: (f) => {
        expect(f.read('etc/hosts')).to.equal(`${B}10.9.0.13\tnode3\n${E}`);
        expect(mode(f.p('etc/hosts'))).to.equal('0644');
      },
    },
    {
      name: 'a right file with mode 0600 is made readable by all',
      vars: VARS,
      setup: (f) => f.write('hosts', `${KEPT}${B}${ALL}${E}`, 0o600),
      args: (f) => ({ path: f.p('hosts') }),
      verify: (f) => expect(mode(f.p('hosts'))).to.equal('0644'),
    },
    {
      name: 'a custom marker',
      vars: VARS,
      setup: (f) => f.write('hosts', KEPT),
      args: (f) => ({ path: f.p('hosts'), hosts: ['node3'], marker: '## {mark} cluster' }),
      verify: (f) =>
        expect(f.read('hosts')).to.equal(`${KEPT}## BEGIN cluster\n10.9.0.13\tnode3\n## END cluster\n`),
    },
  ],
  ok: [
    {
      name: 'the file is already as the inventory says',
      vars: VARS,
      setup: (f) => f.write('hosts', `${KEPT}${B}${ALL}${E}`, 0o644),
      args: (f) => ({ path: f.p('hosts') }),
    },
    {
      name: 'a 127.0.1.1 line naming no inventory host stays',
      vars: VARS,
      setup: (f) => f.write('hosts', `${KEPT}127.0.1.1\tbuildbox\n${B}${ALL}${E}`, 0o644),
      args: (f) => ({ path: f.p('hosts') }),
    },
    {
      name: 'a managed name mapped to its own address outside the block stays',
      vars: VARS,
      setup: (f) => f.write('hosts', `10.9.0.13 node3 old-name\n${B}${ALL}${E}`, 0o644),
      args: (f) => ({ path: f.p('hosts') }),
    },
    {
      name: 'state absent without a block',
      vars: VARS,
      setup: (f) => f.write('hosts', DEBIAN, 0o644),
      args: (f) => ({ path: f.p('hosts'), state: 'absent' }),
    },
  ],
  invalid: [
    { name: 'unknown state', args: { state: 'latest' }, error: /state/ },
    { name: 'aliases not a mapping', args: { aliases: ['kafka1'] }, error: /aliases/ },
    {
      name: 'an address argument (addresses come from the inventory)',
      args: { address: 'x' },
      error: /address/,
    },
  ],
  failed: [
    {
      name: 'a host without sdtd_host or ansible_host',
      vars: withHost('node4', {}),
      setup: (f) => f.write('hosts', KEPT),
      args: (f) => ({ path: f.p('hosts') }),
      error: /expected an address for inventory host node4 in sdtd_host or ansible_host/,
    },
    {
      name: 'an address that is a DNS name',
      vars: withHost('node5', { ansible_host: 'node5.example.com' }),
      setup: (f) => f.write('hosts', KEPT),
      args: (f) => ({ path: f.p('hosts') }),
      error: /expected an IP address for inventory host node5 \(found 'node5.example.com' in ansible_host/,
    },
    {
      name: 'hosts naming neither a host nor a group',
      vars: VARS,
      args: (f) => ({ path: f.p('hosts'), hosts: ['node1', 'nodeX'] }),
      error: /found 'nodeX', which is neither/,
    },
    {
      name: 'one alias for two addresses',
      vars: VARS,
      args: (f) => ({ path: f.p('hosts'), aliases: { node3: 'kafka1' } }),
      error: /found kafka1 for node1 \(10\.9\.0\.11\) and node3 \(10\.9\.0\.13\)/,
    },
    {
      name: 'aliases for a host not mapped',
      vars: VARS,
      args: (f) => ({ path: f.p('hosts'), hosts: 'kafka', aliases: { node3: 'zk3' } }),
      error: /found aliases for node3/,
    },
    {
      name: 'a marker without {mark}',
      vars: VARS,
      args: (f) => ({ path: f.p('hosts'), marker: '# managed' }),
      error: /expected marker to be one comment line holding \{mark\}/,
    },
  ],
});

describe('module hosts_file on a fleet host', function () {
  this.timeout(60_000);
  let saved: string | undefined;
  after(async () => {
    const h = await fleetHost('node1');
    if (saved !== undefined) await h.sh(`echo ${saved} | base64 -d > /etc/hosts && chmod 0644 /etc/hosts`);
    await closeFleet();
  });

  it("maps node2 to its inventory address and node1 no longer to 127.0.1.1, in node1's /etc/hosts", async () => {
    const inv = await loadInventory([FLEET_INVENTORY]);
    const names = inv.hostNames();
    const hostvars = Object.fromEntries(names.map((n) => [n, inv.hostVars(n)]));
    const vars = { inventory_hostname: 'node1', groups: inv.groups(), hostvars };
    const fh = await fleetHost('node1');
    saved = (await fh.sh('base64 -w0 /etc/hosts')).trim();
    // start from Debian's own /etc/hosts, whatever ran on the host before (the common role fixes it)
    await fh.sh(
      "printf '127.0.0.1\\tlocalhost\\n127.0.1.1\\tnode1\\n::1\\tlocalhost ip6-localhost ip6-loopback\\n' > /etc/hosts",
    );
    const fresh = (await fh.sh('base64 -w0 /etc/hosts')).trim();
    const host = makeHost({
      name: 'node1',
      transport: fh.transport,
      vars,
      searchDirs: [],
      render: (t) => renderText(t, vars),
    });
    const run = (check: boolean) =>
      runModule(hostsFile, prepareArgs(hostsFile, {}, { where: 'hosts_file test' }), host, { check });
    expect((await run(true)).status, 'check mode').to.equal('changed');
    expect((await fh.sh('base64 -w0 /etc/hosts')).trim(), 'check mode changed the file').to.equal(fresh);
    const out = await run(false);
    expect(out.status, out.msg).to.equal('changed');
    expect((await run(false)).status, 'second run').to.equal('ok');
    const node2 = String(inv.hostVars('node2').sdtd_host ?? inv.hostVars('node2').ansible_host);
    expect((await fh.sh('getent hosts node2')).split(/\s+/)[0]).to.equal(node2);
    expect(await fh.sh('getent hosts node1')).to.not.match(/^127\./);
    expect(await fh.sh('stat -c %a:%U /etc/hosts')).to.equal('644:root\n');
  });
});

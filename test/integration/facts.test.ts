// Facts from one shell command per host, on real fleet hosts: names, OS, CPU, memory, addresses.
import { expect } from 'chai';
import { loadInventory } from '../../engine/inventory/index.js';
import { cli } from '../lib/cli.js';
import { FLEET_INVENTORY } from '../lib/fleet.js';

describe('facts on fleet hosts', function () {
  this.timeout(60_000);
  it('gives Ansible-named facts, the default IPv4 address (the inventory address) and per-interface addresses', async () => {
    const r = await cli([
      '-i',
      FLEET_INVENTORY,
      '-l',
      'node1,node2',
      'test/fixtures/ssh/facts.yml',
      '--json',
    ]);
    expect(r.code, r.stdout).to.equal(0);
    const inv = await loadInventory([FLEET_INVENTORY]);
    for (const h of ['node1', 'node2']) {
      const f = r.events.find((e) => e.type === 'host_result' && e.task === 'facts' && e.host === h)?.result
        ?.msg;
      const address = String(inv.hostVars(h).ansible_host);
      expect(f).to.include({
        hostname: h,
        os_family: 'Debian',
        distribution: 'Debian',
        release: 'bookworm',
        version: '12',
        service_mgr: 'systemd',
        address,
        host0: address,
      });
      expect(f.arch).to.match(/^(x86_64|aarch64)$/);
      expect(Number(f.cpus)).to.be.greaterThan(0);
      expect(Number(f.memory)).to.be.greaterThan(100);
      expect(f.interfaces).to.include.members(['lo', 'host0']);
    }
  });
});

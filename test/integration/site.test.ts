// Molecule-style test of playbooks/site.yml (the common role) on the 3-host fleet: check predicts, converge, converge again, verify.
import { expect } from 'chai';
import { loadInventory } from '../../engine/inventory/index.js';
import { cli, recap, tasksWith } from '../lib/cli.js';
import { closeFleet, FLEET_INVENTORY, fleetHost, fleetHostNames } from '../lib/fleet.js';

const SITE = ['-i', FLEET_INVENTORY, 'playbooks/site.yml', '--json'];

describe('site.yml: the common role on every fleet host', function () {
  this.timeout(300_000);
  let hosts: string[];
  let predicted: string[];
  after(closeFleet);

  before(async () => {
    hosts = await fleetHostNames();
    expect(hosts).to.have.length.greaterThanOrEqual(3);
    // back to a host as the fleet boots it: Debian's /etc/hosts, no Monit HTTP config, no jq
    await Promise.all(
      hosts.map(async (h) => {
        const fh = await fleetHost(h);
        await fh.sh(
          `printf '127.0.0.1\\tlocalhost\\n127.0.1.1\\t${h}\\n' > /etc/hosts; rm -f /etc/monit/conf.d/00-httpd; ` +
            'DEBIAN_FRONTEND=noninteractive apt-get remove -y -q jq >/dev/null 2>&1; systemctl restart monit',
        );
      }),
    );
  });

  it('--check predicts changes on every host and changes nothing', async () => {
    const before = await Promise.all(
      hosts.map(async (h) =>
        (await fleetHost(h)).sh('md5sum /etc/hosts; ls /etc/monit/conf.d; dpkg -l jq 2>&1 | tail -1'),
      ),
    );
    const r = await cli([...SITE, '--check']);
    expect(r.code, r.stdout).to.equal(0);
    predicted = tasksWith(r.events, 'changed');
    for (const h of hosts)
      expect(
        predicted.some((t) => t.startsWith(`${h}:`)),
        h,
      ).to.equal(true);
    const after = await Promise.all(
      hosts.map(async (h) =>
        (await fleetHost(h)).sh('md5sum /etc/hosts; ls /etc/monit/conf.d; dpkg -l jq 2>&1 | tail -1'),
      ),
    );
    expect(after).to.deep.equal(before);
  });

  it('converge changes exactly what --check predicted', async () => {
    const r = await cli(SITE);
    expect(r.code, r.stdout).to.equal(0);
    expect(tasksWith(r.events, 'changed').sort()).to.deep.equal([...predicted].sort());
  });

  it('converge again: changed=0 on every host', async () => {
    const r = await cli(SITE);
    expect(r.code).to.equal(0);
    expect(tasksWith(r.events, 'changed')).to.deep.equal([]);
    for (const h of hosts) expect(recap(r.events)[h]?.changed, h).to.equal(0);
  });

  it('verify: every host resolves every other by its inventory address, never 127.0.1.1; Monit answers', async () => {
    const inv = await loadInventory([FLEET_INVENTORY]);
    for (const h of hosts) {
      const fh = await fleetHost(h);
      for (const other of hosts) {
        const line = await fh.sh(`getent hosts ${other}`);
        expect(line.split(/\s+/)[0], `${h} resolves ${other}`).to.equal(
          String(inv.hostVars(other).ansible_host),
        );
      }
      expect(await fh.sh('grep -c 127.0.1.1 /etc/hosts || true')).to.equal('0\n');
      expect(await fh.sh('monit summary >/dev/null && echo ok')).to.equal('ok\n');
      expect(await fh.sh('dpkg -s jq | grep ^Status:')).to.equal('Status: install ok installed\n');
    }
  });
});

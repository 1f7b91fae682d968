// Handler survival on a real host: a template changes, a later task fails; the next run restarts the service anyway.
import { expect } from 'chai';
import { cli, tasksWith } from '../lib/cli.js';
import { closeFleet, FLEET_INVENTORY, fleetHost } from '../lib/fleet.js';

const PLAY = 'test/fixtures/ssh/handler-survival.yml';
const run = (...extra: string[]) => cli(['-i', FLEET_INVENTORY, PLAY, ...extra, '--json']);

describe('handler notifications survive a failed run (on a fleet host, with systemd)', function () {
  this.timeout(120_000);
  const started = async () =>
    (
      await (
        await fleetHost('node1')
      ).sh('systemctl show -p ExecMainStartTimestampMonotonic --value sdtd-demo')
    ).trim();

  after(async () => {
    await (await fleetHost('node1')).sh(
      'systemctl disable --now sdtd-demo 2>/dev/null; rm -f /etc/systemd/system/sdtd-demo.service /etc/sdtd-demo.conf; ' +
        'rm -rf /var/lib/sdtd-play/pending-handlers; systemctl daemon-reload',
    );
    await closeFleet();
  });

  it('converges: the service runs with its configuration', async () => {
    const r = await run('-e', 'greeting=hello');
    expect(r.code, r.stdout).to.equal(0);
    expect(
      await (await fleetHost('node1')).sh(
        'journalctl -u sdtd-demo --no-pager | grep -c greeting=hello || true',
      ),
    ).to.not.equal('0\n');
  });

  it('the configuration changes, then a later task fails: no restart yet, the notification is kept on the host', async () => {
    const before = await started();
    const r = await run('-e', 'greeting=changed', '-e', 'fail_after=true');
    expect(r.code).to.equal(2);
    expect(tasksWith(r.events, 'changed')).to.deep.equal(['node1: configuration']);
    expect(await started(), 'not restarted by the failed run').to.equal(before);
    const pending = await (await fleetHost('node1')).sh('cat /var/lib/sdtd-play/pending-handlers/*.json');
    expect(JSON.parse(pending).handlers).to.deep.equal(['restart demo']);
  });

  it('the next run changes nothing else but restarts the service, and clears the notification', async () => {
    const before = await started();
    const r = await run('-e', 'greeting=changed');
    expect(r.code, r.stdout).to.equal(0);
    expect(tasksWith(r.events, 'changed')).to.deep.equal(['node1: restart demo']);
    expect(await started(), 'restarted').to.not.equal(before);
    const h = await fleetHost('node1');
    expect(await h.sh('ls /var/lib/sdtd-play/pending-handlers | wc -l')).to.equal('0\n');
    expect(await h.sh('journalctl -u sdtd-demo --no-pager | grep -c greeting=changed || true')).to.not.equal(
      '0\n',
    );
  });
});

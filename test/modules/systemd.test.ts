// Table tests for the systemd module on a fleet host: throwaway units written in setup, removed in cleanup.
import { expect } from 'chai';
import { prepareArgs } from '../../engine/module-args.js';
import { runModule } from '../../engine/run-module.js';
import systemd from '../../modules/systemd.js';
import { closeFleet, type FleetHost, fleetHost } from '../lib/fleet.js';
import { testRemoteModule } from '../lib/remote-tester.js';

const SLEEP = 'sdtd-test-sleep.service';
const FAIL = 'sdtd-test-fail.service';
const ONESHOT = 'sdtd-test-oneshot.service';
// mask needs the /etc/systemd/system name free for its /dev/null link: this one lives where packages put units
const MASK = 'sdtd-test-mask.service';
const LATER = 'sdtd-test-later.service';
const UNITS = [SLEEP, FAIL, ONESHOT, MASK, LATER];
const ETC = '/etc/systemd/system';
const VENDOR = '/usr/lib/systemd/system';

const unitText = (exec: string, extra = '') =>
  `[Unit]\nDescription=sdtd-play test unit\n[Service]\n${extra}ExecStart=${exec}\nExecReload=/bin/true\n[Install]\nWantedBy=multi-user.target\n`;
const write = (h: FleetHost, path: string, text: string) =>
  h.sh(`mkdir -p ${path.replace(/\/[^/]+$/, '')} && cat > ${path}`, text);

/** The test units as the module found them: stopped, disabled, unmasked, freshly loaded. */
async function fresh(h: FleetHost, unit = SLEEP): Promise<void> {
  await h.sh(
    `systemctl stop ${unit}; systemctl disable ${unit} 2>/dev/null; systemctl unmask ${unit}; systemctl reset-failed ${unit} 2>/dev/null; true`,
  );
  await write(h, `${ETC}/${SLEEP}`, unitText('/bin/sleep infinity'));
  await write(h, `${ETC}/${FAIL}`, unitText("/bin/sh -c 'echo sdtd-failing-marker; exit 3'"));
  await write(h, `${ETC}/${ONESHOT}`, unitText('/bin/true', 'Type=oneshot\n'));
  await write(h, `${VENDOR}/${MASK}`, unitText('/bin/sleep infinity'));
  await h.sh('systemctl daemon-reload');
}
const prop = async (h: FleetHost, unit: string, p: string) =>
  (await h.sh(`systemctl show -p ${p} --value ${unit}`)).trim();

testRemoteModule(systemd, {
  snapshot: async (h) =>
    h.sh(
      `for u in ${UNITS.join(' ')}; do systemctl show -p Id,LoadState,ActiveState,SubState,UnitFileState,NeedDaemonReload $u; done`,
    ),
  cleanup: async (h) => {
    await h.sh(
      `for u in ${UNITS.join(' ')}; do systemctl stop $u; systemctl disable $u; systemctl unmask $u; done 2>/dev/null; ` +
        `rm -f ${UNITS.map((u) => `${ETC}/${u} ${VENDOR}/${u}`).join(' ')}; systemctl daemon-reload; systemctl reset-failed; true`,
    );
  },
  changed: [
    {
      name: 'starts a unit, .service implied, and waits until it is active',
      setup: (h) => fresh(h),
      args: { name: 'sdtd-test-sleep', state: 'started' },
      verify: async (h, out) => {
        expect(await prop(h, SLEEP, 'ActiveState')).to.equal('active');
        expect(out.diff).to.deep.equal([{ kind: 'state', what: SLEEP, before: 'inactive', after: 'active' }]);
      },
    },
    {
      name: 'stops a unit',
      setup: async (h) => {
        await fresh(h);
        await h.sh(`systemctl start ${SLEEP}`);
      },
      args: { name: SLEEP, state: 'stopped' },
      verify: async (h) => expect(await prop(h, SLEEP, 'ActiveState')).to.equal('inactive'),
    },
    {
      name: 'restarts a unit (always, as Ansible)',
      setup: async (h) => {
        await fresh(h);
        await h.sh(`systemctl start ${SLEEP}`);
      },
      args: { name: SLEEP, state: 'restarted' },
      idempotent: false,
      verify: async (h) => expect(await prop(h, SLEEP, 'ActiveState')).to.equal('active'),
    },
    {
      name: 'reloads a running unit (always)',
      setup: async (h) => {
        await fresh(h);
        await h.sh(`systemctl start ${SLEEP}`);
      },
      args: { name: SLEEP, state: 'reloaded' },
      idempotent: false,
      verify: async (_h, out) => expect(out.steps).to.deep.equal([`systemctl reload ${SLEEP}`]),
    },
    {
      name: 'enables a unit',
      setup: (h) => fresh(h),
      args: { name: SLEEP, enabled: true },
      verify: async (h, out) => {
        expect(await prop(h, SLEEP, 'UnitFileState')).to.equal('enabled');
        expect(out.diff).to.deep.equal([
          { kind: 'state', what: `${SLEEP} unit file`, before: 'disabled', after: 'enabled' },
        ]);
      },
    },
    {
      name: 'disables a unit',
      setup: async (h) => {
        await fresh(h);
        await h.sh(`systemctl enable ${SLEEP} 2>/dev/null`);
      },
      args: { name: SLEEP, enabled: false },
      verify: async (h) => expect(await prop(h, SLEEP, 'UnitFileState')).to.equal('disabled'),
    },
    {
      name: 'starts and enables in one task',
      setup: (h) => fresh(h),
      args: { name: SLEEP, state: 'started', enabled: 'yes' },
      verify: async (h) => {
        expect(await prop(h, SLEEP, 'ActiveState')).to.equal('active');
        expect(await prop(h, SLEEP, 'UnitFileState')).to.equal('enabled');
      },
    },
    {
      name: 'masks a unit',
      setup: (h) => fresh(h, MASK),
      args: { name: MASK, masked: true },
      verify: async (h) => expect(await prop(h, MASK, 'UnitFileState')).to.equal('masked'),
    },
    {
      name: 'unmasks a unit',
      setup: async (h) => {
        await fresh(h, MASK);
        await h.sh(`systemctl mask ${MASK}`);
      },
      args: { name: MASK, masked: false },
      verify: async (h) => expect(await prop(h, MASK, 'UnitFileState')).to.equal('disabled'),
    },
    {
      // an inactive unit nothing refers to is unloaded, and loaded afresh: only a loaded one needs the reload
      name: 'reloads systemd first when the unit file of a running unit changed on disk',
      setup: async (h) => {
        await fresh(h);
        await h.sh(`systemctl start ${SLEEP}`);
        await write(h, `${ETC}/${SLEEP}`, unitText('/bin/sleep infinity', 'Environment=SDTD_CHANGED=1\n'));
      },
      args: { name: SLEEP, state: 'restarted' },
      idempotent: false,
      verify: async (h, out) => {
        expect(out.steps[0]).to.match(/^systemctl daemon-reload/);
        expect(await prop(h, SLEEP, 'NeedDaemonReload')).to.equal('no');
        expect(await prop(h, SLEEP, 'Environment')).to.equal('SDTD_CHANGED=1');
      },
    },
    {
      name: 'a oneshot unit counts as started when it ran with success',
      setup: (h) => fresh(h, ONESHOT),
      args: { name: ONESHOT, state: 'started' },
      idempotent: false,
      verify: async (h) => expect(await prop(h, ONESHOT, 'Result')).to.equal('success'),
    },
  ],
  ok: [
    {
      name: 'started when active',
      setup: async (h) => {
        await fresh(h);
        await h.sh(`systemctl start ${SLEEP}`);
      },
      args: { name: SLEEP, state: 'started' },
    },
    {
      name: 'stopped when inactive',
      setup: (h) => fresh(h),
      args: { name: SLEEP, state: 'stopped', enabled: false },
    },
    {
      name: 'enabled when enabled',
      setup: async (h) => {
        await fresh(h);
        await h.sh(`systemctl enable ${SLEEP} 2>/dev/null`);
      },
      args: { name: SLEEP, enabled: true },
    },
    { name: 'a unit that does not exist is stopped', args: { name: 'sdtd-test-nope', state: 'stopped' } },
    { name: 'not masked when not masked', setup: (h) => fresh(h, MASK), args: { name: MASK, masked: false } },
    { name: 'daemon_reload alone is not a change', args: { daemon_reload: true } },
  ],
  invalid: [
    { name: 'an unknown state', args: { name: SLEEP, state: 'running' }, error: /state/ },
    { name: 'the user scope', args: { name: SLEEP, scope: 'user' }, error: /scope/ },
    { name: 'a negative wait_timeout', args: { name: SLEEP, wait_timeout: -1 }, error: /wait_timeout/ },
    { name: 'an unknown argument', args: { name: SLEEP, enable: true }, error: /enable/ },
  ],
  failed: [
    {
      name: 'a unit that exits at once: the message has its journal lines',
      setup: (h) => fresh(h, FAIL),
      args: { name: FAIL, state: 'started' },
      error:
        /expected sdtd-test-fail.service to be active after start; it is failed[\s\S]*sdtd-failing-marker/,
    },
    {
      name: 'a unit that does not exist',
      args: { name: 'sdtd-test-nope', state: 'started' },
      error: /unit sdtd-test-nope.service not found/,
    },
    {
      name: 'masked and started',
      args: { name: SLEEP, state: 'started', masked: true },
      error: /masked: true only/,
    },
    { name: 'nothing to do', args: {}, error: /expected name, daemon_reload or daemon_reexec/ },
  ],
});

describe('systemd: a unit an earlier task creates (on a fleet host)', function () {
  this.timeout(60_000);
  after(closeFleet);
  const run = async (check: boolean) => {
    const h = await fleetHost('node1');
    const args = prepareArgs(
      systemd,
      { name: LATER, state: 'started', enabled: true },
      { where: 'systemd test' },
    );
    return runModule(systemd, args, h.host, { check });
  };

  it('is predicted in check mode, then started once its file exists', async () => {
    const h = await fleetHost('node1');
    await h.sh(`rm -f ${ETC}/${LATER}; systemctl daemon-reload`);
    const predicted = await run(true);
    expect(predicted.status).to.equal('changed');
    expect(predicted.msg).to.match(/unit sdtd-test-later.service does not exist yet/);
    expect(predicted.diff).to.deep.include({ kind: 'state', what: LATER, before: 'absent', after: 'active' });
    await write(h, `${ETC}/${LATER}`, unitText('/bin/sleep infinity'));
    const out = await run(false);
    expect(out.status, out.msg).to.equal('changed');
    expect(await prop(h, LATER, 'ActiveState')).to.equal('active');
    expect(await prop(h, LATER, 'UnitFileState')).to.equal('enabled');
    expect((await run(false)).status).to.equal('ok');
    await h.sh(
      `systemctl disable --now ${LATER} 2>/dev/null; rm -f ${ETC}/${LATER}; systemctl daemon-reload`,
    );
  });
});

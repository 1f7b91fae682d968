// Table tests for the monit module on a fleet host, with a real check (a transient systemd unit running sleep).
import { expect } from 'chai';
import { prepareArgs } from '../../engine/module-args.js';
import { runModule } from '../../engine/run-module.js';
import { readMonit, settle } from '../../modules/lib/monit-status.js';
import monit from '../../modules/monit.js';
import { closeFleet, type FleetHost, fleetHost } from '../lib/fleet.js';
import { testRemoteModule } from '../lib/remote-tester.js';

const D = '/etc/monit/conf.d';
// a unit per check: `systemctl stop` ends it, and a pattern anchored on argv[0] never matches our own shells
const unitCheck = (name: string, arg: number, delay = '') =>
  `check process ${name} matching "^/bin/sleep ${arg}$"\n` +
  `  start program = "/bin/sh -c '${delay}/usr/bin/systemd-run --collect --unit=${name} /bin/sleep ${arg}'"\n` +
  `  stop program = "/bin/systemctl stop ${name}"\n`;
const FILES: Record<string, string> = {
  'sdtd-test-httpd': 'set httpd port 2812 and use address localhost allow localhost\n',
  sdtdtest: unitCheck('sdtdtest', 31337),
  sdtdslow: unitCheck('sdtdslow', 31340, 'sleep 3; '),
};
const EXTRA = ['sdtdnew', 'sdtdbad'];

let found: { enabled: boolean; active: boolean; state: string } | undefined;

/** Monit enabled, running, answering, with exactly our checks; what it was before is kept for cleanup. */
async function prepare(h: FleetHost): Promise<void> {
  found ??= {
    enabled: (await h.sh('systemctl is-enabled monit 2>/dev/null || true')).trim() === 'enabled',
    active: (await h.sh('systemctl is-active monit || true')).trim() === 'active',
    state: (await h.sh('base64 -w0 /var/lib/monit/state 2>/dev/null || true')).trim(),
  };
  let script = 'systemctl enable monit >/dev/null 2>&1; systemctl start monit; c=0;';
  for (const f of EXTRA) script += ` if [ -e ${D}/${f} ]; then rm -f ${D}/${f}; c=1; fi;`;
  for (const [f, text] of Object.entries(FILES)) {
    const b64 = Buffer.from(text).toString('base64');
    script += ` if [ "$(base64 -w0 ${D}/${f} 2>/dev/null)" != ${b64} ]; then echo ${b64} | base64 -d > ${D}/${f}; c=1; fi;`;
  }
  // a reload after every change of our checks; Monit answers once it has read the httpd line
  await h.sh(`${script} if [ $c = 1 ]; then monit reload >/dev/null; sleep 1; fi`);
  await settle(h.host, 'all', 60);
}

const status = async (h: FleetHost, name = 'sdtdtest') => {
  const v = await readMonit(h.host);
  if (!v.ok) throw new Error(v.why);
  const s = v.services.get(name);
  return s ? `${s.status}${s.pending ? ` - ${s.pending} pending` : ''}/${s.monitoring}` : 'unknown';
};
const unit = async (h: FleetHost, name = 'sdtdtest') =>
  (await h.sh(`systemctl is-active ${name} || true`)).trim();

async function act(h: FleetHost, verb: string, name = 'sdtdtest'): Promise<void> {
  await h.sh(`monit ${verb} ${name}`);
  await settle(h.host, name, 60);
}
async function running(h: FleetHost): Promise<void> {
  await prepare(h);
  if ((await status(h)) !== 'OK/Monitored') await act(h, 'start');
}
async function stopped(h: FleetHost): Promise<void> {
  await prepare(h);
  await act(h, 'stop');
}

async function cleanup(h: FleetHost): Promise<void> {
  if (!found) return;
  const all = [...Object.keys(FILES), ...EXTRA].map((f) => `${D}/${f}`).join(' ');
  const restore = `printf '%s' '${found.state}' | base64 -d > /var/lib/monit/state`;
  await h.sh(
    `rm -f ${all}; systemctl stop sdtdtest sdtdslow 2>/dev/null; systemctl stop monit; ${restore}; ` +
      `${found.active ? 'systemctl start monit' : 'true'}; ${found.enabled ? 'true' : 'systemctl disable monit >/dev/null 2>&1'}`,
  );
  found = undefined;
}

testRemoteModule(monit, {
  timeout: 180_000,
  snapshot: async (h) =>
    `${await h.sh(`monit -B summary | tail -n +2; ls ${D}`)}\n${await unit(h)}/${await unit(h, 'sdtdslow')}`,
  cleanup,
  changed: [
    {
      name: 'started starts a stopped service and waits until Monit says OK',
      setup: stopped,
      args: { name: 'sdtdtest', state: 'started' },
      verify: async (h, out) => {
        expect(await unit(h)).to.equal('active');
        expect(out.result.status).to.equal('OK (monitoring: Monitored)');
        expect(out.diff[0]).to.include({
          before: 'Not monitored (monitoring: Not monitored)',
          after: 'started',
        });
      },
    },
    {
      name: 'stopped stops a running service',
      setup: running,
      args: { name: 'sdtdtest', state: 'stopped' },
      verify: async (h) => {
        expect(await unit(h)).to.not.equal('active');
        expect(await status(h)).to.equal('Not monitored/Not monitored');
      },
    },
    {
      name: 'unmonitored leaves the process running',
      setup: running,
      args: { name: 'sdtdtest', state: 'unmonitored' },
      verify: async (h) => {
        expect(await unit(h)).to.equal('active');
        expect(await status(h)).to.equal('Not monitored/Not monitored');
      },
    },
    {
      name: 'monitored watches an unmonitored service again',
      setup: async (h) => {
        await running(h);
        await act(h, 'unmonitor');
      },
      args: { name: 'sdtdtest', state: 'monitored' },
      verify: async (h) => expect(await status(h)).to.equal('OK/Monitored'),
    },
    {
      name: 'monitored with name all acts when one service is not monitored',
      setup: async (h) => {
        await running(h);
        await act(h, 'unmonitor');
      },
      args: { name: 'all', state: 'monitored' },
      verify: async (h, out) => {
        expect(await status(h)).to.equal('OK/Monitored');
        expect(out.diff).to.have.length(1);
      },
    },
    {
      name: 'restarted restarts a running service (always a change)',
      setup: running,
      args: { name: 'sdtdtest', state: 'restarted' },
      idempotent: false,
      verify: async (h) => expect(await status(h)).to.equal('OK/Monitored'),
    },
    {
      name: 'reloaded reloads Monit (always a change)',
      setup: running,
      args: { name: 'sdtdtest', state: 'reloaded', timeout: 60 },
      idempotent: false,
      verify: async (_h, out) => expect(out.result.status).to.equal('OK (monitoring: Monitored)'),
    },
    {
      name: 'present reloads Monit when a check was just added, and waits until Monit knows it',
      setup: async (h) => {
        await prepare(h);
        await h.sh(`printf 'check file sdtdnew with path /etc/hostname\\n' > ${D}/sdtdnew`);
      },
      args: { name: 'sdtdnew', state: 'present' },
      verify: async (h) => expect(await status(h, 'sdtdnew')).to.equal('OK/Monitored'),
    },
  ],
  ok: [
    { name: 'started when running', setup: running, args: { name: 'sdtdtest', state: 'started' } },
    { name: 'stopped when not monitored', setup: stopped, args: { name: 'sdtdtest', state: 'stopped' } },
    { name: 'unmonitored when stopped', setup: stopped, args: { name: 'sdtdtest', state: 'unmonitored' } },
    { name: 'monitored when running', setup: running, args: { name: 'sdtdtest', state: 'monitored' } },
    { name: 'present when Monit knows it', setup: prepare, args: { name: 'sdtdtest', state: 'present' } },
    {
      name: 'all started when every service runs',
      setup: async (h) => {
        await running(h);
        if ((await status(h, 'sdtdslow')) !== 'OK/Monitored') await act(h, 'start', 'sdtdslow');
      },
      args: { name: 'all', state: 'started' },
    },
  ],
  invalid: [
    { name: 'no state', args: { name: 'sdtdtest' }, error: /state/ },
    { name: 'unknown state', args: { name: 'sdtdtest', state: 'running' }, error: /state/ },
    {
      name: 'timeout not a number',
      args: { name: 'x', state: 'started', timeout: 'soon' },
      error: /timeout/,
    },
    { name: 'unknown argument', args: { name: 'x', state: 'started', wait: true }, error: /wait/ },
  ],
  failed: [
    {
      name: 'a service Monit does not know',
      setup: prepare,
      args: { name: 'nosuch', state: 'started' },
      error: /expected Monit to know service nosuch \(it knows: .*sdtdtest/,
    },
    {
      name: 'present with all',
      setup: prepare,
      args: { name: 'all', state: 'present' },
      error: /expected a service name with state present/,
    },
    {
      name: 'present for a service no check defines, once Monit has reloaded',
      setup: prepare,
      args: { name: 'nosuch', state: 'present' },
      error: /expected Monit to know service nosuch once reloaded \(it knows: .*sdtdtest.*\); is its check/,
    },
    {
      name: 'a control file Monit refuses: even monit status says why',
      setup: async (h) => {
        await prepare(h);
        await h.sh(`printf 'check nonsense sdtdnew\\n' > ${D}/sdtdnew`);
      },
      args: { name: 'sdtdnew', state: 'present' },
      error: /expected Monit to answer monit status \(found: .*sdtdnew.*syntax error/i,
    },
    {
      name: 'a start that fails says what Monit shows',
      setup: async (h) => {
        await prepare(h);
        await h.sh(
          `printf '%s\\n' 'check process sdtdbad matching "^/bin/sleep 31338$"' ` +
            `'  start program = "/bin/false" with timeout 2 seconds' > ${D}/sdtdbad && monit reload >/dev/null && sleep 1`,
        );
        await settle(h.host, 'sdtdbad', 60);
      },
      args: { name: 'sdtdbad', state: 'started', timeout: 60 },
      error:
        /expected sdtdbad to be monitored with status OK after monit start; found sdtdbad: Execution failed/,
    },
  ],
});

describe('module monit waits for Monit (on a fleet host)', function () {
  this.timeout(120_000);
  after(async () => {
    await cleanup(await fleetHost('node1'));
    await closeFleet();
  });
  const run = async (h: FleetHost, raw: unknown) =>
    runModule(monit, prepareArgs(monit, raw, { where: 'monit test' }), h.host, { check: false });

  it('decides only once a pending start is done', async () => {
    const h = await fleetHost('node1');
    await prepare(h);
    await act(h, 'stop', 'sdtdslow');
    await h.sh('monit start sdtdslow');
    expect(await status(h, 'sdtdslow')).to.match(/pending|Initializing/);
    const t0 = Date.now();
    const out = await run(h, { name: 'sdtdslow', state: 'started' });
    expect(out.status, out.msg).to.equal('ok');
    expect(Date.now() - t0).to.be.greaterThan(1000);
    expect(await unit(h, 'sdtdslow')).to.equal('active');
  });

  it('fails after timeout with the last status seen', async () => {
    const h = await fleetHost('node1');
    await prepare(h);
    await act(h, 'stop', 'sdtdslow');
    await h.sh('monit start sdtdslow');
    const out = await run(h, { name: 'sdtdslow', state: 'stopped', timeout: 1 });
    expect(out.status).to.equal('failed');
    expect(out.msg).to.match(
      /waited 1 s for Monit's status of sdtdslow to settle; last seen: sdtdslow: .*start pending/,
    );
    await settle(h.host, 'sdtdslow', 60);
  });
});

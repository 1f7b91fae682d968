// Table tests for the apt module on a fleet host: small bookworm packages (hello, sl, tree, at, apt-transport-https).
import { execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { prepareArgs } from '../../engine/module-args.js';
import { runModule } from '../../engine/run-module.js';
import apt from '../../modules/apt.js';
import { closeFleet, type FleetHost, fleetHost } from '../lib/fleet.js';
import { testRemoteModule } from '../lib/remote-tester.js';

const APT =
  'DEBIAN_FRONTEND=noninteractive apt-get -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold';
const TEST_PKGS = 'hello sl tree at apt-transport-https libgpm2 libncurses6';
const STAMP = '/var/lib/apt/periodic/update-success-stamp';
// bookworm has 2.6.1, bookworm-security 2.6.2: a pin below the candidate, and an upgrade to test latest
const [OLD, NEW] = ['2.6.1', '2.6.2'];
const HOST_DEB = '/tmp/sdtd-test-deb_1.0_all.deb';

/** The cache as the first case found it (the fleet's image has no lists, no stamp): cleanup puts it back. */
let initial: { lists: boolean; stamp: boolean } | undefined;
async function ensureLists(h: FleetHost): Promise<void> {
  const out = await h.sh(
    `[ -e ${STAMP} ] && echo stamp; set -- /var/lib/apt/lists/*_Packages*; [ -e "$1" ] && echo lists || apt-get -q update >/dev/null`,
  );
  initial ??= { lists: out.includes('lists'), stamp: out.includes('stamp') };
}
const purge = (h: FleetHost, names: string) =>
  h.sh(
    `${APT} purge ${names} >/dev/null 2>&1; dpkg --purge sdtd-test-deb sdtd-test-mgr >/dev/null 2>&1; true`,
  );
const install = async (h: FleetHost, specs: string) => {
  await ensureLists(h);
  return h.sh(`${APT} install --no-install-recommends --allow-downgrades ${specs} >/dev/null`);
};
/** dpkg's two-letter state and the version: "ii 2.10-3", "rc 3.2.5-1+b1", or "" when dpkg never heard of it. */
const status = async (h: FleetHost, name: string) =>
  (await h.sh(`dpkg-query -W -f='\${db:Status-Abbrev}\${Version}' ${name} 2>/dev/null || true`)).replace(
    / +/,
    ' ',
  );

/** A tiny package built with dpkg-deb: on the host (where) or on this machine (the manager). */
function controlFile(name: string, version: string): string {
  return `Package: ${name}\nVersion: ${version}\nArchitecture: all\nMaintainer: sdtd <sdtd@example.org>\nDescription: sdtd-play test package\n`;
}
const buildHostDeb = (h: FleetHost) =>
  h.sh(
    `rm -rf /tmp/sdtd-deb && mkdir -p /tmp/sdtd-deb/DEBIAN && cat > /tmp/sdtd-deb/DEBIAN/control && dpkg-deb --build /tmp/sdtd-deb ${HOST_DEB} >/dev/null`,
    controlFile('sdtd-test-deb', '1.0'),
  );
const localDir = mkdtempSync(join(tmpdir(), 'sdtd-apt-'));
const MANAGER_DEB = join(localDir, 'sdtd-test-mgr_2.0_all.deb');
function buildManagerDeb(): void {
  mkdirSync(join(localDir, 'pkg', 'DEBIAN'), { recursive: true });
  writeFileSync(join(localDir, 'pkg', 'DEBIAN', 'control'), controlFile('sdtd-test-mgr', '2.0'));
  execSync(`dpkg-deb --root-owner-group --build ${join(localDir, 'pkg')} ${MANAGER_DEB}`, {
    stdio: 'ignore',
  });
}

describe('apt check mode (on a fleet host)', function () {
  this.timeout(120_000);
  after(closeFleet);
  const check = async (raw: unknown) => {
    const h = await fleetHost('node1');
    return runModule(apt, prepareArgs(apt, raw, { where: 'apt test' }), h.host, { check: true });
  };

  it('does not update the cache, and predicts the update', async () => {
    const h = await fleetHost('node1');
    const cache = () => h.sh(`stat -c %Y /var/lib/apt/lists ${STAMP} 2>&1; ls /var/lib/apt/lists; true`);
    const before = await cache();
    const out = await check({ update_cache: true });
    expect(out.status).to.equal('changed');
    expect(await cache()).to.equal(before);
  });

  it('predicts a package an earlier task may make known, instead of failing', async () => {
    const out = await check({ name: 'sdtd-no-such-package', update_cache: true });
    expect(out.status).to.equal('changed');
    expect(out.msg).to.match(/Unable to locate package sdtd-no-such-package.*earlier task/);
  });

  it('predicts a deb an earlier task may download', async () => {
    const out = await check({ deb: '/tmp/sdtd-later.deb' });
    expect(out.status).to.equal('changed');
    expect(out.msg).to.match(/sdtd-later.deb does not exist yet/);
  });
});

testRemoteModule(apt, {
  timeout: 300_000,
  // the installed packages and policy-rc.d; the cache stamp is left out: an update with packages already right is ok
  snapshot: (h) =>
    h.sh(`dpkg-query -W -f='\${Package} \${Status} \${Version}\\n'; ls /usr/sbin/policy-rc.d 2>&1; true`),
  cleanup: async (h) => {
    await purge(h, TEST_PKGS);
    await h.sh(`${APT} autoremove --purge >/dev/null; apt-get clean; rm -rf /tmp/sdtd-deb ${HOST_DEB}`);
    if (initial && !initial.lists)
      await h.sh(
        'find /var/lib/apt/lists -mindepth 1 -maxdepth 1 ! -name lock ! -name partial -exec rm -rf {} +',
      );
    if (initial && !initial.stamp) await h.sh(`rm -f ${STAMP}`);
    rmSync(localDir, { recursive: true, force: true });
  },
  changed: [
    {
      name: 'updates the cache when it is older than cache_valid_time',
      setup: async (h) => {
        await ensureLists(h);
        await h.sh(`touch -d '2 days ago' ${STAMP} /var/lib/apt/lists`);
      },
      args: { update_cache: true, cache_valid_time: 3600 },
      verify: async (_h, out) => {
        expect(out.result.cache_updated).to.equal(true);
        expect(out.result.cache_update_time).to.be.closeTo(Date.now() / 1000, 120);
        expect(out.diff[0]).to.include({ what: 'package lists', after: 'updated' });
      },
    },
    {
      name: 'a bare update_cache without cache_valid_time always updates (as Ansible)',
      args: { update_cache: 'yes' },
      idempotent: false,
      verify: async (_h, out) => expect(out.result.cache_updated).to.equal(true),
    },
    {
      name: 'installs one package',
      setup: async (h) => {
        await purge(h, 'hello');
        await ensureLists(h);
      },
      args: { name: 'hello' },
      verify: async (h, out) => {
        expect(await status(h, 'hello')).to.equal('ii 2.10-3');
        expect(out.result.packages).to.deep.include({ installed: { hello: '2.10-3' } });
        expect(out.diff).to.deep.equal([
          { kind: 'state', what: 'package hello', before: 'absent', after: '2.10-3' },
        ]);
      },
    },
    {
      name: 'installs a list in one apt-get call, dependencies shown in the diff',
      setup: async (h) => {
        await purge(h, 'sl tree libgpm2 libncurses6');
        await ensureLists(h);
      },
      args: { name: ['sl', 'tree'], install_recommends: false },
      verify: async (h, out) => {
        expect(out.steps).to.have.length(1);
        expect(out.steps[0]).to.equal('apt-get install sl tree');
        expect(out.diff.map((d) => d.kind === 'state' && d.what)).to.include('package libncurses6');
        expect(await status(h, 'sl')).to.match(/^ii /);
        expect(await status(h, 'tree')).to.match(/^ii /);
      },
    },
    {
      name: 'installs a pinned version',
      setup: (h) => purge(h, 'apt-transport-https'),
      args: { name: `apt-transport-https=${OLD}` },
      verify: async (h) => expect(await status(h, 'apt-transport-https')).to.equal(`ii ${OLD}`),
    },
    {
      name: 'upgrades to the candidate with state latest',
      setup: (h) => install(h, `apt-transport-https=${OLD}`),
      args: { name: 'apt-transport-https', state: 'latest' },
      verify: async (h, out) => {
        expect(await status(h, 'apt-transport-https')).to.equal(`ii ${NEW}`);
        expect(out.result.packages).to.deep.include({ upgraded: { 'apt-transport-https': NEW } });
        expect(out.diff).to.deep.include({
          kind: 'state',
          what: 'package apt-transport-https',
          before: OLD,
          after: NEW,
        });
      },
    },
    {
      name: 'downgrades to a pinned version with allow_downgrade',
      setup: (h) => install(h, `apt-transport-https=${NEW}`),
      args: { name: `apt-transport-https=${OLD}`, allow_downgrade: true },
      verify: async (h) => expect(await status(h, 'apt-transport-https')).to.equal(`ii ${OLD}`),
    },
    {
      name: 'removes a package',
      setup: (h) => install(h, 'hello'),
      args: { name: 'hello', state: 'absent' },
      verify: async (h, out) => {
        expect(await status(h, 'hello')).to.not.match(/^ii/);
        expect(out.result.packages).to.deep.include({ removed: { hello: '2.10-3' } });
      },
    },
    {
      name: 'purges the configuration files a removal left',
      setup: async (h) => {
        await install(h, 'at');
        await h.sh(`${APT} remove at >/dev/null`);
      },
      args: { name: 'at', state: 'absent', purge: true },
      verify: async (h, out) => {
        expect(await status(h, 'at')).to.not.match(/^rc/);
        expect(out.diff).to.deep.include({
          kind: 'state',
          what: 'package at',
          before: 'absent',
          after: 'purged',
        });
      },
    },
    {
      name: 'installs a service package without starting it (policy_rc_d 101), then restores policy-rc.d',
      setup: (h) => purge(h, 'at'),
      args: { name: 'at', install_recommends: false, policy_rc_d: 101 },
      verify: async (h) => {
        expect(await status(h, 'at')).to.match(/^ii /);
        expect((await h.sh('systemctl is-active atd || true')).trim()).to.equal('inactive');
        expect(await h.sh('[ -e /usr/sbin/policy-rc.d ] && echo there || echo gone')).to.equal('gone\n');
      },
    },
    {
      name: 'autoremove alone removes dependencies nothing needs any more',
      setup: async (h) => {
        await install(h, 'sl');
        await h.sh(`${APT} remove sl >/dev/null`);
      },
      args: { autoremove: true },
      verify: async (h, out) => {
        expect(await status(h, 'libncurses6')).to.not.match(/^ii/);
        expect(out.result.packages).to.have.nested.property('removed.libncurses6');
      },
    },
    {
      name: 'installs a .deb file that is on the host',
      setup: async (h) => {
        await purge(h, '');
        await buildHostDeb(h);
      },
      args: { deb: HOST_DEB },
      verify: async (h) => expect(await status(h, 'sdtd-test-deb')).to.equal('ii 1.0'),
    },
    {
      name: 'installs a .deb file from the manager',
      setup: (h) => {
        buildManagerDeb();
        return purge(h, '');
      },
      args: { deb: MANAGER_DEB },
      verify: async (h, out) => {
        expect(await status(h, 'sdtd-test-mgr')).to.equal('ii 2.0');
        expect(out.diff).to.deep.equal([
          { kind: 'state', what: 'package sdtd-test-mgr', before: 'absent', after: '2.0' },
        ]);
      },
    },
  ],
  ok: [
    { name: 'present when installed', setup: (h) => install(h, 'hello'), args: { name: 'hello' } },
    {
      name: 'absent when not installed (or unknown)',
      setup: (h) => purge(h, 'hello'),
      args: { name: ['hello', 'sdtd-no-such-package'], state: 'absent' },
    },
    {
      name: 'update_cache when the cache is younger than cache_valid_time',
      setup: (h) => h.sh(`touch ${STAMP}`),
      args: { update_cache: true, cache_valid_time: 3600 },
    },
    {
      name: 'a stale cache is updated, but packages already right make the task ok',
      setup: async (h) => {
        await install(h, 'hello');
        await h.sh(`touch -d '2 days ago' ${STAMP} /var/lib/apt/lists`);
      },
      args: { name: 'hello', update_cache: true, cache_valid_time: 60 },
      verify: async (_h, out) => expect(out.result.cache_updated).to.equal(true),
    },
    {
      name: 'latest when at the candidate',
      setup: (h) => install(h, `apt-transport-https=${NEW}`),
      args: { name: 'apt-transport-https', state: 'latest' },
    },
    {
      name: 'a pinned version that is installed',
      setup: (h) => install(h, `apt-transport-https=${OLD}`),
      args: { name: `apt-transport-https=${OLD}` },
    },
    {
      name: 'a .deb whose version is installed',
      setup: async (h) => {
        await buildHostDeb(h);
        await h.sh(`dpkg -i ${HOST_DEB} >/dev/null`);
      },
      args: { deb: HOST_DEB },
    },
  ],
  invalid: [
    { name: 'an unknown state', args: { name: 'hello', state: 'installed' }, error: /state/ },
    {
      name: 'a negative cache_valid_time',
      args: { update_cache: true, cache_valid_time: -1 },
      error: /cache_valid_time/,
    },
    { name: 'a mapping as name', args: { name: { hello: 1 } }, error: /name/ },
    { name: 'an unknown argument', args: { name: 'hello', pakage: 'x' }, error: /pakage/ },
    { name: 'policy_rc_d above 255', args: { name: 'hello', policy_rc_d: 300 }, error: /policy_rc_d/ },
    {
      name: 'a lock_timeout that is not a number',
      args: { name: 'hello', lock_timeout: 'soon' },
      error: /lock_timeout/,
    },
  ],
  failed: [
    {
      name: 'an unknown package',
      args: { name: 'sdtd-no-such-package' },
      error: /Unable to locate package sdtd-no-such-package/,
    },
    {
      name: 'a version apt does not have',
      args: { name: 'hello=9.9' },
      error: /Version '9.9' for 'hello' was not found/,
    },
    {
      name: 'a pinned version with state latest',
      args: { name: 'hello=2.10-3', state: 'latest' },
      error: /=version/,
    },
    {
      name: 'a deb that exists nowhere',
      args: { deb: '/tmp/sdtd-nope.deb' },
      error: /expected \/tmp\/sdtd-nope.deb to exist/,
    },
    { name: 'name and deb together', args: { name: 'hello', deb: HOST_DEB }, error: /not both/ },
    { name: 'nothing to do', args: {}, error: /at least one of/ },
    { name: 'a glob as a name', args: { name: 'hell*' }, error: /globs are not supported/ },
  ],
});

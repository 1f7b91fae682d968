// The SSH transport on the real fleet: host keys, unreachable hosts, dropped connections, channels, become, jump hosts.
import { execSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { connectionInfo } from '../../engine/connections.js';
import { loadInventory } from '../../engine/inventory/index.js';
import { connectSsh, sshSettings } from '../../engine/transports/ssh.js';
import { cli, recap } from '../lib/cli.js';
import { closeFleet, FLEET_INVENTORY, fleetHost } from '../lib/fleet.js';

const FLEET = '/var/lib/sdtd-fleet';
const F = 'test/fixtures/ssh';
const sh = (cmd: string) => execSync(cmd, { encoding: 'utf8', shell: '/bin/bash' });

describe('SSH transport on the fleet', function () {
  this.timeout(120_000);
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'sdtd-ssh-'));
  });
  after(async () => {
    rmSync(tmp, { recursive: true, force: true });
    await closeFleet();
  });

  /** A fleet host's address, from the fleet's own inventory (never written in a test). */
  async function addr(name: string): Promise<string> {
    const inv = await loadInventory([FLEET_INVENTORY]);
    return String(inv.hostVars(name).ansible_host);
  }

  /** A static inventory of fleet hosts with our own known_hosts file and extra variables. */
  async function inventory(
    name: string,
    knownHosts: string,
    extra: Record<string, Record<string, unknown>> = {},
  ) {
    const inv = await loadInventory([FLEET_INVENTORY]);
    const hosts: Record<string, unknown> = {};
    for (const h of ['node1', 'node2', 'node3']) {
      const v = inv.hostVars(h);
      hosts[h] = { ...v, sdtd_known_hosts_file: knownHosts, ...(extra[h] ?? {}) };
    }
    const path = join(tmp, `${name}.yml`);
    writeFileSync(path, JSON.stringify({ all: { hosts } }));
    return path;
  }

  it('an unknown host key is refused with the host, its fingerprint and the flag to accept it; --trust-new-hosts records it', async () => {
    const known = join(tmp, 'known_empty');
    writeFileSync(known, '');
    const inv = await inventory('unknown', known);
    const r = await cli(['-i', inv, '-l', 'node1', `${F}/hello.yml`]);
    expect(r.code).to.equal(4);
    expect(r.stdout).to.match(
      /node1: unknown host key ssh-ed25519 SHA256:[A-Za-z0-9+/]{43} \(not in .*known_empty\)\. Check it, then run again with --trust-new-hosts/,
    );
    const ok = await cli(['-i', inv, '-l', 'node1', `${F}/hello.yml`, '--trust-new-hosts']);
    expect(ok.code, ok.stdout).to.equal(0);
    expect(readFileSync(known, 'utf8')).to.include(`node1,${await addr('node1')} ssh-ed25519 `);
    const again = await cli(['-i', inv, '-l', 'node1', `${F}/hello.yml`]);
    expect(again.code).to.equal(0);
  });

  it("keys as OpenSSH finds them: the ssh-agent's, then ~/.ssh/id_*; none at all is UNREACHABLE saying what to set", async () => {
    // no ansible_user and no key file: the local user (root here) and the default identities
    const bare = await inventory('keyless', `${FLEET}/known_hosts`);
    const raw = JSON.parse(readFileSync(bare, 'utf8'));
    delete raw.all.hosts.node1.ansible_user;
    delete raw.all.hosts.node1.ansible_ssh_private_key_file;
    writeFileSync(bare, JSON.stringify(raw));
    const home = join(tmp, 'home');
    execSync(`install -d -m700 ${home}/.ssh`);
    const run = (env: Record<string, string>) =>
      cli(['-i', bare, '-l', 'node1', `${F}/hello.yml`], { env: { HOME: home, SSH_AUTH_SOCK: '', ...env } });

    const none = await run({});
    expect(none.code, none.stdout).to.equal(4);
    expect(none.stdout).to.match(/expected an SSH key: set ansible_ssh_private_key_file or --private-key/);

    // an encrypted default key is skipped (it needs the agent), an unencrypted one is used
    execSync(`ssh-keygen -q -t ecdsa -N secret -f ${home}/.ssh/id_ecdsa`);
    copyFileSync(`${FLEET}/keys/id_ed25519`, `${home}/.ssh/id_ed25519`);
    const fromHome = await run({});
    expect(fromHome.code, fromHome.stdout).to.equal(0);
    rmSync(`${home}/.ssh/id_ed25519`);

    const agent = execSync('ssh-agent -s', { encoding: 'utf8' });
    const sock = /SSH_AUTH_SOCK=([^;]+);/.exec(agent)![1];
    const pid = /SSH_AGENT_PID=(\d+);/.exec(agent)![1];
    try {
      execSync(`ssh-add -q ${FLEET}/keys/id_ed25519`, { env: { ...process.env, SSH_AUTH_SOCK: sock } });
      const fromAgent = await run({ SSH_AUTH_SOCK: sock });
      expect(fromAgent.code, fromAgent.stdout).to.equal(0);
    } finally {
      process.kill(Number(pid));
    }
  });

  it('a changed host key is always refused, even with --trust-new-hosts', async () => {
    const known = join(tmp, 'known_changed');
    sh(
      `ssh-keygen -q -t ed25519 -N '' -f ${tmp}/other && printf 'node1,${await addr('node1')} %s\\n' "$(cut -d' ' -f1,2 ${tmp}/other.pub)" > ${known}`,
    );
    const inv = await inventory('changed', known);
    const r = await cli(['-i', inv, '-l', 'node1', `${F}/hello.yml`, '--trust-new-hosts']);
    expect(r.code).to.equal(4);
    expect(r.stdout).to.match(/node1: the host key has CHANGED \(now ssh-ed25519 SHA256:.*Refused/);
  });

  it('a stopped host is UNREACHABLE in the recap while the others finish', async () => {
    const cfg = join(tmp, 'with-stopped.yml');
    writeFileSync(cfg, `plugin: local_fleet\nfleet_dir: ${FLEET}\ninclude_stopped: true\n`);
    sh(
      `p=$(cat ${FLEET}/nodes/node3/pid); kill -TERM $p; for i in $(seq 100); do kill -0 $p 2>/dev/null || break; sleep 0.1; done`,
    );
    try {
      const r = await cli(['-i', cfg, `${F}/hello.yml`, '--json']);
      expect(r.code).to.equal(4);
      const stats = recap(r.events);
      expect(stats.node3).to.include({ unreachable: 1, ok: 0 });
      expect(stats.node1).to.include({ ok: 2, unreachable: 0 });
      expect(stats.node2).to.include({ ok: 2, unreachable: 0 });
    } finally {
      const up = await cli(['playbooks/local-fleet.yml']);
      expect(up.code, up.stdout).to.equal(0);
    }
  });

  it('a connection dropped in the middle of a task is an error on that host, not a hang', async () => {
    const inv = await inventory('drop', `${FLEET}/known_hosts`);
    const started = Date.now();
    const run = cli(['-i', inv, '-l', 'node2', `${F}/slow.yml`, '--json']);
    // once the command runs on node2, kill the sshd processes serving root's sessions there
    await new Promise((r) => setTimeout(r, 2500));
    sh(
      `ssh -i ${FLEET}/keys/id_ed25519 -o UserKnownHostsFile=${FLEET}/known_hosts -o BatchMode=yes root@${await addr('node2')} "pkill -KILL -f 'sshd: root@notty' ; true" || true`,
    );
    const r = await run;
    expect(Date.now() - started).to.be.lessThan(20_000);
    expect(r.code).to.equal(4);
    expect(r.stdout).to.match(/node2 is unreachable: connection dropped/);
  });

  it('commands beyond the server MaxSessions queue on one connection and all succeed', async () => {
    const node2 = await fleetHost('node2');
    await node2.sh(
      "printf 'MaxSessions 3\\n' > /etc/ssh/sshd_config.d/50-sdtd-test.conf && systemctl reload ssh",
    );
    try {
      const inv = await loadInventory([FLEET_INVENTORY]);
      const hv = inv.hostVars('node2');
      const t = await connectSsh(connectionInfo('node2', hv), { ...sshSettings(hv), maxSessions: 10 });
      const t0 = Date.now();
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => t.exec(`sleep 0.3; echo ${i}`)));
      const ms = Date.now() - t0;
      await t.close();
      expect(results.map((r) => r.stdout.trim())).to.deep.equal(
        Array.from({ length: 12 }, (_, i) => String(i)),
      );
      expect(results.every((r) => r.rc === 0)).to.equal(true);
      // at most 3 at a time: at least 4 waves of 0.3 s
      expect(ms).to.be.greaterThan(1100);
    } finally {
      await node2.sh('rm -f /etc/ssh/sshd_config.d/50-sdtd-test.conf && systemctl reload ssh');
    }
  });

  it('become: sudo -n to root and to another user, files written as root', async () => {
    const node1 = await fleetHost('node1');
    await node1.sh(
      'id deploy >/dev/null 2>&1 || useradd -m -s /bin/bash deploy; install -d -m700 -o deploy -g deploy /home/deploy/.ssh; ' +
        'install -m600 -o deploy -g deploy /root/.ssh/authorized_keys /home/deploy/.ssh/authorized_keys; ' +
        "echo 'deploy ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/deploy; chmod 440 /etc/sudoers.d/deploy",
    );
    try {
      const inv = await inventory('become', `${FLEET}/known_hosts`, { node1: { ansible_user: 'deploy' } });
      const r = await cli(['-i', inv, '-l', 'node1', `${F}/become.yml`, '--json']);
      expect(r.code, r.stdout).to.equal(0);
      expect(r.events.find((e) => e.task === 'results')?.result?.msg).to.equal('deploy root nobody');
      expect(await node1.sh('stat -c %U:%a /etc/sdtd-become-test; cat /etc/sdtd-become-test')).to.equal(
        'root:600\nwritten by deploy as root\n',
      );
    } finally {
      await node1.sh(
        'rm -f /etc/sdtd-become-test /etc/sudoers.d/deploy; userdel -r deploy 2>/dev/null; true',
      );
    }
  });

  it('a jump host: node2 reached through node1', async () => {
    const inv = await inventory('jump', `${FLEET}/known_hosts`, {
      node2: { sdtd_jump_host: "root@{{ hostvars['node1'].ansible_host }}" },
    });
    const play = join(tmp, 'from.yml');
    copyFileSync(`${F}/hello.yml`, play);
    writeFileSync(
      play,
      readFileSync(play, 'utf8')
        .replace(
          "{{ who.stdout }} {{ lookup('env', 'NOTHING') }}",
          "{{ lookup('env', 'NOTHING') }}{{ ansible_env_client.stdout }}",
        )
        .replace(
          '    - name: report',
          "    - name: client\n      shell: echo $SSH_CONNECTION | cut -d' ' -f1\n      register: ansible_env_client\n      changed_when: false\n    - name: report",
        ),
    );
    const r = await cli(['-i', inv, '-l', 'node2', play, '--json']);
    expect(r.code, r.stdout).to.equal(0);
    // sshd on node2 sees the connection coming from node1, not from the manager
    expect(r.events.find((e) => e.task === 'report')?.result?.msg).to.equal(await addr('node1'));
  });

  it('--ask-become-pass: sudo that wants a password gets it (from stdin here), and fails clearly without it', async () => {
    const node1 = await fleetHost('node1');
    await node1.sh(
      'id deployp >/dev/null 2>&1 || useradd -m -s /bin/bash deployp; echo deployp:s3cret | chpasswd; ' +
        'install -d -m700 -o deployp -g deployp /home/deployp/.ssh; ' +
        'install -m600 -o deployp -g deployp /root/.ssh/authorized_keys /home/deployp/.ssh/authorized_keys; ' +
        "echo 'deployp ALL=(ALL) ALL' > /etc/sudoers.d/deployp; chmod 440 /etc/sudoers.d/deployp",
    );
    try {
      const inv = await inventory('becomepw', `${FLEET}/known_hosts`, { node1: { ansible_user: 'deployp' } });
      const without = await cli(['-i', inv, '-l', 'node1', `${F}/become.yml`]);
      expect(without.code, without.stdout).to.equal(2);
      expect(without.stdout).to.match(/a password is required/);
      const r = await cli(['-i', inv, '-l', 'node1', `${F}/become.yml`, '-K', '--json'], {
        stdin: 's3cret\n',
      });
      expect(r.code, r.stdout).to.equal(0);
      expect(r.events.find((e) => e.task === 'results')?.result?.msg).to.equal('deployp root nobody');
      expect(r.stdout).to.not.include('s3cret');

      // Ansible's -u, --private-key, -b, --become-user: below the inventory's variables and the tasks' keywords
      const bare = await inventory('cliuser', `${FLEET}/known_hosts`);
      const key = `${FLEET}/keys/id_ed25519`;
      const raw = JSON.parse(readFileSync(bare, 'utf8'));
      delete raw.all.hosts.node1.ansible_user;
      delete raw.all.hosts.node1.ansible_ssh_private_key_file;
      writeFileSync(bare, JSON.stringify(raw));
      const who = async (...flags: string[]) => {
        const w = await cli(['-i', bare, '-l', 'node1', `${F}/whoami.yml`, '--json', ...flags], {
          stdin: 's3cret\n',
        });
        expect(w.code, w.stdout).to.equal(0);
        return w.events.find((e) => e.task === 'results')?.result?.msg;
      };
      expect(await who('-u', 'deployp', '--private-key', key)).to.equal('deployp deployp');
      expect(await who('-u', 'deployp', '--private-key', key, '-b', '-K')).to.equal('root deployp');
      expect(await who('-u', 'deployp', '--private-key', key, '--become-user', 'nobody', '-K')).to.equal(
        'nobody deployp',
      );
      // the inventory's ansible_user wins over -u
      const invUser = await cli(['-i', inv, '-l', 'node1', `${F}/whoami.yml`, '--json', '-u', 'root']);
      expect(invUser.events.find((e) => e.task === 'results')?.result?.msg).to.equal('deployp deployp');
    } finally {
      await node1.sh(
        'rm -f /etc/sdtd-become-test /etc/sudoers.d/deployp; userdel -r deployp 2>/dev/null; true',
      );
    }
  });

  it('one SSH connection per host for the whole run, whatever the number of tasks', async () => {
    const hosts = ['node1', 'node2', 'node3'];
    // our own checking connections are opened first, so every login in the window is the run's
    const checkers = await Promise.all(hosts.map((h) => fleetHost(h)));
    await new Promise((res) => setTimeout(res, 1100));
    const since = Math.floor(Date.now() / 1000);
    const r = await cli(['-i', FLEET_INVENTORY, `${F}/many.yml`]);
    expect(r.code, r.stdout).to.equal(0);
    await new Promise((res) => setTimeout(res, 500));
    for (const [i, h] of hosts.entries()) {
      // the fleet host's sshd logs every accepted login: one for the whole run of 10 tasks
      const n = await checkers[i].sh(
        `journalctl -u ssh --since @${since} --no-pager | grep -c 'Accepted publickey' || true`,
      );
      expect(Number(n.trim()), `${h}: logins during the run`).to.equal(1);
    }
  });
});

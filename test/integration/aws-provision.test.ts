// provision.yml and teardown.yml in process against the fake EC2: converge, converge again, --check, and a
// teardown that touches only what carries our cluster tag (a mixed fixture of ours, another cluster's, untagged).
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { renderText } from '../../engine/render.js';
import { CLUSTER_TAG } from '../../modules/lib/aws/tags.js';
import { ROOT } from '../lib/cli.js';
import { FAKE, type FakeEc2 } from '../lib/fake-ec2.js';
import { foreignState, mixedFixture, ownedIds, touchedIds } from '../lib/fake-ec2-mixed.js';
import { fakeSshd, play, tempKeyPath } from '../lib/fake-ec2-play.js';
import { useFakeEc2 } from '../lib/fake-ec2-run.js';

const CLUSTER = 'smack';
const NODES = 12;
const MUTATING = /^(Create|Run|Modify|Attach|Associate|Authorize|Import|Replace|Start)/;

describe('AWS provision.yml and teardown.yml (fake EC2)', function () {
  this.timeout(120_000);
  const world = useFakeEc2(true);
  let vars: Record<string, unknown>;
  let sshd: Awaited<ReturnType<typeof fakeSshd>>;
  before(async () => {
    sshd = await fakeSshd();
  });
  after(() => sshd.server.close());
  beforeEach(() => {
    vars = {
      aws_cluster: CLUSTER,
      aws_region: FAKE.region,
      aws_ssh_key: tempKeyPath(),
      aws_ssh_port: sshd.port,
      operator_cidr: '198.51.100.7/32',
    };
    // the manager's "public address" is this machine, where the fake sshd greets
    world().publicIpFor = () => '127.0.0.1';
  });
  afterEach(() => rmSync(dirname(vars.aws_ssh_key as string), { recursive: true, force: true }));

  const tagged = (r: { Tags?: { Key?: string; Value?: string }[] }, v = CLUSTER) =>
    r.Tags?.some((t) => t.Key === CLUSTER_TAG && t.Value === v) ?? false;
  const ours = (w: FakeEc2) => ({
    instances: w.instances.filter((i) => tagged(i) && i.State?.Name !== 'terminated'),
    vpcs: w.vpcs.filter((v) => tagged(v)),
    groups: w.securityGroups.filter((g) => tagged(g)),
  });

  it('--check on an empty account predicts every change and makes no mutating call; the real run changes exactly that', async () => {
    const predicted = await play('playbooks/provision.yml', vars, true);
    expect(predicted.failures).to.deep.equal([]);
    expect(world().mutatingCalls()).to.deep.equal([]);
    const real = await play('playbooks/provision.yml', vars);
    expect(real.failures).to.deep.equal([]);
    expect(real.exitCode).to.equal(0);
    expect(real.changed).to.deep.equal(predicted.changed);
    expect(real.changed).to.include.members([
      "The cluster's SSH key, made once on this machine",
      'Key pair (the public half of that key)',
      'VPC (default block; DNS names for instances)',
      'Route table (the default route through the internet gateway)',
      'Security groups (rules from the layout file) [manager]',
      'The manager (public address; both groups)',
      'Nodes (private addresses only) [3 x kafka]',
    ]);
    const o = ours(world());
    expect(o.instances).to.have.length(NODES + 1);
    expect(o.vpcs.map((v) => v.CidrBlock)).to.deep.equal(['10.42.0.0/16']);
    const manager = o.instances.find((i) => i.Tags?.some((t) => t.Value === 'manager'))!;
    expect(manager.PublicIpAddress).to.equal('127.0.0.1');
    expect(o.instances.filter((i) => i !== manager && i.PublicIpAddress)).to.deep.equal([]);
    const ssh = o.groups.find((g) => g.GroupName === `${CLUSTER}-manager`)!.IpPermissions;
    expect(ssh?.map((p) => [p.FromPort, p.IpRanges?.map((r) => r.CidrIp)])).to.deep.equal([
      [sshd.port, ['198.51.100.7/32']],
    ]);
    const open = o.groups.flatMap((g) => g.IpPermissions ?? []).flatMap((p) => p.IpRanges ?? []);
    expect(open.filter((r) => r.CidrIp === '0.0.0.0/0')).to.deep.equal([]);
  });

  it('a second run (and a --check of it) makes no mutating call and reports changed=0', async () => {
    await play('playbooks/provision.yml', vars);
    world().calls.length = 0;
    const again = await play('playbooks/provision.yml', vars);
    expect([again.failures, again.changed, again.changedCount]).to.deep.equal([[], [], 0]);
    expect(world().mutatingCalls()).to.deep.equal([]);
    const checked = await play('playbooks/provision.yml', vars, true);
    expect([checked.changed, world().mutatingCalls()]).to.deep.equal([[], []]);
  });

  it('without -e operator_cidr it stops before touching AWS, saying what to give', async () => {
    const r = await play('playbooks/provision.yml', { ...vars, operator_cidr: '' });
    expect(r.failures[0]).to.match(/expected -e operator_cidr=YOUR\.PUBLIC\.ADDRESS\/32 \(got none\)/);
    expect(world().calls).to.deep.equal([]);
  });

  it('teardown stops only ours by default (provision starts them again); -e confirm=yes deletes only ours; then nothing is left', async () => {
    await play('playbooks/provision.yml', vars);
    await mixedFixture(world(), CLUSTER);
    const w = world();
    const ourIds = ownedIds(w, CLUSTER);
    const theirs = foreignState(w, CLUSTER);
    w.calls.length = 0;

    const stop = await play('playbooks/teardown.yml', { ...vars });
    expect(stop.failures).to.deep.equal([]);
    expect([...new Set(w.mutatingCalls().map((c) => c.op))]).to.deep.equal(['StopInstances']);
    expect(touchedIds(w).every((id) => ourIds.has(id))).to.equal(true);
    expect(ours(w).instances.map((i) => i.State?.Name)).to.satisfy((s: string[]) =>
      s.every((x) => /^stop/.test(x)),
    );

    w.calls.length = 0;
    const restart = await play('playbooks/provision.yml', vars);
    expect(restart.failures).to.deep.equal([]);
    expect([...new Set(w.mutatingCalls().map((c) => c.op))]).to.deep.equal(['StartInstances']);
    expect(touchedIds(w).filter((id) => !ourIds.has(id))).to.deep.equal([]);

    w.calls.length = 0;
    const predicted = await play('playbooks/teardown.yml', { ...vars, confirm: 'yes' }, true);
    expect(w.mutatingCalls()).to.deep.equal([]);
    const gone = await play('playbooks/teardown.yml', { ...vars, confirm: 'yes' });
    expect(gone.failures).to.deep.equal([]);
    expect(gone.changed).to.deep.equal(predicted.changed);
    expect(touchedIds(w).filter((id) => !ourIds.has(id))).to.deep.equal([]);
    expect(w.mutatingCalls().filter((c) => MUTATING.test(c.op))).to.deep.equal([]);
    const left = w.instances.filter((i) => i.State?.Name !== 'terminated');
    expect(left.every((i) => !tagged(i))).to.equal(true);
    for (const list of [
      w.volumes,
      w.securityGroups,
      w.vpcs,
      w.subnets,
      w.internetGateways,
      w.routeTables,
      w.keyPairs,
    ])
      expect(
        (list as { Tags?: { Key?: string; Value?: string }[] }[]).filter((r) => tagged(r)),
      ).to.deep.equal([]);
    expect(foreignState(w, CLUSTER)).to.equal(theirs);

    w.calls.length = 0;
    const again = await play('playbooks/teardown.yml', { ...vars, confirm: 'yes' });
    expect([again.failures, again.changedCount, w.mutatingCalls()]).to.deep.equal([[], 0, []]);
  });

  it("manager.yml's inventory for the manager: every host by its private address, in its role's group", () => {
    const text = readFileSync(join(ROOT, 'roles/aws_manager/templates/inventory.yml.j2'), 'utf8');
    const host = (role: string, n: number) => ({ sdtd_role: role, private_ip_address: `10.42.0.${n}` });
    const hostvars = {
      manager: host('manager', 4),
      kafka1: host('kafka', 5),
      kafka2: host('kafka', 6),
      zookeeper1: host('zookeeper', 7),
    };
    const inv = parse(
      renderText(text, {
        groups: { aws_ec2: Object.keys(hostvars), manager: ['manager'] },
        hostvars,
        manager_user: 'admin',
        manager_key: '/home/admin/.ssh/id_ed25519',
        aws_cluster: CLUSTER,
      }),
    );
    expect(inv.all.hosts.manager).to.deep.equal({ ansible_host: '10.42.0.4', ansible_connection: 'local' });
    expect(inv.all.hosts.kafka2).to.deep.equal({ ansible_host: '10.42.0.6' });
    expect(Object.keys(inv.all.children)).to.deep.equal(['kafka', 'manager', 'zookeeper']);
    expect(Object.keys(inv.all.children.kafka.hosts)).to.deep.equal(['kafka1', 'kafka2']);
    expect(inv.all.vars).to.deep.equal({
      ansible_user: 'admin',
      ansible_ssh_private_key_file: '/home/admin/.ssh/id_ed25519',
    });
  });
});

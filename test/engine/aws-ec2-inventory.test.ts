// The aws_ec2 inventory and `ec2 status` against the fake EC2: our cluster only, groups by role, private addresses via the manager.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ec2Status } from '../../engine/command-ec2.js';
import type { SdtdError } from '../../engine/errors.js';
import { loadInventory } from '../../engine/inventory/index.js';
import { ec2Sdk } from '../../modules/lib/aws/client.js';
import { ROOT } from '../lib/cli.js';
import { FAKE, FakeEc2 } from '../lib/fake-ec2.js';

let world: FakeEc2;
let dir: string;

/** One instance as ec2_instance would make it, already in STATE. */
async function launch(
  name: string,
  role: string,
  o: { cluster?: string; state?: string; manager?: boolean } = {},
) {
  const tags = [
    { Key: 'Name', Value: name },
    { Key: 'sdtd:cluster', Value: o.cluster ?? 'sdtd' },
    { Key: 'sdtd:role', Value: role },
  ];
  const net = o.manager
    ? { NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: FAKE.subnet, AssociatePublicIpAddress: true }] }
    : { SubnetId: FAKE.subnet };
  const out = (await world.dispatch('RunInstances', {
    ImageId: FAKE.debian,
    InstanceType: 't3.small',
    MinCount: 1,
    MaxCount: 1,
    ...net,
    TagSpecifications: [{ ResourceType: 'instance', Tags: tags }],
  })) as { Instances: { InstanceId: string }[] };
  const i = world.instances.find((x) => x.InstanceId === out.Instances[0].InstanceId)!;
  world.setState(i, o.state ?? 'running');
  return i;
}

async function inventory(config: string) {
  const file = join(dir, 'aws_ec2.yml');
  writeFileSync(file, config);
  return loadInventory([file]);
}

describe('inventory plugin aws_ec2 (fake EC2)', function () {
  this.timeout(20_000);
  before(() => ec2Sdk());
  beforeEach(async () => {
    world = await FakeEc2.install();
    dir = mkdtempSync(join(tmpdir(), 'sdtd-aws-inv-'));
    process.env.AWS_REGION = FAKE.region;
  });
  afterEach(() => {
    world.restore();
    rmSync(dir, { recursive: true, force: true });
    delete process.env.AWS_REGION;
  });

  it('lists the running instances of our cluster, grouped by role, reached through the manager', async () => {
    const m = await launch('manager', 'manager', { manager: true });
    const k1 = await launch('kafka1', 'kafka');
    await launch('kafka2', 'kafka');
    await launch('zk1', 'zookeeper');
    await launch('kafka3', 'kafka', { state: 'stopped' });
    await launch('web1', 'kafka', { cluster: 'someone-else' });
    const inv = await inventory('plugin: aws_ec2\ncluster: sdtd\n');
    expect(inv.groups().aws_ec2).to.deep.equal(['manager', 'kafka1', 'kafka2', 'zk1']);
    expect(inv.groups().kafka).to.deep.equal(['kafka1', 'kafka2']);
    expect(inv.groups().zookeeper).to.deep.equal(['zk1']);
    expect(inv.groups().manager).to.deep.equal(['manager']);
    const kv = inv.hostVars('kafka1');
    expect(kv).to.include({
      ansible_host: k1.PrivateIpAddress,
      ansible_user: 'admin',
      sdtd_jump_host: `admin@${m.PublicIpAddress}`,
      instance_id: k1.InstanceId,
      private_dns_name: k1.PrivateDnsName,
      sdtd_role: 'kafka',
      sdtd_cluster: 'sdtd',
    });
    expect(kv.state).to.deep.equal({ code: 16, name: 'running' });
    expect(kv.placement).to.deep.equal({ availability_zone: 'eu-west-1a', region: 'eu-west-1' });
    const mv = inv.hostVars('manager');
    expect(mv.ansible_host)
      .to.equal(m.PublicIpAddress)
      .and.match(/^203\.0\.113\./);
    expect(mv).to.not.have.property('sdtd_jump_host');
    const [call] = world.calls.filter((c) => c.op === 'DescribeInstances');
    expect(call.input.Filters).to.deep.equal([
      { Name: 'tag:sdtd:cluster', Values: ['sdtd'] },
      { Name: 'instance-state-name', Values: ['running'] },
    ]);
  });

  it('include_stopped lists stopped instances too; jump_host false gives plain private addresses', async () => {
    await launch('manager', 'manager', { manager: true });
    const k = await launch('kafka1', 'kafka', { state: 'stopped' });
    const inv = await inventory(
      'plugin: amazon.aws.aws_ec2\ncluster: sdtd\ninclude_stopped: true\njump_host: false\n',
    );
    expect(inv.groups().kafka).to.deep.equal(['kafka1']);
    expect(inv.hostVars('kafka1')).to.include({ ansible_host: k.PrivateIpAddress });
    expect(inv.hostVars('kafka1')).to.not.have.property('sdtd_jump_host');
  });

  it('reads every page, and never merges two instances with one Name', async () => {
    const a = await launch('kafka1', 'kafka');
    const b = await launch('kafka1', 'kafka');
    await launch('kafka2', 'kafka');
    world.pageSize = 1;
    const inv = await inventory('plugin: aws_ec2\ncluster: sdtd\nhostnames: [tag:Name]\n');
    expect(inv.groups().kafka).to.deep.equal(['kafka1', b.InstanceId, 'kafka2']);
    expect(inv.hostVars('kafka1').instance_id).to.equal(a.InstanceId);
    expect(world.calls.filter((c) => c.op === 'DescribeInstances')).to.have.length(3);
  });

  it('asks every listed region', async () => {
    await launch('kafka1', 'kafka');
    const inv = await inventory('plugin: aws_ec2\ncluster: sdtd\nregions: [eu-west-1, us-east-1]\n');
    expect(inv.groups().kafka).to.deep.equal(['kafka1']);
    const asked = world.calls.filter((c) => c.op === 'DescribeInstances').map((c) => c.region);
    expect(asked).to.deep.equal(['eu-west-1', 'us-east-1']);
  });

  it('refuses a config that would take every instance in the account', async () => {
    let err: SdtdError | undefined;
    try {
      await inventory('plugin: aws_ec2\nregions: [eu-west-1]\n');
    } catch (e) {
      err = e as SdtdError;
    }
    expect(err?.format()).to.match(
      /aws_ec2\.yml:1:9: inventory plugin "aws_ec2": expected cluster: \(our sdtd:cluster tag\) or filters: .*\[inventory\]$/,
    );
    expect(world.calls).to.deep.equal([]);
  });

  it('the example config inventory/aws_ec2.yml is valid and holds no address', async () => {
    const text = readFileSync(join(ROOT, 'inventory', 'aws_ec2.yml'), 'utf8');
    expect(text).to.not.match(/\b\d{1,3}(\.\d{1,3}){3}\b/);
    await launch('kafka1', 'kafka');
    const inv = await loadInventory([join(ROOT, 'inventory', 'aws_ec2.yml')]);
    expect(inv.groups().kafka).to.deep.equal(['kafka1']);
  });
});

describe('sdtd-play ec2 status (fake EC2)', function () {
  this.timeout(20_000);
  const run = async (o: Parameters<typeof ec2Status>[0]) => {
    let text = '';
    const code = await ec2Status(o, {
      write: (s: string) => (text += s),
    } as unknown as NodeJS.WritableStream);
    return { code, text };
  };
  beforeEach(async () => {
    world = await FakeEc2.install();
  });
  afterEach(() => world.restore());

  it('lists our instances with state, type, uptime and addresses, and counts the running ones', async () => {
    const m = await launch('manager', 'manager', { manager: true });
    await launch('kafka1', 'kafka');
    await launch('kafka2', 'kafka', { state: 'stopped' });
    await world.dispatch('RunInstances', {
      ImageId: FAKE.debian,
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
    });
    const { code, text } = await run({ region: FAKE.region });
    expect(code).to.equal(0);
    const lines = text.trimEnd().split('\n');
    expect(lines[0].split(/\s+/)).to.deep.equal([
      'CLUSTER',
      'NAME',
      'ROLE',
      'INSTANCE',
      'STATE',
      'TYPE',
      'UPTIME',
      'PRIVATE',
      'PUBLIC',
    ]);
    expect(lines.slice(1, 4).map((l) => l.split(/\s+/).slice(0, 5).join(' '))).to.deep.equal([
      `sdtd kafka1 kafka ${world.instances[1].InstanceId} running`,
      `sdtd kafka2 kafka ${world.instances[2].InstanceId} stopped`,
      `sdtd manager manager ${m.InstanceId} running`,
    ]);
    expect(lines[1]).to.match(/ t3\.small +\d+d \d+h +10\.0\.1\.\d+ +-$/);
    expect(lines[2]).to.match(/ stopped +t3\.small +- +10\.0\.1\.\d+ +-$/);
    expect(lines[3]).to.contain(m.PublicIpAddress);
    expect(lines.at(-1)).to.equal(
      '2 running, 1 stopped in eu-west-1: 2 running cost money until stopped (ec2_instance state: stopped) or terminated',
    );
    expect(world.calls.at(-1)?.input.Filters[0]).to.deep.equal({ Name: 'tag-key', Values: ['sdtd:cluster'] });
  });

  it('--cluster and --json', async () => {
    await launch('kafka1', 'kafka');
    await launch('web1', 'web', { cluster: 'other' });
    const { text } = await run({ region: FAKE.region, cluster: 'sdtd', json: true });
    const doc = JSON.parse(text);
    expect(doc.region).to.equal('eu-west-1');
    expect(doc.instances.map((i: { name: string }) => i.name)).to.deep.equal(['kafka1']);
    expect(doc.instances[0]).to.include({
      cluster: 'sdtd',
      role: 'kafka',
      state: 'running',
      public_ip: null,
    });
    expect((await run({ region: FAKE.region, cluster: 'none' })).text).to.equal(
      'no instances of ours in eu-west-1, cluster none\n',
    );
  });
});

// AWS failures as one line: no credentials or region (real CLI, real SDK chain), throttling, waiter timeouts, auth errors.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { SdtdError } from '../../engine/errors.js';
import { TaskFailure } from '../../engine/module.js';
import { awsFailure, awsTiming, connectEc2, ec2Sdk, resetEc2Clients } from '../../modules/lib/aws/client.js';
import { waitForInstances } from '../../modules/lib/aws/waiters.js';
import { type CliResult, cli } from '../lib/cli.js';
import { FAKE, FakeEc2 } from '../lib/fake-ec2.js';

const PLAYBOOK = `- hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: launch the manager
      ec2_instance:
        region: eu-west-1
        cluster: test
        name: manager
        image_id: ami-0123456789abcdef0
`;

/** No AWS_* from the developer's shell reaches a child or the SDK: tests see a machine without AWS. */
function withoutAws(): () => void {
  const saved = Object.entries(process.env).filter(([k]) => k.startsWith('AWS_'));
  for (const [k] of saved) delete process.env[k];
  return () => Object.assign(process.env, Object.fromEntries(saved));
}

/** Exactly one line of the output matches RE, and nothing looks like a stack trace or an SDK notice. */
function oneLine(r: CliResult, re: RegExp): string {
  const all = `${r.stdout}\n${r.stderr}`;
  const hits = all.split('\n').filter((l) => re.test(l));
  expect(hits, all).to.have.length(1);
  expect(all).to.not.match(/^\s+at |CredentialsProviderError|NodeVersionSupportWarning|\(node:\d+\)/m);
  return hits[0];
}

describe('AWS errors through the real CLI and SDK credential chain', function () {
  this.timeout(60_000);
  let home: string;
  let restore: () => void;
  const env = () => ({ HOME: home, AWS_EC2_METADATA_DISABLED: 'true' });
  before(() => {
    restore = withoutAws();
    home = mkdtempSync(join(tmpdir(), 'sdtd-aws-home-'));
    writeFileSync(join(home, 'pb.yml'), PLAYBOOK);
    writeFileSync(join(home, 'aws_ec2.yml'), 'plugin: aws_ec2\ncluster: test\nregions: [eu-west-1]\n');
  });
  after(() => {
    restore();
    rmSync(home, { recursive: true, force: true });
  });

  it('missing credentials: an ec2_instance task fails with one clear line, exit 2, fast (no IMDS wait)', async () => {
    const t0 = Date.now();
    const r = await cli([join(home, 'pb.yml')], { env: env() });
    const line = oneLine(r, /AWS credentials/);
    expect(line).to.match(
      /pb\.yml:5:7: task "launch the manager": expected AWS credentials from AWS_ACCESS_KEY_ID, profile "default" in ~\/\.aws .*\(got none\) \[aws\]$/,
    );
    expect(r.code).to.equal(2);
    expect(Date.now() - t0).to.be.lessThan(20_000);
  });

  it('missing region: `ec2 status` says where a region comes from, exit 2', async () => {
    const r = await cli(['ec2', 'status'], { env: env() });
    expect(oneLine(r, /region/)).to.equal(
      'ERROR: expected an AWS region from region:, AWS_REGION, AWS_DEFAULT_REGION or profile "default" in ~/.aws/config (got none) [aws]',
    );
    expect(r.code).to.equal(2);
  });

  it('missing credentials: `ec2 status --region` one line, exit 2', async () => {
    const r = await cli(['ec2', 'status', '--region', 'eu-west-1', '--profile', 'sdtd'], { env: env() });
    expect(oneLine(r, /credentials/)).to.match(/^ERROR: expected AWS credentials .*profile "sdtd"/);
    expect(r.code).to.equal(2);
  });

  it('missing credentials: a playbook on the aws_ec2 inventory stops at the config with one line, exit 2', async () => {
    const r = await cli(['-i', join(home, 'aws_ec2.yml'), join(home, 'pb.yml')], { env: env() });
    expect(oneLine(r, /credentials/)).to.match(
      /^ERROR: .*aws_ec2\.yml:1:9: inventory plugin "aws_ec2": expected AWS credentials .*\[aws\]$/,
    );
    expect(r.code).to.equal(2);
  });

  it('the default inventory (the local fleet) never asks AWS', async () => {
    const r = await cli(['inventory', '--graph'], { env: env() });
    expect(r.stderr).to.equal('');
    expect(r.code).to.equal(0);
  });
});

describe('AWS errors at the SDK boundary (fake EC2)', function () {
  this.timeout(20_000);
  const saved = { ...awsTiming };
  let world: FakeEc2;
  let restore: () => void;
  before(async () => {
    Object.assign(awsTiming, { baseMs: 1, maxMs: 4, waitMinDelay: 0.01, waitMaxDelay: 0.04 });
    await ec2Sdk();
  });
  after(() => Object.assign(awsTiming, saved));
  beforeEach(async () => {
    restore = withoutAws();
    world = await FakeEc2.install();
  });
  afterEach(() => {
    world.restore();
    restore();
  });
  const describeAll = async () => {
    const ec2 = await connectEc2({ region: FAKE.region });
    return ec2.send(new ec2.sdk.DescribeInstancesCommand({}));
  };
  const launch = async (n = 1) => {
    const out = (await world.dispatch('RunInstances', {
      ImageId: FAKE.debian,
      InstanceType: 't3.micro',
      MinCount: n,
      MaxCount: n,
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'kafka1' }] }],
    })) as { Instances: { InstanceId: string }[] };
    return out.Instances.map((i) => i.InstanceId);
  };

  it('throttling: RequestLimitExceeded, then success', async () => {
    world.throttle('DescribeInstances', 3);
    const out = await describeAll();
    expect(out.Reservations).to.deep.equal([]);
    expect(world.ops()).to.deep.equal(Array(4).fill('DescribeInstances'));
  });

  it('throttling that never ends: one line after the last attempt', async () => {
    world.throttle('DescribeInstances', 100);
    const e = await describeAll().catch((x) => x);
    expect(e).to.be.instanceOf(TaskFailure);
    expect(e.message).to.equal(
      'expected EC2 DescribeInstances to succeed (got RequestLimitExceeded: Request limit exceeded.)',
    );
    expect(world.calls).to.have.length(awsTiming.attempts);
  });

  it('the waiter timeout names each late instance and its last state', async () => {
    world.settleAfter = Number.POSITIVE_INFINITY;
    const [a, b, c] = await launch(3);
    world.setState(world.instances[2], 'running');
    const ec2 = await connectEc2({ region: FAKE.region });
    const one = await waitForInstances(ec2, [a, c], 'running', 1).catch((x) => x);
    expect(one).to.be.instanceOf(TaskFailure);
    expect(one.message).to.equal(`expected ${a} (kafka1) to be running within 1 s (got pending)`);
    const two = await waitForInstances(ec2, [a, b, c], 'running', 1).catch((x) => x);
    expect(two.message).to.equal(
      `expected ${a} (kafka1), ${b} (kafka1) to be running within 1 s (got ${a} pending, ${b} pending)`,
    );
  });

  it("the waiter's failure states end the wait at once, with the state", async () => {
    const [a] = await launch();
    world.instances[0].StateReason = {
      Code: 'Server.InsufficientInstanceCapacity',
      Message: 'Insufficient capacity.',
    };
    world.setState(world.instances[0], 'terminated');
    const ec2 = await connectEc2({ region: FAKE.region });
    const e = await waitForInstances(ec2, [a], 'running', 30).catch((x) => x);
    expect(e.message).to.equal(
      `expected ${a} (kafka1) to become running (got terminated: Insufficient capacity.)`,
    );
  });

  it('the waiter stops at once on an error no retry fixes, instead of polling until the timeout', async () => {
    const [a] = await launch();
    world.fail('DescribeInstances', 'AuthFailure', 100, 401);
    const ec2 = await connectEc2({ region: FAKE.region });
    const t0 = Date.now();
    const e = await waitForInstances(ec2, [a], 'running', 30).catch((x) => x);
    expect(Date.now() - t0).to.be.lessThan(2000);
    expect(e).to.be.instanceOf(SdtdError);
    expect(e.message).to.match(
      /^expected AWS credentials EC2 accepts for DescribeInstances in eu-west-1 \(got AuthFailure: /,
    );
  });

  it('auth errors are one line without the encoded blob', async () => {
    const e = awsFailure(
      await world.error(
        'UnauthorizedOperation',
        'You are not authorized. Encoded authorization failure message: AbC123xyz',
      ),
      'RunInstances',
      { region: 'eu-west-1', profile: 'sdtd' },
    );
    expect(e.message).to.equal(
      'expected AWS credentials EC2 accepts for RunInstances in eu-west-1 (got UnauthorizedOperation: You are not authorized.)',
    );
  });

  it('an expired SSO session says how to log in again', () => {
    const e = awsFailure(
      Object.assign(new Error('The SSO session associated with this profile has expired.'), {
        name: 'CredentialsProviderError',
      }),
      'DescribeInstances',
      { region: 'eu-west-1', profile: 'lab' },
    );
    expect(e.message).to.equal(
      'expected a valid SSO session for profile "lab" (got The SSO session associated with this profile has expired.; run: aws sso login --profile lab)',
    );
  });

  it('the region comes from AWS_DEFAULT_REGION, or from the profile in ~/.aws/config; a bad one is refused', async () => {
    process.env.AWS_DEFAULT_REGION = 'eu-north-1';
    expect((await connectEc2()).region).to.equal('eu-north-1');
    delete process.env.AWS_DEFAULT_REGION;
    const home = mkdtempSync(join(tmpdir(), 'sdtd-aws-cfg-'));
    mkdirSync(join(home, '.aws'));
    writeFileSync(join(home, '.aws', 'config'), '[profile lab]\nregion = ap-south-1\n');
    process.env.AWS_CONFIG_FILE = join(home, '.aws', 'config');
    resetEc2Clients();
    expect((await connectEc2({ profile: 'lab' })).region).to.equal('ap-south-1');
    rmSync(home, { recursive: true, force: true });
    const e = await connectEc2({ region: 'Europe' }).catch((x) => x);
    expect(e.format()).to.equal('expected an AWS region such as eu-west-1 (got "Europe") [aws]');
  });
});

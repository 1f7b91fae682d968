// Table tests for ec2_instance against the fake EC2 world (aws-sdk-client-mock): launch, scale, stop, start, tag, terminate.
import { expect } from 'chai';
import type { Host } from '../../engine/module.js';
import { prepareArgs } from '../../engine/module-args.js';
import { runModule } from '../../engine/run-module.js';
import ec2Instance from '../../modules/ec2_instance.js';
import { awsTiming, ec2Sdk } from '../../modules/lib/aws/client.js';
import { FAKE, FakeEc2 } from '../lib/fake-ec2.js';
import { testModule } from '../lib/module-tester.js';

let world: FakeEc2;
const host = { name: 'localhost', vars: {} } as unknown as Host;
const base = { region: FAKE.region, cluster: 'test', vpc_subnet_id: FAKE.subnet, key_name: FAKE.key };
const kafka = (extra: Record<string, unknown> = {}) => ({
  ...base,
  role: 'kafka',
  name_prefix: 'kafka',
  image: { name: 'debian-12' },
  security_groups: [FAKE.groupName],
  ...extra,
});

async function apply(args: Record<string, unknown>, check = false) {
  const out = await runModule(
    ec2Instance,
    prepareArgs(ec2Instance, structuredClone(args), { where: 'test' }),
    host,
    {
      check,
    },
  );
  if (out.status === 'failed') throw new Error(out.msg);
  return out;
}

const alive = () => world.instances.filter((i) => i.State?.Name !== 'terminated');
const names = () => alive().map((i) => i.Tags?.find((t) => t.Key === 'Name')?.Value);
const tag = (i: { Tags?: { Key?: string; Value?: string }[] }, k: string) =>
  i.Tags?.find((t) => t.Key === k)?.Value;

describe('ec2_instance against the fake EC2', function () {
  this.timeout(20_000);
  const saved = { ...awsTiming };
  before(async () => {
    Object.assign(awsTiming, { baseMs: 1, maxMs: 4, waitMinDelay: 0.01, waitMaxDelay: 0.04 });
    await ec2Sdk(); // about a second, once
  });
  after(() => Object.assign(awsTiming, saved));
  beforeEach(async () => {
    world = await FakeEc2.install();
  });
  afterEach(() => world.restore());

  testModule(ec2Instance, {
    snapshot: () => world.snapshot(),
    changed: [
      {
        name: 'launches kafka1 from the newest official Debian 12, tagged, in the subnet with the group',
        args: () => kafka({ exact_count: 1, tags: { env: 'ci' } }),
        verify: (_f, out) => {
          const [i] = alive();
          expect(i.ImageId).to.equal(FAKE.debian);
          expect(i.SecurityGroups?.map((g) => g.GroupId)).to.deep.equal([FAKE.group]);
          expect([tag(i, 'Name'), tag(i, 'sdtd:cluster'), tag(i, 'sdtd:role'), tag(i, 'env')]).to.deep.equal([
            'kafka1',
            'test',
            'kafka',
            'ci',
          ]);
          const [r] = out.result.instances as Record<string, unknown>[];
          expect(r).to.include({
            name: 'kafka1',
            address: '10.0.1.4',
            state: 'running',
            instance_id: i.InstanceId,
          });
          expect(r.private_dns_name).to.equal('ip-10-0-1-4.eu-west-1.compute.internal');
          expect(out.result.image_id).to.equal(FAKE.debian);
        },
      },
      {
        name: 'exact_count scales up by launching only the missing number, in one call',
        setup: () => apply({ ...base, role: 'zk', image_id: FAKE.debian, exact_count: 1 }),
        args: () => ({ ...base, role: 'zk', image_id: FAKE.debian, exact_count: 3 }),
        verify: () => {
          const runs = world.calls.filter((c) => c.op === 'RunInstances');
          expect(runs.map((c) => c.input.MaxCount)).to.deep.equal([1, 2]);
          expect(alive()).to.have.length(3);
        },
      },
      {
        name: 'exact_count scales down by terminating the oldest',
        setup: async () => {
          for (const n of [1, 2, 3]) await apply(kafka({ exact_count: n }));
        },
        args: () => kafka({ exact_count: 1 }),
        verify: (_f, out) => {
          expect(names()).to.deep.equal(['kafka3']);
          expect(out.result.terminated_ids).to.have.length(2);
        },
      },
      {
        name: 'stops running instances to save credits',
        setup: () => apply(kafka({ exact_count: 2 })),
        args: () => kafka({ state: 'stopped' }),
        verify: (_f, out) => {
          expect(alive().map((i) => i.State?.Name)).to.deep.equal(['stopped', 'stopped']);
          expect((out.result.instances as { public_ip_address: unknown }[])[0].public_ip_address).to.equal(
            null,
          );
        },
      },
      {
        name: 'starts stopped instances again',
        setup: async () => {
          await apply(kafka({ exact_count: 1 }));
          await apply(kafka({ state: 'stopped' }));
        },
        args: () => kafka({ state: 'running' }),
        verify: () => expect(alive()[0].State?.Name).to.equal('running'),
      },
      {
        name: 'terminates the whole cluster',
        setup: () => apply(kafka({ exact_count: 2 })),
        args: () => ({ ...base, state: 'absent' }),
        verify: () => expect(alive()).to.have.length(0),
      },
      {
        name: 'sets and purges tags on existing instances, leaving cluster, role and Name',
        setup: () => apply(kafka({ exact_count: 1, tags: { env: 'ci', old: 'x' } })),
        args: () => kafka({ tags: { env: 'prod' } }),
        verify: (_f, out) => {
          expect(Object.keys((out.result.instances as { tags: object }[])[0].tags).sort()).to.deep.equal([
            'Name',
            'env',
            'sdtd:cluster',
            'sdtd:role',
          ]);
          expect(out.diff).to.deep.include({
            kind: 'state',
            what: `${alive()[0].InstanceId} (kafka1) tags`,
            before: 'Name=kafka1, env=ci, old=x, sdtd:cluster=test, sdtd:role=kafka',
            after: 'Name=kafka1, env=prod, sdtd:cluster=test, sdtd:role=kafka',
          });
        },
      },
      {
        name: 'gives new instances the listed static private addresses',
        args: () => kafka({ exact_count: 2, private_ip_address: ['10.0.1.21', '10.0.1.22'] }),
        verify: () =>
          expect(alive().map((i) => i.PrivateIpAddress)).to.deep.equal(['10.0.1.21', '10.0.1.22']),
      },
      {
        name: 'a public address for the manager, with its DNS name',
        args: () => ({
          ...base,
          role: 'manager',
          name: 'manager',
          image_id: FAKE.debian,
          assign_public_ip: true,
        }),
        verify: (_f, out) => {
          const [r] = out.result.instances as Record<string, string>[];
          expect(r.public_ip_address).to.match(/^203\.0\.113\.\d+$/);
          expect(r.public_dns_name).to.match(/^ec2-203-0-113-\d+\.eu-west-1\.compute\.amazonaws\.com$/);
        },
      },
      {
        name: 'restarted stops and starts every run (as Ansible)',
        setup: () => apply(kafka({ exact_count: 1 })),
        args: () => kafka({ state: 'restarted' }),
        idempotent: false,
        verify: () => expect(world.ops().filter((o) => /^(Stop|Start)/.test(o))).to.have.length(2),
      },
      {
        name: 'count launches that many more every run (as Ansible)',
        args: () => ({ ...base, role: 'spark', image: { name: 'ubuntu-24.04' }, count: 2 }),
        idempotent: false,
        verify: () => expect(alive().map((i) => i.ImageId)).to.deep.equal([FAKE.ubuntu, FAKE.ubuntu]),
      },
    ],
    ok: [
      {
        name: 'exact_count already met',
        setup: () => apply(kafka({ exact_count: 2 })),
        args: () => kafka({ exact_count: 2 }),
        verify: (_f, out) =>
          expect((out.result.instances as { name: string }[]).map((i) => i.name)).to.deep.equal([
            'kafka1',
            'kafka2',
          ]),
      },
      { name: 'absent when nothing matches', args: () => ({ ...base, state: 'absent' }) },
      {
        name: 'present leaves a stopped instance stopped',
        setup: async () => {
          await apply(kafka({ exact_count: 1 }));
          await apply(kafka({ state: 'stopped' }));
        },
        args: () => kafka({}),
      },
      {
        name: 'an instance of another cluster is never matched, even by Name',
        setup: () => apply({ ...base, cluster: 'other', name: 'kafka1', image_id: FAKE.debian }),
        args: () => ({ ...base, name: 'kafka1', state: 'absent' }),
        verify: () => expect(alive()).to.have.length(1),
      },
    ],
    invalid: [
      { name: 'misspelt state', args: { state: 'runing' }, error: /did you mean "running"/ },
      { name: 'negative exact_count', args: { exact_count: -1 }, error: /exact_count: expected .*>= 0/ },
      { name: 'unknown argument', args: { instance_typ: 't3.micro' }, error: /did you mean "instance_type"/ },
      {
        name: 'unknown volume type',
        args: { volumes: [{ ebs: { volume_type: 'gp9' } }] },
        error: /volume_type/,
      },
      { name: 'an instance id that is not one', args: { instance_ids: ['web1'] }, error: /instance_ids/ },
    ],
    failed: [
      {
        name: 'count and exact_count',
        args: () => kafka({ count: 1, exact_count: 1 }),
        error: /^expected count or exact_count \(got both\)$/,
      },
      {
        name: 'nothing says which instances are ours',
        args: () => ({ region: FAKE.region, image_id: FAKE.debian, exact_count: 1 }),
        error:
          /^expected cluster, role, name, name_prefix, filters or instance_ids .*every instance in the account/,
      },
      {
        name: 'no image to launch from',
        args: () => ({ ...base, exact_count: 1 }),
        error: /^expected image_id or image to launch 1 instance \(got neither\)$/,
      },
      {
        name: 'no image matches the pattern',
        args: () => kafka({ image: { name: 'debian-13' }, exact_count: 1 }),
        error: /^expected an available x86_64 image named debian-13 in eu-west-1 \(got none\)$/,
      },
      {
        name: 'fewer free addresses than new instances',
        args: () => kafka({ exact_count: 2, private_ip_address: '10.0.1.21' }),
        error:
          /^expected a free address in private_ip_address for each of 2 new instances \(got 1 free of 10\.0\.1\.21\)$/,
      },
      {
        name: 'a security group that does not exist',
        args: () => kafka({ exact_count: 1, security_groups: ['nope'] }),
        error: /^expected security groups nope in the VPC of subnet-\w+ \(got none by that name\)$/,
      },
      {
        name: 'EC2 refuses the launch: its code and message, one line',
        args: () => kafka({ exact_count: 1, key_name: 'missing' }),
        error: /^expected EC2 RunInstances to succeed \(got InvalidKeyPair\.NotFound: .*missing.*\)$/,
      },
    ],
  });
});

describe('ec2_instance acceptance (fake EC2)', function () {
  this.timeout(20_000);
  const saved = { ...awsTiming };
  before(() => Object.assign(awsTiming, { baseMs: 1, maxMs: 4, waitMinDelay: 0.01, waitMaxDelay: 0.04 }));
  after(() => Object.assign(awsTiming, saved));
  beforeEach(async () => {
    world = await FakeEc2.install();
  });
  afterEach(() => world.restore());

  it('--check makes no mutating call, and says what it would do', async () => {
    await apply(kafka({ exact_count: 3, tags: { env: 'ci' } }));
    await apply(kafka({ state: 'stopped', name_prefix: undefined, name: 'kafka3' }));
    world.calls.length = 0;
    const before = world.snapshot();
    const cases = [
      kafka({ exact_count: 5 }),
      kafka({ exact_count: 1 }),
      kafka({ state: 'running' }),
      kafka({ state: 'restarted' }),
      kafka({ tags: { env: 'prod' } }),
      { ...base, state: 'absent' },
    ];
    const steps: string[] = [];
    for (const args of cases) {
      const out = await apply(args, true);
      expect(out.status, JSON.stringify(args)).to.equal('changed');
      steps.push(...out.steps);
    }
    expect(world.mutatingCalls()).to.deep.equal([]);
    expect([...new Set(world.ops())]).to.deep.equal(['DescribeInstances', 'DescribeImages']);
    expect(world.snapshot()).to.equal(before);
    expect(steps).to.include.members([
      'launch 2 x t3.micro from ami-0deb12000000002 (debian-12-amd64-20250210-2019) as kafka4, kafka5',
      `start ${world.instances[2].InstanceId} (kafka3)`,
    ]);
    expect(
      steps.some((s) => /^terminate .*\(kafka1\), .*\(kafka2\) \(the oldest: 3 match, 1 wanted\)$/.test(s)),
    ).to.equal(true);
  });

  it('check mode predicts the registered result and the diff of states', async () => {
    await apply(kafka({ exact_count: 1 }));
    const out = await apply(kafka({ exact_count: 2, state: 'stopped' }), true);
    const id = world.instances[0].InstanceId;
    expect(out.result.instances).to.deep.include({
      name: 'kafka2',
      address: null,
      state: 'stopped',
      instance_id: null,
    });
    expect(out.diff).to.deep.equal([
      { kind: 'state', what: 'kafka2', before: 'absent', after: 'stopped' },
      { kind: 'state', what: `${id} (kafka1)`, before: 'running', after: 'stopped' },
    ]);
  });

  it('follows NextToken through every page of DescribeInstances', async () => {
    await apply({ ...base, role: 'cassandra', image_id: FAKE.debian, exact_count: 5 });
    world.pageSize = 2;
    world.calls.length = 0;
    const out = await apply({ ...base, role: 'cassandra', image_id: FAKE.debian, exact_count: 5 });
    expect(out.status).to.equal('ok');
    const describes = world.calls.filter((c) => c.op === 'DescribeInstances');
    expect(describes.map((c) => c.input.NextToken)).to.deep.equal([
      undefined,
      'fake-token-2',
      'fake-token-4',
    ]);
    expect(out.result.instance_ids).to.have.length(5);
  });

  it('retries throttling (RequestLimitExceeded then success) without launching twice', async () => {
    world.throttle('DescribeInstances', 2).throttle('RunInstances', 1);
    const out = await apply(kafka({ exact_count: 1 }));
    expect(out.status).to.equal('changed');
    const runs = world.calls.filter((c) => c.op === 'RunInstances');
    expect(runs).to.have.length(2);
    expect(runs[0].input.ClientToken).to.be.a('string').and.equal(runs[1].input.ClientToken);
    expect(alive()).to.have.length(1);
  });

  it('a retried RunInstances whose first try did launch gets the same instances back (ClientToken)', async () => {
    await apply(kafka({ exact_count: 1 }));
    const first = world.calls.find((c) => c.op === 'RunInstances')!.input;
    await world.dispatch('RunInstances', first);
    expect(alive()).to.have.length(1);
  });

  it('retries an instance not yet visible after RunInstances (eventual consistency)', async () => {
    world.invisibleFor = 2;
    const out = await apply(kafka({ exact_count: 1, wait: false }));
    expect(world.calls.filter((c) => c.op === 'DescribeInstances').length).to.be.greaterThan(2);
    expect((out.result.instances as { name: string }[])[0].name).to.equal('kafka1');
  });

  it('waits with the SDK waiter; on timeout names the instance and its last state', async () => {
    world.settleAfter = Number.POSITIVE_INFINITY;
    let msg = '';
    try {
      await apply(kafka({ exact_count: 1, wait_timeout: 1 }));
    } catch (e) {
      msg = (e as Error).message;
    }
    const id = world.instances[0].InstanceId;
    expect(msg).to.equal(`expected ${id} (kafka1) to be running within 1 s (got pending)`);
  });

  it('purge_tags keeps Name, cluster and role even when tags does not list them', async () => {
    await apply(kafka({ exact_count: 1, tags: { env: 'ci' } }));
    await apply({ ...base, role: 'kafka', tags: { owner: 'me' } });
    const keys = (world.instances[0].Tags ?? []).map((t) => t.Key).sort();
    expect(keys).to.deep.equal(['Name', 'owner', 'sdtd:cluster', 'sdtd:role']);
  });

  it('returns ids, private and public addresses and DNS names for register', async () => {
    const out = await apply({
      ...base,
      role: 'manager',
      name: 'manager',
      image_id: FAKE.debian,
      assign_public_ip: true,
    });
    const [i] = world.instances;
    expect(out.result.instance_ids).to.deep.equal([i.InstanceId]);
    expect(out.result.changed_ids).to.deep.equal([i.InstanceId]);
    expect(out.result.instances).to.deep.equal([
      {
        name: 'manager',
        address: i.PrivateIpAddress,
        state: 'running',
        instance_id: i.InstanceId,
        instance_type: 't3.micro',
        image_id: FAKE.debian,
        role: 'manager',
        private_ip_address: i.PrivateIpAddress,
        public_ip_address: i.PublicIpAddress,
        private_dns_name: i.PrivateDnsName,
        public_dns_name: i.PublicDnsName,
        launch_time: new Date(i.LaunchTime!).toISOString(),
        availability_zone: 'eu-west-1a',
        subnet_id: FAKE.subnet,
        vpc_id: FAKE.vpc,
        key_name: FAKE.key,
        tags: { Name: 'manager', 'sdtd:cluster': 'test', 'sdtd:role': 'manager' },
      },
    ]);
  });
});

// Table tests for ec2_vpc against the fake EC2: create, DNS attributes, tags, delete; never another cluster's VPC.
import { expect } from 'chai';
import ec2Vpc from '../../modules/ec2_vpc.js';
import { FAKE } from '../lib/fake-ec2.js';
import { apply, unchanged, useFakeEc2 } from '../lib/fake-ec2-run.js';
import { testModule } from '../lib/module-tester.js';

const base = { region: FAKE.region, cluster: 'test', name: 'test' };
const vpc = (extra: Record<string, unknown> = {}) => ({ ...base, ...extra });
const tags = (v: { Tags?: { Key?: string; Value?: string }[] }) =>
  Object.fromEntries((v.Tags ?? []).map((t) => [t.Key, t.Value]));

describe('ec2_vpc against the fake EC2', function () {
  this.timeout(20_000);
  const world = useFakeEc2();
  const ours = () => world().vpcs.filter((v) => tags(v)['sdtd:cluster'] === 'test');

  testModule(ec2Vpc, {
    snapshot: () => unchanged(world()),
    changed: [
      {
        name: 'creates the VPC with the default block, tagged, DNS support and hostnames on',
        args: () => vpc(),
        verify: (_f, out) => {
          const [v] = ours();
          expect(v.CidrBlock).to.equal('10.42.0.0/16');
          expect(tags(v)).to.deep.equal({ Name: 'test', 'sdtd:cluster': 'test' });
          expect(world().vpcDns[v.VpcId!]).to.deep.equal({
            EnableDnsSupport: true,
            EnableDnsHostnames: true,
          });
          expect(out.result.vpc_id).to.equal(v.VpcId);
          expect(out.result.vpc).to.include({ id: v.VpcId, cidr_block: '10.42.0.0/16', dns_hostnames: true });
          expect(out.steps).to.deep.equal([
            'create VPC test (10.42.0.0/16)',
            'enable dns_hostnames in VPC test',
            'describe the result',
          ]);
        },
      },
      {
        name: 'a given block, extra tags, hostnames off: one call',
        args: () => vpc({ cidr_block: '10.9.0.0/20', dns_hostnames: false, tags: { env: 'ci' } }),
        verify: () => {
          expect(ours().map((v) => [v.CidrBlock, tags(v).env])).to.deep.equal([['10.9.0.0/20', 'ci']]);
          expect(
            world()
              .mutatingCalls()
              .map((c) => c.op),
          ).to.deep.equal(['CreateVpc']);
        },
      },
      {
        name: 'turns DNS hostnames on in an existing VPC, with a diff',
        setup: () => apply(ec2Vpc, vpc({ dns_hostnames: false })),
        args: () => vpc(),
        verify: (_f, out) => {
          expect(world().vpcDns[ours()[0].VpcId!].EnableDnsHostnames).to.equal(true);
          expect(out.diff).to.deep.equal([
            {
              kind: 'state',
              what: `VPC ${ours()[0].VpcId} (test) dns_hostnames`,
              before: 'false',
              after: 'true',
            },
          ]);
        },
      },
      {
        name: 'sets and purges tags, keeping Name and the cluster tag',
        setup: () => apply(ec2Vpc, vpc({ tags: { env: 'ci', old: 'x' } })),
        args: () => vpc({ tags: { env: 'prod' } }),
        verify: () =>
          expect(tags(ours()[0])).to.deep.equal({ Name: 'test', 'sdtd:cluster': 'test', env: 'prod' }),
      },
      {
        name: 'absent deletes our VPC',
        setup: () => apply(ec2Vpc, vpc()),
        args: () => vpc({ state: 'absent' }),
        verify: () => expect(ours()).to.deep.equal([]),
      },
    ],
    ok: [
      {
        name: 'already as asked',
        setup: () => apply(ec2Vpc, vpc({ tags: { env: 'ci' } })),
        args: () => vpc({ tags: { env: 'ci' } }),
      },
      { name: 'absent when there is none', args: () => vpc({ state: 'absent' }) },
      {
        name: 'a VPC of another cluster with the same Name is never matched',
        setup: () => apply(ec2Vpc, vpc({ cluster: 'other' })),
        args: () => vpc({ state: 'absent' }),
        verify: () => expect(world().vpcs).to.have.length(1),
      },
      {
        name: 'an untagged VPC with the same Name is not ours',
        setup: () =>
          world().vpcs.push({
            VpcId: 'vpc-0untagged',
            CidrBlock: '10.1.0.0/16',
            Tags: [{ Key: 'Name', Value: 'test' }],
          }),
        args: () => vpc({ state: 'absent' }),
        verify: () => expect(world().vpcs.map((v) => v.VpcId)).to.deep.equal(['vpc-0untagged']),
      },
    ],
    invalid: [
      { name: 'no cluster', args: { name: 'x' }, error: /cluster/ },
      {
        name: 'a cluster pattern (filters take * as a wildcard)',
        args: { name: 'x', cluster: 'sd*' },
        error: /cluster/,
      },
      {
        name: 'misspelt state',
        args: { name: 'x', cluster: 'c', state: 'absnt' },
        error: /did you mean "absent"/,
      },
      {
        name: 'unknown argument',
        args: { name: 'x', cluster: 'c', dns_hostname: true },
        error: /did you mean "dns_hostnames"/,
      },
    ],
    failed: [
      {
        name: 'another block for an existing VPC',
        setup: () => apply(ec2Vpc, vpc()),
        args: () => vpc({ cidr_block: '10.43.0.0/16' }),
        error:
          /^expected VPC vpc-\w+ \(test\) to have block 10\.43\.0\.0\/16 \(got 10\.42\.0\.0\/16\): a VPC's block never changes/,
      },
      {
        name: 'a block EC2 refuses',
        args: () => vpc({ cidr_block: '10.0.0.0/8' }),
        error:
          /^expected cidr_block an IPv4 block a\.b\.c\.d\/n with n from 16 to 28 and no host bits \(got "10\.0\.0\.0\/8"\)$/,
      },
      {
        name: 'two of ours with one Name',
        setup: async () => {
          await apply(ec2Vpc, vpc());
          await apply(ec2Vpc, vpc({ name: 'b' }));
          world().vpcs[1].Tags = world().vpcs[0].Tags;
        },
        args: () => vpc(),
        error:
          /^expected at most one VPC named test in cluster test \(got 2: vpc-\w+, vpc-\w+\); delete the extra ones$/,
      },
      {
        name: 'a VPC still holding a subnet',
        setup: async () => {
          const out = await apply(ec2Vpc, vpc());
          world().subnets.push({
            SubnetId: 'subnet-0left',
            VpcId: out.result.vpc_id as string,
            CidrBlock: '10.42.0.0/24',
          });
        },
        args: () => vpc({ state: 'absent' }),
        error:
          /^expected nothing left using VPC vpc-\w+ \(test\) \(got DependencyViolation: .*\); playbooks\/teardown\.yml removes things in order$/,
      },
    ],
  });

  it('--check makes no mutating call and predicts the VPC for register', async () => {
    const out = await apply(ec2Vpc, vpc(), true);
    expect(world().mutatingCalls()).to.deep.equal([]);
    expect(out.status).to.equal('changed');
    expect(out.result.vpc_id).to.equal(null);
    expect(out.result.vpc).to.include({
      id: null,
      cidr_block: '10.42.0.0/16',
      dns_hostnames: true,
      name: 'test',
    });
  });

  it('waits for a pending VPC, and retries throttling on create without making two', async () => {
    world().throttle('CreateVpc', 2);
    const out = await apply(ec2Vpc, vpc());
    expect(out.result.vpc).to.include({ state: 'available' });
    expect(ours()).to.have.length(1);
    expect(
      world()
        .ops()
        .filter((o) => o === 'CreateVpc'),
    ).to.have.length(3);
  });
});

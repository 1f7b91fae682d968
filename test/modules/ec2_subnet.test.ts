// Table tests for ec2_subnet against the fake EC2: blocks derived from the VPC, zones, public addresses, delete.
import { expect } from 'chai';
import ec2Subnet from '../../modules/ec2_subnet.js';
import ec2Vpc from '../../modules/ec2_vpc.js';
import { FAKE } from '../lib/fake-ec2.js';
import { apply, unchanged, useFakeEc2 } from '../lib/fake-ec2-run.js';
import { testModule } from '../lib/module-tester.js';

const base = { region: FAKE.region, cluster: 'test', name: 'test-a' };
let vpcId = '';
const mkVpc = async (cluster = 'test') => {
  vpcId = (await apply(ec2Vpc, { region: FAKE.region, cluster, name: 'test' })).result.vpc_id as string;
};
const subnet = (extra: Record<string, unknown> = {}) => ({ ...base, vpc_id: vpcId, ...extra });

describe('ec2_subnet against the fake EC2', function () {
  this.timeout(20_000);
  const world = useFakeEc2();
  const ours = () =>
    world().subnets.filter((s) => s.Tags?.some((t) => t.Key === 'sdtd:cluster' && t.Value === 'test'));

  testModule(ec2Subnet, {
    snapshot: () => unchanged(world()),
    changed: [
      {
        name: 'creates the first /24 of the VPC, private by default, tagged',
        setup: () => mkVpc(),
        args: () => subnet(),
        verify: (_f, out) => {
          const [s] = ours();
          expect([s.CidrBlock, s.VpcId, s.MapPublicIpOnLaunch]).to.deep.equal(['10.42.0.0/24', vpcId, false]);
          expect(out.result.subnet_id).to.equal(s.SubnetId);
          expect(out.result.subnet).to.include({
            cidr_block: '10.42.0.0/24',
            vpc_id: vpcId,
            state: 'available',
          });
        },
      },
      {
        name: 'the n-th /24, in a zone, with public addresses',
        setup: () => mkVpc(),
        args: () => subnet({ cidr_index: 3, az: 'eu-west-1b', map_public: true }),
        verify: () =>
          expect(ours().map((s) => [s.CidrBlock, s.AvailabilityZone, s.MapPublicIpOnLaunch])).to.deep.equal([
            ['10.42.3.0/24', 'eu-west-1b', true],
          ]),
      },
      {
        name: 'a given block',
        setup: () => mkVpc(),
        args: () => subnet({ cidr: '10.42.128.0/20' }),
        verify: () => expect(ours()[0].CidrBlock).to.equal('10.42.128.0/20'),
      },
      {
        name: 'stops mapping public addresses in an existing subnet',
        setup: async () => {
          await mkVpc();
          await apply(ec2Subnet, subnet({ map_public: true }));
        },
        args: () => subnet(),
        verify: (_f, out) => {
          expect(ours()[0].MapPublicIpOnLaunch).to.equal(false);
          expect(out.steps[0]).to.equal('do not map public addresses in subnet test-a');
        },
      },
      {
        name: 'absent deletes ours, by name, without a VPC id',
        setup: async () => {
          await mkVpc();
          await apply(ec2Subnet, subnet());
        },
        args: () => ({ ...base, state: 'absent' }),
        verify: () => expect(ours()).to.deep.equal([]),
      },
    ],
    ok: [
      {
        name: 'already as asked (no block given: the existing one stays)',
        setup: async () => {
          await mkVpc();
          await apply(ec2Subnet, subnet({ cidr_index: 2 }));
        },
        args: () => subnet(),
      },
      { name: 'absent when there is none', args: () => ({ ...base, state: 'absent' }) },
      {
        name: 'a subnet of another cluster is left alone',
        setup: async () => {
          await mkVpc('other');
          await apply(ec2Subnet, subnet({ cluster: 'other' }));
        },
        args: () => ({ ...base, state: 'absent' }),
        verify: () => expect(world().subnets).to.have.length(1),
      },
    ],
    invalid: [
      { name: 'no name', args: { cluster: 'c', vpc_id: 'vpc-1' }, error: /name/ },
      { name: 'a negative index', args: { ...base, vpc_id: 'vpc-1', cidr_index: -1 }, error: /cidr_index/ },
      { name: 'unknown argument', args: { ...base, map_pubic: true }, error: /did you mean "map_public"/ },
    ],
    failed: [
      {
        name: 'a block outside the VPC',
        setup: () => mkVpc(),
        args: () => subnet({ cidr: '10.43.0.0/24' }),
        error: /^expected cidr inside the VPC block 10\.42\.0\.0\/16 \(got 10\.43\.0\.0\/24\)$/,
      },
      {
        name: 'another block for an existing subnet',
        setup: async () => {
          await mkVpc();
          await apply(ec2Subnet, subnet());
        },
        args: () => subnet({ cidr_index: 1 }),
        error:
          /^expected subnet subnet-\w+ \(test-a\) to have block 10\.42\.1\.0\/24 \(got 10\.42\.0\.0\/24\)/,
      },
      {
        name: 'cidr and cidr_index',
        args: () => subnet({ cidr: '10.42.0.0/24', cidr_index: 0 }),
        error: /^expected cidr or cidr_index \(got both\)$/,
      },
      {
        name: 'present without a VPC',
        args: () => ({ ...base }),
        error: /^expected vpc_id for state present \(got none\)$/,
      },
      {
        name: 'an index past the end of the VPC',
        setup: () => mkVpc(),
        args: () => subnet({ cidr_index: 256 }),
        error: /^expected cidr_index below 256, the number of \/24 in 10\.42\.0\.0\/16 \(got 256\)$/,
      },
    ],
  });

  it('check mode with a VPC not made yet (its id empty) plans the subnet, and the real step refuses', async () => {
    const out = await apply(ec2Subnet, subnet({ vpc_id: '' }), true);
    expect(out.status).to.equal('changed');
    expect(out.msg).to.equal('the VPC does not exist yet: an earlier task must create it');
    expect(out.steps[0]).to.equal('create subnet test-a (its /24 number 0)');
    expect(world().mutatingCalls()).to.deep.equal([]);
    const real = await apply(ec2Subnet, subnet({ vpc_id: '' })).catch((e) => e);
    expect(real.message).to.equal('expected vpc_id (got none: the VPC was not created)');
  });
});

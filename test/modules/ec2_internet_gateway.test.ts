// Table tests for ec2_internet_gateway against the fake EC2: create and attach, re-attach, detach and delete.
import { expect } from 'chai';
import ec2InternetGateway from '../../modules/ec2_internet_gateway.js';
import ec2Vpc from '../../modules/ec2_vpc.js';
import { FAKE } from '../lib/fake-ec2.js';
import { apply, unchanged, useFakeEc2 } from '../lib/fake-ec2-run.js';
import { testModule } from '../lib/module-tester.js';

const base = { region: FAKE.region, cluster: 'test', name: 'test' };
let vpcId = '';
const mkVpc = async (name = 'test') => {
  vpcId = (await apply(ec2Vpc, { region: FAKE.region, cluster: 'test', name })).result.vpc_id as string;
  return vpcId;
};
const igw = (extra: Record<string, unknown> = {}) => ({ ...base, vpc_id: vpcId, ...extra });

describe('ec2_internet_gateway against the fake EC2', function () {
  this.timeout(20_000);
  const world = useFakeEc2();
  const gateways = () => world().internetGateways;

  testModule(ec2InternetGateway, {
    snapshot: () => unchanged(world()),
    changed: [
      {
        name: 'creates a tagged gateway and attaches it to the VPC',
        setup: () => mkVpc(),
        args: () => igw(),
        verify: (_f, out) => {
          const [g] = gateways();
          expect(g.Attachments).to.deep.equal([{ State: 'available', VpcId: vpcId }]);
          expect(g.Tags).to.deep.include({ Key: 'sdtd:cluster', Value: 'test' });
          expect(out.result).to.include({ gateway_id: g.InternetGatewayId, vpc_id: vpcId });
          expect(out.steps).to.deep.equal([
            'create internet gateway test',
            'attach internet gateway test to ' + vpcId,
            'describe the result',
          ]);
        },
      },
      {
        name: 'attaches our detached gateway again',
        setup: async () => {
          await mkVpc();
          await apply(ec2InternetGateway, igw());
          gateways()[0].Attachments = [];
        },
        args: () => igw(),
        verify: () => expect(gateways()[0].Attachments?.[0]?.VpcId).to.equal(vpcId),
      },
      {
        name: 'absent detaches and deletes ours',
        setup: async () => {
          await mkVpc();
          await apply(ec2InternetGateway, igw());
        },
        args: () => ({ ...base, state: 'absent' }),
        verify: (_f, out) => {
          expect(gateways()).to.deep.equal([]);
          expect(out.steps.map((s) => s.split(' ')[0])).to.deep.equal(['detach', 'delete']);
        },
      },
    ],
    ok: [
      {
        name: 'already there and attached',
        setup: async () => {
          await mkVpc();
          await apply(ec2InternetGateway, igw());
        },
        args: () => igw(),
      },
      { name: 'absent when there is none', args: () => ({ ...base, state: 'absent' }) },
      {
        name: 'an untagged gateway with the same Name is left alone',
        setup: () =>
          world().internetGateways.push({
            InternetGatewayId: 'igw-0abc',
            Tags: [{ Key: 'Name', Value: 'test' }],
          }),
        args: () => ({ ...base, state: 'absent' }),
        verify: () => expect(gateways()).to.have.length(1),
      },
    ],
    invalid: [
      { name: 'no cluster', args: { name: 'x', vpc_id: 'vpc-1' }, error: /cluster/ },
      { name: 'unknown argument', args: { ...base, vpc: 'vpc-1' }, error: /vpc/ },
    ],
    failed: [
      {
        name: 'ours, attached to another VPC',
        setup: async () => {
          await mkVpc('one');
          await apply(ec2InternetGateway, igw());
          await mkVpc('two');
        },
        args: () => igw(),
        error:
          /^expected internet gateway igw-\w+ \(test\) attached to vpc-\w+ \(got attached to vpc-\w+\); detach it first$/,
      },
      {
        name: 'present without a VPC',
        args: () => ({ ...base }),
        error: /^expected vpc_id for state present \(got none\)$/,
      },
      {
        name: 'a VPC that has another gateway already',
        setup: async () => {
          await mkVpc();
          await apply(ec2InternetGateway, igw({ name: 'first' }));
        },
        args: () => igw(),
        error:
          /^expected vpc-\w+ to have no internet gateway but test \(got igw-\w+ \(first\)\): a VPC has one$/,
      },
    ],
  });

  it('detaching under mapped public addresses says what is in the way', async () => {
    await mkVpc();
    await apply(ec2InternetGateway, igw());
    world().instances.push({
      InstanceId: 'i-0pub',
      VpcId: vpcId,
      PublicIpAddress: '203.0.113.9',
      State: { Name: 'running' },
    });
    const e = await apply(ec2InternetGateway, { ...base, state: 'absent' }).catch((x) => x);
    expect(e.message).to.match(
      /^expected nothing left using internet gateway igw-\w+ \(test\) \(got DependencyViolation: Network vpc-\w+ has some mapped public address/,
    );
  });
});

// Table tests for ec2_route_table against the fake EC2: default route to the gateway, subnets, purges, delete.
import { expect } from 'chai';
import ec2InternetGateway from '../../modules/ec2_internet_gateway.js';
import ec2RouteTable from '../../modules/ec2_route_table.js';
import ec2Subnet from '../../modules/ec2_subnet.js';
import ec2Vpc from '../../modules/ec2_vpc.js';
import { FAKE } from '../lib/fake-ec2.js';
import { apply, unchanged, useFakeEc2 } from '../lib/fake-ec2-run.js';
import { testModule } from '../lib/module-tester.js';

const aws = { region: FAKE.region, cluster: 'test' };
const ids = { vpc: '', a: '', b: '', igw: '' };
async function net(gateway = true) {
  ids.vpc = (await apply(ec2Vpc, { ...aws, name: 'test' })).result.vpc_id as string;
  const sub = async (name: string, i: number) =>
    (await apply(ec2Subnet, { ...aws, name, vpc_id: ids.vpc, cidr_index: i })).result.subnet_id as string;
  ids.a = await sub('test-a', 0);
  ids.b = await sub('test-b', 1);
  if (gateway)
    ids.igw = (await apply(ec2InternetGateway, { ...aws, name: 'test', vpc_id: ids.vpc })).result
      .gateway_id as string;
}
const rtb = (extra: Record<string, unknown> = {}) => ({
  ...aws,
  name: 'test-public',
  vpc_id: ids.vpc,
  subnets: [ids.a],
  routes: [{ gateway_id: 'igw' }],
  ...extra,
});

describe('ec2_route_table against the fake EC2', function () {
  this.timeout(20_000);
  const world = useFakeEc2();
  const table = () => world().routeTables.find((t) => t.Tags?.some((x) => x.Value === 'test-public'));
  const routes = () => (table()?.Routes ?? []).map((r) => `${r.DestinationCidrBlock} ${r.GatewayId}`);
  const subnets = () => (table()?.Associations ?? []).map((x) => x.SubnetId);

  testModule(ec2RouteTable, {
    snapshot: () => unchanged(world()),
    changed: [
      {
        name: 'creates the table with the default route to the internet gateway, for the subnet',
        setup: () => net(),
        args: () => rtb(),
        verify: (_f, out) => {
          expect(routes()).to.deep.equal(['10.42.0.0/16 local', `0.0.0.0/0 ${ids.igw}`]);
          expect(subnets()).to.deep.equal([ids.a]);
          expect(out.result.route_table).to.deep.include({
            routes: [{ destination_cidr_block: '0.0.0.0/0', gateway_id: ids.igw, state: 'active' }],
          });
        },
      },
      {
        name: 'adds a subnet and lets go of one not listed',
        setup: async () => {
          await net();
          await apply(ec2RouteTable, rtb());
        },
        args: () => rtb({ subnets: [ids.b] }),
        verify: () => expect(subnets()).to.deep.equal([ids.b]),
      },
      {
        name: 'takes a subnet from another table of the VPC (a replace, not an associate)',
        setup: async () => {
          await net();
          await apply(ec2RouteTable, rtb({ name: 'other', routes: [] }));
        },
        args: () => rtb(),
        verify: (_f, out) => {
          expect(subnets()).to.deep.equal([ids.a]);
          expect(out.steps[2]).to.match(/^move subnet subnet-\w+ from rtb-\w+ to test-public$/);
        },
      },
      {
        name: 'purges a route not listed',
        setup: async () => {
          await net();
          await apply(ec2RouteTable, rtb());
        },
        args: () => rtb({ routes: [] }),
        verify: () => expect(routes()).to.deep.equal(['10.42.0.0/16 local']),
      },
      {
        name: 'absent lets go of the subnets and deletes the table',
        setup: async () => {
          await net();
          await apply(ec2RouteTable, rtb());
        },
        args: () => ({ ...aws, name: 'test-public', state: 'absent' }),
        verify: () => expect(table()).to.equal(undefined),
      },
    ],
    ok: [
      {
        name: 'already as asked',
        setup: async () => {
          await net();
          await apply(ec2RouteTable, rtb());
        },
        args: () => rtb(),
      },
      {
        name: 'purge_subnets false keeps subnets not listed',
        setup: async () => {
          await net();
          await apply(ec2RouteTable, rtb({ subnets: [ids.a, ids.b] }));
        },
        args: () => rtb({ purge_subnets: false }),
      },
      { name: 'absent when there is none', args: () => ({ ...aws, name: 'test-public', state: 'absent' }) },
    ],
    invalid: [
      {
        name: 'a route without a gateway',
        args: { ...aws, name: 'x', routes: [{ dest: '10.0.0.0/8' }] },
        error: /gateway_id/,
      },
      { name: 'subnets as one string', args: { ...aws, name: 'x', subnets: 5 }, error: /subnets/ },
    ],
    failed: [
      {
        name: 'a destination that is no block',
        setup: () => net(),
        args: () => rtb({ routes: [{ dest: 'everywhere', gateway_id: 'igw' }] }),
        error:
          /^expected routes\[0\]\.dest an IPv4 block a\.b\.c\.d\/n with n from 0 to 32 and no host bits \(got "everywhere"\)$/,
      },
      {
        name: 'gateway_id: igw in a VPC without one',
        setup: () => net(false),
        args: () => rtb(),
        error: /^expected the VPC to have an internet gateway for gateway_id: igw \(got none\)$/,
      },
      {
        name: 'a target that is not a gateway',
        setup: () => net(),
        args: () => rtb({ routes: [{ gateway_id: 'nat-0abc' }] }),
        error: /^expected routes\[0\]\.gateway_id igw, igw-\.\.\. or vgw-\.\.\. \(got "nat-0abc"\)$/,
      },
    ],
  });

  it('check mode before the network exists plans every part, from empty ids, with no mutating call', async () => {
    const out = await apply(ec2RouteTable, rtb({ vpc_id: '', subnets: [''] }), true);
    expect(out.status).to.equal('changed');
    expect(out.steps).to.deep.equal([
      'create route table test-public',
      'find the internet gateway of the VPC',
      'route 0.0.0.0/0 via the internet gateway (not there yet: an earlier task must make it) in test-public',
      'associate subnet (new) with test-public',
      'describe the result',
    ]);
    expect(world().mutatingCalls()).to.deep.equal([]);
  });
});

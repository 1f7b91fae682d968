// Table tests for ec2_security_group against the fake EC2: rules as data, safer defaults, purges, someone else's group.
import { expect } from 'chai';
import ec2SecurityGroup from '../../modules/ec2_security_group.js';
import ec2Vpc from '../../modules/ec2_vpc.js';
import { FAKE } from '../lib/fake-ec2.js';
import { apply, unchanged, useFakeEc2 } from '../lib/fake-ec2-run.js';
import { testModule } from '../lib/module-tester.js';

const aws = { region: FAKE.region, cluster: 'test' };
let vpcId = '';
const mkVpc = async () => {
  vpcId = (await apply(ec2Vpc, { ...aws, name: 'test' })).result.vpc_id as string;
};
const ssh = { proto: 'tcp', ports: [22], cidr_ip: '198.51.100.7/32', rule_desc: 'operator' };
const sg = (extra: Record<string, unknown> = {}) => ({
  ...aws,
  name: 'test-manager',
  vpc_id: vpcId,
  rules: [ssh],
  ...extra,
});
const made =
  (args: Record<string, unknown> = {}) =>
  async () => {
    await mkVpc();
    await apply(ec2SecurityGroup, sg(args));
  };

describe('ec2_security_group against the fake EC2', function () {
  this.timeout(20_000);
  const world = useFakeEc2();
  const group = (name = 'test-manager') => world().securityGroups.find((g) => g.GroupName === name)!;
  const ingress = (name?: string) =>
    (group(name).IpPermissions ?? []).flatMap((p) => [
      ...(p.IpRanges ?? []).map((r) =>
        `${p.IpProtocol} ${p.FromPort ?? ''}-${p.ToPort ?? ''} ${r.CidrIp} ${r.Description ?? ''}`.trim(),
      ),
      ...(p.UserIdGroupPairs ?? []).map(
        (r) => `${p.IpProtocol} ${p.FromPort ?? ''}-${p.ToPort ?? ''} ${r.GroupId}`,
      ),
    ]);

  testModule(ec2SecurityGroup, {
    snapshot: () => unchanged(world()),
    changed: [
      {
        name: 'creates the manager group: SSH from the operator only, EC2s default egress, tagged',
        setup: mkVpc,
        args: () => sg(),
        verify: (_f, out) => {
          expect(ingress()).to.deep.equal(['tcp 22-22 198.51.100.7/32 operator']);
          expect(group().IpPermissionsEgress?.[0]).to.include({ IpProtocol: '-1' });
          expect(group().Tags).to.deep.include({ Key: 'sdtd:cluster', Value: 'test' });
          expect(group().Description).to.equal('test-manager (sdtd-play cluster test)');
          expect(out.result).to.include({ group_id: group().GroupId, group_name: 'test-manager' });
        },
      },
      {
        name: 'the cluster group: everything from inside the VPC, and from itself by name',
        setup: mkVpc,
        args: () =>
          sg({
            name: 'test-cluster',
            rules: [
              { proto: 'all', cidr_ip: '10.42.0.0/16' },
              { proto: 'all', group_name: 'test-cluster' },
            ],
          }),
        verify: () => {
          const g = group('test-cluster');
          expect(ingress('test-cluster')).to.deep.equal(['-1 - 10.42.0.0/16', `-1 - ${g.GroupId}`]);
        },
      },
      {
        name: 'adds a listed rule and revokes one not listed',
        setup: made({ rules: [ssh, { ports: ['8000-8099'], cidr_ip: '10.42.0.0/16' }] }),
        args: () => sg({ rules: [ssh, { proto: 'udp', ports: [53], cidr_ip: '10.42.0.0/16' }] }),
        verify: (_f, out) => {
          expect(ingress()).to.deep.equal(['tcp 22-22 198.51.100.7/32 operator', 'udp 53-53 10.42.0.0/16']);
          expect(out.steps.slice(0, 2)).to.deep.equal([
            `revoke ingress of ${group().GroupId} (test-manager): tcp 8000-8099 from 10.42.0.0/16`,
            `authorize ingress of ${group().GroupId} (test-manager): udp 53 from 10.42.0.0/16`,
          ]);
        },
      },
      {
        name: 'changes a rule description in place',
        setup: made(),
        args: () => sg({ rules: [{ ...ssh, rule_desc: 'me, at home' }] }),
        verify: () => expect(ingress()).to.deep.equal(['tcp 22-22 198.51.100.7/32 me, at home']),
      },
      {
        name: 'listed egress replaces the default allow-all',
        setup: mkVpc,
        args: () => sg({ rules_egress: [{ proto: 'tcp', ports: [443], cidr_ip: '0.0.0.0/0' }] }),
        verify: () =>
          expect(group().IpPermissionsEgress?.map((p) => [p.IpProtocol, p.FromPort])).to.deep.equal([
            ['tcp', 443],
          ]),
      },
      {
        name: 'open_to_world lets the whole internet in, when asked',
        setup: mkVpc,
        args: () => sg({ rules: [{ ports: [80], cidr_ip: '0.0.0.0/0' }], open_to_world: true }),
        verify: () => expect(ingress()).to.deep.equal(['tcp 80-80 0.0.0.0/0']),
      },
      {
        name: 'absent deletes ours',
        setup: made(),
        args: () => ({ ...aws, name: 'test-manager', state: 'absent' }),
        verify: () => expect(group()).to.equal(undefined),
      },
    ],
    ok: [
      { name: 'already as asked', setup: made(), args: () => sg() },
      { name: 'rules not given: left as they are', setup: made(), args: () => sg({ rules: undefined }) },
      {
        name: 'purge_rules false keeps rules not listed',
        setup: made(),
        args: () => sg({ rules: [], purge_rules: false }),
      },
      { name: 'absent when there is none', args: () => ({ ...aws, name: 'test-manager', state: 'absent' }) },
      {
        name: "another cluster's group of that name is left alone",
        setup: made({ cluster: 'other' }),
        args: () => ({ ...aws, name: 'test-manager', state: 'absent' }),
        verify: () => expect(group()).to.not.equal(undefined),
      },
    ],
    invalid: [
      {
        name: 'a misspelt rule key',
        args: { ...aws, name: 'x', rules: [{ port: 22 }] },
        error: /did you mean "ports"/,
      },
      { name: 'rules as a mapping', args: { ...aws, name: 'x', rules: { ports: 22 } }, error: /rules/ },
    ],
    failed: [
      {
        name: 'the whole internet, not asked for',
        setup: mkVpc,
        args: () => sg({ rules: [{ ports: [22], cidr_ip: '0.0.0.0/0' }] }),
        error:
          /^expected rules\[0\] to let in less than the whole internet \(got 0\.0\.0\.0\/0\); set open_to_world: true if that is really meant$/,
      },
      {
        name: 'a rule that says not where from',
        setup: mkVpc,
        args: () => sg({ rules: [{ ports: [22] }] }),
        error:
          /^expected rules\[0\] to say where from: cidr_ip, cidr_ipv6, group_id or group_name \(got none\)$/,
      },
      {
        name: 'tcp without ports',
        setup: mkVpc,
        args: () => sg({ rules: [{ cidr_ip: '10.0.0.0/8' }] }),
        error: /^expected rules\[0\]\.ports or from_port\/to_port for tcp \(got neither\)$/,
      },
      {
        name: 'a group of that name in the VPC that is not ours',
        setup: made({ cluster: 'other' }),
        args: () => sg(),
        error:
          /^expected security group test-manager in vpc-\w+ to carry sdtd:cluster=test \(got sg-\w+ with other\): not ours, left alone$/,
      },
      {
        name: 'a rule naming a group that does not exist',
        setup: mkVpc,
        args: () => sg({ rules: [{ proto: 'all', group_name: 'nope' }] }),
        error: /^expected security group nope in vpc-\w+ \(got none by that name\)$/,
      },
    ],
  });

  it('check mode before the VPC exists predicts the rules, self-references included, with no mutating call', async () => {
    const out = await apply(
      ec2SecurityGroup,
      sg({ vpc_id: '', rules: [ssh, { proto: 'all', group_name: 'test-manager' }] }),
      true,
    );
    expect(world().mutatingCalls()).to.deep.equal([]);
    expect(out.result.rules).to.deep.equal([
      { proto: 'tcp', from_port: 22, to_port: 22, cidr_ip: '198.51.100.7/32', rule_desc: 'operator' },
      { proto: 'all', from_port: null, to_port: null, group_id: 'test-manager', rule_desc: null },
    ]);
    expect(out.steps[1]).to.equal(
      'authorize ingress of test-manager: all from test-manager, tcp 22 from 198.51.100.7/32 (operator)',
    );
  });
});

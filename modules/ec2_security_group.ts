// `ec2_security_group`: our security group present with its rules as data, or absent, as Ansible's ec2_security_group.
import type { SecurityGroup } from '@aws-sdk/client-ec2';
import { defineModule, type Plan, TaskFailure } from '../engine/module.js';
import { Bool, Obj, Type } from '../engine/schema.js';
import { connectEc2 } from './lib/aws/client.js';
import {
  atMostOne,
  awsProps,
  idProp,
  nameProp,
  notYet,
  stateProp,
  tagProps,
  wantedTags,
} from './lib/aws/net-args.js';
import { byId, describe, findOwn } from './lib/aws/net-find.js';
import { NetPlan, Ref } from './lib/aws/net-steps.js';
import { type Perm, Rule, rulePerms } from './lib/aws/sg-rules.js';
import { permSteps, resolver, viewGroup } from './lib/aws/sg-steps.js';
import { CLUSTER_TAG, tagMap, tagSpecs } from './lib/aws/tags.js';

const schema = Obj({
  ...awsProps,
  name: nameProp,
  description: Type.Optional(
    Type.String({ description: 'Set on create (default: the name and the cluster).' }),
  ),
  vpc_id: idProp('The VPC'),
  rules: Type.Optional(Type.Array(Rule, { description: 'Ingress rules (not given: left as they are).' })),
  rules_egress: Type.Optional(
    Type.Array(Rule, { description: 'Egress rules (not given: left as they are).' }),
  ),
  purge_rules: Type.Optional(Bool({ description: 'Revoke ingress rules not listed (default true).' })),
  purge_rules_egress: Type.Optional(Bool({ description: 'Revoke egress rules not listed (default true).' })),
  open_to_world: Type.Optional(
    Bool({ description: 'Allow ingress from 0.0.0.0/0 or ::/0 (default false).' }),
  ),
  ...tagProps,
  state: stateProp,
});

export default defineModule({
  name: 'ec2_security_group',
  schema,
  aliases: { group_desc: 'description', resource_tags: 'tags' },
  controllerOnly: true,
  async plan(a): Promise<Plan> {
    const world = a.open_to_world === true;
    const ingress = a.rules === undefined ? undefined : rulePerms(a.rules, 'rules', world);
    // egress to anywhere is how instances reach anything: only ingress is held to the safer default
    const egress = a.rules_egress === undefined ? undefined : rulePerms(a.rules_egress, 'rules_egress', true);
    const ec2 = await connectEc2(a);
    const { sdk } = ec2;
    const s = new NetPlan(ec2);
    const named = [
      { Name: 'group-name', Values: [a.name] },
      ...(a.vpc_id ? [{ Name: 'vpc-id', Values: [a.vpc_id] }] : []),
    ];
    if (a.state === 'absent') {
      const found = (await findOwn(ec2, 'security-group', a.cluster, undefined, named)).filter(
        (g) => g.GroupName === a.name,
      );
      for (const g of found) {
        const label = `${g.GroupId} (${g.GroupName})`;
        s.remove(`security group ${label}`, () =>
          ec2.send(new sdk.DeleteSecurityGroupCommand({ GroupId: g.GroupId })),
        );
      }
      const none = found.length ? undefined : `no security group ${a.name} in ${a.cluster}`;
      return s.done({ group_id: null, group: null }, none);
    }
    if (a.vpc_id === undefined) throw new TaskFailure('expected vpc_id for state present (got none)');
    if (!a.vpc_id) s.note(notYet('the VPC'));
    // names are unique in a VPC: a group of that name that is not ours is someone else's, and left alone
    const same = a.vpc_id
      ? (await describe(ec2, 'security-group', named)).filter((g) => g.GroupName === a.name)
      : [];
    const foreign = same.find((g) => tagMap(g.Tags)[CLUSTER_TAG] !== a.cluster);
    if (foreign)
      throw new TaskFailure(
        `expected security group ${a.name} in ${a.vpc_id} to carry ${CLUSTER_TAG}=${a.cluster} (got ${foreign.GroupId} with ${tagMap(foreign.Tags)[CLUSTER_TAG] ?? 'no such tag'}): not ours, left alone`,
      );
    const g: SecurityGroup | undefined = atMostOne(same, `security group named ${a.name}`, (x) => x.GroupId);
    const want = wantedTags(a);
    const id = new Ref(g?.GroupId);
    const label = g ? `${g.GroupId} (${a.name})` : a.name;
    const resolve = await resolver(ec2, a.name, a.vpc_id, id, [...(ingress ?? []), ...(egress ?? [])]);
    let tags = want.tags;
    const description = a.description ?? `${a.name} (sdtd-play cluster ${a.cluster})`;
    if (!g) {
      s.state(`security group ${a.name}`, 'absent', 'present');
      s.step(`create security group ${a.name} in ${a.vpc_id || 'the VPC'}`, async () => {
        const out = await ec2.send(
          new sdk.CreateSecurityGroupCommand({
            GroupName: a.name,
            Description: description,
            VpcId: a.vpc_id,
            TagSpecifications: tagSpecs(want.tags, ['security-group']),
          }),
          { retryNotFound: true },
        );
        id.id = out.GroupId;
      });
    } else {
      if (a.description !== undefined && g.Description !== a.description)
        s.note(`the description of ${label} stays "${g.Description}": EC2 never changes one`);
      tags = s.tag(g.GroupId!, `security group ${label}`, tagMap(g.Tags), want);
    }
    // a new group comes with EC2's allow-all egress rule
    const newEgress: Perm[] = [{ proto: '-1', kind: 'cidr', source: '0.0.0.0/0' }];
    const rules = { ingress: resolve.now(ingress), egress: resolve.now(egress) };
    if (ingress)
      permSteps(
        s,
        id,
        label,
        'ingress',
        g ? g.IpPermissions : [],
        rules.ingress!,
        a.purge_rules !== false,
        resolve,
      );
    if (egress)
      permSteps(
        s,
        id,
        label,
        'egress',
        g ? g.IpPermissionsEgress : undefined,
        rules.egress!,
        a.purge_rules_egress !== false,
        resolve,
        newEgress,
      );
    s.observe(async () => ({ group_id: id.id, ...viewGroup(await byId(ec2, 'security-group', id.get())) }));
    const predicted: SecurityGroup = g ?? {
      GroupName: a.name,
      Description: description,
      VpcId: a.vpc_id || undefined,
    };
    return s.done({ group_id: g?.GroupId ?? null, ...viewGroup(predicted, rules, tags) });
  },
});

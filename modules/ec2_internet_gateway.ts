// `ec2_internet_gateway`: our internet gateway present and attached to our VPC, or detached and deleted, as Ansible's ec2_vpc_igw.
import type { InternetGateway } from '@aws-sdk/client-ec2';
import { defineModule, type Plan, TaskFailure } from '../engine/module.js';
import { Obj } from '../engine/schema.js';
import { connectEc2 } from './lib/aws/client.js';
import {
  atMostOne,
  awsProps,
  idProp,
  nameProp,
  need,
  notYet,
  stateProp,
  tagProps,
  wantedTags,
} from './lib/aws/net-args.js';
import { byId, describe, findOwn, labelOf } from './lib/aws/net-find.js';
import { deleting, NetPlan, Ref } from './lib/aws/net-steps.js';
import { type TagMap, tagMap, tagSpecs } from './lib/aws/tags.js';

const schema = Obj({
  ...awsProps,
  name: nameProp,
  vpc_id: idProp('The VPC to attach to'),
  ...tagProps,
  state: stateProp,
});

const attachedTo = (g: InternetGateway | undefined) =>
  (g?.Attachments ?? [])
    .filter((x) => x.State !== 'detached' && x.State !== 'detaching')
    .map((x) => x.VpcId!);

function view(g: InternetGateway | undefined, vpc: string | undefined, tags?: TagMap) {
  return {
    gateway_id: g?.InternetGatewayId ?? null,
    vpc_id: vpc ?? null,
    attachments: vpc ? [{ vpc_id: vpc, state: 'available' }] : [],
    tags: tags ?? tagMap(g?.Tags),
  };
}

export default defineModule({
  name: 'ec2_internet_gateway',
  schema,
  aliases: { resource_tags: 'tags' },
  controllerOnly: true,
  async plan(a): Promise<Plan> {
    const ec2 = await connectEc2(a);
    const { sdk } = ec2;
    const s = new NetPlan(ec2);
    const found = await findOwn(ec2, 'internet-gateway', a.cluster, a.name);
    if (a.state === 'absent') {
      for (const g of found) {
        const label = labelOf('internet-gateway', g);
        for (const vpc of attachedTo(g)) {
          s.state(`internet gateway ${label} attachment`, vpc, 'detached');
          s.step(`detach internet gateway ${label} from ${vpc}`, () =>
            deleting(`internet gateway ${label}`, () =>
              ec2.send(
                new sdk.DetachInternetGatewayCommand({ InternetGatewayId: g.InternetGatewayId, VpcId: vpc }),
              ),
            ),
          );
        }
        s.remove(`internet gateway ${label}`, () =>
          ec2.send(new sdk.DeleteInternetGatewayCommand({ InternetGatewayId: g.InternetGatewayId })),
        );
      }
      const none = found.length ? undefined : `no internet gateway ${a.name} in ${a.cluster}`;
      return s.done({ gateway_id: null, vpc_id: null }, none);
    }
    if (a.vpc_id === undefined) throw new TaskFailure('expected vpc_id for state present (got none)');
    if (!a.vpc_id) s.note(notYet('the VPC'));
    const g = atMostOne(
      found,
      `internet gateway named ${a.name} in cluster ${a.cluster}`,
      (x) => x.InternetGatewayId,
    );
    const want = wantedTags(a);
    const id = new Ref(g?.InternetGatewayId);
    const now = attachedTo(g);
    let tags = want.tags;
    if (!g) {
      s.state(`internet gateway ${a.name}`, 'absent', 'present');
      s.step(`create internet gateway ${a.name}`, async () => {
        const out = await ec2.send(
          new sdk.CreateInternetGatewayCommand({
            TagSpecifications: tagSpecs(want.tags, ['internet-gateway']),
          }),
        );
        id.id = out.InternetGateway?.InternetGatewayId;
      });
    } else {
      const label = labelOf('internet-gateway', g);
      const other = now.find((v) => v !== a.vpc_id);
      // one gateway per VPC: moving it would cut the other VPC off the internet
      if (other && a.vpc_id)
        throw new TaskFailure(
          `expected internet gateway ${label} attached to ${a.vpc_id} (got attached to ${other}); detach it first`,
        );
      tags = s.tag(g.InternetGatewayId!, `internet gateway ${label}`, tagMap(g.Tags), want);
    }
    if (!a.vpc_id || !now.includes(a.vpc_id)) {
      const label = g ? labelOf('internet-gateway', g) : a.name;
      const [taken] = a.vpc_id
        ? await describe(ec2, 'internet-gateway', [{ Name: 'attachment.vpc-id', Values: [a.vpc_id] }])
        : [];
      if (taken)
        throw new TaskFailure(
          `expected ${a.vpc_id} to have no internet gateway but ${label} (got ${labelOf('internet-gateway', taken)}): a VPC has one`,
        );
      if (g) s.state(`internet gateway ${label} attachment`, 'detached', a.vpc_id || 'the new VPC');
      s.step(`attach internet gateway ${label} to ${a.vpc_id || 'the VPC'}`, async () => {
        await ec2.send(
          new sdk.AttachInternetGatewayCommand({
            InternetGatewayId: id.get(),
            VpcId: need(a.vpc_id, 'vpc_id', 'the VPC'),
          }),
          { retryNotFound: true },
        );
      });
    }
    s.observe(async () => {
      const now = await byId(ec2, 'internet-gateway', id.get());
      return view(now, attachedTo(now)[0]);
    });
    return s.done(view(g, a.vpc_id || undefined, tags));
  },
});

// `ec2_route_table`: our route table present (routes, subnets, tags) or absent, as Ansible's ec2_vpc_route_table.
import type { RouteTable } from '@aws-sdk/client-ec2';
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
import { byId, findOwn, labelOf } from './lib/aws/net-find.js';
import { deleting, NetPlan, Ref } from './lib/aws/net-steps.js';
import {
  associationSteps,
  ownRoutes,
  routeSteps,
  type WantedRoute,
  wantedRoutes,
} from './lib/aws/route-table.js';
import { type TagMap, tagMap, tagSpecs } from './lib/aws/tags.js';

const schema = Obj({
  ...awsProps,
  name: nameProp,
  vpc_id: idProp('The VPC'),
  subnets: Type.Optional(Type.Array(Type.String(), { description: 'Subnet ids to associate.' })),
  routes: Type.Optional(
    Type.Array(
      Obj({
        dest: Type.Optional(
          Type.String({ description: 'Destination block (default: the IPv4 default route).' }),
        ),
        gateway_id: Type.String({ description: 'igw-..., vgw-..., or igw: the VPC internet gateway.' }),
      }),
    ),
  ),
  purge_routes: Type.Optional(Bool({ description: 'Delete routes not listed (default true).' })),
  purge_subnets: Type.Optional(Bool({ description: 'Let go of subnets not listed (default true).' })),
  ...tagProps,
  state: stateProp,
});

function view(
  t: RouteTable | undefined,
  routes: WantedRoute[] | undefined,
  subnets: string[] | undefined,
  tags?: TagMap,
) {
  return {
    id: t?.RouteTableId ?? null,
    vpc_id: t?.VpcId ?? null,
    routes: routes
      ? routes.map((r) => ({ destination_cidr_block: r.dest, gateway_id: r.target || null }))
      : ownRoutes(t).map((r) => ({
          destination_cidr_block: r.DestinationCidrBlock,
          gateway_id: r.GatewayId ?? null,
          state: r.State,
        })),
    associations: subnets
      ? subnets.map((s) => ({ subnet_id: s || null, main: false }))
      : (t?.Associations ?? [])
          .filter((x) => !x.Main)
          .map((x) => ({ subnet_id: x.SubnetId, id: x.RouteTableAssociationId, main: false })),
    tags: tags ?? tagMap(t?.Tags),
  };
}

export default defineModule({
  name: 'ec2_route_table',
  schema,
  aliases: { resource_tags: 'tags' },
  controllerOnly: true,
  async plan(a): Promise<Plan> {
    const ec2 = await connectEc2(a);
    const { sdk } = ec2;
    const s = new NetPlan(ec2);
    const inVpc = a.vpc_id ? [{ Name: 'vpc-id', Values: [a.vpc_id] }] : [];
    if (a.state === 'absent') {
      const found = await findOwn(ec2, 'route-table', a.cluster, a.name, inVpc);
      for (const t of found) {
        const label = labelOf('route-table', t);
        if (t.Associations?.some((x) => x.Main))
          throw new TaskFailure(
            `expected a route table that is not its VPC's main one (got ${label}, main of ${t.VpcId})`,
          );
        for (const x of t.Associations ?? [])
          s.step(`disassociate subnet ${x.SubnetId} from ${label}`, () =>
            deleting(label, () =>
              ec2.send(new sdk.DisassociateRouteTableCommand({ AssociationId: x.RouteTableAssociationId })),
            ),
          );
        s.remove(`route table ${label}`, () =>
          ec2.send(new sdk.DeleteRouteTableCommand({ RouteTableId: t.RouteTableId })),
        );
      }
      const none = found.length ? undefined : `no route table ${a.name} in ${a.cluster}`;
      return s.done({ route_table_id: null, route_table: null }, none);
    }
    if (a.vpc_id === undefined) throw new TaskFailure('expected vpc_id for state present (got none)');
    if (!a.vpc_id) s.note(notYet('the VPC'));
    const found = a.vpc_id ? await findOwn(ec2, 'route-table', a.cluster, a.name, inVpc) : [];
    const t = atMostOne(found, `route table named ${a.name} in ${a.vpc_id}`, (x) => x.RouteTableId);
    const routes = await wantedRoutes(ec2, a.routes ?? [], a.vpc_id || undefined);
    if (routes.some((r) => !r.target)) s.note(notYet('the internet gateway'));
    const want = wantedTags(a);
    const id = new Ref(t?.RouteTableId);
    const label = t ? labelOf('route-table', t) : a.name;
    let tags = want.tags;
    if (!t) {
      s.state(`route table ${a.name}`, 'absent', 'present');
      s.step(`create route table ${a.name}`, async () => {
        const out = await ec2.send(
          new sdk.CreateRouteTableCommand({
            VpcId: a.vpc_id,
            TagSpecifications: tagSpecs(want.tags, ['route-table']),
          }),
          { retryNotFound: true },
        );
        id.id = out.RouteTable?.RouteTableId;
      });
    } else tags = s.tag(t.RouteTableId!, `route table ${label}`, tagMap(t.Tags), want);
    // gateway_id: igw found no gateway in check mode; by the time the step runs an earlier task has made it
    const late = (a.routes ?? []).some((r) => r.gateway_id === 'igw') && routes.some((r) => !r.target);
    if (late)
      s.step(
        'find the internet gateway of the VPC',
        async () => {
          const again = await wantedRoutes(ec2, a.routes ?? [], a.vpc_id);
          for (const [n, r] of again.entries()) routes[n].target = r.target;
        },
        false,
      );
    routeSteps(s, id, label, t, routes, a.purge_routes !== false);
    await associationSteps(s, id, label, t, a.subnets ?? [], a.purge_subnets !== false);
    s.observe(async () => {
      const now = await byId(ec2, 'route-table', id.get());
      return { route_table_id: id.id, route_table: view(now, undefined, undefined) };
    });
    const keep =
      a.purge_subnets === false ? (t?.Associations ?? []).filter((x) => !x.Main).map((x) => x.SubnetId!) : [];
    const subnets = [...new Set([...keep, ...(a.subnets ?? [])])];
    const predicted = { RouteTableId: t?.RouteTableId, VpcId: a.vpc_id || undefined };
    return s.done({
      route_table_id: t?.RouteTableId ?? null,
      route_table: view(predicted, routes, subnets, tags),
    });
  },
});

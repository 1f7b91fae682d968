// ec2_route_table's reconciliation: routes to create, replace or delete, subnets to associate or let go.
import type { Route, RouteTable } from '@aws-sdk/client-ec2';
import { TaskFailure } from '../../../engine/module.js';
import { cidrArg, DEFAULT_ROUTE } from './cidr.js';
import type { Ec2 } from './client.js';
import { describe } from './net-find.js';
import type { NetPlan, Ref } from './net-steps.js';

export interface RouteArg {
  dest?: string;
  gateway_id: string;
}

/** A wanted route: its target is empty while an earlier task has still to make the gateway (check mode). */
export interface WantedRoute {
  dest: string;
  target: string;
}

/** The VPC's internet gateway, for `gateway_id: igw` (as Ansible); undefined when none is attached yet. */
async function vpcGateway(ec2: Ec2, vpcId: string | undefined): Promise<string | undefined> {
  if (!vpcId) return undefined;
  const [g] = await describe(ec2, 'internet-gateway', [{ Name: 'attachment.vpc-id', Values: [vpcId] }]);
  return g?.InternetGatewayId;
}

export async function wantedRoutes(
  ec2: Ec2,
  routes: RouteArg[],
  vpcId: string | undefined,
): Promise<WantedRoute[]> {
  const out: WantedRoute[] = [];
  for (const [n, r] of routes.entries()) {
    const dest = r.dest ?? DEFAULT_ROUTE;
    cidrArg(dest, `routes[${n}].dest`);
    if (out.some((x) => x.dest === dest))
      throw new TaskFailure(`expected one route per destination (got ${dest} twice)`);
    const target = r.gateway_id === 'igw' ? ((await vpcGateway(ec2, vpcId)) ?? '') : r.gateway_id;
    if (target && !/^(igw|vgw)-[0-9a-f]+$/.test(target))
      throw new TaskFailure(
        `expected routes[${n}].gateway_id igw, igw-... or vgw-... (got ${JSON.stringify(target)})`,
      );
    out.push({ dest, target });
  }
  return out;
}

/** Routes someone made: not the table's own local route, not those a virtual gateway propagates. */
export const ownRoutes = (t: RouteTable | undefined): Route[] =>
  (t?.Routes ?? []).filter((r) => r.Origin === 'CreateRoute' && r.DestinationCidrBlock);

const targetOf = (r: Route) => r.GatewayId ?? r.NatGatewayId ?? r.NetworkInterfaceId ?? r.InstanceId ?? '?';

/** Steps to make TABLE's routes WANTED (PURGE: and nothing else). */
export function routeSteps(
  s: NetPlan,
  id: Ref,
  label: string,
  table: RouteTable | undefined,
  want: WantedRoute[],
  purge: boolean,
) {
  const { sdk } = s;
  const have = new Map(ownRoutes(table).map((r) => [r.DestinationCidrBlock!, r]));
  for (const w of want) {
    const cur = have.get(w.dest);
    const to = w.target || 'the internet gateway (not there yet: an earlier task must make it)';
    if (cur && targetOf(cur) === w.target) continue;
    s.state(
      `route table ${label} route ${w.dest}`,
      cur ? targetOf(cur) : 'absent',
      w.target || 'the gateway',
    );
    const input = () => ({ RouteTableId: id.get(), DestinationCidrBlock: w.dest, GatewayId: need(w.target) });
    if (cur)
      s.step(`route ${w.dest} via ${to} in ${label} (was ${targetOf(cur)})`, () =>
        s.ec2.send(new sdk.ReplaceRouteCommand(input())),
      );
    else
      s.step(`route ${w.dest} via ${to} in ${label}`, () =>
        s.ec2.send(new sdk.CreateRouteCommand(input()), { retryNotFound: true }),
      );
  }
  if (!purge) return;
  for (const [dest, r] of have) {
    if (want.some((w) => w.dest === dest)) continue;
    s.state(`route table ${label} route ${dest}`, targetOf(r), 'absent');
    s.step(`delete route ${dest} via ${targetOf(r)} from ${label}`, () =>
      s.ec2.send(new sdk.DeleteRouteCommand({ RouteTableId: id.get(), DestinationCidrBlock: dest })),
    );
  }
}

function need(target: string): string {
  if (!target)
    throw new TaskFailure('expected the VPC to have an internet gateway for gateway_id: igw (got none)');
  return target;
}

/** Steps to associate SUBNETS with the table (taking them from another table of the VPC), and let others go. */
export async function associationSteps(
  s: NetPlan,
  id: Ref,
  label: string,
  table: RouteTable | undefined,
  subnets: string[],
  purge: boolean,
): Promise<void> {
  const { sdk, ec2 } = s;
  const mine = (table?.Associations ?? []).filter((x) => !x.Main && x.SubnetId);
  const known = subnets.filter(Boolean);
  if (known.length < subnets.length) s.note('a subnet does not exist yet: an earlier task must create it');
  // a subnet has one explicit table: taking it from another is a replace, not an associate
  const elsewhere = known.length
    ? await describe(ec2, 'route-table', [{ Name: 'association.subnet-id', Values: known }])
    : [];
  for (const sub of subnets) {
    if (sub && mine.some((x) => x.SubnetId === sub)) continue;
    const other = elsewhere
      .filter((t) => t.RouteTableId !== table?.RouteTableId)
      .flatMap((t) => (t.Associations ?? []).map((x) => ({ ...x, table: t.RouteTableId })))
      .find((x) => sub && x.SubnetId === sub && !x.Main);
    s.state(`subnet ${sub || '(new)'} route table`, other?.table ?? 'the main table', label);
    if (other)
      s.step(`move subnet ${sub} from ${other.table} to ${label}`, () =>
        ec2.send(
          new sdk.ReplaceRouteTableAssociationCommand({
            AssociationId: other.RouteTableAssociationId,
            RouteTableId: id.get(),
          }),
        ),
      );
    else
      s.step(`associate subnet ${sub || '(new)'} with ${label}`, async () => {
        if (!sub)
          throw new TaskFailure(
            'expected subnets to hold subnet ids (got an empty one: the subnet was not created)',
          );
        await ec2.send(new sdk.AssociateRouteTableCommand({ RouteTableId: id.get(), SubnetId: sub }), {
          retryNotFound: true,
        });
      });
  }
  if (!purge) return;
  for (const x of mine) {
    if (subnets.includes(x.SubnetId!)) continue;
    s.state(`subnet ${x.SubnetId} route table`, label, 'the main table');
    s.step(`disassociate subnet ${x.SubnetId} from ${label}`, () =>
      ec2.send(new sdk.DisassociateRouteTableCommand({ AssociationId: x.RouteTableAssociationId })),
    );
  }
}

// The fake EC2's route tables: create, routes, subnet associations, delete.
import type { RouteTable } from '@aws-sdk/client-ec2';
import type { FakeEc2 } from './fake-ec2.js';
import { FAKE } from './fake-ec2-seed.js';
import { tagsFor } from './fake-ec2-vpc.js';

const ids = (v: string[] | undefined) => (v?.length ? v : undefined);

export function installRouteHandlers(w: FakeEc2): void {
  const gw = async (id: string) => {
    const g = w.internetGateways.find((x) => x.InternetGatewayId === id);
    if (!g)
      throw await w.error(
        'InvalidInternetGatewayID.NotFound',
        `The internetGateway ID '${id}' does not exist`,
      );
    return g;
  };
  const table = async (id: string) => {
    const t = w.routeTables.find((x) => x.RouteTableId === id);
    if (!t) throw await w.error('InvalidRouteTableID.NotFound', `The routeTable ID '${id}' does not exist`);
    return t;
  };
  const vpc = async (id: string) => {
    if (!w.vpcs.some((v) => v.VpcId === id))
      throw await w.error('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`);
  };
  w.on('CreateRouteTable', async (r) => {
    await vpc(r.VpcId);
    const cidr = w.vpcs.find((v) => v.VpcId === r.VpcId)!.CidrBlock;
    const t: RouteTable = {
      RouteTableId: w.id('rtb'),
      VpcId: r.VpcId,
      OwnerId: FAKE.owner,
      Routes: [
        { DestinationCidrBlock: cidr, GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' },
      ],
      Associations: [],
      PropagatingVgws: [],
      Tags: tagsFor(r, 'route-table'),
    };
    w.routeTables.push(t);
    return { RouteTable: structuredClone(t) };
  });
  w.on('DescribeRouteTables', async (r) => {
    const { items, NextToken } = await w.describe(
      w.routeTables,
      'RouteTableId',
      ids(r.RouteTableIds),
      'InvalidRouteTableID.NotFound',
      r,
    );
    return { RouteTables: structuredClone(items), NextToken };
  });
  const route = async (r: any, replace: boolean) => {
    const t = await table(r.RouteTableId);
    const cur = t.Routes?.find((x) => x.DestinationCidrBlock === r.DestinationCidrBlock);
    if (!replace && cur)
      throw await w.error(
        'RouteAlreadyExists',
        `The route identified by ${r.DestinationCidrBlock} already exists.`,
      );
    if (replace && !cur)
      throw await w.error(
        'InvalidRoute.NotFound',
        `no route with destination-cidr-block ${r.DestinationCidrBlock}`,
      );
    await gw(r.GatewayId);
    const entry = {
      DestinationCidrBlock: r.DestinationCidrBlock,
      GatewayId: r.GatewayId,
      Origin: 'CreateRoute' as const,
      State: 'active' as const,
    };
    t.Routes = [...(t.Routes ?? []).filter((x) => x !== cur), entry];
  };
  w.on('CreateRoute', async (r) => {
    await route(r, false);
    return { Return: true };
  });
  w.on('ReplaceRoute', async (r) => {
    await route(r, true);
    return {};
  });
  w.on('DeleteRoute', async (r) => {
    const t = await table(r.RouteTableId);
    if (
      !t.Routes?.some((x) => x.DestinationCidrBlock === r.DestinationCidrBlock && x.Origin === 'CreateRoute')
    )
      throw await w.error(
        'InvalidRoute.NotFound',
        `no route with destination-cidr-block ${r.DestinationCidrBlock}`,
      );
    t.Routes = t.Routes.filter((x) => x.DestinationCidrBlock !== r.DestinationCidrBlock);
    return {};
  });
  const assocOf = (id: string) =>
    w.routeTables
      .flatMap((t) => (t.Associations ?? []).map((a) => ({ t, a })))
      .find((x) => x.a.RouteTableAssociationId === id);
  w.on('AssociateRouteTable', async (r) => {
    const t = await table(r.RouteTableId);
    if (!w.subnets.some((s) => s.SubnetId === r.SubnetId))
      throw await w.error('InvalidSubnetID.NotFound', `The subnet ID '${r.SubnetId}' does not exist`);
    if (w.routeTables.some((x) => x.Associations?.some((a) => a.SubnetId === r.SubnetId)))
      throw await w.error(
        'Resource.AlreadyAssociated',
        `the specified association for route table ${r.RouteTableId} conflicts with an existing association`,
      );
    const AssociationId = w.id('rtbassoc');
    t.Associations = [
      ...(t.Associations ?? []),
      {
        Main: false,
        RouteTableAssociationId: AssociationId,
        RouteTableId: t.RouteTableId,
        SubnetId: r.SubnetId,
        AssociationState: { State: 'associated' },
      },
    ];
    return { AssociationId, AssociationState: { State: 'associated' } };
  });
  w.on('ReplaceRouteTableAssociation', async (r) => {
    const x = assocOf(r.AssociationId);
    if (!x)
      throw await w.error(
        'InvalidAssociationID.NotFound',
        `The association ID '${r.AssociationId}' does not exist`,
      );
    const t = await table(r.RouteTableId);
    x.t.Associations = x.t.Associations!.filter((a) => a !== x.a);
    const NewAssociationId = w.id('rtbassoc');
    t.Associations = [
      ...(t.Associations ?? []),
      { ...x.a, RouteTableAssociationId: NewAssociationId, RouteTableId: t.RouteTableId },
    ];
    return { NewAssociationId, AssociationState: { State: 'associated' } };
  });
  w.on('DisassociateRouteTable', async (r) => {
    const x = assocOf(r.AssociationId);
    if (!x || x.a.Main)
      throw await w.error(
        'InvalidAssociationID.NotFound',
        `The association ID '${r.AssociationId}' does not exist`,
      );
    x.t.Associations = x.t.Associations!.filter((a) => a !== x.a);
    return {};
  });
  w.on('DeleteRouteTable', async (r) => {
    const t = await table(r.RouteTableId);
    if (t.Associations?.length)
      throw await w.error(
        'DependencyViolation',
        `The routeTable '${r.RouteTableId}' has dependencies and cannot be deleted.`,
      );
    w.routeTables = w.routeTables.filter((x) => x !== t);
    return {};
  });
}

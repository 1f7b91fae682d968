// The fake EC2's internet gateways: create, attach (one per VPC), detach (not under mapped public addresses), delete.
import type { InternetGateway } from '@aws-sdk/client-ec2';
import type { FakeEc2 } from './fake-ec2.js';
import { FAKE } from './fake-ec2-seed.js';
import { tagsFor } from './fake-ec2-vpc.js';

const ids = (v: string[] | undefined) => (v?.length ? v : undefined);

export function installGatewayHandlers(w: FakeEc2): void {
  const gw = async (id: string) => {
    const g = w.internetGateways.find((x) => x.InternetGatewayId === id);
    if (!g)
      throw await w.error(
        'InvalidInternetGatewayID.NotFound',
        `The internetGateway ID '${id}' does not exist`,
      );
    return g;
  };
  const vpc = async (id: string) => {
    if (!w.vpcs.some((v) => v.VpcId === id))
      throw await w.error('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`);
  };
  w.on('CreateInternetGateway', async (r) => {
    const g: InternetGateway = {
      InternetGatewayId: w.id('igw'),
      Attachments: [],
      OwnerId: FAKE.owner,
      Tags: tagsFor(r, 'internet-gateway'),
    };
    w.internetGateways.push(g);
    return { InternetGateway: structuredClone(g) };
  });
  w.on('DescribeInternetGateways', async (r) => {
    const { items, NextToken } = await w.describe(
      w.internetGateways,
      'InternetGatewayId',
      ids(r.InternetGatewayIds),
      'InvalidInternetGatewayID.NotFound',
      r,
    );
    return { InternetGateways: structuredClone(items), NextToken };
  });
  w.on('AttachInternetGateway', async (r) => {
    const g = await gw(r.InternetGatewayId);
    await vpc(r.VpcId);
    if (
      g.Attachments?.length ||
      w.internetGateways.some((x) => x.Attachments?.some((a) => a.VpcId === r.VpcId))
    )
      throw await w.error(
        'Resource.AlreadyAssociated',
        `resource ${r.InternetGatewayId} is already attached to network`,
      );
    // EC2 says available for a VPC attachment, not the attached its own types promise
    g.Attachments = [{ State: 'available' as never, VpcId: r.VpcId }];
    return {};
  });
  w.on('DetachInternetGateway', async (r) => {
    const g = await gw(r.InternetGatewayId);
    if (!g.Attachments?.some((a) => a.VpcId === r.VpcId))
      throw await w.error(
        'Gateway.NotAttached',
        `resource ${r.InternetGatewayId} is not attached to network ${r.VpcId}`,
      );
    const mapped = w.instances.some(
      (i) => i.VpcId === r.VpcId && i.PublicIpAddress && i.State?.Name !== 'terminated',
    );
    if (mapped)
      throw await w.error(
        'DependencyViolation',
        `Network ${r.VpcId} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway.`,
      );
    g.Attachments = [];
    return {};
  });
  w.on('DeleteInternetGateway', async (r) => {
    const g = await gw(r.InternetGatewayId);
    if (g.Attachments?.length)
      throw await w.error(
        'DependencyViolation',
        `The internetGateway '${r.InternetGatewayId}' has dependencies and cannot be deleted.`,
      );
    w.internetGateways = w.internetGateways.filter((x) => x !== g);
    return {};
  });
}

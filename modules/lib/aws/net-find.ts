// Finding our network resources: Describe calls by cluster and Name tags, every page, exact tag values only.
import type {
  Filter,
  InternetGateway,
  KeyPairInfo,
  RouteTable,
  SecurityGroup,
  Subnet,
  Volume,
  Vpc,
} from '@aws-sdk/client-ec2';
import { collect, type Ec2 } from './client.js';
import { CLUSTER_TAG, clusterFilters, tagMap } from './tags.js';

export interface Kinds {
  vpc: Vpc;
  subnet: Subnet;
  'internet-gateway': InternetGateway;
  'route-table': RouteTable;
  'security-group': SecurityGroup;
  'key-pair': KeyPairInfo;
  volume: Volume;
}
export type Kind = keyof Kinds;

/** Each kind's id field and how people call it. */
export const KIND: Record<Kind, { id: string; what: string }> = {
  vpc: { id: 'VpcId', what: 'VPC' },
  subnet: { id: 'SubnetId', what: 'subnet' },
  'internet-gateway': { id: 'InternetGatewayId', what: 'internet gateway' },
  'route-table': { id: 'RouteTableId', what: 'route table' },
  'security-group': { id: 'GroupId', what: 'security group' },
  'key-pair': { id: 'KeyPairId', what: 'key pair' },
  volume: { id: 'VolumeId', what: 'volume' },
};

export const idOf = (kind: Kind, r: object): string => (r as Record<string, string>)[KIND[kind].id];

/** `vpc-0abc (sdtd)`: the id AWS knows and the name people know. */
export function labelOf(kind: Kind, r: object): string {
  const name = kind === 'key-pair' ? (r as KeyPairInfo).KeyName : tagMap((r as Vpc).Tags).Name;
  const id = idOf(kind, r);
  return name && name !== id ? `${id} (${name})` : id;
}

/** Every resource of KIND matching FILTERS (and IDS), all pages. */
export async function describe<K extends Kind>(
  ec2: Ec2,
  kind: K,
  filters: Filter[],
  ids?: string[],
): Promise<Kinds[K][]> {
  const { sdk } = ec2;
  const f = filters.length ? filters : undefined;
  // a resource made a moment ago may not be visible by id yet
  const opts = { retryNotFound: !!ids?.length };
  const get = <C extends Parameters<typeof collect>[1]>(page: C, items: (o: any) => unknown[] | undefined) =>
    collect(ec2, page, items, opts) as Promise<Kinds[K][]>;
  switch (kind) {
    case 'vpc':
      return get(
        (NextToken) => new sdk.DescribeVpcsCommand({ Filters: f, VpcIds: ids, NextToken }),
        (o) => o.Vpcs,
      );
    case 'subnet':
      return get(
        (NextToken) => new sdk.DescribeSubnetsCommand({ Filters: f, SubnetIds: ids, NextToken }),
        (o) => o.Subnets,
      );
    case 'internet-gateway':
      return get(
        (NextToken) =>
          new sdk.DescribeInternetGatewaysCommand({ Filters: f, InternetGatewayIds: ids, NextToken }),
        (o) => o.InternetGateways,
      );
    case 'route-table':
      return get(
        (NextToken) => new sdk.DescribeRouteTablesCommand({ Filters: f, RouteTableIds: ids, NextToken }),
        (o) => o.RouteTables,
      );
    case 'security-group':
      return get(
        (NextToken) => new sdk.DescribeSecurityGroupsCommand({ Filters: f, GroupIds: ids, NextToken }),
        (o) => o.SecurityGroups,
      );
    case 'key-pair':
      // not paginated; the public key itself lets a plan compare without computing fingerprints
      return get(
        () => new sdk.DescribeKeyPairsCommand({ Filters: f, KeyPairIds: ids, IncludePublicKey: true }),
        (o) => o.KeyPairs,
      );
    default:
      return get(
        (NextToken) => new sdk.DescribeVolumesCommand({ Filters: f, VolumeIds: ids, NextToken }),
        (o) => o.Volumes,
      );
  }
}

/**
 * Ours only: resources of KIND with our cluster tag (and Name when given), plus MORE filters. Values are
 * compared exactly afterwards too, since EC2 filter values are patterns (`*`, `?`).
 */
export async function findOwn<K extends Kind>(
  ec2: Ec2,
  kind: K,
  cluster: string,
  name?: string,
  more: Filter[] = [],
): Promise<Kinds[K][]> {
  const filters = [...clusterFilters(cluster), ...more];
  if (name) filters.push({ Name: kind === 'key-pair' ? 'key-name' : 'tag:Name', Values: [name] });
  const found = await describe(ec2, kind, filters);
  return found.filter((r) => {
    const t = tagMap((r as Vpc).Tags);
    const n = kind === 'key-pair' ? (r as KeyPairInfo).KeyName : t.Name;
    return t[CLUSTER_TAG] === cluster && (!name || n === name);
  });
}

/** One resource by id, as it is now (a step's last look, for the registered result). */
export async function byId<K extends Kind>(ec2: Ec2, kind: K, id: string): Promise<Kinds[K] | undefined> {
  return (await describe(ec2, kind, [], [id]))[0];
}

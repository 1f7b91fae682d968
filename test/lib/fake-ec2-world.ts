// The fake EC2's state: every resource list, ids, passing time, pages and generic Describe answers.
import type {
  Image,
  Instance,
  InternetGateway,
  KeyPairInfo,
  RouteTable,
  SecurityGroup,
  Subnet,
  Tag,
  Volume,
  Vpc,
} from '@aws-sdk/client-ec2';
import { ec2Sdk } from '../../modules/lib/aws/client.js';
import { NEXT, setState } from './fake-ec2-instances.js';
import { matches } from './fake-ec2-match.js';
import { FAKE } from './fake-ec2-seed.js';

export interface FakeCall {
  op: string;
  input: any;
  region: string;
}

export interface Clock {
  settle: number;
  invisible: number;
  stuck: boolean;
  publicIp: boolean;
}

export class FakeWorld {
  readonly region: string;
  instances: Instance[] = [];
  images: Image[] = [];
  vpcs: Vpc[] = [];
  subnets: Subnet[] = [];
  securityGroups: SecurityGroup[] = [];
  keyPairs: KeyPairInfo[] = [];
  internetGateways: InternetGateway[] = [];
  routeTables: RouteTable[] = [];
  volumes: Volume[] = [];
  /** Each VPC's DNS attributes (DescribeVpcs does not show them). */
  vpcDns: Record<string, { EnableDnsSupport: boolean; EnableDnsHostnames: boolean }> = {};
  readonly calls: FakeCall[] = [];
  /** Describe* answers pages of this many items, with NextToken. */
  pageSize?: number;
  /** How many DescribeInstances an instance stays pending, stopping or shutting-down (Infinity: for ever). */
  settleAfter = 1;
  /** How many DescribeInstances a new instance is not found for (eventual consistency). */
  invisibleFor = 0;
  /** The public address an instance gets when it runs (default 203.0.113.N, from its id). */
  publicIpFor?: (i: Instance) => string;
  now = Date.parse('2025-03-01T08:00:00Z');
  readonly clocks = new Map<string, Clock>();
  private readonly tokens = new Map<string, Instance[]>();
  private seq = 0;

  constructor(opts: { region?: string } = {}) {
    this.region = opts.region ?? FAKE.region;
  }

  /** The world as check mode must leave it: instances, their settled states and tags; not the passing of time. */
  snapshot(): string {
    const tags = (t?: Tag[]) => Object.fromEntries((t ?? []).map((x) => [x.Key, x.Value]).sort());
    return JSON.stringify(
      this.instances.map((i) => [
        i.InstanceId,
        NEXT[i.State!.Name!] ?? i.State!.Name,
        i.InstanceType,
        tags(i.Tags),
      ]),
    );
  }

  /** Everything but instances' passing states: networks, groups and their rules, keys, volumes, tags. */
  networkSnapshot(): string {
    return JSON.stringify([
      this.vpcs.map((v) => [v.VpcId, v.CidrBlock, v.Tags]),
      this.subnets,
      this.internetGateways,
      this.routeTables,
      this.securityGroups,
      this.keyPairs,
      this.volumes.map((v) => [v.VolumeId, v.State, v.Tags]),
      this.vpcDns,
    ]);
  }

  /** An SDK-shaped service error, as the real client throws it. */
  async error(code: string, message: string, status = 400): Promise<Error> {
    const sdk = await ec2Sdk();
    return new sdk.EC2ServiceException({
      name: code,
      $fault: status >= 500 ? 'server' : 'client',
      $metadata: { httpStatusCode: status },
      message,
    });
  }

  id(prefix: string): string {
    return `${prefix}-0${(++this.seq).toString(16).padStart(16, 'a')}`;
  }

  /** Time passes by a minute per mutating call, so launch times differ and "oldest" means something. */
  tick(): Date {
    this.now += 60_000;
    return new Date(this.now);
  }

  clock(id: string): Clock {
    let c = this.clocks.get(id);
    if (!c) {
      c = { settle: 0, invisible: 0, stuck: false, publicIp: false };
      this.clocks.set(id, c);
    }
    return c;
  }

  /** Keep instance ID in its transitional state for ever (a boot that never ends: waiter timeouts). */
  stick(id: string): this {
    this.clock(id).stuck = true;
    return this;
  }

  setState(i: Instance, name: string): void {
    setState(this, i, name);
  }

  /** An instance by id, unless it is not visible yet. */
  instance(id: string): Instance | undefined {
    const i = this.instances.find((x) => x.InstanceId === id);
    return i && this.clock(id).invisible <= 0 ? i : undefined;
  }

  /** A page of LIST for a paginated Describe: MaxResults or pageSize items from NextToken on. */
  page<T>(list: T[], input: { NextToken?: string; MaxResults?: number }): { items: T[]; NextToken?: string } {
    const from = input.NextToken ? Number(input.NextToken.replace('fake-token-', '')) : 0;
    const size = Math.min(input.MaxResults ?? Infinity, this.pageSize ?? Infinity);
    const items = list.slice(from, from + size);
    return { items, NextToken: from + size < list.length ? `fake-token-${from + size}` : undefined };
  }

  /** A generic Describe: by ids (NotFound when one is missing), then filters, then a page. */
  async describe<T>(list: T[], idKey: keyof T, ids: string[] | undefined, notFound: string, input: any) {
    for (const id of ids ?? [])
      if (!list.some((r) => r[idKey] === id))
        throw await this.error(notFound, `The ID '${id}' does not exist`);
    const found = list.filter(
      (r) => (!ids?.length || ids.includes(r[idKey] as string)) && matches(r, input.Filters),
    );
    return this.page(found, input);
  }

  /** Remember a RunInstances ClientToken's answer: the same token gets the same reservation, as in EC2. */
  token(t: string | undefined, made?: Instance[]): Instance[] | undefined {
    if (t && made) this.tokens.set(t, made);
    return t ? this.tokens.get(t) : undefined;
  }
}

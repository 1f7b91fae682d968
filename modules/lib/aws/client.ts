// AWS plumbing for ec2_instance, the aws_ec2 inventory and `sdtd-play ec2`: SDK loading, region, profile, retries, errors.
import type { EC2Client } from '@aws-sdk/client-ec2';
import { SdtdError } from '../../../engine/errors.js';
import { TaskFailure } from '../../../engine/module.js';
import { awsFailure, isNotFound, isThrottling } from './errors.js';

export { awsFailure, errorCode, isNotFound, isThrottling } from './errors.js';

export type Ec2Sdk = typeof import('@aws-sdk/client-ec2');

/** Any SDK command object (its output type is read from its middleware handler). */
export type AnyCommand = { input: unknown; resolveMiddleware(...a: any[]): unknown };
export type OutputOf<C> = C extends {
  resolveMiddleware(...a: any[]): (...b: any[]) => Promise<{ output: infer O }>;
}
  ? O
  : never;

export interface AwsOptions {
  /** Region; default AWS_REGION, AWS_DEFAULT_REGION, then the profile's region in ~/.aws/config. */
  region?: string;
  /** Shared config profile; default AWS_PROFILE, then `default`. */
  profile?: string;
}

export interface SendOptions {
  /** Retry `*.NotFound` too: a resource made a moment ago may not be visible yet (eventual consistency). */
  retryNotFound?: boolean;
}

/** A connected EC2 client: `send` retries throttling (and NotFound when asked) and turns SDK errors into one line. */
export interface Ec2 {
  sdk: Ec2Sdk;
  client: EC2Client;
  region: string;
  /** The profile credentials come from, for messages. */
  profile: string;
  send<C extends AnyCommand>(cmd: C, opts?: SendOptions): Promise<OutputOf<C>>;
}

/** Retry and waiter pacing; tests shrink it. Our retries come on top of the SDK's own (3 attempts, standard mode). */
export const awsTiming = {
  attempts: 8,
  baseMs: 500,
  maxMs: 20_000,
  /** Waiter polling bounds, seconds (the SDK's EC2 defaults, 15 and 120, are slow next to a 30 s boot). */
  waitMinDelay: 5,
  waitMaxDelay: 30,
};

let sdkPromise: Promise<Ec2Sdk> | undefined;
/** The SDK, imported on first use: it costs about half a second that commands never touching AWS should not pay. */
export function ec2Sdk(): Promise<Ec2Sdk> {
  // the SDK prints a multi-line notice about Node 20 on stderr; our errors stay one line
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // in the bundled CLI the SDK (CommonJS) is a split chunk whose exports are its default export;
  // run unbundled, Node gives the named exports: both shapes are accepted
  sdkPromise ??= import('@aws-sdk/client-ec2').then(
    (m) =>
      ((m as { default?: Ec2Sdk }).default?.EC2Client ? (m as { default: Ec2Sdk }).default : m) as Ec2Sdk,
  );
  return sdkPromise;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const clients = new Map<string, Promise<Ec2>>();

/** An EC2 client for these options, one per region and profile for the whole run (credentials are resolved once). */
export function connectEc2(o: AwsOptions = {}): Promise<Ec2> {
  const key = `${o.region ?? ''}|${o.profile ?? ''}`;
  let c = clients.get(key);
  if (!c) {
    c = open(o);
    clients.set(key, c);
    c.catch(() => clients.delete(key));
  }
  return c;
}

/** Forget cached clients (tests change the environment between cases). */
export function resetEc2Clients(): void {
  clients.clear();
}

async function open(o: AwsOptions): Promise<Ec2> {
  const sdk = await ec2Sdk();
  const profile = o.profile ?? process.env.AWS_PROFILE ?? 'default';
  const explicit = o.region ?? (process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || undefined);
  const client = new sdk.EC2Client({ region: explicit, profile: o.profile });
  let region: string;
  try {
    region = await client.config.region();
  } catch {
    throw new SdtdError(
      'aws',
      `expected an AWS region from region:, AWS_REGION, AWS_DEFAULT_REGION or profile "${profile}" in ~/.aws/config (got none)`,
    );
  }
  if (!REGION.test(region))
    throw new SdtdError('aws', `expected an AWS region such as eu-west-1 (got ${JSON.stringify(region)})`);
  const ec2: Ec2 = {
    sdk,
    client,
    region,
    profile,
    send: (cmd, opts) => send(ec2, cmd, opts) as never,
  };
  return ec2;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Exponential backoff with jitter: retries of many hosts do not hit the API in step. */
export function backoffMs(attempt: number): number {
  const cap = Math.min(awsTiming.maxMs, awsTiming.baseMs * 2 ** (attempt - 1));
  return cap / 2 + (Math.random() * cap) / 2;
}

async function send(ec2: Ec2, cmd: AnyCommand, opts: SendOptions = {}): Promise<unknown> {
  // a bundler may suffix a renamed class (DescribeInstancesCommand2)
  const op = cmd.constructor.name.replace(/Command\d*$/, '');
  const Ctor = cmd.constructor as new (input: unknown) => AnyCommand;
  for (let attempt = 1; ; attempt++) {
    try {
      // a fresh command per attempt (same input, so RunInstances keeps its ClientToken): a sent command keeps state
      return await ec2.client.send((attempt === 1 ? cmd : new Ctor(cmd.input)) as never);
    } catch (e) {
      const again = isThrottling(e) || (opts.retryNotFound === true && isNotFound(e));
      if (!again || attempt >= awsTiming.attempts) throw awsFailure(e, op, ec2);
      await sleep(backoffMs(attempt));
    }
  }
}

/** Every item of a paginated Describe call, following NextToken; each page is retried like any call. */
export async function collect<C extends AnyCommand, T>(
  ec2: Ec2,
  page: (nextToken: string | undefined) => C,
  items: (out: OutputOf<C>) => T[] | undefined,
  opts?: SendOptions,
): Promise<T[]> {
  const all: T[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    const out = await ec2.send(page(token), opts);
    all.push(...(items(out) ?? []));
    token = (out as { NextToken?: string }).NextToken || undefined;
    if (token && seen.has(token))
      throw new TaskFailure(`expected a new NextToken from EC2 (got ${token} twice)`);
    if (token) seen.add(token);
  } while (token);
  return all;
}

// A stateful fake EC2 behind aws-sdk-client-mock: instances, images, network, groups, keys, volumes; every call recorded.
import { mockClient } from 'aws-sdk-client-mock';
import { ec2Sdk, resetEc2Clients } from '../../modules/lib/aws/client.js';
import { installGatewayHandlers } from './fake-ec2-gateways.js';
import { installGroupHandlers } from './fake-ec2-groups.js';
import { installInstanceHandlers } from './fake-ec2-instances.js';
import { installKeyHandlers } from './fake-ec2-keys.js';
import { installRouteHandlers } from './fake-ec2-routes.js';
import { FAKE, seedImages, seedNetwork } from './fake-ec2-seed.js';
import { installSubnetHandlers } from './fake-ec2-subnets.js';
import { installVpcHandlers } from './fake-ec2-vpc.js';
import { type FakeCall, FakeWorld } from './fake-ec2-world.js';

export type { Clock, FakeCall } from './fake-ec2-world.js';
export { FAKE };
export type FakeHandler = (input: any, world: FakeEc2) => unknown;

const READ_ONLY = /^(Describe|Get|List)/;

export class FakeEc2 extends FakeWorld {
  private readonly failures: { op: string; code: string; times: number; status: number }[] = [];
  private readonly handlers = new Map<string, FakeHandler>();
  restoreMock: () => void = () => {};

  /** A fake world answering every EC2Client in this process until restore(); `seed: 'images'` seeds no network. */
  static async install(opts: { seed?: boolean | 'images'; region?: string } = {}): Promise<FakeEc2> {
    const sdk = await ec2Sdk();
    resetEc2Clients();
    const world = new FakeEc2(opts);
    const mock = mockClient(sdk.EC2Client);
    // sinon calls the fake with the client as `this`: its region says which world answers
    mock.send.callsFake(async function (this: { config: { region(): Promise<string> } }, cmd: any) {
      const region = await this.config.region();
      return world.dispatch(cmd.constructor.name.replace(/Command\d*$/, ''), cmd.input, region) as never;
    });
    world.restoreMock = () => mock.restore();
    if (opts.seed === 'images') seedImages(world);
    else if (opts.seed !== false) world.seed();
    world.installHandlers();
    return world;
  }

  restore(): void {
    this.restoreMock();
    resetEc2Clients();
  }

  /** Answer OP with HANDLER (add commands, or replace one): e.g. CreateVpc, DeleteSubnet. */
  on(op: string, handler: FakeHandler): this {
    this.handlers.set(op, handler);
    return this;
  }

  /** The next TIMES calls of OP fail with CODE (RequestLimitExceeded: throttling). */
  fail(op: string, code: string, times = 1, status = code === 'RequestLimitExceeded' ? 503 : 400): this {
    this.failures.push({ op, code, times, status });
    return this;
  }

  throttle(op: string, times = 1): this {
    return this.fail(op, 'RequestLimitExceeded', times);
  }

  /** Calls that may change the world: anything but Describe*, Get*, List*. */
  mutatingCalls(): FakeCall[] {
    return this.calls.filter((c) => !READ_ONLY.test(c.op));
  }

  ops(): string[] {
    return this.calls.map((c) => c.op);
  }

  /** Answer one call; another region is an empty one (Describe* find nothing, changes there are refused). */
  async dispatch(op: string, input: any, region = this.region): Promise<unknown> {
    this.calls.push({ op, input: structuredClone(input), region });
    if (region !== this.region) {
      if (READ_ONLY.test(op)) return { $metadata: { httpStatusCode: 200 } };
      throw await this.error(
        'UnauthorizedOperation',
        `fake EC2 holds only ${this.region} (got a call in ${region})`,
        403,
      );
    }
    const f = this.failures.find((x) => x.op === op && x.times > 0);
    if (f) {
      f.times--;
      throw await this.error(
        f.code,
        f.code === 'RequestLimitExceeded' ? 'Request limit exceeded.' : `fake ${f.code}`,
        f.status,
      );
    }
    const h = this.handlers.get(op);
    if (!h) throw new Error(`fake EC2: no handler for ${op} (add one with world.on('${op}', ...))`);
    if (!READ_ONLY.test(op)) this.tick();
    return {
      $metadata: { httpStatusCode: 200, requestId: this.id('req') },
      ...((await h(input, this)) as object),
    };
  }

  installHandlers(): void {
    installInstanceHandlers(this);
    installVpcHandlers(this);
    installSubnetHandlers(this);
    installGatewayHandlers(this);
    installRouteHandlers(this);
    installGroupHandlers(this);
    installKeyHandlers(this);
  }

  seed(): void {
    seedNetwork(this);
    seedImages(this);
  }
}

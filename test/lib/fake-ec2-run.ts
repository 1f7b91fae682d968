// Running AWS modules against the fake EC2 in tests: a fresh world per test, fast retries, one-call helpers.
import type { Host, Module } from '../../engine/module.js';
import { prepareArgs } from '../../engine/module-args.js';
import { type ModuleOutcome, runModule } from '../../engine/run-module.js';
import { awsTiming, ec2Sdk } from '../../modules/lib/aws/client.js';
import { FakeEc2 } from './fake-ec2.js';

const host = { name: 'localhost', vars: {} } as unknown as Host;

/** Run MOD once; a failure throws its message (for set-ups that must succeed). */
export async function apply(
  mod: Module,
  args: Record<string, unknown>,
  check = false,
): Promise<ModuleOutcome> {
  const out = await runModule(mod, prepareArgs(mod, structuredClone(args), { where: 'test' }), host, {
    check,
  });
  if (out.status === 'failed') throw new Error(out.msg);
  return out;
}

/**
 * Mocha hooks: retries and waits shrunk to milliseconds, and a fresh fake world per test (`world()` gives it).
 * SEED as FakeEc2.install's.
 */
export function useFakeEc2(seed: boolean | 'images' = 'images'): () => FakeEc2 {
  let w: FakeEc2 | undefined;
  const saved = { ...awsTiming };
  before(async function () {
    this.timeout(20_000);
    Object.assign(awsTiming, { baseMs: 1, maxMs: 4, waitMinDelay: 0.01, waitMaxDelay: 0.04 });
    await ec2Sdk();
  });
  after(() => Object.assign(awsTiming, saved));
  beforeEach(async () => {
    w = await FakeEc2.install({ seed });
  });
  afterEach(() => w?.restore());
  return () => w!;
}

/** What check mode and a no-op run must leave alone: the network, and the count of mutating calls. */
export const unchanged = (w: FakeEc2) => `${w.mutatingCalls().length} ${w.networkSnapshot()}`;

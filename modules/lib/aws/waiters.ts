// The SDK's instance waiters, bounded by wait_timeout, with failures that name each instance and its last state.
import type { EC2Client, Instance } from '@aws-sdk/client-ec2';
import { TaskFailure } from '../../../engine/module.js';
import { awsFailure, awsTiming, type Ec2, isNotFound, isThrottling } from './client.js';
import { label, stateOf } from './instances.js';

export type WaitFor = 'running' | 'stopped' | 'terminated' | 'exists';

/**
 * Wait until every instance of IDS is in state WANT (the SDK waiter: polling, backoff, NotFound retried);
 * returns their last description. NAMES (id → Name tag) make messages readable before the instances are visible.
 */
export async function waitForInstances(
  ec2: Ec2,
  ids: string[],
  want: WaitFor,
  timeoutS: number,
  names?: Map<string, string>,
): Promise<Instance[]> {
  if (!ids.length) return [];
  const { sdk } = ec2;
  const waiter = {
    running: sdk.waitForInstanceRunning,
    stopped: sdk.waitForInstanceStopped,
    terminated: sdk.waitForInstanceTerminated,
    exists: sdk.waitForInstanceExists,
  }[want];
  let last: Instance[] = [];
  let fatal: unknown;
  const abort = new AbortController();
  // the waiter sees a client that remembers the last answer (a timeout result carries none) and gives up at
  // once on errors no retry can fix (the SDK's waiters would poll on through bad credentials)
  const watching = {
    config: ec2.client.config,
    send: async (cmd: Parameters<EC2Client['send']>[0]) => {
      try {
        const out = (await ec2.client.send(cmd)) as { Reservations?: { Instances?: Instance[] }[] };
        last = out.Reservations?.flatMap((r) => r.Instances ?? []) ?? [];
        return out;
      } catch (e) {
        if (!isNotFound(e) && !isThrottling(e)) {
          fatal = e;
          abort.abort();
        }
        throw e;
      }
    },
  } as unknown as EC2Client;
  const minDelay = Math.min(awsTiming.waitMinDelay, timeoutS / 2);
  const r = await waiter(
    {
      client: watching,
      maxWaitTime: timeoutS,
      minDelay,
      maxDelay: Math.max(minDelay, awsTiming.waitMaxDelay),
      abortSignal: abort.signal,
    },
    { InstanceIds: ids },
  );
  if (r.state === 'SUCCESS') return last;
  if (fatal) throw awsFailure(fatal, 'DescribeInstances', ec2);
  const byId = new Map(last.map((i) => [i.InstanceId, i]));
  const who = (id: string) => label(byId.get(id) ?? id, names);
  const stateAt = (id: string) => {
    const i = byId.get(id);
    if (!i) return 'not visible yet';
    const why = i.StateReason?.Message;
    return why && stateOf(i) !== want ? `${stateOf(i)}: ${why}` : stateOf(i);
  };
  const done = (id: string) => (want === 'exists' ? byId.has(id) : byId.get(id)?.State?.Name === want);
  const late = ids.some((id) => !done(id)) ? ids.filter((id) => !done(id)) : ids;
  const subject = late.length === 1 ? who(late[0]) : late.map(who).join(', ');
  const got = late.length === 1 ? stateAt(late[0]) : late.map((id) => `${id} ${stateAt(id)}`).join(', ');
  if (r.state === 'TIMEOUT')
    throw new TaskFailure(`expected ${subject} to be ${want} within ${timeoutS} s (got ${got})`, {
      instance_ids: ids,
    });
  throw new TaskFailure(`expected ${subject} to become ${want} (got ${got})`, { instance_ids: ids });
}

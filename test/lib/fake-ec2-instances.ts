// The fake EC2's instances and images: launch (with volumes), start, stop, terminate, describe with passing time.
import type { Instance } from '@aws-sdk/client-ec2';
import type { FakeEc2 } from './fake-ec2.js';
import { launch } from './fake-ec2-launch.js';
import type { FakeWorld } from './fake-ec2-world.js';

const CODES: Record<string, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};
export const NEXT: Record<string, string> = {
  pending: 'running',
  stopping: 'stopped',
  'shutting-down': 'terminated',
};

export function setState(w: FakeWorld, i: Instance, name: string): void {
  i.State = { Code: CODES[name], Name: name as never };
  const c = w.clock(i.InstanceId!);
  c.settle = NEXT[name] ? w.settleAfter : 0;
  if (name === 'running' && c.publicIp) {
    const n = Number.parseInt(i.InstanceId!.slice(-2), 16);
    i.PublicIpAddress = w.publicIpFor?.(i) ?? `203.0.113.${n}`;
    i.PublicDnsName = `ec2-203-0-113-${n}.${w.region}.compute.amazonaws.com`;
  }
  if (name === 'stopped' || name === 'terminated') {
    i.PublicIpAddress = undefined;
    i.PublicDnsName = '';
  }
  // EBS follows the instance: DeleteOnTermination volumes go, the others are detached and kept (and paid for)
  if (name === 'terminated')
    for (const v of w.volumes.filter((x) => x.Attachments?.some((a) => a.InstanceId === i.InstanceId))) {
      if (v.Attachments?.[0]?.DeleteOnTermination) w.volumes.splice(w.volumes.indexOf(v), 1);
      else Object.assign(v, { State: 'available', Attachments: [] });
    }
}

/** One describe's worth of time for an instance: transitional states move on, new instances appear. */
function age(w: FakeEc2, i: Instance): void {
  const c = w.clock(i.InstanceId!);
  const next = NEXT[i.State!.Name!];
  if (!next || c.stuck) return;
  if (c.settle <= 0) setState(w, i, next);
  else c.settle--;
}

/** Start, stop or terminate IDS: FROM lists the states it may start from, a state in SAME is a no-op. */
async function move(w: FakeEc2, ids: string[], to: string, from: string[], same: string[]) {
  const out = [];
  for (const id of ids) {
    const i = w.instance(id);
    if (!i) throw await w.error('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
    const prev = { ...i.State };
    if (!same.includes(prev.Name!)) {
      if (!from.includes(prev.Name!))
        throw await w.error(
          'IncorrectInstanceState',
          `The instance '${id}' is not in a state from which it can be ${to}.`,
        );
      setState(w, i, to);
      if (to === 'pending') i.LaunchTime = new Date(w.now);
    }
    out.push({ InstanceId: id, PreviousState: prev, CurrentState: { ...i.State } });
  }
  return out;
}

export function installInstanceHandlers(w: FakeEc2): void {
  const ids = (v: string[] | undefined) => (v?.length ? v : undefined);
  w.on('DescribeInstances', async (input) => {
    if (input.InstanceIds?.length && input.MaxResults)
      throw await w.error(
        'InvalidParameterCombination',
        'The parameter instancesSet cannot be used with the parameter maxResults',
      );
    const visible = w.instances.filter((i) => w.clock(i.InstanceId!).invisible-- <= 0);
    for (const i of visible) age(w, i);
    const { items, NextToken } = await w.describe(
      visible,
      'InstanceId',
      ids(input.InstanceIds),
      'InvalidInstanceID.NotFound',
      input,
    );
    const rids = [...new Set(items.map((i: any) => i.ReservationId as string))];
    const strip = ({ ReservationId: _, ...i }: any) => structuredClone(i);
    return {
      Reservations: rids.map((ReservationId) => ({
        ReservationId,
        OwnerId: '123456789012',
        Groups: [],
        Instances: items.filter((i: any) => i.ReservationId === ReservationId).map(strip),
      })),
      NextToken,
    };
  });
  w.on('RunInstances', async (r) => {
    const made = await launch(w, r);
    return {
      ReservationId: (made[0] as any).ReservationId,
      OwnerId: '123456789012',
      Instances: structuredClone(made).map(({ ReservationId: _, ...i }: any) => i),
    };
  });
  w.on('StartInstances', async (r) => ({
    StartingInstances: await move(w, r.InstanceIds, 'pending', ['stopped'], ['pending', 'running']),
  }));
  w.on('StopInstances', async (r) => ({
    StoppingInstances: await move(w, r.InstanceIds, 'stopping', ['running'], ['stopping', 'stopped']),
  }));
  w.on('TerminateInstances', async (r) => ({
    TerminatingInstances: await move(
      w,
      r.InstanceIds,
      'shutting-down',
      ['pending', 'running', 'stopping', 'stopped'],
      ['shutting-down', 'terminated'],
    ),
  }));
  w.on('DescribeImages', async (r) => {
    const owned = w.images.filter((i) => !r.Owners?.length || r.Owners.includes(i.OwnerId));
    const { items, NextToken } = await w.describe(
      owned,
      'ImageId',
      ids(r.ImageIds),
      'InvalidAMIID.NotFound',
      r,
    );
    return { Images: structuredClone(items), NextToken };
  });
}

// ec2_instance's steps (launch, start, stop, terminate, tag, wait, observe) with their diffs and predictions.
import type { Instance } from '@aws-sdk/client-ec2';
import type { StateDiff, Step } from '../../../engine/module.js';
import type { Ec2 } from './client.js';
import { instancesById, instanceView, label, stateOf } from './instances.js';
import { DEFAULT_INSTANCE_TYPE, groupIds, type Launch, type LaunchArgs, runRequests } from './launch.js';
import { callStep } from './net-steps.js';
import { applyTagChange, isNoChange, showTags, type TagChange, type TagMap, tagMap } from './tags.js';
import { type WaitFor, waitForInstances } from './waiters.js';

export interface ImageChoice {
  id: string;
  name?: string;
  rootDevice?: string;
}

/** Collects the steps of one plan; ids launched by a step are known to the steps after it. */
export class InstanceSteps {
  readonly steps: Step[] = [];
  readonly diff: StateDiff[] = [];
  /** id → Name, for messages; launched instances join when they exist. */
  readonly names = new Map<string, string>();
  readonly launched: string[] = [];
  readonly changedIds = new Set<string>();
  readonly terminatedIds: string[] = [];
  /** What each kept instance will look like, for check mode's registered result. */
  readonly predicted = new Map<string, Record<string, unknown>>();

  constructor(
    private readonly ec2: Ec2,
    private readonly waitTimeout: number,
  ) {}

  private ids = (list: Instance[]) => list.map((i) => i.InstanceId!);
  private who = (list: Instance[]) => list.map((i) => label(i)).join(', ');

  keep(list: Instance[]): void {
    for (const i of list) {
      this.predicted.set(i.InstanceId!, instanceView(i));
      const n = tagMap(i.Tags).Name;
      if (n) this.names.set(i.InstanceId!, n);
    }
  }

  private predict(list: Instance[], state: string): void {
    for (const i of list) {
      const v = this.predicted.get(i.InstanceId!);
      if (v) v.state = state;
    }
  }

  private call(describe: string, run: () => Promise<unknown>, changes = true): void {
    this.steps.push(callStep(describe, run, changes));
  }

  terminate(list: Instance[], why = ''): void {
    if (!list.length) return;
    const { sdk } = this.ec2;
    const ids = this.ids(list);
    this.terminatedIds.push(...ids);
    for (const i of list)
      this.diff.push({ kind: 'state', what: label(i), before: stateOf(i), after: 'terminated' });
    this.call(`terminate ${this.who(list)}${why}`, () =>
      this.ec2.send(new sdk.TerminateInstancesCommand({ InstanceIds: ids })),
    );
  }

  /** Stop LIST, and with launched the instances launched by then (a new instance asked to be stopped). */
  stop(list: Instance[], then = 'stopped', launched = false): void {
    if (!list.length && !launched) return;
    const { sdk } = this.ec2;
    for (const i of list) this.diff.push({ kind: 'state', what: label(i), before: stateOf(i), after: then });
    this.predict(list, 'stopped');
    for (const i of list) this.changedIds.add(i.InstanceId!);
    const what = [this.who(list), launched ? 'the new instances' : ''].filter(Boolean).join(' and ');
    this.call(`stop ${what}`, () =>
      this.ec2.send(
        new sdk.StopInstancesCommand({
          InstanceIds: [...this.ids(list), ...(launched ? this.launched : [])],
        }),
      ),
    );
  }

  /** Start LIST; DIFFED are the ones whose change --diff shows (a restart has shown its stop already). */
  start(list: Instance[], diffed: Instance[] = list): void {
    if (!list.length) return;
    const { sdk } = this.ec2;
    for (const i of diffed)
      this.diff.push({ kind: 'state', what: label(i), before: stateOf(i), after: 'running' });
    this.predict(list, 'running');
    for (const i of list) this.changedIds.add(i.InstanceId!);
    this.call(`start ${this.who(list)}`, () =>
      this.ec2.send(new sdk.StartInstancesCommand({ InstanceIds: this.ids(list) })),
    );
  }

  tag(i: Instance, c: TagChange): void {
    if (isNoChange(c)) return;
    const { sdk } = this.ec2;
    const id = i.InstanceId!;
    const before = tagMap(i.Tags);
    const after = applyTagChange(before, c);
    this.diff.push({
      kind: 'state',
      what: `${label(i)} tags`,
      before: showTags(before),
      after: showTags(after),
    });
    const v = this.predicted.get(id);
    if (v) v.tags = after;
    const parts = [
      Object.keys(c.set).length ? `set ${showTags(c.set)}` : '',
      c.unset.length ? `remove ${c.unset.join(', ')}` : '',
    ].filter(Boolean);
    this.call(`tag ${label(i)}: ${parts.join('; ')}`, async () => {
      if (Object.keys(c.set).length)
        await this.ec2.send(
          new sdk.CreateTagsCommand({
            Resources: [id],
            Tags: Object.entries(c.set).map(([Key, Value]) => ({ Key, Value })),
          }),
        );
      if (c.unset.length)
        await this.ec2.send(
          new sdk.DeleteTagsCommand({ Resources: [id], Tags: c.unset.map((Key) => ({ Key })) }),
        );
    });
  }

  launch(a: LaunchArgs, image: ImageChoice, tags: TagMap, launches: Launch[], state: string): void {
    if (!launches.length) return;
    const { sdk } = this.ec2;
    const named = launches.map((l) => l.name).filter(Boolean);
    for (const [n, l] of launches.entries())
      this.diff.push({
        kind: 'state',
        what: l.name ?? `new instance ${n + 1}`,
        before: 'absent',
        after: state,
      });
    const what = `${launches.length} x ${a.instance_type ?? DEFAULT_INSTANCE_TYPE} from ${image.id}${image.name ? ` (${image.name})` : ''}`;
    this.call(`launch ${what}${named.length ? ` as ${named.join(', ')}` : ''}`, async () => {
      const groups = await groupIds(this.ec2, [a.security_groups ?? []].flat(), a.vpc_subnet_id);
      for (const req of runRequests(a, image.id, groups, tags, launches, image.rootDevice)) {
        const out = await this.ec2.send(new sdk.RunInstancesCommand(req));
        for (const i of out.Instances ?? []) {
          this.launched.push(i.InstanceId!);
          this.changedIds.add(i.InstanceId!);
          const n =
            tagMap(i.Tags).Name ?? req.TagSpecifications?.[0]?.Tags?.find((t) => t.Key === 'Name')?.Value;
          if (n) this.names.set(i.InstanceId!, n);
        }
      }
    });
  }

  /** Wait for LIST (and, with launched, the instances launched by then) to reach WANT; never a change. */
  wait(list: Instance[], want: WaitFor, launched = false): void {
    if (!list.length && !launched) return;
    const what = [this.who(list), launched ? 'the new instances' : ''].filter(Boolean).join(' and ');
    this.call(
      `wait for ${what} to be ${want} (at most ${this.waitTimeout} s)`,
      () =>
        waitForInstances(
          this.ec2,
          [...this.ids(list), ...(launched ? this.launched : [])],
          want,
          this.waitTimeout,
          this.names,
        ),
      false,
    );
  }

  /** The last step: the instances as they are now, for `register:`. */
  observe(kept: Instance[]): void {
    this.steps.push({
      describe: 'describe the instances',
      changes: false,
      run: async () => {
        const now = await instancesById(this.ec2, [...this.ids(kept), ...this.launched]);
        return {
          instances: now.map(instanceView),
          instance_ids: now.map((i) => i.InstanceId),
          changed_ids: [...this.changedIds],
          terminated_ids: this.terminatedIds,
        };
      },
    });
  }
}

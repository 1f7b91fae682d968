// `ec2_instance`: EC2 instances of our cluster present, running, stopped or terminated, matched by tags, as Ansible's.
import type { Instance } from '@aws-sdk/client-ec2';
import { defineModule, type Plan } from '../engine/module.js';
import { connectEc2, type Ec2 } from './lib/aws/client.js';
import {
  checkArgs,
  chooseImage,
  launches,
  matchFilters,
  schema,
  wantedTags,
} from './lib/aws/instance-args.js';
import { type ImageChoice, InstanceSteps } from './lib/aws/instance-steps.js';
import { findInstances, nameOf, stateOf } from './lib/aws/instances.js';
import type { Launch } from './lib/aws/launch.js';
import { ownTags, type TagMap, tagChange, tagMap } from './lib/aws/tags.js';

export default defineModule({
  name: 'ec2_instance',
  schema,
  aliases: { subnet_id: 'vpc_subnet_id', resource_tags: 'tags' },
  controllerOnly: true,
  async plan(a): Promise<Plan> {
    checkArgs(a);
    const ec2 = await connectEc2(a);
    const state = a.state ?? 'present';
    let existing = await findInstances(ec2, matchFilters(a));
    if (a.name_prefix)
      existing = existing.filter((i) => new RegExp(`^${a.name_prefix}\\d+$`).test(nameOf(i) ?? ''));
    const s = new InstanceSteps(ec2, a.wait_timeout ?? 600);
    const wait = a.wait !== false;
    if (state === 'absent' || state === 'terminated') {
      s.terminate(existing);
      if (wait) s.wait(existing, 'terminated');
      return finish(s, [], ec2, existing.length ? undefined : 'no matching instances');
    }
    let keep = existing;
    let n = a.count ?? (existing.length ? 0 : 1);
    if (a.exact_count !== undefined) {
      const extra = Math.max(0, existing.length - a.exact_count);
      s.terminate(
        existing.slice(0, extra),
        extra ? ` (the oldest: ${existing.length} match, ${a.exact_count} wanted)` : '',
      );
      if (extra && wait) s.wait(existing.slice(0, extra), 'terminated');
      keep = existing.slice(extra);
      n = Math.max(0, a.exact_count - existing.length);
    }
    s.keep(keep);
    const want = wantedTags(a);
    // with name_prefix each instance keeps its own numbered Name
    const own = (i: Instance): TagMap => (a.name_prefix ? { Name: nameOf(i) ?? '' } : {});
    if (want)
      for (const i of keep) s.tag(i, tagChange(tagMap(i.Tags), { ...want.tags, ...own(i) }, want.purge));
    const news = launches(a, existing, n);
    const image = news.length ? await chooseImage(ec2, a, n) : undefined;
    const tags = { ...(want?.tags ?? {}), ...ownTags(a.cluster, a.role) };
    const by = (...states: string[]) => keep.filter((i) => states.includes(stateOf(i)));
    const launched = !!image;
    if (state === 'stopped') {
      // a pending instance cannot be stopped yet: it is waited for first, new ones too
      s.wait(by('pending'), 'running');
      if (image) s.launch(a, image, tags, news, 'stopped');
      if (image) s.wait([], 'running', true);
      s.stop(by('pending', 'running'), 'stopped', launched);
      if (wait) s.wait(by('pending', 'running', 'stopping'), 'stopped', launched);
    } else if (state === 'restarted' || state === 'rebooted') {
      // as Ansible: a stop and a start (other hardware, a new public address), not an OS reboot
      s.wait(by('pending'), 'running');
      s.stop(by('pending', 'running'), 'restarted');
      s.wait(keep, 'stopped');
      s.start(keep, by('stopping', 'stopped'));
      if (image) s.launch(a, image, tags, news, 'running');
      if (wait) s.wait(keep, 'running', launched);
    } else {
      const starting = state === 'present' ? [] : by('stopping', 'stopped');
      s.wait(
        starting.filter((i) => stateOf(i) === 'stopping'),
        'stopped',
      );
      s.start(starting);
      if (image) s.launch(a, image, tags, news, 'running');
      if (wait) s.wait(starting, 'running', launched);
    }
    if (!s.steps.length) return finish(s, keep, ec2);
    s.observe(keep);
    return finish(s, keep, ec2, undefined, news, image, state === 'stopped' ? 'stopped' : 'running');
  },
});

function finish(
  s: InstanceSteps,
  keep: Instance[],
  ec2: Ec2,
  note?: string,
  news: Launch[] = [],
  image?: ImageChoice,
  target = 'running',
): Plan {
  const planned = news.map((l) => ({
    name: l.name ?? null,
    address: l.privateIp ?? null,
    state: target,
    instance_id: null,
  }));
  const instances = [...keep.map((i) => s.predicted.get(i.InstanceId!)), ...planned];
  return {
    steps: s.steps,
    diff: s.diff,
    note,
    result: {
      instances,
      instance_ids: keep.map((i) => i.InstanceId),
      changed_ids: [...s.changedIds],
      terminated_ids: s.terminatedIds,
      region: ec2.region,
      ...(image ? { image_id: image.id } : {}),
    },
  };
}

// `ec2_vol`: our cluster's detached EBS volumes deleted (the teardown half of Ansible's ec2_vol), so nothing is left to pay for.
import { defineModule, type Plan } from '../engine/module.js';
import { Enum, Obj, Type } from '../engine/schema.js';
import { connectEc2 } from './lib/aws/client.js';
import { awsProps } from './lib/aws/net-args.js';
import { findOwn, labelOf } from './lib/aws/net-find.js';
import { deleting, NetPlan } from './lib/aws/net-steps.js';
import { ROLE_TAG } from './lib/aws/tags.js';

const schema = Obj({
  ...awsProps,
  name: Type.Optional(Type.String({ minLength: 1, description: 'Only volumes with this Name tag.' })),
  role: Type.Optional(Type.String({ minLength: 1, description: `Only volumes with this ${ROLE_TAG} tag.` })),
  state: Enum(['absent'], {
    description: 'absent: delete the detached ones (volumes in use go with their instance).',
  }),
});

export default defineModule({
  name: 'ec2_vol',
  schema,
  controllerOnly: true,
  async plan(a): Promise<Plan> {
    const ec2 = await connectEc2(a);
    const { sdk } = ec2;
    const s = new NetPlan(ec2);
    const role = a.role ? [{ Name: `tag:${ROLE_TAG}`, Values: [a.role] }] : [];
    const found = await findOwn(ec2, 'volume', a.cluster, a.name, role);
    const free = found.filter((v) => v.State === 'available');
    const busy = found.filter((v) => v.State === 'in-use' || v.State === 'creating');
    for (const v of free) {
      const label = labelOf('volume', v);
      s.state(`volume ${label}`, `available (${v.Size} GiB)`, 'absent');
      s.step(`delete volume ${label}`, () =>
        deleting(`volume ${label}`, () => ec2.send(new sdk.DeleteVolumeCommand({ VolumeId: v.VolumeId }))),
      );
    }
    if (busy.length)
      s.note(
        `${busy.map((v) => labelOf('volume', v)).join(', ')} in use: left to their instances (terminate them first)`,
      );
    return s.done(
      { volume_ids: free.map((v) => v.VolumeId), in_use_ids: busy.map((v) => v.VolumeId) },
      found.length ? undefined : `no detached volume in ${a.cluster}`,
    );
  },
});

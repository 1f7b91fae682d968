// Table tests for ec2_vol against the fake EC2: only our detached volumes are deleted; in-use and foreign ones stay.
import { expect } from 'chai';
import ec2Vol from '../../modules/ec2_vol.js';
import { FAKE } from '../lib/fake-ec2.js';
import { apply, unchanged, useFakeEc2 } from '../lib/fake-ec2-run.js';
import { testModule } from '../lib/module-tester.js';

const base = { region: FAKE.region, cluster: 'test', state: 'absent' };
const vol = (id: string, state: 'available' | 'in-use', tags: Record<string, string>) => ({
  VolumeId: id,
  Size: 30,
  State: state,
  Attachments: state === 'in-use' ? [{ InstanceId: 'i-0abc', State: 'attached' as const }] : [],
  Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
});

describe('ec2_vol against the fake EC2', function () {
  this.timeout(20_000);
  const world = useFakeEc2();
  const left = () => world().volumes.map((v) => v.VolumeId);
  const mixed = () =>
    world().volumes.push(
      vol('vol-0ours', 'available', { 'sdtd:cluster': 'test', Name: 'kafka1-data', 'sdtd:role': 'kafka' }),
      vol('vol-0oursbusy', 'in-use', { 'sdtd:cluster': 'test' }),
      vol('vol-0other', 'available', { 'sdtd:cluster': 'other' }),
      vol('vol-0untagged', 'available', {}),
    );

  testModule(ec2Vol, {
    snapshot: () => unchanged(world()),
    changed: [
      {
        name: 'deletes our detached volumes only',
        setup: mixed,
        args: () => base,
        verify: (_f, out) => {
          expect(left()).to.deep.equal(['vol-0oursbusy', 'vol-0other', 'vol-0untagged']);
          expect(out.result).to.deep.include({ volume_ids: ['vol-0ours'], in_use_ids: ['vol-0oursbusy'] });
          expect(out.msg).to.equal('vol-0oursbusy in use: left to their instances (terminate them first)');
        },
      },
      {
        name: 'by role',
        setup: mixed,
        args: () => ({ ...base, role: 'kafka' }),
        verify: () => expect(left()).to.not.include('vol-0ours'),
      },
    ],
    ok: [
      { name: 'nothing of ours', args: () => base },
      {
        name: "another role's volumes stay",
        setup: mixed,
        args: () => ({ ...base, role: 'cassandra' }),
        verify: () => expect(left()).to.have.length(4),
      },
    ],
    invalid: [
      { name: 'present is not supported', args: { cluster: 'c', state: 'present' }, error: /state/ },
      { name: 'no state', args: { cluster: 'c' }, error: /state/ },
    ],
    failed: [
      {
        name: 'EC2 refuses (the volume got attached meanwhile)',
        setup: () => {
          mixed();
          world().fail('DeleteVolume', 'VolumeInUse');
        },
        args: () => base,
        error: /^expected EC2 DeleteVolume to succeed \(got VolumeInUse: fake VolumeInUse\)$/,
      },
    ],
  });

  it('a terminated instance leaves its kept volume detached and tagged, which ec2_vol then deletes', async () => {
    await world().dispatch('RunInstances', {
      ImageId: FAKE.debian,
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
      BlockDeviceMappings: [{ DeviceName: '/dev/xvdb', Ebs: { VolumeSize: 50, DeleteOnTermination: false } }],
      TagSpecifications: [{ ResourceType: 'volume', Tags: [{ Key: 'sdtd:cluster', Value: 'test' }] }],
    });
    const i = world().instances[0];
    world().setState(i, 'terminated');
    expect(world().volumes.map((v) => [v.Size, v.State])).to.deep.equal([[50, 'available']]);
    await apply(ec2Vol, base);
    expect(world().volumes).to.deep.equal([]);
  });
});

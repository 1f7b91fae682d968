// RunInstances requests from ec2_instance's arguments: network, security groups, volumes, user data, tags.
import { randomUUID } from 'node:crypto';
import type { BlockDeviceMapping, RunInstancesRequest } from '@aws-sdk/client-ec2';
import { TaskFailure } from '../../../engine/module.js';
import { collect, type Ec2 } from './client.js';
import { type TagMap, tagSpecs } from './tags.js';

export interface VolumeArg {
  device_name?: string;
  ebs?: {
    volume_size?: number;
    volume_type?: string;
    iops?: number;
    throughput?: number;
    delete_on_termination?: boolean;
    encrypted?: boolean;
    kms_key_id?: string;
    snapshot_id?: string;
  };
}

export interface LaunchArgs {
  instance_type?: string;
  key_name?: string;
  vpc_subnet_id?: string;
  security_groups?: string | string[];
  assign_public_ip?: boolean;
  user_data?: string;
  volumes?: VolumeArg[];
}

/** One instance to launch: its own Name tag and private address when it has them. */
export interface Launch {
  name?: string;
  privateIp?: string;
}

export const DEFAULT_INSTANCE_TYPE = 't3.micro';

/** Block device mappings; a volume without device_name is the image's root device (resized, retyped). */
export function blockDevices(volumes: VolumeArg[] | undefined, rootDevice?: string): BlockDeviceMapping[] {
  return (volumes ?? []).map((v) => {
    const e = v.ebs ?? {};
    const DeviceName = v.device_name ?? rootDevice;
    if (!DeviceName)
      throw new TaskFailure(
        'expected volumes[].device_name (got none, and the image has no root device name)',
      );
    return {
      DeviceName,
      Ebs: {
        VolumeSize: e.volume_size,
        VolumeType: e.volume_type as never,
        Iops: e.iops,
        Throughput: e.throughput,
        DeleteOnTermination: e.delete_on_termination ?? true,
        Encrypted: e.encrypted,
        KmsKeyId: e.kms_key_id,
        SnapshotId: e.snapshot_id,
      },
    };
  });
}

const SG_ID = /^sg-[0-9a-f]+$/;

/** Security group ids from ids or names; names are looked up in the subnet's VPC, as Ansible does. */
export async function groupIds(ec2: Ec2, groups: string[], subnetId?: string): Promise<string[]> {
  const names = groups.filter((g) => !SG_ID.test(g));
  if (!names.length) return groups;
  const { sdk } = ec2;
  const filters = [{ Name: 'group-name', Values: names }];
  if (subnetId) {
    const [subnet] = await collect(
      ec2,
      () => new sdk.DescribeSubnetsCommand({ SubnetIds: [subnetId] }),
      (o) => o.Subnets,
      { retryNotFound: true },
    );
    if (subnet?.VpcId) filters.push({ Name: 'vpc-id', Values: [subnet.VpcId] });
  }
  const found = await collect(
    ec2,
    (NextToken) => new sdk.DescribeSecurityGroupsCommand({ Filters: filters, NextToken }),
    (o) => o.SecurityGroups,
  );
  const byName = new Map(found.map((g) => [g.GroupName, g.GroupId!]));
  const missing = names.filter((n) => !byName.has(n));
  if (missing.length)
    throw new TaskFailure(
      `expected security groups ${missing.join(', ')}${subnetId ? ` in the VPC of ${subnetId}` : ''} (got none by that name)`,
    );
  return groups.map((g) => (SG_ID.test(g) ? g : byName.get(g)!));
}

/**
 * RunInstances requests for LAUNCHES: one call for all when they are alike, else one per instance (each its own
 * Name or address). Each has its ClientToken, so the retries of one call never launch twice.
 */
export function runRequests(
  a: LaunchArgs,
  imageId: string,
  groups: string[],
  tags: TagMap,
  launches: Launch[],
  rootDevice?: string,
): RunInstancesRequest[] {
  const base: RunInstancesRequest = {
    ImageId: imageId,
    InstanceType: (a.instance_type ?? DEFAULT_INSTANCE_TYPE) as never,
    KeyName: a.key_name,
    UserData: a.user_data === undefined ? undefined : Buffer.from(a.user_data).toString('base64'),
    BlockDeviceMappings: a.volumes?.length ? blockDevices(a.volumes, rootDevice) : undefined,
    MinCount: 1,
    MaxCount: 1,
  };
  const one = (l: Launch, n: number): RunInstancesRequest => {
    const t = l.name ? { ...tags, Name: l.name } : tags;
    const net =
      a.assign_public_ip === undefined
        ? {
            SubnetId: a.vpc_subnet_id,
            SecurityGroupIds: groups.length ? groups : undefined,
            PrivateIpAddress: l.privateIp,
          }
        : {
            NetworkInterfaces: [
              {
                DeviceIndex: 0,
                SubnetId: a.vpc_subnet_id,
                Groups: groups.length ? groups : undefined,
                AssociatePublicIpAddress: a.assign_public_ip,
                PrivateIpAddress: l.privateIp,
                DeleteOnTermination: true,
              },
            ],
          };
    return {
      ...base,
      ...net,
      MinCount: n,
      MaxCount: n,
      TagSpecifications: tagSpecs(t),
      ClientToken: randomUUID(),
    };
  };
  const alike = launches.every((l) => !l.privateIp && l.name === launches[0]?.name);
  if (alike && launches.length) return [one(launches[0], launches.length)];
  return launches.map((l) => one(l, 1));
}

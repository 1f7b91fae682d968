// Finding an AMI: by id, or the newest image whose name matches a pattern from one owner (official Debian, Ubuntu).
import type { Image } from '@aws-sdk/client-ec2';
import { TaskFailure } from '../../../engine/module.js';
import { collect, type Ec2 } from './client.js';

export interface ImageSpec {
  id?: string;
  /** A name pattern (`*` wildcards) or an alias: debian-12, ubuntu-24.04. */
  name?: string;
  /** Account id or `amazon`/`self`; aliases bring their publisher's. */
  owner?: string;
  architecture?: 'x86_64' | 'arm64';
}

/** The publishers' own accounts, so a look-alike image someone else published never matches. */
export const IMAGE_ALIASES: Record<string, { owner: string; name: (arch: string) => string }> = {
  'debian-12': { owner: '136693071363', name: (a) => `debian-12-${a}-*` },
  'ubuntu-24.04': {
    owner: '099720109477',
    name: (a) => `ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-${a}-server-*`,
  },
};

/** What a spec looks for, in words: `debian-12-amd64-* from 136693071363`. */
export function imageQuery(spec: ImageSpec): { name: string; owner?: string; arch: string } {
  const arch = spec.architecture ?? 'x86_64';
  const alias = spec.name ? IMAGE_ALIASES[spec.name] : undefined;
  if (alias)
    return { name: alias.name(arch === 'arm64' ? 'arm64' : 'amd64'), owner: spec.owner ?? alias.owner, arch };
  return { name: spec.name ?? '*', owner: spec.owner, arch };
}

/** The image SPEC names: by id, or the newest available match by CreationDate. */
export async function findImage(ec2: Ec2, spec: ImageSpec): Promise<Image> {
  const { sdk } = ec2;
  if (spec.id) {
    const [img] = await collect(
      ec2,
      () => new sdk.DescribeImagesCommand({ ImageIds: [spec.id!] }),
      (o) => o.Images,
    );
    if (!img) throw new TaskFailure(`expected image ${spec.id} in ${ec2.region} (got none)`);
    return img;
  }
  const q = imageQuery(spec);
  const found = await collect(
    ec2,
    (NextToken) =>
      new sdk.DescribeImagesCommand({
        Owners: q.owner ? [q.owner] : undefined,
        Filters: [
          { Name: 'name', Values: [q.name] },
          { Name: 'state', Values: ['available'] },
          { Name: 'architecture', Values: [q.arch] },
        ],
        NextToken,
      }),
    (o) => o.Images,
  );
  const newest = found.sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''))[0];
  if (!newest)
    throw new TaskFailure(
      `expected an available ${q.arch} image named ${q.name}${q.owner ? ` from owner ${q.owner}` : ''} in ${ec2.region} (got none)`,
    );
  return newest;
}

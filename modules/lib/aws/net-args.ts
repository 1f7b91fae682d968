// Arguments the network modules share (region, profile, cluster, name, tags, state) and the tags they imply.
import { TaskFailure } from '../../../engine/module.js';
import { Bool, Enum, Type } from '../../../engine/schema.js';
import { CLUSTER_TAG, type TagMap } from './tags.js';

const Scalar = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);

/** region, profile and cluster: cluster is required, since it is what keeps us away from the rest of the account. */
export const awsProps = {
  region: Type.Optional(
    Type.String({ description: 'AWS region (default AWS_REGION, AWS_DEFAULT_REGION, the profile region).' }),
  ),
  profile: Type.Optional(Type.String({ description: 'Shared config profile (default AWS_PROFILE).' })),
  cluster: Type.String({
    minLength: 1,
    pattern: '^[^*?]+$',
    description: `Our ${CLUSTER_TAG} tag: set on create; nothing without it is ever matched or changed.`,
  }),
};

export const nameProp = Type.String({
  minLength: 1,
  pattern: '^[^*?]+$',
  description: 'The Name tag: with the cluster tag, what an existing resource is matched by.',
});

export const tagProps = {
  tags: Type.Optional(Type.Record(Type.String(), Scalar)),
  purge_tags: Type.Optional(
    Bool({ description: 'Remove tags not in tags (default true when tags is given).' }),
  ),
};

export const stateProp = Type.Optional(Enum(['present', 'absent']));

/**
 * An id argument that may be empty: in check mode the resource an earlier task would create has no id yet
 * (its registered id is null, which arguments receive as ''). Empty only means "not created yet".
 */
export const idProp = (what: string) =>
  Type.Optional(Type.String({ description: `${what} id (empty: created by an earlier task, not yet).` }));

export interface TagArgs {
  cluster: string;
  name: string;
  tags?: Record<string, string | number | boolean>;
  purge_tags?: boolean;
}

/** The tags to have: the user's, then Name and our cluster tag (which no purge removes). */
export function wantedTags(a: TagArgs): { tags: TagMap; purge: boolean } {
  const tags: TagMap = {};
  for (const [k, v] of Object.entries(a.tags ?? {})) tags[k] = String(v);
  tags.Name = a.name;
  tags[CLUSTER_TAG] = a.cluster;
  return { tags, purge: a.tags !== undefined && a.purge_tags !== false };
}

/** At most one match: two of ours with one name is a mess no module should guess its way out of. */
export function atMostOne<T>(found: T[], what: string, id: (x: T) => string | undefined): T | undefined {
  if (found.length > 1)
    throw new TaskFailure(
      `expected at most one ${what} (got ${found.length}: ${found.map(id).join(', ')}); delete the extra ones`,
    );
  return found[0];
}

/** An id the plan needs but an earlier task has not made yet (check mode): the note says so. */
export const notYet = (what: string) => `${what} does not exist yet: an earlier task must create it`;

/** The step-time guard for the same id: by then the earlier task has run, so an empty id is an error. */
export function need(id: string | undefined, arg: string, what: string): string {
  if (!id) throw new TaskFailure(`expected ${arg} (got none: ${what} was not created)`);
  return id;
}

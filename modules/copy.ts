// `copy`: put a file (or a tree) from the manager, from the host itself, or given content at dest (Ansible's copy module).
import { readFileSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { defineModule, type Host, type Plan, TaskFailure } from '../engine/module.js';
import { Any, Bool, Mode, Obj, type Static, Type } from '../engine/schema.js';
import { attrProps } from './lib/attrs.js';
import { applyPlan, destTarget, findLocal, notYet, planPlace } from './lib/content.js';
import { planLocalTree, planRemoteTree } from './lib/copy-tree.js';
import { probe } from './lib/probe.js';
import { replaceProps } from './lib/write.js';

const schema = Obj({
  dest: Type.String({
    description: 'Where to write. Ending in / or an existing directory: dest/basename(src).',
  }),
  src: Type.Optional(
    Type.String({
      description: 'File or directory on the manager (files/), or on the host with remote_src.',
    }),
  ),
  content: Type.Optional(
    Any({ description: 'The text to write instead of src (lists and mappings as JSON).' }),
  ),
  remote_src: Type.Optional(Bool({ description: 'src is a path on the host, not on the manager.' })),
  ...replaceProps,
  directory_mode: Type.Optional(
    Mode({ description: 'Mode of directories created (tree copy, dest ending in /).' }),
  ),
  ...attrProps,
});

export default defineModule({ name: 'copy', schema, plan: (args, host) => planCopy(args, host) });

/** strict: plan as the step of a remote_src planned before its src existed, which fails if it still does not. */
async function planCopy(args: Static<typeof schema>, host: Host, strict = false): Promise<Plan> {
  const { src, dest } = args;
  // `content:` left empty in YAML is null: as in Ansible, that is no content at all
  const c = args.content ?? undefined;
  if (src === undefined && c === undefined)
    throw new TaskFailure('copy needs src (a file to copy) or content (the text to write)');
  if (src !== undefined && c !== undefined) throw new TaskFailure('copy takes src or content, not both');
  const attrs = { mode: args.mode, owner: args.owner, group: args.group };
  const common = { attrs, backup: args.backup, validate: args.validate, force: args.force !== false };

  if (src === undefined) {
    const data = typeof c === 'string' ? c : typeof c === 'object' ? JSON.stringify(c) : String(c);
    const t = destTarget(dest);
    const p = await probe(host, t.path, { follow: args.follow });
    return planPlace(host, { ...common, probe: p, content: { data } });
  }

  const base = posix.basename(src.replace(/\/+$/, ''));
  // Ansible's rule: src ending in / copies what is inside, otherwise the directory itself
  const root = src.endsWith('/') ? dest : posix.join(dest, base);
  const tree = { root, attrs, directoryMode: args.directory_mode, force: args.force !== false };
  const t = destTarget(dest, base);
  const makeDir = t.makeDir ? { path: t.makeDir, mode: args.directory_mode } : undefined;

  if (args.remote_src) {
    const p = await probe(host, t.path, { follow: args.follow, intoDir: t.intoDir, other: src });
    if (!p.other) {
      const missing = `expected src ${src} on ${host.name} (remote_src), but it does not exist`;
      if (strict) throw new TaskFailure(missing);
      // an earlier task (get_url, unarchive, command) may create src: a change, checked when the step runs
      return {
        steps: [
          {
            describe: `copy ${src} to ${p.path}`,
            run: async (h) => applyPlan(await planCopy(args, h, true), h),
          },
        ],
        diff: [{ kind: 'state', what: p.path, before: p.st?.type ?? 'absent', after: `copy of ${src}` }],
        note: notYet(`src ${src}`),
        result: { dest: p.path, src },
      };
    }
    if (p.other.type === 'directory') return treeOnly(args, () => planRemoteTree(host, src, tree));
    const { sha256, size } = p.other;
    if (!sha256) throw new TaskFailure(`expected src ${src} to be a regular file (got a ${p.other.type})`);
    return planPlace(host, { ...common, probe: p, makeDir, content: { remotePath: src, sha256, size } });
  }

  const local = findLocal(host, 'files', src);
  if (statSync(local).isDirectory()) return treeOnly(args, () => planLocalTree(host, local, tree));
  const p = await probe(host, t.path, { follow: args.follow, intoDir: t.intoDir });
  return planPlace(host, { ...common, probe: p, makeDir, content: { data: readFileSync(local) } });
}

/** backup and validate are about one file; for a tree they would be silently meaningless, so they fail. */
async function treeOnly(
  args: { backup?: boolean; validate?: string; src?: string },
  plan: () => Promise<Plan>,
): Promise<Plan> {
  if (args.validate) throw new TaskFailure(`validate works on one file, but src ${args.src} is a directory`);
  if (args.backup) throw new TaskFailure(`backup works on one file, but src ${args.src} is a directory`);
  const p = await plan();
  return { ...p, result: { ...p.result, src: args.src } };
}

// `unarchive`: extract a tar archive (from the manager, or already on the host) into an existing directory.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { defineModule, type Host, type Plan, TaskFailure } from '../engine/module.js';
import { Bool, Obj, type Static, Type } from '../engine/schema.js';
import { shjoin, shq } from '../engine/shell.js';
import { attrProps } from './lib/attrs.js';
import { applyPlan, notYet } from './lib/content.js';
import {
  attrsInput,
  attrsScript,
  compareMembers,
  type Member,
  parseListing,
  statMembersScript,
} from './lib/tar-members.js';

const schema = Obj({
  src: Type.String({
    description: "The archive: on the manager (role's files/), or on the host with remote_src.",
  }),
  dest: Type.String({ description: 'An existing directory to extract into.' }),
  remote_src: Type.Optional(Bool({ description: 'src is already on the host (default false).' })),
  creates: Type.Optional(Type.String({ description: 'When this path exists, do nothing.' })),
  extra_opts: Type.Optional(
    Type.Array(Type.String(), { description: 'More tar options, e.g. --exclude=docs.' }),
  ),
  strip_components: Type.Optional(
    Type.Integer({ minimum: 0, description: 'Leading path components to drop (our addition).' }),
  ),
  list_files: Type.Optional(Bool({ description: 'Return the extracted paths in `files`.' })),
  ...attrProps,
});

const TAR_LIST = 'LC_ALL=C TZ=UTC tar -tv --full-time --quoting-style=literal';

export default defineModule({ name: 'unarchive', schema, plan: (args, host) => planUnarchive(args, host) });

/** strict: plan as the step planned before dest (or a remote src) existed, which fails if it still does not. */
async function planUnarchive(args: Static<typeof schema>, host: Host, strict = false): Promise<Plan> {
  const { src, dest } = args;
  if (/\.zip$/i.test(src))
    throw new TaskFailure(`expected a tar archive (tar, tar.gz, tgz, tar.xz, tar.bz2; got zip: ${src})`);
  if (/^[a-z]+:\/\//i.test(src))
    throw new TaskFailure(`expected a file path in src (got the URL ${src}; fetch it with get_url first)`);
  const extra = args.extra_opts ?? [];
  const strip = args.strip_components ?? stripIn(extra);
  const tarOpts = [...extra, ...(args.strip_components ? [`--strip-components=${strip}`] : [])];
  const attrs = { mode: args.mode, owner: args.owner, group: args.group };
  const remote = args.remote_src ?? false;
  const local = remote ? undefined : host.localPath('files', src);

  const guards = [
    args.creates ? `if [ -e ${shq(args.creates)} ]; then echo CREATES; exit 0; fi` : '',
    `[ -d ${shq(dest)} ] || { echo NODEST; exit 0; }`,
    remote ? `[ -f ${shq(src)} ] || { echo NOSRC; exit 0; }` : '',
    'echo OK',
  ].join('\n');
  const localMembers = local ? parseListing(await listLocal(local, extra), strip) : [];
  const first = local
    ? await host.run(`${guards}\n${statMembersScript(dest)}`, { stdin: names(localMembers) })
    : await listRemote(host, `${guards}\n${TAR_LIST} ${shjoin(extra)} -f ${shq(src)}`, src);
  const [guard, ...rest] = first.split('\n');
  if (guard === 'CREATES')
    return { steps: [], note: `skipped, since ${args.creates} exists`, result: { dest, src } };
  if (guard === 'NODEST' || guard === 'NOSRC') {
    const missing =
      guard === 'NODEST'
        ? `expected the directory ${dest} to exist (got none; unarchive does not create it)`
        : `expected ${src} on the host (remote_src), got no such file`;
    if (strict) throw new TaskFailure(missing);
    // an earlier task (file, get_url) may create it: a change, planned again and checked when the step runs
    return {
      steps: [
        {
          describe: `extract ${src} into ${dest}`,
          run: async (h) => applyPlan(await planUnarchive(args, h, true), h),
        },
      ],
      diff: [
        {
          kind: 'state',
          what: dest,
          before: guard === 'NODEST' ? 'absent' : `${src} not there yet`,
          after: `extracted from ${src}`,
        },
      ],
      note: notYet(guard === 'NODEST' ? `directory ${dest}` : `src ${src}`),
      result: {
        dest,
        src,
        ...(local ? { file_count: localMembers.length } : {}),
        ...(local && args.list_files ? { files: localMembers.map((m) => m.name) } : {}),
      },
    };
  }
  const members = local ? localMembers : parseListing(rest.join('\n'), strip);
  // remote_src: a second round trip, to stat what the host's listing names
  const statOut = local
    ? rest.join('\n')
    : await host.run(statMembersScript(dest), { stdin: names(members) });
  const { differ, attrsDiffer } = compareMembers(members, statOut, attrs);

  const result: Record<string, unknown> = { dest, src, file_count: members.length };
  if (args.list_files) result.files = members.map((m) => m.name);
  const fix = attrsScript(dest, attrs);
  if (differ === 0) {
    if (attrsDiffer === 0 || !fix) return { steps: [], result };
    return {
      steps: [
        {
          describe: `set ${Object.entries(attrs)
            .filter(([, v]) => v)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')} on ${attrsDiffer} paths in ${dest}`,
          run: async (h) => void (await h.run(fix, { stdin: attrsInput(members) })),
        },
      ],
      diff: [
        {
          kind: 'state',
          what: `${dest} (extracted files)`,
          before: `${attrsDiffer} with other attributes`,
          after: 'all as asked',
        },
      ],
      result,
    };
  }
  return {
    steps: [
      {
        describe: `extract ${src} into ${dest} (${differ} of ${members.length} members missing or different)`,
        run: (h) => extract(h, { local, src, dest, tarOpts, members, fix, result }),
      },
    ],
    diff: [
      {
        kind: 'state',
        what: dest,
        before: `${differ} of ${members.length} members missing or different`,
        after: `extracted from ${src}`,
      },
    ],
    result,
  };
}

async function extract(
  h: Host,
  x: {
    local?: string;
    src: string;
    dest: string;
    tarOpts: string[];
    members: Member[];
    fix?: string;
    result: Record<string, unknown>;
  },
) {
  let archive = x.src;
  if (x.local) {
    archive = `/tmp/.sdtd-unarchive-${randomBytes(6).toString('hex')}`;
    await h.upload(x.local, archive);
  }
  const cleanup = x.local ? `; rc=$?; rm -f ${shq(archive)}; exit $rc` : '';
  const r = await h.exec(`tar -xf ${shq(archive)} -C ${shq(x.dest)} ${shjoin(x.tarOpts)}${cleanup}`);
  if (r.rc !== 0)
    throw new TaskFailure(`extracting ${x.src} into ${x.dest} failed (tar: ${lastLine(r.stderr)})`);
  if (x.fix) await h.run(x.fix, { stdin: attrsInput(x.members) });
  return x.result;
}

/** --strip-components given Ansible's way, in extra_opts. */
function stripIn(extra: string[]): number {
  for (const [i, o] of extra.entries()) {
    const m = /^--strip(?:-components)?(?:=(\d+))?$/.exec(o);
    if (m) return Number(m[1] ?? extra[i + 1]);
  }
  return 0;
}

async function listLocal(path: string, extra: string[]): Promise<string> {
  const args = ['-tv', '--full-time', '--quoting-style=literal', ...extra, '-f', path];
  try {
    const env = { ...process.env, LC_ALL: 'C', TZ: 'UTC' };
    return (await promisify(execFile)('tar', args, { env, maxBuffer: 256 * 1024 * 1024 })).stdout;
  } catch (e) {
    const why = lastLine(String((e as { stderr?: string }).stderr || e));
    throw new TaskFailure(`expected ${path} to be a tar archive (tar: ${why})`);
  }
}

async function listRemote(host: Host, script: string, src: string): Promise<string> {
  const r = await host.exec(script);
  if (r.rc !== 0)
    throw new TaskFailure(`expected ${src} on the host to be a tar archive (tar: ${lastLine(r.stderr)})`);
  return r.stdout;
}

const names = (members: Member[]) => members.map((m) => `${m.name}\n`).join('');
const lastLine = (s: string) => s.trim().split('\n').pop() ?? '';

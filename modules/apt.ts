// `apt`: Debian packages present, latest or absent, .deb files, cache updates, autoremove (Ansible's apt module).
import { randomBytes } from 'node:crypto';
import { type Diff, defineModule, type Host, type Plan, type Step, TaskFailure } from '../engine/module.js';
import { Bool, Enum, Obj, type Static, StrOrList, Type } from '../engine/schema.js';
import { shq } from '../engine/shell.js';
import { debHead, debSource } from './lib/apt-deb.js';
import { aptOptions, packagesResult, simulate, transaction, updateCache, type Verb } from './lib/apt-run.js';
import { type Change, installedOf, isInstalled, parseSpecs, probe, wanted } from './lib/apt-state.js';
import { applyPlan, notYet } from './lib/content.js';

const schema = Obj({
  name: Type.Optional(StrOrList({ description: 'Packages: name, name:arch or name=version.' })),
  state: Type.Optional(Enum(['present', 'absent', 'latest'], { description: 'Default: present.' })),
  update_cache: Type.Optional(Bool({ description: 'Run apt-get update first.' })),
  cache_valid_time: Type.Optional(
    Type.Integer({
      minimum: 0,
      description: 'With update_cache: skip it when the lists are younger (seconds).',
    }),
  ),
  install_recommends: Type.Optional(
    Bool({ description: "Install Recommends (default: apt's configuration)." }),
  ),
  deb: Type.Optional(
    Type.String({ description: 'A .deb file: on the host (absolute path), else on the manager.' }),
  ),
  purge: Type.Optional(
    Bool({ description: 'With state absent or autoremove: remove configuration files too.' }),
  ),
  autoremove: Type.Optional(Bool({ description: 'Remove dependencies nothing needs any more.' })),
  allow_downgrade: Type.Optional(Bool({ description: 'Let a pinned version replace a newer one.' })),
  lock_timeout: Type.Optional(
    Type.Integer({ minimum: 0, description: 'Seconds to wait for the dpkg lock (60).' }),
  ),
  dpkg_options: Type.Optional(
    Type.String({ description: 'Comma-separated (default force-confdef,force-confold).' }),
  ),
  noninteractive: Type.Optional(Bool({ description: 'DEBIAN_FRONTEND=noninteractive (default true).' })),
  policy_rc_d: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 255,
      description: 'Exit code of a temporary policy-rc.d (101: start nothing).',
    }),
  ),
});
type Args = Static<typeof schema>;

export default defineModule({
  name: 'apt',
  schema,
  aliases: {
    pkg: 'name',
    package: 'name',
    'update-cache': 'update_cache',
    'install-recommends': 'install_recommends',
    allow_downgrades: 'allow_downgrade',
  },
  plan: (args, host) => planApt(args, host),
});

/** strict: planned again by the step of a deb that was not there at plan time; now it must be. */
async function planApt(args: Args, host: Host, strict = false): Promise<Plan> {
  const specs = parseSpecs(args.name);
  const state = args.state ?? 'present';
  if (args.deb && specs.length) throw new TaskFailure('expected name or deb, not both');
  if (args.deb && state !== 'present')
    throw new TaskFailure(`expected deb only with state present (got ${state})`);
  if (state === 'latest' && specs.some((s) => s.version))
    throw new TaskFailure('expected no =version with state latest (a pinned version is not "latest")');
  if (!specs.length && !args.deb && !args.update_cache && !args.autoremove)
    throw new TaskFailure('expected at least one of name, deb, update_cache or autoremove');
  const o = aptOptions(args);
  const deb = args.deb ? debSource(host, args.deb) : undefined;
  const bare = !specs.length && !args.deb;
  const p = await probe(host, {
    specs,
    policy: state === 'latest',
    autoremove: !!args.autoremove && bare,
    deb: deb && {
      hostPath: deb.hostPath,
      stdin: deb.local ? debHead(deb.local) : undefined,
      shown: args.deb!,
    },
  });
  const steps: Step[] = [];
  const diff: Diff[] = [];
  const notes: string[] = [];
  const result: Record<string, unknown> = { cache_updated: false, cache_update_time: p.cacheTime || null };

  const age = p.now - p.cacheTime;
  const stale =
    args.update_cache &&
    (p.cacheTime === 0 || args.cache_valid_time === undefined || age > args.cache_valid_time);
  if (stale) {
    // as Ansible: a cache update is the task's change only when it is all the task does
    const was = p.cacheTime ? `updated ${age}s ago` : 'never updated';
    steps.push({ describe: `apt-get update (lists ${was})`, changes: bare, run: (h) => updateCache(h, o) });
    if (bare) diff.push({ kind: 'state', what: 'package lists', before: was, after: 'updated' });
  }

  let verb: Verb | undefined;
  let todo: string[] = [];
  let guess: Change[] = [];
  if (args.deb) {
    if (p.deb?.From === 'none') {
      if (strict)
        throw new TaskFailure(`expected ${args.deb} to exist on ${host.name} or the manager; it does not`);
      const again = { ...args, update_cache: false };
      steps.push({
        describe: `install ${args.deb}`,
        run: async (h) => applyPlan(await planApt(again, h, true), h),
      });
      diff.push({ kind: 'state', what: `package from ${args.deb}`, before: 'absent', after: 'installed' });
      return { steps, diff, note: notYet(args.deb), result };
    }
    const d = p.deb!;
    const i = installedOf(p, { name: d.Package, arg: d.Package });
    if (i?.status !== 'installed' || i.version !== d.Version) {
      verb = 'install';
      todo = [d.From === 'host' ? args.deb : `${d.Package} (${args.deb} from the manager)`];
      guess = [{ name: d.Package, before: isInstalled(i) ? i!.version : null, after: d.Version }];
    }
  } else if (bare) {
    if (args.autoremove && p.autoremove.length) {
      verb = 'autoremove';
      guess = p.autoremove;
    }
  } else {
    const need = specs.filter((s) => wanted(p, s, state, !!args.purge));
    if (need.length) {
      verb = state === 'absent' ? 'remove' : 'install';
      todo = need.map((s) => (state === 'absent' ? s.name + (s.arch ? `:${s.arch}` : '') : s.arg));
      guess = need.map((s) => {
        const i = installedOf(p, s);
        const before = isInstalled(i) ? i!.version : null;
        if (state === 'absent') return { name: s.name, before: before ?? i?.version ?? null, after: null };
        return { name: s.name, before, after: s.version ?? p.candidates.get(s.name) ?? 'candidate' };
      });
    } else if (stale && state === 'latest') {
      // newer versions only show after the update: apt-get install then upgrades, or says "already the newest"
      steps.push({
        describe: `apt-get install ${specs.map((s) => s.arg).join(' ')} (upgrades only if the updated lists are newer)`,
        changes: false,
        run: async (h) => {
          const r = await transaction(
            h,
            'install',
            specs.map((s) => s.arg),
            o,
            'the packages to be at their newest',
          );
          // known only now, after the update: the task changed if apt actually upgraded something
          return { ...r, changed: Object.values(r.packages).some((group) => Object.keys(group).length > 0) };
        },
      });
    }
  }
  const upload = p.deb?.From === 'manager' ? deb?.local : undefined;
  if (verb) {
    let changes = guess;
    // the transaction, simulated, for a diff with dependencies and versions (a manager's deb is not there to simulate)
    if (!upload) {
      const sim = await simulate(host, verb, todo, o, guess);
      changes = sim.changes;
      if (sim.note) notes.push(sim.note);
    }
    for (const c of changes) {
      const after = c.after ?? (c.purge ? 'purged' : 'absent');
      diff.push({ kind: 'state', what: `package ${c.name}`, before: c.before ?? 'absent', after });
    }
    result.packages = packagesResult(changes);
    const expected = `${verb} of ${todo.join(', ') || 'unneeded packages'} to succeed`;
    steps.push({
      describe: `apt-get ${verb}${todo.length ? ` ${todo.join(' ')}` : ''}`,
      run: async (h) => {
        if (!upload) return transaction(h, verb, todo, o, expected);
        const tmp = `/tmp/.sdtd-deb-${randomBytes(6).toString('hex')}.deb`;
        await h.upload(upload, tmp);
        try {
          return await transaction(h, 'install', [tmp], o, expected);
        } finally {
          await h.exec(`rm -f ${shq(tmp)}`);
        }
      },
    });
  }
  return { steps, diff, result, note: notes.join('; ') || undefined };
}

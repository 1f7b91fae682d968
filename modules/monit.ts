// `monit`: start, stop, restart, (un)monitor a Monit service, make Monit know it, or reload Monit (community.general.monit).
import { type Diff, defineModule, type Host, type Plan, type Step, TaskFailure } from '../engine/module.js';
import { Enum, Obj, type Static, Type } from '../engine/schema.js';
import { shq } from '../engine/shell.js';
import { applyPlan } from './lib/content.js';
import {
  known,
  type MonitService,
  type MonitView,
  monitored,
  pick,
  readMonit,
  reload,
  settle,
  show,
} from './lib/monit-status.js';

const schema = Obj({
  name: Type.String({
    minLength: 1,
    description: 'A Monit service name (as in `check process NAME`), or `all` for every service.',
  }),
  state: Enum(['present', 'started', 'stopped', 'restarted', 'monitored', 'unmonitored', 'reloaded'], {
    description: 'What Monit should do or have done with the service.',
  }),
  timeout: Type.Optional(
    Type.Integer({
      minimum: 0,
      description:
        "Seconds to wait for Monit's status to settle, before deciding and after acting (default 300).",
    }),
  ),
});

type Args = Static<typeof schema>;
type Action = Exclude<Args['state'], 'present' | 'reloaded'>;

const running = (s: MonitService) => monitored(s) && s.status === 'OK';
const unwatched = (s: MonitService) => s.monitoring === 'Not monitored';

/** The monit command of each state, and what a settled service looks like once it is done. */
const ACTIONS: Record<Action, { verb: string; holds: (s: MonitService) => boolean; means: string }> = {
  started: { verb: 'start', holds: running, means: 'monitored with status OK' },
  restarted: { verb: 'restart', holds: running, means: 'monitored with status OK' },
  monitored: { verb: 'monitor', holds: monitored, means: 'monitored' },
  // Monit's own view: a stopped service is one it no longer watches (it cannot tell an unwatched process runs)
  stopped: { verb: 'stop', holds: unwatched, means: 'not monitored' },
  unmonitored: { verb: 'unmonitor', holds: unwatched, means: 'not monitored' },
};

export default defineModule({
  name: 'monit',
  schema,
  plan: (args, host) => planMonit(args, host),
});

function statusOf(name: string, svcs: MonitService[]): unknown {
  if (name !== 'all') return svcs[0] ? show(svcs[0]) : undefined;
  return Object.fromEntries(svcs.map((s) => [s.name, show(s)]));
}

const listed = (svcs: MonitService[]) => svcs.map((s) => `${s.name}: ${show(s)}`).join('; ');

/** strict: plan as a step planned while Monit or the service was missing, which fails if it still is. */
async function planMonit(a: Args, host: Host, strict = false): Promise<Plan> {
  const timeout = a.timeout ?? 300;
  const result: Record<string, unknown> = { name: a.name, state: a.state };
  if (a.state === 'present' && a.name === 'all')
    throw new TaskFailure('expected a service name with state present (got all, which Monit always has)');
  if (a.state === 'reloaded') return { steps: [reloadStep(a.name, timeout, false)], result };

  const v = await readMonit(host);
  if (!v.ok) {
    if (strict) throw new TaskFailure(`expected Monit to answer monit status (found: ${v.why})`);
    // apt, a template and a service task earlier in the play may install, configure and start it
    const note = `Monit does not answer yet (${v.why}): an earlier task must install, configure (set httpd) and start it`;
    return blind(a, note, result);
  }
  const svcs = pick(v, a.name);
  if (a.state === 'present') {
    if (svcs) return { steps: [], result: { ...result, status: statusOf(a.name, svcs) } };
    const diff: Diff[] = [
      { kind: 'state', what: `monit service ${a.name}`, before: 'unknown', after: 'known' },
    ];
    return { steps: [reloadStep(a.name, timeout, true)], diff, result };
  }
  if (!svcs) {
    const missing = `expected Monit to know service ${a.name} (it knows: ${known(v)})`;
    if (strict) throw new TaskFailure(missing);
    const note = `Monit service ${a.name} does not exist yet: an earlier task must add its check and reload Monit`;
    return blind(a, note, result);
  }

  // a service initializing or with an action queued has no answer yet: deciding on it would guess
  const now = await settle(host, a.name, timeout);
  const cur = pick(now, a.name);
  if (!cur) throw new TaskFailure(`expected Monit to know service ${a.name} (it knows: ${known(now)})`);
  const act = ACTIONS[a.state];
  const wrong = a.state === 'restarted' ? cur : cur.filter((s) => !act.holds(s));
  result.status = statusOf(a.name, cur);
  if (!wrong.length) return { steps: [], result };
  const diff: Diff[] = wrong.map((s) => ({
    kind: 'state',
    what: `monit service ${s.name}`,
    before: show(s),
    after: a.state,
  }));
  return { steps: [actStep(a.name, a.state, timeout)], diff, result };
}

/** A plan made before Monit or the service exists: a predicted change, planned again strictly when it runs. */
function blind(a: Args, note: string, result: Record<string, unknown>): Plan {
  const what = a.state === 'present' ? 'reload Monit' : `monit ${ACTIONS[a.state as Action].verb}`;
  return {
    steps: [{ describe: `${what} ${a.name}`, run: async (h) => applyPlan(await planMonit(a, h, true), h) }],
    diff: [{ kind: 'state', what: `monit service ${a.name}`, before: 'unknown', after: a.state }],
    note,
    result,
  };
}

function actStep(name: string, state: Action, timeout: number): Step {
  const act = ACTIONS[state];
  return {
    describe: `monit ${act.verb} ${name}`,
    async run(h) {
      await h.run(`monit ${act.verb} ${shq(name)}`);
      const v = await settle(h, name, timeout);
      const svcs = pick(v, name);
      if (!svcs) throw new TaskFailure(`expected Monit to know service ${name} (it knows: ${known(v)})`);
      const bad = svcs.filter((s) => !act.holds(s));
      if (bad.length)
        throw new TaskFailure(
          `expected ${name} to be ${act.means} after monit ${act.verb}; found ${listed(bad)}`,
          { status: statusOf(name, svcs) },
        );
      return { status: statusOf(name, svcs) };
    },
  };
}

/** mustKnow (state present): the reload is for a check just added, so wait until Monit lists the service. */
function reloadStep(name: string, timeout: number, mustKnow: boolean): Step {
  return {
    describe: mustKnow ? `reload Monit and wait until it knows ${name}` : 'reload Monit',
    async run(h) {
      const since = await reload(h);
      let v: MonitView & { ok: true };
      try {
        v = await settle(h, name, timeout, { fresh: since, mustKnow });
      } catch (e) {
        if (e instanceof TaskFailure && mustKnow && e.message.startsWith('waited'))
          throw new TaskFailure(`expected Monit to know service ${name} after monit reload: ${e.message}`);
        throw e;
      }
      const svcs = pick(v, name);
      return svcs ? { status: statusOf(name, svcs) } : {};
    },
  };
}

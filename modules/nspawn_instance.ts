// `nspawn_instance`: the local twin of ec2_instance: real Debian hosts booted with systemd-nspawn on the manager.
import {
  defineModule,
  type Host,
  type Plan,
  type StateDiff,
  type Step,
  TaskFailure,
} from '../engine/module.js';
import { Bool, Enum, Obj, Type } from '../engine/schema.js';
import { shq } from '../engine/shell.js';
import { buildImageScript } from './lib/nspawn/image.js';
import { addressOf, BASE_PACKAGES, type FleetLayout, nameOf, paths } from './lib/nspawn/layout.js';
import {
  acngScript,
  bridgeScript,
  INOTIFY_MIN,
  inotifyScript,
  keyScript,
  stopAcngScript,
} from './lib/nspawn/network.js';
import { bootScript, createAndBootScript, removeScript, stopScript, waitScript } from './lib/nspawn/node.js';
import { type FleetState, probeFleet, TOOLS } from './lib/nspawn/probe.js';

const schema = Obj({
  name: Type.Optional(
    Type.String({
      pattern: '^[a-z][a-z-]*$',
      description: 'Host name prefix: node gives node1, node2... (default node).',
    }),
  ),
  count: Type.Optional(
    Type.Integer({ minimum: 0, description: 'At least this many hosts (never removes any).' }),
  ),
  exact_count: Type.Optional(
    Type.Integer({
      minimum: 0,
      description: 'Exactly this many: missing ones are made, the highest-numbered extra ones removed.',
    }),
  ),
  state: Type.Optional(
    Enum(['present', 'running', 'started', 'stopped', 'restarted', 'absent', 'terminated']),
  ),
  fleet_dir: Type.Optional(
    Type.String({ description: 'Where images, hosts and keys live (default /var/lib/sdtd-fleet).' }),
  ),
  bridge: Type.Optional(
    Type.String({ description: 'Bridge device of the private network (default sdtd0).' }),
  ),
  subnet: Type.Optional(
    Type.String({
      pattern: '^\\d+\\.\\d+\\.\\d+\\.0/24$',
      description: 'Private /24 of the fleet (default in the module).',
    }),
  ),
  suite: Type.Optional(Type.String({ description: 'Debian suite of the base image (default bookworm).' })),
  mirror: Type.Optional(Type.String()),
  security_mirror: Type.Optional(Type.String()),
  image_packages: Type.Optional(
    Type.Array(Type.String(), { description: 'Packages added to the base image.' }),
  ),
  image_dir: Type.Optional(
    Type.String({
      description: "Use this already built base image (e.g. another fleet's rootfs) instead of building one.",
    }),
  ),
  wait: Type.Optional(Bool({ description: 'Wait until sshd answers on booted hosts (default true).' })),
  wait_timeout: Type.Optional(Type.Integer({ minimum: 1, description: 'Seconds (default 120).' })),
});

/** A private range of our own, never routed anywhere: the only addresses the fleet ever uses. */
const DEFAULT_SUBNET = '10.231.0.0/24';

const step = (describe: string, script: string, changes = true): Step => ({
  describe,
  changes,
  run: async (host) => {
    await host.run(`bash -c ${shq(script)}`);
  },
});

function layout(a: Record<string, any>): FleetLayout {
  return {
    dir: a.fleet_dir ?? '/var/lib/sdtd-fleet',
    bridge: a.bridge ?? 'sdtd0',
    net: (a.subnet ?? DEFAULT_SUBNET).split('.').slice(0, 3).join('.'),
    prefix: a.name ?? 'node',
    suite: a.suite ?? 'bookworm',
    mirror: a.mirror ?? 'http://deb.debian.org/debian',
    securityMirror: a.security_mirror ?? 'http://deb.debian.org/debian-security',
    packages: [...BASE_PACKAGES, ...(a.image_packages ?? [])],
    image: a.image_dir,
  };
}

/** The hosts to have: exact_count and count give names 1..N (count keeps extra ones); otherwise the ones there are. */
function wanted(
  l: FleetLayout,
  existing: string[],
  a: { count?: number; exact_count?: number },
  removing: boolean,
): string[] {
  if (removing) return [];
  const n = a.exact_count ?? a.count;
  if (n === undefined) return existing.length ? existing : [nameOf(l, 1)];
  const names = Array.from({ length: n }, (_, i) => nameOf(l, i + 1));
  return a.exact_count === undefined ? [...new Set([...existing, ...names])] : names;
}

function infraSteps(l: FleetLayout, s: FleetState): Step[] {
  const steps: Step[] = [];
  if (s.missingTools.length) {
    // an earlier apt task in the same play may install them: checked when the steps run, not now
    const pkgs = s.missingTools.map((t) => TOOLS[t as keyof typeof TOOLS]);
    const test = s.missingTools.map((t) => `command -v ${t} >/dev/null`).join(' && ');
    steps.push(
      step(
        `check ${s.missingTools.join(', ')}`,
        `${test} || { echo "expected ${s.missingTools.join(', ')} on the manager (got missing: install ${pkgs.join(' ')} first)" >&2; exit 1; }`,
        false,
      ),
    );
  }
  if (!s.key) steps.push(step('make the fleet SSH key', keyScript(l)));
  if (s.inotify < INOTIFY_MIN)
    steps.push(step(`raise fs.inotify.max_user_instances ${s.inotify} -> ${INOTIFY_MIN}`, inotifyScript()));
  if (!s.image)
    steps.push(step(`build the base image (mmdebstrap ${l.suite}, about 20 s)`, buildImageScript(l)));
  if (!s.bridge) steps.push(step(`create bridge ${l.bridge}`, bridgeScript(l)));
  if (!s.acng) steps.push(step('start the apt proxy (apt-cacher-ng) on the bridge', acngScript(l)));
  return steps;
}

export default defineModule({
  name: 'nspawn_instance',
  schema,
  async plan(args, host: Host): Promise<Plan> {
    const l = layout(args);
    const s = await probeFleet(host, l);
    if (s.uid !== 0)
      throw new TaskFailure(
        `expected to run as root: the local fleet mounts overlays, makes a bridge and boots containers (got uid ${s.uid}; run sdtd-play with sudo)`,
      );
    const state = args.state ?? 'running';
    const removing = state === 'absent' || state === 'terminated';
    const mine = s.nodes.filter((n) => new RegExp(`^${l.prefix}\\d+$`).test(n.name));
    const want = wanted(
      l,
      mine.map((n) => n.name),
      args,
      removing,
    );
    const byName = new Map(mine.map((n) => [n.name, n]));
    const steps: Step[] = [];
    const diff: StateDiff[] = [];
    const booted: string[] = [];
    const up = !removing && state !== 'stopped';
    if (up && want.length) steps.push(...infraSteps(l, s));
    for (const n of mine)
      if (!want.includes(n.name)) {
        steps.push(step(`remove ${n.name}`, removeScript(l, n.name)));
        diff.push({ kind: 'state', what: n.name, before: n.state, after: 'absent' });
      }
    for (const name of want) {
      const cur = byName.get(name);
      if (state === 'stopped') {
        if (cur?.state === 'running') {
          steps.push(step(`stop ${name}`, stopScript(l, name)));
          diff.push({ kind: 'state', what: name, before: 'running', after: 'stopped' });
        }
        continue;
      }
      if (!cur || cur.state === 'stopped') {
        // a stopped or half-built host is healed by the same idempotent script
        steps.push(
          step(
            `${cur ? 'boot' : 'create and boot'} ${name} (${addressOf(l, name)})`,
            createAndBootScript(l, name),
          ),
        );
        diff.push({ kind: 'state', what: name, before: cur ? 'stopped' : 'absent', after: 'running' });
        booted.push(name);
      } else if (state === 'restarted') {
        steps.push(step(`restart ${name}`, `${stopScript(l, name)}\n${bootScript(l, name)}`));
        diff.push({ kind: 'state', what: name, before: 'running', after: 'restarted' });
        booted.push(name);
      }
    }
    // the last host gone: the bridge and the apt proxy go too (the image and the apt cache stay)
    if (removing && (s.bridge || s.acng) && s.nodes.every((n) => mine.includes(n)))
      steps.push(step(`remove bridge ${l.bridge} and stop the apt proxy`, stopAcngScript(l)));
    if (booted.length && args.wait !== false)
      steps.push(
        step(`wait for sshd on ${booted.join(', ')}`, waitScript(l, booted, args.wait_timeout ?? 120), false),
      );
    const p = paths(l);
    const finalState = removing ? 'absent' : state === 'stopped' ? 'stopped' : 'running';
    return {
      steps,
      diff,
      result: {
        instances: want.map((name) => ({ name, address: addressOf(l, name), state: finalState })),
        fleet_dir: l.dir,
        private_key: p.key,
        known_hosts: p.knownHosts,
      },
    };
  },
});

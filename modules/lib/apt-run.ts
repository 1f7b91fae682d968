// How the apt module calls apt-get: options, waiting for the dpkg/lists locks, a temporary policy-rc.d, failures.
import { type Host, TaskFailure } from '../../engine/module.js';
import { shjoin } from '../../engine/shell.js';
import { type Change, parseSimulation } from './apt-state.js';

export interface AptOpts {
  /** Seconds to wait for another apt/dpkg to let go of its lock. */
  lockTimeout: number;
  /** undefined: apt's own configuration decides (Debian installs Recommends). */
  installRecommends?: boolean;
  dpkgOptions: string[];
  noninteractive: boolean;
  policyRcD?: number;
  allowDowngrade?: boolean;
  autoremove?: boolean;
  purge?: boolean;
}

/**
 * A stalled download fails and is retried instead of hanging: a proxy (apt-cacher-ng) serving many
 * hosts at once has been seen to leave a request open without data for many minutes.
 */
const NET = ['-o', 'Acquire::http::Timeout=30', '-o', 'Acquire::Retries=3'];

/** The apt-get argv of one transaction; simulate gives the same transaction as `apt-get -s`. */
export function aptGet(
  verb: 'install' | 'remove' | 'autoremove',
  pkgs: string[],
  o: AptOpts,
  simulate = false,
) {
  const argv = ['apt-get', simulate ? '-s' : '-y', '-q', ...NET];
  for (const d of o.dpkgOptions) argv.push('-o', `Dpkg::Options::=--${d.replace(/^-+/, '')}`);
  if (o.installRecommends !== undefined)
    argv.push('-o', `APT::Install-Recommends=${o.installRecommends ? 'true' : 'false'}`);
  if (verb === 'install' && o.allowDowngrade) argv.push('--allow-downgrades');
  if (o.autoremove && verb !== 'autoremove') argv.push('--auto-remove');
  if (o.purge && verb !== 'install') argv.push('--purge');
  // apt waits for dpkg's frontend lock itself; the shell loop below covers the lists lock and older locks
  argv.push('-o', `DPkg::Lock::Timeout=${o.lockTimeout}`, verb, '--', ...pkgs);
  return argv;
}

const LOCKED = "*'Could not get lock'*|*'Unable to acquire the dpkg frontend lock'*|*'Unable to lock'*";

/** Retry while another apt holds a lock (up to lockTimeout), with policy-rc.d in place and restored afterwards. */
export function aptScript(argv: string[], o: AptOpts): string {
  const retry =
    `end=$(( $(date +%s) + ${o.lockTimeout} )); while :; do out=$(${shjoin(argv)} 2>&1); rc=$?; ` +
    `if [ $rc -ne 0 ] && [ $(date +%s) -lt $end ]; then case $out in ${LOCKED}) sleep 2; continue;; esac; fi; ` +
    `printf '%s\\n' "$out"; exit $rc; done`;
  if (o.policyRcD === undefined) return retry;
  // an existing policy-rc.d is kept aside and put back whatever apt-get did
  const p = '/usr/sbin/policy-rc.d';
  return (
    `s=${p}.sdtd-saved; if [ -e ${p} ]; then mv -f ${p} $s; fi; ` +
    `printf '#!/bin/sh\\nexit %d\\n' ${o.policyRcD} > ${p} && chmod 0755 ${p} || exit 1; ` +
    `( ${retry} ); rc=$?; rm -f ${p}; if [ -e $s ]; then mv -f $s ${p}; fi; exit $rc`
  );
}

export function aptEnv(o: AptOpts): Record<string, string> {
  const env: Record<string, string> = { LC_ALL: 'C' };
  if (o.noninteractive) {
    env.DEBIAN_FRONTEND = 'noninteractive';
    env.APT_LISTCHANGES_FRONTEND = 'none';
  }
  return env;
}

/** Run an apt-get argv on the host; its output (stdout and stderr merged), or a TaskFailure saying what apt said. */
export async function runApt(host: Host, argv: string[], o: AptOpts, expected: string): Promise<string> {
  const r = await host.exec(aptScript(argv, o), { env: aptEnv(o) });
  if (r.rc === 0) return r.stdout;
  const lines = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => l.trim());
  const errors = lines.filter((l) => /^E: /.test(l));
  const why = (errors.length ? errors : lines.slice(-3)).join(' | ');
  throw new TaskFailure(`expected ${expected}, but apt-get failed (rc ${r.rc}): ${why}`, {
    rc: r.rc,
    stdout: r.stdout,
    stderr: r.stderr,
    cmd: shjoin(argv),
  });
}

/** apt-get update, then the stamp cache_valid_time reads (apt on Debian does not write it itself). */
export async function updateCache(host: Host, o: AptOpts): Promise<Record<string, unknown>> {
  // an update stuck on a proxy that never answers (seen with apt-cacher-ng under concurrent refreshes,
  // which apt's own timeouts do not catch) is killed after 2 minutes and tried again, up to 3 times
  const argv = ['timeout', '-k', '5', '120', 'apt-get', '-q', ...NET, 'update'];
  for (let attempt = 1; ; attempt++) {
    try {
      await runApt(host, argv, o, 'the package lists to update');
      break;
    } catch (e) {
      if (!(e instanceof TaskFailure) || e.result?.rc !== 124 || attempt >= 3) throw e;
    }
  }
  const stamp = '/var/lib/apt/periodic/update-success-stamp';
  const t = await host.run(`mkdir -p /var/lib/apt/periodic && touch ${stamp} && stat -c %Y ${stamp}`);
  return { cache_updated: true, cache_update_time: Number(t.trim()) };
}

/** The options of the module's arguments; noninteractive (default) also means dpkg keeps changed conffiles. */
export function aptOptions(a: {
  lock_timeout?: number;
  install_recommends?: boolean;
  dpkg_options?: string;
  noninteractive?: boolean;
  policy_rc_d?: number;
  allow_downgrade?: boolean;
  autoremove?: boolean;
  purge?: boolean;
}): AptOpts {
  const noninteractive = a.noninteractive ?? true;
  return {
    lockTimeout: a.lock_timeout ?? 60,
    installRecommends: a.install_recommends,
    dpkgOptions: (a.dpkg_options ?? (noninteractive ? 'force-confdef,force-confold' : ''))
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    noninteractive,
    policyRcD: a.policy_rc_d,
    allowDowngrade: a.allow_downgrade,
    autoremove: a.autoremove,
    purge: a.purge,
  };
}

export type Verb = 'install' | 'remove' | 'autoremove';

/** The transaction as `apt-get -s` sees it (dependencies, versions); the plan's guess and a note when it fails. */
export async function simulate(host: Host, verb: Verb, pkgs: string[], o: AptOpts, guess: Change[]) {
  const sim = await host.exec(shjoin(aptGet(verb, pkgs, o, true)), { env: { LC_ALL: 'C' } });
  if (sim.rc === 0) return { changes: parseSimulation(sim.stdout) };
  const why = `${sim.stdout}\n${sim.stderr}`.split('\n').filter((l) => /^E: /.test(l));
  return {
    changes: guess,
    note: `apt-get -s predicts a failure (${why.join(' | ')}): an earlier task may change that`,
  };
}

/** Run the transaction; what dpkg did, as result.packages, and apt-get's output. */
export async function transaction(h: Host, verb: Verb, pkgs: string[], o: AptOpts, expected: string) {
  const out = await runApt(h, aptGet(verb, pkgs, o), o, expected);
  return { packages: packagesResult(parseApplied(out)), stdout: out };
}

/** What dpkg reported doing, from apt-get's output: `Unpacking x (new) over (old)`, `Removing x (old)`. */
function parseApplied(out: string): Change[] {
  const byName = new Map<string, Change>();
  const name = (n: string) => n.replace(/:[a-z0-9-]+$/, '');
  for (const line of out.split('\n')) {
    const up = /^Unpacking (\S+) \((\S+)\)(?: over \((\S+)\))?/.exec(line);
    if (up) byName.set(name(up[1]), { name: name(up[1]), before: up[3] ?? null, after: up[2] });
    const rm = /^Removing (\S+) \((\S+)\)/.exec(line);
    if (rm) byName.set(name(rm[1]), { name: name(rm[1]), before: rm[2], after: null });
    const pg = /^Purging configuration files for (\S+) \((\S+)\)/.exec(line);
    if (pg) {
      const n = name(pg[1]);
      byName.set(n, { ...(byName.get(n) ?? { name: n, before: pg[2], after: null }), purge: true });
    }
  }
  return [...byName.values()];
}

/** result.packages: installed / upgraded (or downgraded) / removed, each name -> version. */
export function packagesResult(changes: Change[]): Record<string, Record<string, string>> {
  const out = { installed: {}, upgraded: {}, removed: {} } as Record<string, Record<string, string>>;
  for (const c of changes) {
    if (c.after === null) out.removed[c.name] = c.before ?? '';
    else if (c.before === null) out.installed[c.name] = c.after;
    else out.upgraded[c.name] = c.after;
  }
  return out;
}

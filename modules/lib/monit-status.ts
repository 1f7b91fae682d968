// Monit as its CLI shows it: `monit -B status` parsed per service, and polling until a service's status settles.
import { setTimeout as sleep } from 'node:timers/promises';
import { type Host, TaskFailure } from '../../engine/module.js';

export interface MonitService {
  name: string;
  /** Process, System, File, Program... */
  type: string;
  /** Without the pending action: OK, Not monitored, Initializing, `Execution failed | Does not exist`... */
  status: string;
  /** Monitored, Not monitored, Initializing or Waiting. */
  monitoring: string;
  /** The action Monit has queued and not done yet (start, stop, restart...). */
  pending?: string;
  /** When Monit last looked at the service, as YYYYMMDDHHMMSS (host local time). */
  collected?: string;
}

/** What one `monit -B status` said: every service, or why Monit did not answer. */
export type MonitView =
  | { ok: true; services: Map<string, MonitService>; now: string }
  | { ok: false; why: string; now: string };

const MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec';
const NOW = 'LC_ALL=C date +%Y%m%d%H%M%S';
const GRACE = 5000;

/** Monit's "Tue, 24 Nov 2026 07:56:23" as 20261124075623, so it compares with `date` as a string. */
function stamp(s: string): string | undefined {
  const m = /(\d{1,2}) (\w{3}) (\d{4}) (\d\d):(\d\d):(\d\d)/.exec(s);
  if (!m) return undefined;
  const month = String(MONTHS.indexOf(m[2]) / 3 + 1).padStart(2, '0');
  return `${m[3]}${month}${m[1].padStart(2, '0')}${m[4]}${m[5]}${m[6]}`;
}

export function parseStatus(out: string): Map<string, MonitService> {
  const services = new Map<string, MonitService>();
  let cur: MonitService | undefined;
  for (const line of out.split('\n')) {
    const head = /^([A-Z][A-Za-z ]*) '(.+)'$/.exec(line);
    if (head) {
      cur = { name: head[2], type: head[1], status: '', monitoring: '' };
      services.set(cur.name, cur);
      continue;
    }
    const f = /^ {2}(status|monitoring status|data collected)\s+(.*?)\s*$/.exec(line);
    if (!cur || !f) continue;
    if (f[1] === 'status') {
      const p = /^(.*?) - (\w+) pending$/.exec(f[2]);
      cur.status = p ? p[1] : f[2];
      if (p) cur.pending = p[2];
    } else if (f[1] === 'monitoring status') cur.monitoring = f[2];
    else cur.collected = stamp(f[2]);
  }
  return services;
}

export async function readMonit(host: Host): Promise<MonitView> {
  // -B: plain columns, no colours; the host's clock comes along to tell fresh data after a reload
  const r = await host.exec(`${NOW}; monit -B status 2>&1`);
  const nl = r.stdout.indexOf('\n');
  const now = r.stdout.slice(0, nl);
  const out = r.stdout.slice(nl + 1);
  if (r.rc === 127) return { ok: false, why: 'monit is not installed (command not found)', now };
  if (r.rc !== 0) {
    const why = (out.trim() || r.stderr.trim()).split('\n').slice(-2).join(' | ');
    return { ok: false, why: why || `monit status exited with ${r.rc}`, now };
  }
  return { ok: true, services: parseStatus(out), now };
}

export const monitored = (s: MonitService) => s.monitoring === 'Monitored' || s.monitoring === 'Waiting';

/** Neither initializing after a (re)load nor with an action queued: what Monit says now is its answer. */
export const settled = (s: MonitService) =>
  !s.pending && s.monitoring !== 'Initializing' && s.status !== 'Initializing';

export function show(s: MonitService): string {
  return `${s.status}${s.pending ? ` - ${s.pending} pending` : ''} (monitoring: ${s.monitoring || '?'})`;
}

export const known = (v: MonitView & { ok: true }) => [...v.services.keys()].join(', ') || 'none';

/** The services `name` designates (all of them for `all`), or undefined when Monit does not know it. */
export function pick(v: MonitView & { ok: true }, name: string): MonitService[] | undefined {
  if (name === 'all') return [...v.services.values()];
  const s = v.services.get(name);
  return s ? [s] : undefined;
}

/**
 * Poll `monit status` about every second until `check` returns null (done); after `timeout` seconds fail,
 * saying what `check` said last (the last status seen).
 */
export async function pollMonit(
  host: Host,
  timeout: number,
  waitingFor: string,
  check: (v: MonitView) => string | null,
): Promise<MonitView & { ok: true }> {
  const deadline = Date.now() + timeout * 1000;
  for (;;) {
    const v = await readMonit(host);
    const last = check(v);
    if (last === null && v.ok) return v;
    if (Date.now() >= deadline)
      throw new TaskFailure(`waited ${timeout} s for ${waitingFor}; last seen: ${last ?? 'nothing'}`);
    await sleep(Math.min(1000, Math.max(0, deadline - Date.now())));
  }
}

/**
 * Wait until the services `name` designates have settled. fresh: only data collected since then counts
 * (after a reload). mustKnow: an unknown name is waited for; otherwise it ends the wait at once.
 */
export async function settle(
  host: Host,
  name: string,
  timeout: number,
  o: { fresh?: string; mustKnow?: boolean } = {},
) {
  let freshAt: number | undefined;
  return pollMonit(host, timeout, `Monit's status of ${name} to settle`, (v) => {
    if (!v.ok) return `Monit did not answer: ${v.why}`;
    // right after a reload Monit may still answer with its old configuration for a moment
    if (o.fresh && ![...v.services.values()].some((s) => (s.collected ?? '') >= o.fresh!))
      return 'no data collected since the reload yet';
    const svcs = pick(v, name);
    if (!svcs && o.mustKnow) {
      // reloaded is reloaded: a few seconds' grace for the clock's one-second resolution, not the whole timeout
      freshAt ??= Date.now();
      if (o.fresh && Date.now() - freshAt > GRACE)
        throw new TaskFailure(
          `expected Monit to know service ${name} once reloaded (it knows: ${known(v)}); is its check in a file monitrc includes?`,
        );
      return `no service ${name} (Monit knows: ${known(v)})`;
    }
    if (!svcs) return null;
    const busy = svcs.filter((s) => !settled(s));
    return busy.length ? busy.map((s) => `${s.name}: ${show(s)}`).join('; ') : null;
  });
}

/** `monit reload` of a control file `monit -t` accepts, returning the host's time just before it (data collected later is fresh). */
export async function reload(host: Host): Promise<string> {
  const r = await host.exec(
    `${NOW}; out=$(monit -t 2>&1) || { printf '%s' "$out"; exit 3; }; monit reload 2>&1`,
  );
  const [now, ...rest] = r.stdout.split('\n');
  const said = (rest.join(' ').trim() || r.stderr.trim()).slice(-400);
  // a control file Monit refuses would leave it on the old one: say why instead of waiting for the timeout
  if (r.rc === 3)
    throw new TaskFailure(`expected a control file monit -t accepts before monit reload (found: ${said})`);
  // monit reload exits 0 even when there is no daemon to reload
  if (r.rc !== 0 || /not running/i.test(said))
    throw new TaskFailure(`expected monit reload to reach the Monit daemon (found: ${said || `rc ${r.rc}`})`);
  return now.trim();
}

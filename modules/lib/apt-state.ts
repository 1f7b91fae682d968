// What the apt module reads: package specs, the one-round-trip probe (cache age, dpkg status, candidates), simulations.
import { type Host, TaskFailure } from '../../engine/module.js';
import { shjoin, shq } from '../../engine/shell.js';

export interface Spec {
  name: string;
  arch?: string;
  version?: string;
  /** As apt-get takes it: name[:arch][=version]. */
  arg: string;
}

export interface Installed {
  /** dpkg's third status word: installed, config-files, not-installed, half-configured... */
  status: string;
  version: string;
  arch: string;
}

export interface Probe {
  /** Seconds since the epoch the package lists were last refreshed; 0 when there are none. */
  cacheTime: number;
  now: number;
  dpkg: Map<string, Installed[]>;
  /** Candidate versions from apt-cache policy; a name missing here is not known to apt. */
  candidates: Map<string, string>;
  /** What a bare `apt-get autoremove` would remove. */
  autoremove: Change[];
  /** dpkg-deb's Package/Version/Architecture of the deb, and From: host, manager or none (not found yet). */
  deb?: Record<string, string>;
}

/** One package in a transaction: null means absent. */
export interface Change {
  name: string;
  before: string | null;
  after: string | null;
  purge?: boolean;
}

const SPEC = /^([a-z0-9][a-z0-9+.-]*)(?::([a-z0-9-]+))?(?:=(\S+))?$/;

/** name: a list, or one string that may hold comma-separated names (as Ansible splits it). */
export function parseSpecs(name: string | string[] | undefined): Spec[] {
  const raw = name === undefined ? [] : Array.isArray(name) ? name : name.split(',');
  return raw
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const m = SPEC.exec(s);
      if (!m)
        throw new TaskFailure(
          `expected a Debian package name, optionally name:arch and =version (got ${JSON.stringify(s)}; globs are not supported)`,
        );
      return { name: m[1], arch: m[2], version: m[3], arg: s };
    });
}

/** The installed instance matching a spec (its architecture when one is given). */
export function installedOf(p: Probe, s: Spec): Installed | undefined {
  const all = p.dpkg.get(s.name) ?? [];
  const found = all.filter((i) => !s.arch || i.arch === s.arch || i.arch === 'all');
  return found.find((i) => i.status !== 'not-installed') ?? found[0];
}

/** The dpkg states that still count as "there" for removal (everything but config-files and not-installed). */
export const isInstalled = (i: Installed | undefined): boolean =>
  !!i && i.status !== 'not-installed' && i.status !== 'config-files';

export interface ProbeOpts {
  specs: Spec[];
  policy: boolean;
  autoremove: boolean;
  /** The deb argument: an absolute path looked for on the host, and/or its head from the manager (debHead). */
  deb?: { hostPath?: string; stdin?: Buffer; shown: string };
}

// biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query format fields
const DPKG_FMT = "'${Package}\\t${Architecture}\\t${Status}\\t${Version}\\n'";
const CACHE_TIME =
  't=0; set -- /var/lib/apt/lists/*_Packages*; if [ -e "$1" ]; then ' +
  'for f in /var/lib/apt/periodic/update-success-stamp /var/lib/apt/lists; do ' +
  'm=$(stat -c %Y "$f" 2>/dev/null) && [ "$m" -gt "$t" ] && t=$m; done; fi; echo "$t $(date +%s)"';

/** One round trip: cache age, dpkg status of the names, and (when asked) candidates, autoremovable packages, the deb. */
export async function probe(host: Host, o: ProbeOpts): Promise<Probe> {
  const names = [...new Set(o.specs.map((s) => (s.arch ? `${s.name}:${s.arch}` : s.name)))];
  const parts = [CACHE_TIME, 'echo @dpkg'];
  if (names.length) parts.push(`dpkg-query -W -f=${DPKG_FMT} -- ${shjoin(names)} 2>/dev/null; true`);
  if (o.deb) {
    // the deb on the host wins; else its head from the manager on stdin; else it does not exist (yet)
    const onHost = o.deb.hostPath ? `[ -f ${shq(o.deb.hostPath)} ]` : 'false';
    const src = o.deb.hostPath ? shq(o.deb.hostPath) : '/dev/null';
    parts.push(
      `if ${onHost}; then src=${src}; w=host; elif ${o.deb.stdin ? 'true' : 'false'}; then src=/dev/stdin; w=manager; else src=; fi`,
      'if [ -n "$src" ]; then d=$(dpkg-deb -f "$src" Package Version Architecture) || exit 3; echo @dpkg',
      `dpkg-query -W -f=${DPKG_FMT} -- "$(printf '%s\\n' "$d" | sed -n 's/^Package: //p')" 2>/dev/null`,
      `echo @deb; echo "From: $w"; printf '%s\\n' "$d"; else echo @deb; echo 'From: none'; fi`,
    );
  }
  if (o.policy && names.length) parts.push(`echo @policy; apt-cache policy -- ${shjoin(names)} 2>/dev/null`);
  if (o.autoremove) parts.push('echo @autoremove; apt-get -s -q autoremove 2>/dev/null');
  parts.push('exit 0');
  const r = await host.exec(parts.join('\n'), { env: { LC_ALL: 'C' }, stdin: o.deb?.stdin });
  if (r.rc === 3)
    throw new TaskFailure(`expected ${o.deb?.shown} to be a .deb package (dpkg-deb: ${r.stderr.trim()})`);
  if (r.rc !== 0)
    throw new TaskFailure(`expected to read the package state (rc ${r.rc}: ${r.stderr.trim()})`);
  return parseProbe(r.stdout);
}

function parseProbe(out: string): Probe {
  const sections = new Map<string, string[]>();
  let cur = 'head';
  for (const line of out.split('\n')) {
    if (/^@[a-z]+$/.test(line)) cur = line.slice(1);
    else sections.set(cur, [...(sections.get(cur) ?? []), line]);
  }
  const [cacheTime, now] = (sections.get('head')?.[0] ?? '0 0').split(' ').map(Number);
  const dpkg = new Map<string, Installed[]>();
  for (const line of sections.get('dpkg') ?? []) {
    const [name, arch, status, version] = line.split('\t');
    if (!name || status === undefined) continue;
    dpkg.set(name, [...(dpkg.get(name) ?? []), { arch, status: status.split(' ')[2] ?? '', version }]);
  }
  const candidates = new Map<string, string>();
  let pkg = '';
  for (const line of sections.get('policy') ?? []) {
    const head = /^(\S+):$/.exec(line);
    if (head) pkg = head[1];
    const cand = /^\s+Candidate: (\S+)/.exec(line);
    if (cand && cand[1] !== '(none)') candidates.set(pkg, cand[1]);
  }
  const deb: Record<string, string> = {};
  for (const line of sections.get('deb') ?? []) {
    const m = /^(\w+): (.*)$/.exec(line);
    if (m) deb[m[1]] = m[2];
  }
  return {
    cacheTime,
    now,
    dpkg,
    candidates,
    autoremove: parseSimulation((sections.get('autoremove') ?? []).join('\n')),
    deb: sections.has('deb') ? deb : undefined,
  };
}

/** `apt-get -s` lines: `Inst x [old] (new ...)`, `Remv x [old]`, `Purg x [old]`. */
export function parseSimulation(out: string): Change[] {
  const changes: Change[] = [];
  for (const line of out.split('\n')) {
    const inst = /^Inst (\S+) (?:\[(\S+)\] )?\((\S+)/.exec(line);
    if (inst) changes.push({ name: inst[1], before: inst[2] ?? null, after: inst[3] });
    const rm = /^(Remv|Purg) (\S+)(?: \[(\S+)\])?/.exec(line);
    if (rm) changes.push({ name: rm[2], before: rm[3] ?? null, after: null, purge: rm[1] === 'Purg' });
  }
  return changes;
}

/** Whether a spec needs apt-get to reach the state asked. */
export function wanted(p: Probe, s: Spec, state: string, purge: boolean): boolean {
  const i = installedOf(p, s);
  const ok = i?.status === 'installed';
  if (state === 'absent')
    return (
      (isInstalled(i) && (!s.version || i!.version === s.version)) || (purge && i?.status === 'config-files')
    );
  if (state === 'latest') return !ok || p.candidates.get(s.name) !== i!.version;
  return !ok || (!!s.version && i!.version !== s.version);
}

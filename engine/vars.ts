// Variable scopes: Ansible's precedence layers merged per host and task, rendered lazily when read.
import { SdtdError } from './errors.js';
import { OMIT } from './module-args.js';
import { hasTemplateDeep, LAZY, renderDeep } from './render.js';
import type { Inherited, Play, RoleInstance } from './task-model.js';

/** What the engine needs from an inventory to build scopes. */
export interface InventoryVars {
  hostVars(host: string): Record<string, unknown>;
  groupNames(host: string): string[];
  groups(): Record<string, string[]>;
}

/** Per-host state that lives for the whole run (across plays). */
export interface HostState {
  facts: Record<string, unknown>;
  /** set_fact and register results. */
  vars: Record<string, unknown>;
  /** include_vars results: one step below set_fact, as in Ansible's precedence. */
  included: Record<string, unknown>;
}

export interface RunVars {
  inventory: InventoryVars;
  extraVars: Record<string, unknown>;
  hosts: Map<string, HostState>;
  check: boolean;
  diff: boolean;
  forks: number;
  tags: string[];
  skipTags: string[];
}

export interface PlayVars {
  play: Play;
  /** play vars then vars_files, in order. */
  vars: Record<string, unknown>;
  hosts: string[];
  batch: string[];
}

export function hostState(run: RunVars, host: string): HostState {
  let s = run.hosts.get(host);
  if (!s) {
    s = { facts: {}, vars: {}, included: {} };
    run.hosts.set(host, s);
  }
  return s;
}

/** Facts are visible as ansible_facts.x and, as Ansible injects them, as ansible_x. */
function factLayer(facts: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ansible_facts: facts };
  for (const [k, v] of Object.entries(facts)) out[`ansible_${k}`] = v;
  return out;
}

/** A scope whose templated values are rendered on first read (so a var may use vars defined later or per host). */
export function lazyScope(
  raw: Record<string, unknown>,
  fixed: Record<string, unknown>,
): Record<string, unknown> {
  const cache = new Map<string, unknown>();
  const busy = new Set<string>();
  const local: Record<string, unknown> = {};
  const has = (k: string) => Object.hasOwn(local, k) || Object.hasOwn(fixed, k) || Object.hasOwn(raw, k);
  const read = (k: string): unknown => {
    if (Object.hasOwn(local, k)) return local[k];
    if (Object.hasOwn(fixed, k)) return fixed[k];
    if (!Object.hasOwn(raw, k)) return undefined;
    if (cache.has(k)) return cache.get(k);
    const v = raw[k];
    if (!hasTemplateDeep(v)) return v;
    if (busy.has(k))
      throw new SdtdError(
        'template',
        `expected variables that do not refer to themselves (got a loop through '${k}')`,
      );
    busy.add(k);
    try {
      const r = renderDeep(v, proxy);
      cache.set(k, r);
      return r;
    } catch (e) {
      if (e instanceof SdtdError && e.code === 'undefined-variable' && !e.message.includes('needed by'))
        throw new SdtdError(e.code, `${e.message}, needed by variable '${k}'`);
      throw e;
    } finally {
      busy.delete(k);
    }
  };
  const proxy: Record<string, unknown> = new Proxy(raw, {
    get: (_t, k) => (k === LAZY ? true : typeof k === 'symbol' ? undefined : read(k)),
    has: (_t, k) => typeof k === 'string' && has(k),
    set: (_t, k, v) => {
      local[String(k)] = v;
      return true;
    },
    ownKeys: () => [...new Set([...Object.keys(raw), ...Object.keys(fixed), ...Object.keys(local)])],
    getOwnPropertyDescriptor: (_t, k) =>
      typeof k === 'string' && has(k)
        ? { enumerable: true, configurable: true, writable: true, value: read(k) }
        : undefined,
  });
  return proxy;
}

/** hostvars: every inventory host's variables (inventory, facts, play vars, set_fact/register, extra vars). */
function hostvarsProxy(run: RunVars, pv: PlayVars | undefined): Record<string, unknown> {
  const all = run.inventory.groups().all ?? [];
  const names = () => all;
  const cache = new Map<string, Record<string, unknown>>();
  return new Proxy({} as Record<string, unknown>, {
    get(_t, k) {
      if (typeof k !== 'string') return undefined;
      if (!cache.has(k)) {
        if (!names().includes(k) && !run.hosts.has(k)) return undefined;
        cache.set(k, scope(run, pv, k, undefined));
      }
      return cache.get(k);
    },
    has: (_t, k) => typeof k === 'string' && names().includes(k),
    ownKeys: () => [...new Set(names())],
    getOwnPropertyDescriptor: (_t, k) => ({
      enumerable: true,
      configurable: true,
      value: typeof k === 'string' ? scope(run, pv, k, undefined) : undefined,
    }),
  });
}

function roleLayers(pv: PlayVars | undefined, role: RoleInstance | undefined, which: 'defaults' | 'vars') {
  return [...(pv?.play.roles ?? []).map((r) => r[which]), ...(role ? [role[which]] : [])];
}

/**
 * The variables a task sees on a host, low to high precedence: role defaults, inventory (group then host),
 * facts, play vars and vars_files, role vars, block and task vars, include_vars, set_fact/register, role params,
 * include params, extra vars. Loop variables and magic variables come last and cannot be overridden.
 */
export function scope(
  run: RunVars,
  pv: PlayVars | undefined,
  host: string,
  inh: Inherited | undefined,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const hs = hostState(run, host);
  const role = inh?.role;
  const raw: Record<string, unknown> = Object.assign(
    {},
    ...roleLayers(pv, role, 'defaults'),
    run.inventory.hostVars(host),
    factLayer(hs.facts),
    pv?.vars ?? {},
    ...roleLayers(pv, role, 'vars'),
    ...(inh?.vars ?? []),
    hs.included,
    hs.vars,
    role?.params ?? {},
    inh?.includeParams ?? {},
    run.extraVars,
  );
  const fixed: Record<string, unknown> = {
    inventory_hostname: host,
    inventory_hostname_short: host.split('.')[0],
    group_names: run.inventory.groupNames(host),
    groups: run.inventory.groups(),
    play_hosts: pv?.batch ?? [],
    ansible_play_hosts: pv?.batch ?? [],
    ansible_play_batch: pv?.batch ?? [],
    ansible_play_hosts_all: pv?.hosts ?? [],
    ansible_play_name: pv?.play.name,
    playbook_dir: pv?.play.dir,
    role_name: role?.name,
    role_path: role?.path,
    ansible_check_mode: run.check,
    ansible_diff_mode: run.diff,
    ansible_forks: run.forks,
    ansible_run_tags: run.tags.length ? run.tags : ['all'],
    ansible_skip_tags: run.skipTags,
    omit: OMIT,
    __sdtd: { searchDirs: searchDirs(pv, inh) },
    ...extra,
  };
  let hv: Record<string, unknown> | undefined;
  Object.defineProperty(fixed, 'hostvars', { enumerable: true, get: () => (hv ??= hostvarsProxy(run, pv)) });
  const s = lazyScope(raw, fixed);
  Object.defineProperty(fixed, 'vars', { enumerable: false, value: s });
  return s;
}

/** Manager-side directories searched for src files, templates and lookups: the role's, then the playbook's. */
export function searchDirs(pv: PlayVars | undefined, inh: Inherited | undefined): string[] {
  return [...new Set([...(inh?.role ? [inh.role.path] : []), ...(pv ? [pv.play.dir] : [])])];
}

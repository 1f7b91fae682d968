// hosts_file's logic: the name -> address lines derived from the inventory, and stale mappings dropped from the rest.
import { isIP } from 'node:net';
import { TaskFailure } from '../../engine/module.js';
import { bare, splitLines } from './line-edit.js';

export interface HostEntry {
  host: string;
  address: string;
  /** The inventory name first, then its aliases. */
  names: string[];
}

type Vars = Readonly<Record<string, unknown>>;

const list = (v: unknown): string[] =>
  v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)];

/** Inventory names and group names, expanded to hosts in inventory order, each once. */
function resolveHosts(vars: Vars, hosts: string | string[] | undefined): string[] {
  const groups = (vars.groups ?? {}) as Record<string, string[]>;
  const all = groups.all ?? [];
  if (hosts === undefined) return [...all];
  const out = list(hosts).flatMap((n) => {
    if (Object.hasOwn(groups, n)) return groups[n];
    if (all.includes(n)) return [n];
    throw new TaskFailure(
      `expected hosts to name inventory hosts or groups (found '${n}', which is neither)`,
    );
  });
  return [...new Set(out)];
}

function checkName(n: string, host: string): string {
  if (!/^[^\s#]+$/.test(n))
    throw new TaskFailure(`expected host names without spaces or # for ${host} (found '${n}')`);
  return n;
}

/** Every host's address and names, from hostvars only: addresses are never guessed or resolved. */
export function inventoryEntries(
  vars: Vars,
  hosts: string | string[] | undefined,
  aliases: Record<string, string | string[]> = {},
): HostEntry[] {
  const chosen = resolveHosts(vars, hosts);
  const stray = Object.keys(aliases).filter((h) => !chosen.includes(h));
  if (stray.length)
    throw new TaskFailure(
      `expected aliases for the hosts mapped (${chosen.join(', ') || 'none'}); found aliases for ${stray.join(', ')}`,
    );
  const hostvars = (vars.hostvars ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const owner = new Map<string, HostEntry>();
  const entries: HostEntry[] = [];
  for (const host of chosen) {
    const hv = hostvars[host] ?? {};
    const address = hv.sdtd_host ?? hv.ansible_host;
    if (address === undefined || address === null || address === '')
      throw new TaskFailure(
        `expected an address for inventory host ${host} in sdtd_host or ansible_host (found neither; hosts_file never guesses addresses)`,
      );
    if (typeof address !== 'string' || !isIP(address))
      throw new TaskFailure(
        `expected an IP address for inventory host ${host} (found '${String(address)}' in ${hv.sdtd_host !== undefined ? 'sdtd_host' : 'ansible_host'}; set sdtd_host to its address)`,
      );
    const names: string[] = [];
    for (const n of [host, ...list(hv.sdtd_host_aliases), ...list(aliases[host])]) {
      const key = checkName(n, host).toLowerCase();
      const other = owner.get(key);
      if (other && other.address !== address)
        throw new TaskFailure(
          `expected each name to map to one address; found ${n} for ${other.host} (${other.address}) and ${host} (${address})`,
        );
      if (other) continue;
      const e = { host, address, names };
      owner.set(key, e);
      names.push(n);
    }
    if (names.length) entries.push({ host, address, names });
  }
  return entries;
}

export function blockText(entries: HostEntry[]): string {
  return entries.map((e) => `${e.address}\t${e.names.join(' ')}\n`).join('');
}

/**
 * Outside the marked block, take the managed names off lines that map them elsewhere (a stale entry);
 * a line left without names goes. Debian's `127.0.1.1 <hostname> [fqdn]` line goes whole: it only
 * exists to name this machine, and would make Kafka, Cassandra, Spark and ZooKeeper advertise loopback.
 */
export function dropStale(
  text: string,
  entries: HostEntry[],
  begin: string,
  end: string,
): { text: string; dropped: string[] } {
  const addressOf = new Map(
    entries.flatMap((e) => e.names.map((n) => [n.toLowerCase(), e.address] as const)),
  );
  const dropped: string[] = [];
  const out: string[] = [];
  let inBlock = false;
  for (const line of splitLines(text)) {
    const b = bare(line);
    if (b === begin || b === end || inBlock) {
      if (b === begin) inBlock = true;
      if (b === end) inBlock = false;
      out.push(line);
      continue;
    }
    const hash = b.indexOf('#');
    const body = hash === -1 ? b : b.slice(0, hash);
    const m = /^(\s*)(\S+)(\s+)(.*?)\s*$/.exec(body);
    const names = m ? m[4].split(/\s+/).filter(Boolean) : [];
    const stale = names.filter((n) => {
      const a = addressOf.get(n.toLowerCase());
      return a !== undefined && a !== m![2];
    });
    if (!m || !stale.length) {
      out.push(line);
      continue;
    }
    const keep = m[2] === '127.0.1.1' ? [] : names.filter((n) => !stale.includes(n));
    dropped.push(`${m[2]} ${(keep.length ? stale : names).join(' ')}`);
    if (!keep.length) continue;
    const comment = hash === -1 ? '' : ` ${b.slice(hash)}`;
    out.push(`${m[1]}${m[2]}${m[3]}${keep.join(' ')}${comment}${line.slice(b.length)}`);
  }
  return { text: out.join(''), dropped };
}

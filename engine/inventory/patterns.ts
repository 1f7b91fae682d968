// Host patterns as Ansible reads them: all, groups, hosts, globs, ~regex, a:b / a,b, a:&b, a:!b, group[0], group[1:2], --limit.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Position, SdtdError } from '../errors.js';
import type { Inventory } from './inventory.js';
import { LOCALHOST_NAMES } from './model.js';
import { patternRegExp } from './pattern-regexp.js';

export interface SelectOptions {
  /** Told about each part of the pattern that matched nothing ("Could not match supplied host pattern, ignoring: X"). */
  warn?: (msg: string) => void;
  /** Ignore --limit (e.g. for hostvars or delegate_to). */
  ignoreLimit?: boolean;
  /** Where the pattern was written, for error messages. */
  pos?: Position;
  where?: string;
}

export interface LimitOptions {
  /** Folder `@file` paths are relative to (default: the inventory's). */
  cwd?: string;
  warn?: (msg: string) => void;
}

interface Ctx {
  warn?: (msg: string) => void;
  pos?: Position;
  where: string;
}

const SUBSCRIPT = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/;
const LABEL = String.raw`(?:[\w-]|\[[a-zA-Z0-9]*:[a-zA-Z0-9]*(?::\d+)?\])+`;
const ADDRESS = new RegExp(String.raw`^(?:${LABEL}(?:\.${LABEL})*|\[[^\]]+\])(?::\d+)?$`);

/** Ansible's split_host_pattern: commas separate; so do colons, unless the whole is an address or a host range. */
export function splitHostPattern(pattern: string | readonly string[]): string[] {
  if (Array.isArray(pattern)) return pattern.flatMap((p) => splitHostPattern(p));
  const s = String(pattern);
  let parts: string[];
  if (s.includes(',')) parts = s.split(',');
  else if (!s.includes(':') || ADDRESS.test(s) || isIPv6(s)) parts = [s];
  else parts = s.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
  return parts.map((p) => p.trim()).filter(Boolean);
}

function isIPv6(s: string): boolean {
  return /^[0-9a-fA-F:.]+$/.test(s) && (s.includes('::') || s.split(':').length === 8);
}

/** Plain patterns first, then &intersections, then !exclusions; only & and ! means starting from all. */
export function orderPatterns(patterns: string[]): string[] {
  const plain = patterns.filter((p) => p[0] !== '&' && p[0] !== '!');
  return [
    ...(plain.length ? plain : ['all']),
    ...patterns.filter((p) => p[0] === '&'),
    ...patterns.filter((p) => p[0] === '!'),
  ];
}

function evaluate(inv: Inventory, patterns: string[], ctx: Ctx): string[] {
  let hosts = new Set<string>();
  for (const p of orderPatterns(patterns)) {
    if (inv.hostMap.has(p)) {
      hosts.add(p);
      continue;
    }
    const that = new Set(matchOne(inv, p, ctx));
    if (p[0] === '!') hosts = new Set([...hosts].filter((h) => !that.has(h)));
    else if (p[0] === '&') hosts = new Set([...hosts].filter((h) => that.has(h)));
    else for (const h of that) hosts.add(h);
  }
  return [...hosts];
}

function matchOne(inv: Inventory, pattern: string, ctx: Ctx): string[] {
  const p = pattern[0] === '&' || pattern[0] === '!' ? pattern.slice(1) : pattern;
  if (!p) throw fail(ctx, `expected a group or host name after "${pattern}" (got nothing)`);
  const m = p[0] === '~' ? null : SUBSCRIPT.exec(p);
  const expr = m ? m[1] : p;
  const hosts = [...new Set(enumerate(inv, expr, ctx))];
  if (!m || !hosts.length) return hosts;
  const start = Number(m[2] ?? m[3]);
  let end = m[2] !== undefined ? 0 : m[5] ? Number(m[5]) : -1;
  if (m[4] === '-') ctx.warn?.('Use [x:y] inclusive subscripts instead of [x-y] which has been removed');
  if (end) {
    if (end === -1) end = hosts.length - 1;
    return hosts.slice(start, end + 1);
  }
  const i = start < 0 ? hosts.length + start : start;
  if (i < 0 || i >= hosts.length) {
    throw fail(
      ctx,
      `expected an index from ${-hosts.length} to ${hosts.length - 1} (got "${p}": no host at index ${start})`,
    );
  }
  return [hosts[i]];
}

/** Groups matching EXPR give their hosts; hosts match by name too when no group did or EXPR is a glob or regex. */
function enumerate(inv: Inventory, expr: string, ctx: Ctx): string[] {
  let re: RegExp;
  try {
    re = patternRegExp(expr);
  } catch (e) {
    throw fail(ctx, `expected a regular expression after "~" (got "${expr}": ${(e as Error).message})`);
  }
  const out: string[] = [];
  const groups = [...inv.groupMap.keys()].filter((g) => re.test(g));
  for (const g of groups) out.push(...inv.groupHosts(g));
  if (!groups.length || expr[0] === '~' || /[.?*[]/.test(expr)) {
    for (const h of inv.hostMap.keys()) if (re.test(h)) out.push(h);
  }
  if (!out.length && LOCALHOST_NAMES.includes(expr)) out.push(inv.resolveHost(expr)!.name);
  if (!out.length && !groups.length && expr !== 'all')
    ctx.warn?.(`Could not match supplied host pattern, ignoring: ${expr}`);
  return out;
}

function fail(ctx: Ctx, msg: string): SdtdError {
  return new SdtdError('host-pattern', msg, { pos: ctx.pos, where: ctx.where });
}

export function select(
  inv: Inventory,
  pattern: string | readonly string[],
  opts: SelectOptions = {},
): string[] {
  const shown = Array.isArray(pattern) ? pattern.join(',') : String(pattern);
  const ctx: Ctx = { warn: opts.warn, pos: opts.pos, where: opts.where ?? `hosts "${shown}"` };
  if (!shown.includes('~') && shown.split('[').length !== shown.split(']').length)
    throw fail(ctx, `expected balanced [ and ] in a host pattern (got "${shown}")`);
  const patterns = splitHostPattern(pattern);
  if (!patterns.length) throw fail(ctx, `expected a host pattern such as "all" or "web" (got "${shown}")`);
  const hosts = evaluate(inv, patterns, ctx);
  if (opts.ignoreLimit || !inv.limitPatterns) return hosts;
  const allowed = new Set(evaluate(inv, inv.limitPatterns, { where: '--limit' }));
  return hosts.filter((h) => allowed.has(h));
}

/** Ansible's subset(): `@file` reads one pattern a line; an empty limit is no limit; matching no host is an error. */
export function applyLimit(
  inv: Inventory,
  limit: string | readonly string[] | undefined,
  opts: LimitOptions = {},
): Set<string> {
  if (limit === undefined) {
    inv.limitPatterns = undefined;
    return new Set(inv.hostNames());
  }
  const shown = Array.isArray(limit) ? limit.join(',') : String(limit);
  const where = `--limit "${shown}"`;
  const patterns: string[] = [];
  for (const p of splitHostPattern(limit)) {
    if (p[0] !== '@') {
      patterns.push(p);
      continue;
    }
    const file = resolve(opts.cwd ?? inv.cwd, p.slice(1));
    if (!existsSync(file) || !statSync(file).isFile()) {
      const why = existsSync(file) ? 'a folder' : 'no such file';
      throw new SdtdError(
        'missing-file',
        `expected a file of host patterns after "@" (got "${p.slice(1)}": ${why})`,
        {
          where,
        },
      );
    }
    patterns.push(
      ...readFileSync(file, 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
    );
  }
  inv.limitPatterns = patterns.length ? patterns : undefined;
  inv.changed();
  if (!inv.limitPatterns) return new Set(inv.hostNames());
  const hosts = evaluate(inv, inv.limitPatterns, { warn: opts.warn, where });
  if (!hosts.length) {
    throw new SdtdError(
      'host-pattern',
      'expected a limit matching at least one host (got none: specified hosts and/or --limit does not match any hosts)',
      { where },
    );
  }
  return new Set(hosts);
}

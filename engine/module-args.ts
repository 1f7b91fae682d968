// Turns a task's module value (mapping, free-form string, k=v string) into validated module arguments.
import { parse as shellParse } from 'shell-quote';
import { describeValue, type Position, SdtdError } from './errors.js';
import { tagSpans } from './jinja-braces.js';
import type { Module } from './module.js';
import { validate } from './validate.js';

/** The value `{{ omit }}` renders to: an argument holding it is dropped, as in Ansible. */
export const OMIT = '__sdtd_omit_6b1f2c__';

export interface ArgsContext {
  where: string;
  root?: unknown;
  path?: (string | number)[];
  pos?: Position;
  /** Load time: values that are still templates are checked after rendering. */
  deferTemplates?: boolean;
}

/** `a=1 b="x y" c={{ x | default(1) }}` into a mapping (Ansible's k=v form); words without `=` are returned apart. */
export function splitKeyValues(s: string): { kv: Record<string, string>; rest: string[] } {
  // a template may hold spaces and quotes: it is kept whole, as Ansible's parse_kv does
  const templates: string[] = [];
  let masked = '';
  let at = 0;
  for (const [start, end] of tagSpans(s)) {
    masked += `${s.slice(at, start)}__sdtd_tpl_${templates.push(s.slice(start, end)) - 1}__`;
    at = end;
  }
  masked += s.slice(at);
  const unmask = (w: string) => w.replace(/__sdtd_tpl_(\d+)__/g, (_, i) => templates[Number(i)]);
  const kv: Record<string, string> = {};
  const rest: string[] = [];
  const tokens = shellParse(masked, (k) => `$${k}`);
  for (const t of tokens) {
    const word = unmask(typeof t === 'string' ? t : 'op' in t ? t.op : String(t));
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(word);
    if (m) kv[m[1]] = m[2];
    else rest.push(word);
  }
  return { kv, rest };
}

/** Free-form: `command: ls -l chdir=/tmp` gives { cmd: "ls -l", chdir: "/tmp" }; k=v form for other modules. */
export function argsFromString(mod: Module, s: string, ctx: ArgsContext): Record<string, unknown> {
  const props = Object.keys((mod.schema as any).properties ?? {});
  if (mod.freeForm) {
    const out: Record<string, unknown> = {};
    // only known option names are lifted out of the command line; the rest stays verbatim
    const re = /(?:^|\s)([a-z_]+)=("[^"]*"|'[^']*'|\S+)/g;
    const raw = s.replace(re, (all, k: string, v: string) => {
      if (k === mod.freeForm || !props.includes(k)) return all;
      out[k] = v.replace(/^(["'])(.*)\1$/s, '$2');
      return '';
    });
    out[mod.freeForm] = raw.trim();
    return out;
  }
  const { kv, rest } = splitKeyValues(s);
  if (rest.length)
    throw new SdtdError(
      'schema',
      `expected key=value pairs or a mapping (got ${describeValue(rest.join(' '))})`,
      {
        pos: ctx.pos,
        where: ctx.where,
      },
    );
  return kv;
}

/** Normalise (free-form, aliases, omit) then validate; returns the arguments the module's plan receives. */
export function prepareArgs(mod: Module, raw: unknown, ctx: ArgsContext): Record<string, unknown> {
  let args: Record<string, unknown>;
  if (raw === null || raw === undefined) args = {};
  else if (typeof raw === 'string') args = argsFromString(mod, raw, ctx);
  else if (typeof raw === 'object' && !Array.isArray(raw)) args = { ...(raw as Record<string, unknown>) };
  else {
    throw new SdtdError('schema', `expected a mapping of arguments (got ${describeValue(raw)})`, {
      pos: ctx.pos,
      where: ctx.where,
    });
  }
  for (const [alias, real] of Object.entries(mod.aliases ?? {})) {
    if (alias in args && !(real in args)) {
      args[real] = args[alias];
      delete args[alias];
    }
  }
  for (const [k, v] of Object.entries(args)) if (v === OMIT) delete args[k];
  // positions are looked up on the original object, whose keys match the user's spelling
  validate(mod.schema, args, { ...ctx, root: typeof raw === 'object' ? raw : undefined, path: [] });
  return args;
}

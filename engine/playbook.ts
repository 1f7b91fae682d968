// Loads a playbook file (and the playbooks it imports) into plays, with every role, task and handler checked.
import { basename, dirname, resolve } from 'node:path';
import { describeValue, SdtdError } from './errors.js';
import { inherit } from './inherit.js';
import { importPlaybookKeywords, playKeywords } from './keywords.js';
import { loadYamlFile, posOf } from './load.js';
import { loadRoleInto, parseRoleRef } from './roles.js';
import { asHandlers, display } from './task-files.js';
import type { Inherited, Play, TaskNode } from './task-model.js';
import { type LoadCtx, type PlaySink, parseTasks } from './tasks.js';
import { hasTemplate, nearest, validate } from './validate.js';

export interface Playbook {
  file: string;
  dir: string;
  plays: Play[];
}

const ROOT: Inherited = { when: [], tags: [], environment: [], vars: [] };

/** `defaults`: what -b/--become-user give; as in Ansible, a play's or task's own keywords win over them. */
export function loadPlaybook(
  path: string,
  defaults: Pick<Inherited, 'become' | 'becomeUser'> = {},
): Playbook {
  const abs = resolve(path);
  return { file: abs, dir: dirname(abs), plays: loadPlays(abs, { ...ROOT, ...defaults }, {}, [abs]) };
}

function loadPlays(
  abs: string,
  inh: Inherited,
  extraPlayVars: Record<string, unknown>,
  stack: string[],
): Play[] {
  const file = display(abs);
  const doc = loadYamlFile(abs, undefined, file);
  if (!Array.isArray(doc))
    throw new SdtdError('schema', `expected a playbook: a list of plays (got ${describeValue(doc)})`, {
      pos: posOf(doc) ?? { file, line: 1, col: 1 },
    });
  const plays: Play[] = [];
  doc.forEach((raw, i) => {
    const pos = posOf(doc, i) ?? { file, line: 1, col: 1 };
    if (raw && typeof raw === 'object' && 'import_playbook' in raw) {
      const r = raw as Record<string, any>;
      validate(importPlaybookKeywords, r, { where: 'import_playbook', root: r });
      const target = resolve(dirname(abs), r.import_playbook);
      if (stack.includes(target))
        throw new SdtdError(
          'include',
          `expected no import cycle (got ${[...stack, target].map(display).join(' -> ')})`,
          { pos },
        );
      plays.push(
        ...loadPlays(target, inherit(inh, { ...r, vars: undefined }, r), { ...extraPlayVars, ...r.vars }, [
          ...stack,
          target,
        ]),
      );
      return;
    }
    plays.push(loadPlay(raw, abs, inh, extraPlayVars));
  });
  return plays;
}

function loadPlay(raw: unknown, abs: string, parentInh: Inherited, extraVars: Record<string, unknown>): Play {
  const file = display(abs);
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new SdtdError(
      'schema',
      `expected a play: a mapping with hosts and tasks (got ${describeValue(raw)})`,
      { file, line: 1, col: 1 } as never,
    );
  const p = raw as Record<string, any>;
  const name = p.name ?? (Array.isArray(p.hosts) ? p.hosts.join(',') : String(p.hosts ?? ''));
  const where = `play "${name}"`;
  validate(playKeywords, p, { where, root: p, deferTemplates: true });
  const pos = posOf(p) ?? { file, line: 1, col: 1 };
  const inh = inherit(parentInh, { ...p, vars: undefined }, p);
  const sink: PlaySink = { roles: [], handlers: [], seen: new Set() };
  const dir = dirname(abs);
  const ctx: LoadCtx = { file, dir, playbookDir: dir, inh, sink, stack: [abs] };

  const preTasks = parseTasks(p.pre_tasks, ctx);
  const roleTasks: TaskNode[] = [];
  const roles = (p.roles ?? []) as unknown[];
  roles.forEach((r, i) => {
    const rpos = posOf(roles, i) ?? pos;
    const ref = parseRoleRef(r, rpos);
    roleTasks.push(
      ...loadRoleInto(ref.call, ref.params, { ...ctx, inh: inherit(inh, ref.kw, r as object) }, rpos),
    );
  });
  const tasks = parseTasks(p.tasks, ctx);
  const postTasks = parseTasks(p.post_tasks, ctx);
  const handlers = [...sink.handlers, ...asHandlers(parseTasks(p.handlers, { ...ctx, handlers: true }))];
  checkNotify([...preTasks, ...roleTasks, ...tasks, ...postTasks, ...handlers], handlers);

  const serial = p.serial === undefined ? undefined : Array.isArray(p.serial) ? p.serial : [p.serial];
  return {
    name,
    hosts: Array.isArray(p.hosts) ? p.hosts.join(',') : String(p.hosts),
    pos,
    file,
    id: `${basename(abs)}:${name}`,
    vars: { ...extraVars, ...(p.vars ?? {}) },
    varsFiles: p.vars_files === undefined ? [] : Array.isArray(p.vars_files) ? p.vars_files : [p.vars_files],
    varsPrompt: p.vars_prompt ?? [],
    strategy: p.strategy ?? 'linear',
    roles: sink.roles,
    preTasks,
    tasks: [...roleTasks, ...tasks],
    postTasks,
    handlers,
    serial,
    maxFailPercentage: p.max_fail_percentage,
    anyErrorsFatal: p.any_errors_fatal ?? false,
    gatherFacts: p.gather_facts ?? true,
    forceHandlers: p.force_handlers ?? false,
    connection: p.connection,
    remoteUser: p.remote_user,
    order: p.order ?? 'inventory',
    inh,
    dir,
  };
}

/** A notify naming no handler is an error at load time (Ansible finds out only when the task changes). */
function checkNotify(
  nodes: TaskNode[],
  handlers: { name: string; named: boolean; listen: string[] }[],
): void {
  const all: TaskNode[] = [];
  const walk = (n: TaskNode) => {
    all.push(n);
    if (n.kind === 'block') [...n.block, ...n.rescue, ...n.always].forEach(walk);
  };
  nodes.forEach(walk);
  // handlers of roles included at run time are not known yet
  if (all.some((n) => n.kind === 'include_role')) return;
  const known = new Set(handlers.flatMap((h) => [...(h.named ? [h.name] : []), ...h.listen]));
  for (const n of all) {
    if (n.kind !== 'task') continue;
    for (const name of n.notify) {
      if (known.has(name) || hasTemplate(name)) continue;
      const hint = nearest(name, [...known]);
      const tail = hint
        ? `; did you mean "${hint}"?`
        : known.size
          ? `; known: ${[...known].join(', ')}`
          : '; this play has no handlers';
      throw new SdtdError(
        'handler-not-found',
        `expected the name of a handler or a listen topic (got "${name}"${tail})`,
        {
          pos: n.notifyPos ?? n.pos,
          where: `task "${n.name}" > notify`,
        },
      );
    }
  }
}

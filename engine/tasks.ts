// Parses task lists (tasks, blocks, imports, includes, meta) into task nodes, checking every keyword and module.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { findModule, moduleNames } from '../modules/index.js';
import { describeValue, type Position, SdtdError } from './errors.js';
import {
  blockKeywords,
  importRoleKeywords,
  importTasksKeywords,
  includeRoleKeywords,
  includeTasksKeywords,
  metaKeywords,
  TASK_KEYWORDS,
  taskKeywords,
} from './keywords.js';
import { loadYamlFile, posOf } from './load.js';
import { prepareArgs } from './module-args.js';
import { loadRoleInto, roleCall } from './roles.js';
import type { TSchema } from './schema.js';
import type { Cond, Inherited, LoopSpec, ModuleTask, RoleInstance, TaskNode } from './task-model.js';
import { hasTemplate, nearest, validate } from './validate.js';

/** Collects what a play gathers while its tasks load: roles (for their defaults/vars) and handlers. */
export interface PlaySink {
  roles: RoleInstance[];
  handlers: ModuleTask[];
  /** Roles already included statically, by key: a role runs once per play. */
  seen: Set<string>;
}

export interface LoadCtx {
  file: string;
  dir: string;
  playbookDir: string;
  inh: Inherited;
  role?: RoleInstance;
  sink: PlaySink;
  /** Files being imported, to refuse import cycles. */
  stack: string[];
  handlers?: boolean;
}

export function display(path: string): string {
  const r = relative(process.cwd(), path);
  return r.startsWith('..') || isAbsolute(r) ? path : r;
}

export function conds(v: unknown, obj: object, key: string): Cond[] {
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map((expr, i) => ({ expr, pos: Array.isArray(v) ? posOf(v, i) : posOf(obj, key) }));
}

const list = (v: unknown): string[] =>
  v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)];

/** A node's effective keywords: its own over those of the blocks/roles/imports around it. */
export function inherit(parent: Inherited, kw: Record<string, any>, obj: object): Inherited {
  return {
    ...parent,
    when: [...parent.when, ...conds(kw.when, obj, 'when')],
    tags: [...new Set([...parent.tags, ...list(kw.tags)])],
    become: kw.become ?? parent.become,
    becomeUser: kw.become_user ?? parent.becomeUser,
    environment: kw.environment ? [...parent.environment, kw.environment] : parent.environment,
    vars: kw.vars ? [...parent.vars, kw.vars] : parent.vars,
    ignoreErrors: kw.ignore_errors ?? parent.ignoreErrors,
    ignoreUnreachable: kw.ignore_unreachable ?? parent.ignoreUnreachable,
    checkMode: kw.check_mode ?? parent.checkMode,
    diff: kw.diff ?? parent.diff,
    noLog: kw.no_log ?? parent.noLog,
    anyErrorsFatal: kw.any_errors_fatal ?? parent.anyErrorsFatal,
    delegateTo: kw.delegate_to ?? parent.delegateTo,
    runOnce: kw.run_once ?? parent.runOnce,
    timeout: kw.timeout ?? parent.timeout,
    throttle: kw.throttle ?? parent.throttle,
  };
}

function check(schema: TSchema, data: Record<string, unknown>, where: string): void {
  validate(schema, data, { where, deferTemplates: true, root: data });
}

export function loopSpec(item: Record<string, any>, pos: Position, where: string): LoopSpec | undefined {
  const kinds = (['loop', 'with_items', 'with_list', 'with_dict'] as const).filter((k) => k in item);
  if (kinds.length > 1)
    throw new SdtdError('schema', `expected one loop keyword (got ${kinds.join(' and ')})`, { pos, where });
  if (kinds.length === 0) return undefined;
  const lc = item.loop_control ?? {};
  return {
    kind: kinds[0],
    value: item[kinds[0]],
    loopVar: lc.loop_var ?? 'item',
    indexVar: lc.index_var,
    label: lc.label,
    pause: lc.pause,
    extended: lc.extended,
  };
}

/** Parse a task list (a YAML sequence of task mappings). */
export function parseTasks(raw: unknown, ctx: LoadCtx): TaskNode[] {
  if (raw === null || raw === undefined) return [];
  if (!Array.isArray(raw))
    throw new SdtdError('schema', `expected a list of tasks (got ${describeValue(raw)})`, {
      pos: posOf(raw) ?? { file: ctx.file, line: 1, col: 1 },
    });
  return raw.flatMap((item, i) => parseTask(item, ctx, posOf(raw, i) ?? { file: ctx.file, line: 1, col: 1 }));
}

function parseTask(item: unknown, ctx: LoadCtx, pos: Position): TaskNode[] {
  if (item === null || typeof item !== 'object' || Array.isArray(item))
    throw new SdtdError(
      'schema',
      `expected a task (a mapping with a module or block) (got ${describeValue(item)})`,
      { pos },
    );
  const t = item as Record<string, any>;
  const label = t.name ? `task "${t.name}"` : 'task';
  const where = ctx.role ? `role ${ctx.role.name}: ${label}` : label;
  const base = (kw: Record<string, any>, name: string) => ({
    name,
    named: !!kw.name,
    pos,
    inh: inherit(ctx.inh, kw, t),
    dir: ctx.dir,
  });

  if ('block' in t) {
    check(blockKeywords, t, where);
    const inner = { ...ctx, inh: inherit(ctx.inh, t, t) };
    const b = base(t, t.name ?? 'block');
    return [
      {
        ...b,
        kind: 'block',
        block: parseTasks(t.block, inner),
        rescue: parseTasks(t.rescue, inner),
        always: parseTasks(t.always, inner),
      },
    ];
  }
  if ('import_tasks' in t) {
    check(importTasksKeywords, t, where);
    if (hasTemplate(t.import_tasks))
      throw new SdtdError(
        'include',
        `expected a fixed file name: import_tasks is read before the run (got ${describeValue(t.import_tasks)}; use include_tasks for a file chosen at run time)`,
        { pos: posOf(t, 'import_tasks'), where },
      );
    const path = resolveTaskFile(t.import_tasks, ctx, posOf(t, 'import_tasks'));
    if (ctx.stack.includes(path))
      throw new SdtdError(
        'include',
        `expected no import cycle (got ${[...ctx.stack, path].map(display).join(' -> ')})`,
        { pos, where },
      );
    const loaded = loadYamlFile(path, posOf(t, 'import_tasks'), display(path));
    return parseTasks(loaded, {
      ...ctx,
      file: display(path),
      dir: dirname(path),
      inh: inherit(ctx.inh, t, t),
      stack: [...ctx.stack, path],
    });
  }
  if ('include_tasks' in t) {
    check(includeTasksKeywords, t, where);
    const spec = typeof t.include_tasks === 'string' ? { file: t.include_tasks } : t.include_tasks;
    const b = base({ ...t, vars: undefined }, t.name ?? `include_tasks ${spec.file}`);
    return [
      {
        ...b,
        inh: { ...b.inh, includeParams: t.vars },
        kind: 'include_tasks',
        file: spec.file,
        apply: spec.apply,
        loop: loopSpec(t, pos, where),
      },
    ];
  }
  if ('import_role' in t) {
    check(importRoleKeywords, t, where);
    return loadRoleInto(
      roleCall(t.import_role),
      {},
      { ...ctx, inh: inherit(ctx.inh, t, t) },
      posOf(t, 'import_role') ?? pos,
    );
  }
  if ('include_role' in t) {
    check(includeRoleKeywords, t, where);
    const b = base({ ...t, vars: undefined }, t.name ?? `include_role ${t.include_role.name}`);
    return [
      {
        ...b,
        inh: { ...b.inh, includeParams: t.vars },
        kind: 'include_role',
        call: roleCall(t.include_role),
        loop: loopSpec(t, pos, where),
      },
    ];
  }
  if ('meta' in t) {
    check(metaKeywords, t, where);
    return [{ ...base(t, t.name ?? `meta: ${t.meta}`), kind: 'meta', action: t.meta }];
  }
  return [parseModuleTask(t, ctx, pos, where, base)];
}

function parseModuleTask(
  t: Record<string, any>,
  ctx: LoadCtx,
  pos: Position,
  where: string,
  base: (kw: Record<string, any>, name: string) => any,
): ModuleTask {
  const actions = Object.keys(t).filter((k) => !TASK_KEYWORDS.has(k));
  const unknown = actions.find((k) => !findModule(k));
  if (unknown) {
    const hint = nearest(unknown, [...moduleNames(), ...TASK_KEYWORDS]);
    throw new SdtdError(
      'unknown-module',
      `expected a module or a task keyword (got "${unknown}"${hint ? `; did you mean "${hint}"?` : ''})`,
      { pos: posOf(t, unknown, 'key'), where },
    );
  }
  if (actions.length === 0)
    throw new SdtdError(
      'schema',
      `expected a module such as command, copy or template (got only keywords: ${Object.keys(t).join(', ')})`,
      { pos, where },
    );
  if (actions.length > 1)
    throw new SdtdError('schema', `expected one module per task (got ${actions.join(' and ')})`, {
      pos: posOf(t, actions[1], 'key'),
      where,
    });
  const key = actions[0];
  const mod = findModule(key)!;
  const kw = { ...t };
  delete kw[key];
  check(taskKeywords, kw, where);
  if (!ctx.handlers && kw.listen !== undefined)
    throw new SdtdError('schema', 'expected listen only on handlers (got it on a task)', {
      pos: posOf(t, 'listen', 'key'),
      where,
    });
  let rawArgs = t[key];
  if (kw.args)
    rawArgs =
      typeof rawArgs === 'string'
        ? { ...prepareArgs(mod, rawArgs, { where }), ...kw.args }
        : { ...rawArgs, ...kw.args };
  prepareArgs(mod, rawArgs, { where: `${where} > ${key}`, deferTemplates: true, pos: posOf(t, key) });
  const b = base(kw, t.name ?? summary(key, rawArgs));
  return {
    ...b,
    kind: 'task',
    module: mod,
    rawArgs,
    loop: loopSpec(t, pos, where),
    register: kw.register,
    notify: list(kw.notify),
    notifyPos: posOf(t, 'notify'),
    listen: list(kw.listen),
    changedWhen: kw.changed_when === undefined ? undefined : conds(kw.changed_when, t, 'changed_when'),
    failedWhen: kw.failed_when === undefined ? undefined : conds(kw.failed_when, t, 'failed_when'),
    until: kw.until === undefined ? undefined : conds(kw.until, t, 'until'),
    retries: kw.retries,
    delay: kw.delay,
  };
}

function summary(key: string, args: unknown): string {
  if (typeof args === 'string') return `${key}: ${args.length > 50 ? `${args.slice(0, 47)}...` : args}`;
  const a = (args ?? {}) as Record<string, unknown>;
  const main = a.path ?? a.dest ?? a.name ?? a.cmd ?? a.msg ?? a.var;
  return main === undefined ? key : `${key}: ${String(main)}`;
}

/** Handlers are module tasks (run by name or listen topic); blocks and includes are refused there. */
export function asHandlers(nodes: TaskNode[]): ModuleTask[] {
  for (const n of nodes)
    if (n.kind !== 'task')
      throw new SdtdError('schema', `expected a handler to be a module task (got ${n.kind})`, {
        pos: n.pos,
        where: `handler "${n.name}"`,
      });
  return nodes as ModuleTask[];
}

/** import_tasks/include_tasks files: beside the including file, in the role's tasks/, then beside the playbook. */
export function resolveTaskFile(
  name: string,
  ctx: { dir: string; playbookDir: string; role?: RoleInstance },
  from?: Position,
): string {
  if (isAbsolute(name)) return name;
  const cands = [
    join(ctx.dir, name),
    ...(ctx.role ? [join(ctx.role.path, 'tasks', name)] : []),
    join(ctx.playbookDir, name),
  ];
  const found = cands.find((c) => existsSync(c));
  const uniq = [...new Set(cands)];
  if (!found)
    throw new SdtdError(
      'missing-file',
      `expected the task file ${name} (looked in ${uniq.map(display).join(', ')})`,
      { pos: from },
    );
  return found;
}

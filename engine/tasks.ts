// Parses task lists (tasks, blocks, imports, includes, meta) into task nodes, checking every keyword and module.
import { dirname } from 'node:path';
import { describeValue, type Position, SdtdError } from './errors.js';
import { inherit, loopSpec } from './inherit.js';
import {
  blockKeywords,
  importRoleKeywords,
  importTasksKeywords,
  includeRoleKeywords,
  includeTasksKeywords,
  metaKeywords,
} from './keywords.js';
import { loadYamlFile, posOf } from './load.js';
import { parseModuleTask } from './module-task.js';
import { loadRoleInto, roleCall } from './roles.js';
import type { TSchema } from './schema.js';
import { display, resolveTaskFile } from './task-files.js';
import type { Inherited, ModuleTask, RoleInstance, TaskNode } from './task-model.js';
import { hasTemplate, validate } from './validate.js';

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

function check(schema: TSchema, data: Record<string, unknown>, where: string): void {
  validate(schema, data, { where, deferTemplates: true, root: data });
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

// Roles: find a role's folder, load its defaults, vars, meta dependencies, tasks and handlers.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { describeValue, type Position, SdtdError } from './errors.js';
import { inherit } from './inherit.js';
import { roleMeta, roleRefReserved } from './keywords.js';
import { loadYamlFile, posOf } from './load.js';
import { asHandlers, display } from './task-files.js';
import type { RoleCall, RoleInstance, TaskNode } from './task-model.js';
import { type LoadCtx, parseTasks } from './tasks.js';
import { validate } from './validate.js';

export function roleCall(x: Record<string, any>): RoleCall {
  return {
    name: x.name ?? x.role,
    tasksFrom: x.tasks_from,
    defaultsFrom: x.defaults_from,
    varsFrom: x.vars_from,
    handlersFrom: x.handlers_from,
    allowDuplicates: x.allow_duplicates,
    apply: x.apply,
  };
}

/** Where roles are looked for: beside the playbook, the project's roles/, sibling roles, then SDTD_ROLES_PATH. */
export function findRoleDir(
  name: string,
  ctx: { playbookDir: string; role?: RoleInstance },
  pos?: Position,
): string {
  if (isAbsolute(name) && existsSync(name)) return name;
  const dirs = [
    join(ctx.playbookDir, 'roles'),
    join(ctx.playbookDir, '..', 'roles'),
    ...(ctx.role ? [dirname(ctx.role.path)] : []),
    ...(process.env.SDTD_ROLES_PATH ?? '').split(':').filter(Boolean),
  ];
  for (const d of dirs) if (existsSync(join(d, name))) return join(d, name);
  if (existsSync(join(ctx.playbookDir, name))) return join(ctx.playbookDir, name);
  throw new SdtdError(
    'role-not-found',
    `expected a role named ${name} (got none; looked in ${[...new Set(dirs.map(display))].join(', ')})`,
    { pos },
  );
}

function yamlMapping(path: string, what: string): Record<string, unknown> {
  if (!existsSync(path)) return {};
  const v = loadYamlFile(path, undefined, display(path));
  if (v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v))
    throw new SdtdError('schema', `expected ${what} to be a mapping (got ${describeValue(v)})`, {
      pos: posOf(v) ?? { file: display(path), line: 1, col: 1 },
    });
  return v as Record<string, unknown>;
}

/** A `main` file or an explicit one: `defaults/main.yml`, `tasks/install.yml`. */
function part(dir: string, sub: string, from?: string): string {
  const base = from ?? 'main';
  for (const ext of ['', '.yml', '.yaml']) {
    const p = join(dir, sub, base + ext);
    if (existsSync(p) && (ext || /\.ya?ml$/.test(base))) return p;
  }
  return join(dir, sub, `${base}.yml`);
}

/** A role reference from `roles:` or meta dependencies: a name, or a mapping of role, keywords and params. */
export function parseRoleRef(
  raw: unknown,
  pos: Position,
): { call: RoleCall; params: Record<string, unknown>; kw: Record<string, unknown> } {
  if (typeof raw === 'string') return { call: { name: raw }, params: {}, kw: {} };
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new SdtdError('schema', `expected a role name or a mapping with role (got ${describeValue(raw)})`, {
      pos,
    });
  const r = raw as Record<string, any>;
  const name = r.role ?? r.name;
  if (typeof name !== 'string')
    throw new SdtdError('schema', `expected the key "role" naming the role (got ${describeValue(raw)})`, {
      pos,
    });
  const params: Record<string, unknown> = { ...(r.vars ?? {}) };
  const kw: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) {
    if (k === 'role' || k === 'name' || k === 'vars') continue;
    if (roleRefReserved.has(k)) kw[k] = v;
    else params[k] = v;
  }
  return { call: { name }, params, kw };
}

/** Load a role (dependencies first) into the play: its tasks are returned, its handlers and instance go to the sink. */
export function loadRoleInto(
  call: RoleCall,
  params: Record<string, unknown>,
  ctx: LoadCtx,
  pos: Position,
  dedupe = true,
): TaskNode[] {
  const path = findRoleDir(call.name, ctx, pos);
  const key = `${path}|${JSON.stringify(params)}|${call.tasksFrom ?? ''}`;
  const meta = yamlMapping(join(path, 'meta', 'main.yml'), `${call.name}/meta/main.yml`);
  validate(roleMeta, meta, { where: `role ${call.name} meta`, root: meta });
  const allowDup = call.allowDuplicates ?? (meta.allow_duplicates as boolean | undefined) ?? false;
  if (ctx.stack.includes(path))
    throw new SdtdError(
      'include',
      `expected no role dependency cycle (got ${[...ctx.stack, path].map(display).join(' -> ')})`,
      { pos },
    );
  if (dedupe && ctx.sink.seen.has(key) && !allowDup) return [];
  ctx.sink.seen.add(key);

  const role: RoleInstance = {
    name: call.name.split('/').pop()!,
    path,
    params,
    defaults: yamlMapping(part(path, 'defaults', call.defaultsFrom), `${call.name} defaults`),
    vars: yamlMapping(part(path, 'vars', call.varsFrom), `${call.name} vars`),
    deps: [],
    key,
  };
  const out: TaskNode[] = [];
  const deps = (meta.dependencies as unknown[] | undefined) ?? [];
  deps.forEach((d, i) => {
    const ref = parseRoleRef(d, posOf(deps, i) ?? pos);
    const depCtx = { ...ctx, role, stack: [...ctx.stack, path], inh: inherit(ctx.inh, ref.kw, d as object) };
    const before = ctx.sink.roles.length;
    out.push(...loadRoleInto(ref.call, ref.params, depCtx, posOf(deps, i) ?? pos, dedupe));
    role.deps.push(...ctx.sink.roles.slice(before));
  });

  const tasksFile = part(path, 'tasks', call.tasksFrom);
  const inner: LoadCtx = {
    ...ctx,
    role,
    dir: dirname(tasksFile),
    stack: [...ctx.stack, path],
    inh: { ...ctx.inh, role },
  };
  if (existsSync(tasksFile))
    out.push(
      ...parseTasks(loadYamlFile(tasksFile, pos, display(tasksFile)), { ...inner, file: display(tasksFile) }),
    );
  else if (call.tasksFrom)
    throw new SdtdError('missing-file', `expected ${display(tasksFile)} (tasks_from: ${call.tasksFrom})`, {
      pos,
    });

  const handlersFile = part(path, 'handlers', call.handlersFrom);
  if (existsSync(handlersFile)) {
    const hs = parseTasks(loadYamlFile(handlersFile, pos, display(handlersFile)), {
      ...inner,
      file: display(handlersFile),
      dir: dirname(handlersFile),
      handlers: true,
    });
    ctx.sink.handlers.push(...asHandlers(hs));
  }
  ctx.sink.roles.push(role);
  return out;
}

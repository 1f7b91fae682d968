// Task files on the manager: how paths are shown, where import/include files are found; handler lists.
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { type Position, SdtdError } from './errors.js';
import type { ModuleTask, RoleInstance, TaskNode } from './task-model.js';

/** A path as messages show it: relative to the working directory when inside it. */
export function display(path: string): string {
  const r = relative(process.cwd(), path);
  return r.startsWith('..') || isAbsolute(r) ? path : r;
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
      `expected the task file ${name} (got no such file; looked in ${uniq.map(display).join(', ')})`,
      { pos: from },
    );
  return found;
}

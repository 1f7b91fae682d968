// The loaded form of a playbook: plays, task nodes (tasks, blocks, includes, meta) and roles, with positions.
import type { Position } from './errors.js';
import type { Module } from './module.js';

export interface Cond {
  expr: string | boolean;
  pos?: Position;
}

export interface LoopSpec {
  kind: 'loop' | 'with_items' | 'with_list' | 'with_dict';
  value: unknown;
  loopVar: string;
  indexVar?: string;
  label?: string;
  pause?: number;
  extended?: boolean;
}

/** What a node takes from the blocks, roles and imports around it (copied in at load time). */
export interface Inherited {
  when: Cond[];
  tags: string[];
  become?: boolean;
  becomeUser?: string;
  /** Environment mappings, outer first; rendered and merged at run time. */
  environment: unknown[];
  /** Block and task `vars:`, outer first. */
  vars: Record<string, unknown>[];
  ignoreErrors?: boolean;
  ignoreUnreachable?: boolean;
  checkMode?: boolean;
  diff?: boolean;
  noLog?: boolean;
  anyErrorsFatal?: boolean;
  delegateTo?: string;
  runOnce?: boolean;
  timeout?: number | string;
  throttle?: number | string;
  role?: RoleInstance;
  /** vars given to include_tasks / include_role (high precedence). */
  includeParams?: Record<string, unknown>;
}

interface NodeBase {
  /** Display name: the task's name, or its module and main argument. */
  name: string;
  /** True when the user gave a name (for --start-at-task and listings). */
  named: boolean;
  pos: Position;
  inh: Inherited;
  /** Directory relative includes and `src:` files are resolved against. */
  dir: string;
}

export interface ModuleTask extends NodeBase {
  kind: 'task';
  module: Module;
  rawArgs: unknown;
  loop?: LoopSpec;
  register?: string;
  notify: string[];
  /** Where `notify:` is written, for errors about it. */
  notifyPos?: Position;
  /** Handlers only: topics this handler also answers to. */
  listen: string[];
  changedWhen?: Cond[];
  failedWhen?: Cond[];
  until?: Cond[];
  retries?: number | string;
  delay?: number;
}

export interface BlockNode extends NodeBase {
  kind: 'block';
  block: TaskNode[];
  rescue: TaskNode[];
  always: TaskNode[];
}

export interface IncludeTasksNode extends NodeBase {
  kind: 'include_tasks';
  file: string;
  apply?: Record<string, unknown>;
  loop?: LoopSpec;
}

export interface RoleCall {
  name: string;
  tasksFrom?: string;
  defaultsFrom?: string;
  varsFrom?: string;
  handlersFrom?: string;
  allowDuplicates?: boolean;
  apply?: Record<string, unknown>;
}

export interface IncludeRoleNode extends NodeBase {
  kind: 'include_role';
  call: RoleCall;
  loop?: LoopSpec;
}

export interface MetaNode extends NodeBase {
  kind: 'meta';
  action:
    | 'flush_handlers'
    | 'end_play'
    | 'end_host'
    | 'noop'
    | 'clear_facts'
    | 'refresh_inventory'
    | 'reset_connection';
}

export type TaskNode = ModuleTask | BlockNode | IncludeTasksNode | IncludeRoleNode | MetaNode;

export interface RoleInstance {
  name: string;
  path: string;
  params: Record<string, unknown>;
  defaults: Record<string, unknown>;
  vars: Record<string, unknown>;
  /** Dependencies, in the order they run. */
  deps: RoleInstance[];
  /** Identity for "a role runs once per play unless its params differ". */
  key: string;
}

/** One vars_prompt question. */
export interface VarsPrompt {
  name: string;
  prompt?: string;
  default?: unknown;
  private?: boolean;
  confirm?: boolean;
  unsafe?: boolean;
}

export interface Play {
  name: string;
  hosts: string;
  pos: Position;
  file: string;
  /** `playbook#index` identity used to persist pending handler notifications. */
  id: string;
  vars: Record<string, unknown>;
  varsFiles: string[];
  varsPrompt: VarsPrompt[];
  /** linear: each task on every host before the next; free: each host through the list at its own pace. */
  strategy: 'linear' | 'free';
  roles: RoleInstance[];
  preTasks: TaskNode[];
  /** Roles' tasks then the play's tasks (Ansible's order). */
  tasks: TaskNode[];
  postTasks: TaskNode[];
  handlers: ModuleTask[];
  serial?: (number | string)[];
  maxFailPercentage?: number;
  anyErrorsFatal: boolean;
  gatherFacts: boolean;
  forceHandlers: boolean;
  connection?: string;
  remoteUser?: string;
  order: 'inventory' | 'sorted' | 'reverse_sorted' | 'reverse_inventory';
  inh: Inherited;
  dir: string;
}

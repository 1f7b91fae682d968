// Schemas of the playbook language's keywords: play, task, block, include, role reference, role meta.
import { Any, Bool, Enum, Obj, StrOrList, Type } from './schema.js';

const Cond = () =>
  Type.Unsafe<string | boolean | (string | boolean)[]>({
    anyOf: [{ type: ['string', 'boolean'] }, { type: 'array', items: { type: ['string', 'boolean'] } }],
    expected: 'a condition or a list of conditions',
  });
const Env = () =>
  Type.Unsafe<Record<string, unknown> | string>({
    anyOf: [{ type: 'object' }, { type: 'string' }],
    expected: 'a mapping of environment variables',
  });
const Vars = () => Type.Record(Type.String(), Any());
const IntOrTemplate = () =>
  Type.Unsafe<number | string>({ anyOf: [{ type: 'integer' }, { type: 'string' }], expected: 'an integer' });

/** Keywords that tasks, blocks, includes and plays share (they are inherited downwards). */
export const sharedKeywords = {
  name: Type.Optional(Type.String()),
  when: Type.Optional(Cond()),
  tags: Type.Optional(StrOrList()),
  become: Type.Optional(Bool()),
  become_user: Type.Optional(Type.String()),
  become_method: Type.Optional(Enum(['sudo'])),
  environment: Type.Optional(Env()),
  vars: Type.Optional(Vars()),
  ignore_errors: Type.Optional(Bool()),
  ignore_unreachable: Type.Optional(Bool()),
  check_mode: Type.Optional(Bool()),
  diff: Type.Optional(Bool()),
  no_log: Type.Optional(Bool()),
  any_errors_fatal: Type.Optional(Bool()),
  delegate_to: Type.Optional(Type.String()),
  run_once: Type.Optional(Bool()),
  timeout: Type.Optional(IntOrTemplate()),
  throttle: Type.Optional(IntOrTemplate()),
};

export const loopKeywords = {
  loop: Type.Optional(Any()),
  with_items: Type.Optional(Any()),
  with_list: Type.Optional(Any()),
  with_dict: Type.Optional(Any()),
  loop_control: Type.Optional(
    Obj({
      loop_var: Type.Optional(Type.String()),
      index_var: Type.Optional(Type.String()),
      label: Type.Optional(Type.String()),
      pause: Type.Optional(Type.Number()),
      extended: Type.Optional(Bool()),
    }),
  ),
};

export const taskKeywords = Obj({
  ...sharedKeywords,
  ...loopKeywords,
  register: Type.Optional(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' })),
  notify: Type.Optional(StrOrList()),
  listen: Type.Optional(StrOrList()),
  changed_when: Type.Optional(Cond()),
  failed_when: Type.Optional(Cond()),
  until: Type.Optional(Cond()),
  retries: Type.Optional(IntOrTemplate()),
  delay: Type.Optional(Type.Number()),
  delegate_facts: Type.Optional(Bool()),
  args: Type.Optional(Type.Record(Type.String(), Any())),
});

export const blockKeywords = Obj({
  ...sharedKeywords,
  block: Type.Array(Any()),
  rescue: Type.Optional(Type.Array(Any())),
  always: Type.Optional(Type.Array(Any())),
});

const IncludeArgs = Obj({
  file: Type.String(),
  apply: Type.Optional(Type.Record(Type.String(), Any())),
});
export const includeTasksKeywords = Obj({
  ...sharedKeywords,
  ...loopKeywords,
  include_tasks: Type.Unsafe<string | { file: string; apply?: Record<string, unknown> }>({
    anyOf: [{ type: 'string' }, IncludeArgs],
    expected: 'a file name, or a mapping with file (and apply)',
  }),
});
export const importTasksKeywords = Obj({ ...sharedKeywords, import_tasks: Type.String() });

export const roleCallArgs = Obj({
  name: Type.String(),
  tasks_from: Type.Optional(Type.String()),
  defaults_from: Type.Optional(Type.String()),
  vars_from: Type.Optional(Type.String()),
  handlers_from: Type.Optional(Type.String()),
  apply: Type.Optional(Type.Record(Type.String(), Any())),
  public: Type.Optional(Bool()),
  allow_duplicates: Type.Optional(Bool()),
});
export const includeRoleKeywords = Obj({ ...sharedKeywords, ...loopKeywords, include_role: roleCallArgs });
export const importRoleKeywords = Obj({ ...sharedKeywords, import_role: roleCallArgs });

export const metaKeywords = Obj({
  name: Type.Optional(Type.String()),
  when: Type.Optional(Cond()),
  tags: Type.Optional(StrOrList()),
  meta: Enum([
    'flush_handlers',
    'end_play',
    'end_host',
    'noop',
    'clear_facts',
    'refresh_inventory',
    'reset_connection',
  ]),
});

/** The keys that are keywords, not modules, in a task mapping. */
export const TASK_KEYWORDS = new Set([
  ...Object.keys(taskKeywords.properties),
  'block',
  'rescue',
  'always',
  'include_tasks',
  'import_tasks',
  'include_role',
  'import_role',
  'meta',
]);

const SerialItem = {
  anyOf: [
    { type: 'integer', minimum: 1 },
    { type: 'string', pattern: '^\\d+(\\.\\d+)?%$|^\\d+$' },
  ],
};

export const playKeywords = Obj({
  ...sharedKeywords,
  hosts: StrOrList(),
  vars_files: Type.Optional(StrOrList()),
  vars_prompt: Type.Optional(
    Type.Array(
      Obj({
        name: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'The variable to set.' }),
        prompt: Type.Optional(Type.String({ description: 'The question (default: the name).' })),
        default: Type.Optional(Any({ description: 'The value when the answer is empty.' })),
        private: Type.Optional(Bool({ description: 'Hide what is typed (default true).' })),
        confirm: Type.Optional(Bool({ description: 'Ask twice; the answers must match.' })),
        unsafe: Type.Optional(Bool({ description: 'Keep {{ }} in the answer as text, not a template.' })),
      }),
    ),
  ),
  roles: Type.Optional(Type.Array(Any())),
  pre_tasks: Type.Optional(Type.Array(Any())),
  tasks: Type.Optional(Type.Array(Any())),
  post_tasks: Type.Optional(Type.Array(Any())),
  handlers: Type.Optional(Type.Array(Any())),
  serial: Type.Optional(
    Type.Unsafe<number | string | (number | string)[]>({
      anyOf: [SerialItem, { type: 'array', items: SerialItem, minItems: 1 }],
      expected: 'a number, a percentage such as "30%", or a list of them',
    }),
  ),
  max_fail_percentage: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
  gather_facts: Type.Optional(Bool()),
  force_handlers: Type.Optional(Bool()),
  strategy: Type.Optional(Enum(['linear', 'free'])),
  connection: Type.Optional(Type.String()),
  remote_user: Type.Optional(Type.String()),
  port: Type.Optional(Type.Integer()),
  order: Type.Optional(Enum(['inventory', 'sorted', 'reverse_sorted', 'reverse_inventory'])),
});

export const importPlaybookKeywords = Obj({
  import_playbook: Type.String(),
  name: Type.Optional(Type.String()),
  vars: Type.Optional(Vars()),
  when: Type.Optional(Cond()),
  tags: Type.Optional(StrOrList()),
});

/** A role reference in a play's `roles:` list or a role's meta dependencies: params are any other keys. */
export const roleRefReserved = new Set([
  'role',
  'name',
  'tags',
  'when',
  'vars',
  'become',
  'become_user',
  'environment',
]);

export const roleMeta = Obj({
  dependencies: Type.Optional(Type.Array(Any())),
  allow_duplicates: Type.Optional(Bool()),
  galaxy_info: Type.Optional(Any()),
  argument_specs: Type.Optional(Any()),
});

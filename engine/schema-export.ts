// Builds the playbook JSON Schema published for editors (docs/schema/): plays, tasks, and every module's arguments.
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { modules } from '../modules/index.js';
import {
  blockKeywords,
  importPlaybookKeywords,
  importRoleKeywords,
  importTasksKeywords,
  includeRoleKeywords,
  includeTasksKeywords,
  metaKeywords,
  playKeywords,
  taskKeywords,
} from './keywords.js';
import { toPublicSchema } from './schema.js';

const TEMPLATE = { type: 'string', pattern: '\\{\\{|\\{%' };

/** A value that is a template is checked after rendering: editors must accept `"{{ x }}"` anywhere. */
function allowTemplates(s: unknown, root = false): unknown {
  if (Array.isArray(s)) return s.map((x) => allowTemplates(x));
  if (!s || typeof s !== 'object') return s;
  const o = s as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'properties' || k === 'patternProperties')
      out[k] = Object.fromEntries(Object.entries(v as object).map(([pk, pv]) => [pk, allowTemplates(pv)]));
    else if (k === 'items' || k === 'additionalProperties' || k === 'anyOf') out[k] = allowTemplates(v);
    else out[k] = v;
  }
  // a whole list or mapping may come from a template too (`rules: "{{ item.rules }}"`); closed mappings
  // with required keys are left alone so that editors still report a missing argument
  const templatable = o.type !== 'object' || !o.required;
  const leaf = o.type || o.enum || o.anyOf;
  return leaf && templatable && !root ? { anyOf: [out, TEMPLATE] } : out;
}

/** Ansible's other argument names (`dest` for file's `path`): accepted wherever the real name is. */
function withAliases(s: Record<string, unknown>, aliases: Record<string, string>): Record<string, unknown> {
  const props = s.properties as Record<string, unknown> | undefined;
  if (!props || !Object.keys(aliases).length) return s;
  const out: Record<string, unknown> = { ...s, properties: { ...props } };
  for (const [alias, real] of Object.entries(aliases))
    (out.properties as Record<string, unknown>)[alias] = props[real];
  const required = (s.required as string[] | undefined) ?? [];
  const aliased = required.filter((r) => Object.values(aliases).includes(r));
  if (aliased.length) {
    out.required = required.filter((r) => !aliased.includes(r));
    out.allOf = aliased.map((r) => ({
      anyOf: [r, ...Object.keys(aliases).filter((a) => aliases[a] === r)].map((n) => ({ required: [n] })),
    }));
  }
  return out;
}

function pub(s: unknown): Record<string, unknown> {
  return allowTemplates(toPublicSchema(s), true) as Record<string, unknown>;
}

export function playbookSchema(): Record<string, unknown> {
  const taskRef = { $ref: '#/definitions/task' };
  const taskList = { type: 'array', items: taskRef };
  const moduleProps: Record<string, unknown> = {};
  const definitions: Record<string, unknown> = {};
  for (const m of modules) {
    const args = withAliases(pub(m.schema), m.aliases ?? {});
    definitions[`module_${m.name}`] = m.freeForm
      ? { anyOf: [args, { type: 'string' }] }
      : { anyOf: [args, { type: 'string', description: 'key=value arguments' }] };
    moduleProps[m.name] = { $ref: `#/definitions/module_${m.name}` };
    moduleProps[`ansible.builtin.${m.name}`] = { $ref: `#/definitions/module_${m.name}` };
  }
  const props = (s: { properties: object }) => (pub(s) as { properties: Record<string, unknown> }).properties;
  definitions.task = {
    type: 'object',
    description: 'A task: one module (or block, include, import, meta) plus keywords.',
    properties: {
      ...props(taskKeywords),
      ...props(blockKeywords),
      block: taskList,
      rescue: taskList,
      always: taskList,
      include_tasks: props(includeTasksKeywords).include_tasks,
      import_tasks: props(importTasksKeywords).import_tasks,
      include_role: props(includeRoleKeywords).include_role,
      import_role: props(importRoleKeywords).import_role,
      meta: props(metaKeywords).meta,
      ...moduleProps,
    },
    additionalProperties: false,
  };
  const play = pub(playKeywords) as { properties: Record<string, unknown> };
  for (const k of ['pre_tasks', 'tasks', 'post_tasks', 'handlers']) play.properties[k] = taskList;
  definitions.play = play;
  definitions.import_playbook = pub(importPlaybookKeywords);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://github.com/sdtd-play/sdtd-play/docs/schema/playbook.schema.json',
    title: 'sdtd-play playbook (also valid for task files)',
    description: 'A playbook (a list of plays) or a task file (a list of tasks), as sdtd-play reads them.',
    type: 'array',
    items: { anyOf: [{ $ref: '#/definitions/import_playbook' }, { $ref: '#/definitions/play' }, taskRef] },
    definitions,
  };
}

export function playbookSchemaText(): string {
  return `${JSON.stringify(playbookSchema(), null, 2)}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.argv[2]) {
  writeFileSync(process.argv[2], playbookSchemaText());
  process.stdout.write(`wrote ${process.argv[2]}\n`);
}

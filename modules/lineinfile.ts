// `lineinfile`: make sure one line is in a text file (or is not), replacing the line a regexp finds (Ansible's lineinfile).
import { defineModule, type Plan, TaskFailure } from '../engine/module.js';
import { Bool, Enum, Obj, Type } from '../engine/schema.js';
import { attrProps } from './lib/attrs.js';
import { planEdit } from './lib/edit.js';
import { lineAbsent, linePresent } from './lib/line-edit.js';

const schema = Obj({
  path: Type.String({ description: 'The file to edit (links are followed).' }),
  state: Type.Optional(
    Enum(['present', 'absent'], { description: 'Whether the line should be there (default present).' }),
  ),
  line: Type.Optional(
    Type.String({
      description:
        'The line to insert or replace with; with backrefs, \\1 and \\g<name> refer to regexp groups.',
    }),
  ),
  regexp: Type.Optional(
    Type.String({
      description: 'Python regular expression finding the line to replace (or, absent, to remove).',
    }),
  ),
  search_string: Type.Optional(
    Type.String({ description: 'Literal text finding the line to replace or remove.' }),
  ),
  insertafter: Type.Optional(
    Type.String({ description: 'Regexp of the line to insert after (last match), or EOF (default) or BOF.' }),
  ),
  insertbefore: Type.Optional(
    Type.String({ description: 'Regexp of the line to insert before (last match), or BOF.' }),
  ),
  create: Type.Optional(Bool({ description: 'Create the file (and its directory) when it does not exist.' })),
  backup: Type.Optional(Bool({ description: 'Keep a timestamped copy of the file before changing it.' })),
  backrefs: Type.Optional(
    Bool({ description: 'Expand regexp groups in line; when regexp does not match, change nothing.' }),
  ),
  firstmatch: Type.Optional(
    Bool({ description: 'Use the first match of regexp or insertafter/insertbefore, not the last.' }),
  ),
  validate: Type.Optional(
    Type.String({ description: 'Command run on the new file before it replaces path; %s is its path.' }),
  ),
  ...attrProps,
});

export default defineModule({
  name: 'lineinfile',
  schema,
  aliases: { dest: 'path', destfile: 'path', name: 'path', regex: 'regexp', value: 'line' },
  async plan(args, host): Promise<Plan> {
    const state = args.state ?? 'present';
    if (args.insertafter !== undefined && args.insertbefore !== undefined)
      throw new TaskFailure('give insertafter or insertbefore, not both');
    if (args.regexp !== undefined && args.search_string !== undefined)
      throw new TaskFailure('give regexp or search_string, not both');
    if (state === 'present') {
      if (args.line === undefined)
        throw new TaskFailure('state present needs line (the line to put in the file)');
      if (args.backrefs && args.regexp === undefined)
        throw new TaskFailure('backrefs needs regexp (its groups are what \\1 refers to)');
    } else if (args.line === undefined && args.regexp === undefined && args.search_string === undefined) {
      throw new TaskFailure('state absent needs line, regexp or search_string (what to remove)');
    }
    const line = args.line;
    return planEdit(host, {
      path: args.path,
      state,
      create: args.create,
      backup: args.backup,
      validate: args.validate,
      attrs: { mode: args.mode, owner: args.owner, group: args.group },
      edit: (text) =>
        state === 'present' ? linePresent(text, { ...args, line: line! }) : lineAbsent(text, args),
    });
  },
});

// `blockinfile`: keep a block of lines between marker lines in a text file, or remove it (Ansible's blockinfile).
import { defineModule, type Plan, TaskFailure } from '../engine/module.js';
import { Bool, Enum, Obj, Type } from '../engine/schema.js';
import { attrProps } from './lib/attrs.js';
import { editBlock } from './lib/block-edit.js';
import { planEdit } from './lib/edit.js';

const schema = Obj({
  path: Type.String({ description: 'The file to edit (links are followed).' }),
  block: Type.Optional(
    Type.String({ description: 'The lines to keep between the markers; empty removes the block.' }),
  ),
  state: Type.Optional(
    Enum(['present', 'absent'], { description: 'Whether the block should be there (default present).' }),
  ),
  marker: Type.Optional(
    Type.String({
      description:
        "Marker line template; {mark} becomes marker_begin/marker_end. Default '# {mark} ANSIBLE MANAGED BLOCK'.",
    }),
  ),
  marker_begin: Type.Optional(
    Type.String({ description: 'What {mark} is in the first marker (default BEGIN).' }),
  ),
  marker_end: Type.Optional(Type.String({ description: 'What {mark} is in the last marker (default END).' })),
  insertafter: Type.Optional(
    Type.String({
      description: 'New block goes after the last line matching this regexp; EOF (default) or BOF.',
    }),
  ),
  insertbefore: Type.Optional(
    Type.String({ description: 'New block goes before the last line matching this regexp, or BOF.' }),
  ),
  prepend_newline: Type.Optional(
    Bool({ description: 'Put a blank line before the block, unless there is one.' }),
  ),
  append_newline: Type.Optional(
    Bool({ description: 'Put a blank line after the block, unless there is one.' }),
  ),
  create: Type.Optional(Bool({ description: 'Create the file (and its directory) when it does not exist.' })),
  backup: Type.Optional(Bool({ description: 'Keep a timestamped copy of the file before changing it.' })),
  validate: Type.Optional(
    Type.String({ description: 'Command run on the new file before it replaces path; %s is its path.' }),
  ),
  ...attrProps,
});

export default defineModule({
  name: 'blockinfile',
  schema,
  aliases: { dest: 'path', destfile: 'path', name: 'path', content: 'block' },
  async plan(args, host): Promise<Plan> {
    if (args.insertafter !== undefined && args.insertbefore !== undefined)
      throw new TaskFailure('give insertafter or insertbefore, not both');
    const marker = args.marker ?? '# {mark} ANSIBLE MANAGED BLOCK';
    const begin = marker.replaceAll('{mark}', args.marker_begin ?? 'BEGIN');
    const end = marker.replaceAll('{mark}', args.marker_end ?? 'END');
    if (begin === end)
      throw new TaskFailure(
        `expected the begin and end markers to differ (both are "${begin}": put {mark} in marker)`,
      );
    if (/[\r\n]/.test(begin + end))
      throw new TaskFailure('expected marker to be one line (it holds a line break)');
    const state = args.state ?? 'present';
    return planEdit(host, {
      path: args.path,
      state,
      create: args.create,
      backup: args.backup,
      validate: args.validate,
      attrs: { mode: args.mode, owner: args.owner, group: args.group },
      edit: (text) =>
        editBlock(text, { ...args, block: args.block ?? '', present: state === 'present', begin, end }),
    });
  },
});

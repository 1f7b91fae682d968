// `command`: run a program with arguments, not through a shell (no pipes, globs or $VARS), as Ansible's command.
import { defineModule, TaskFailure } from '../engine/module.js';
import { Obj, Type } from '../engine/schema.js';
import { shjoin } from '../engine/shell.js';
import { commandProps, planCommand, splitWords } from './lib/run-command.js';

const schema = Obj({
  ...commandProps,
  argv: Type.Optional(
    Type.Array(Type.String(), { description: 'The program and its arguments as a list (instead of cmd).' }),
  ),
});

export default defineModule({
  name: 'command',
  schema,
  freeForm: 'cmd',
  async plan(args, host) {
    if (args.cmd !== undefined && args.argv)
      throw new TaskFailure('expected cmd or argv, not both (got both)');
    const argv = args.argv ?? splitWords(args.cmd ?? '');
    if (argv.length === 0) throw new TaskFailure('expected a command to run in cmd or argv (got none)');
    // every word quoted, so /bin/sh hands `|`, `*` and `$HOME` to the program as they are
    return planCommand(args, host, shjoin(argv), argv);
  },
});

// `shell`: run a command line through /bin/sh (pipes, redirections, $VARS), or another shell, as Ansible's shell.
import { defineModule, TaskFailure } from '../engine/module.js';
import { Obj, Type } from '../engine/schema.js';
import { shq } from '../engine/shell.js';
import { commandProps, planCommand } from './lib/run-command.js';

const schema = Obj({
  ...commandProps,
  executable: Type.Optional(
    Type.String({ description: 'The shell to run cmd with, e.g. /bin/bash (default /bin/sh).' }),
  ),
});

export default defineModule({
  name: 'shell',
  schema,
  freeForm: 'cmd',
  async plan(args, host) {
    const cmd = args.cmd ?? '';
    if (!cmd.trim()) throw new TaskFailure('expected a command line in cmd (got none)');
    const line = args.executable ? `exec ${shq(args.executable)} -c ${shq(cmd)}` : cmd;
    return planCommand(args, host, line, cmd);
  },
});

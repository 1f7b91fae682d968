// `assert`: check conditions on variables and fail the host when one is false (Ansible's assert module).
import { defineModule } from '../engine/module.js';
import { evalCondition } from '../engine/render.js';
import { Bool, Obj, StrOrList, Type } from '../engine/schema.js';

const schema = Obj({
  that: StrOrList({
    description: 'Conditions (bare Jinja expressions, as in `when:`), all of which must hold.',
  }),
  fail_msg: Type.Optional(Type.String({ description: 'Message when a condition is false.' })),
  success_msg: Type.Optional(
    Type.String({ description: "Message when all hold. Default: 'All assertions passed'." }),
  ),
  quiet: Type.Optional(Bool({ description: 'Do not show the success message.' })),
});

export default defineModule({
  name: 'assert',
  schema,
  aliases: { msg: 'fail_msg' },
  controllerOnly: true,
  async plan(args, host) {
    const conds = typeof args.that === 'string' ? [args.that] : args.that;
    for (const cond of conds) {
      // an undefined variable is not "false": its error propagates, and the engine adds file:line
      if (!evalCondition(cond, host.vars)) {
        return {
          steps: [],
          fail: args.fail_msg ?? `Assertion failed: ${cond}`,
          result: { assertion: cond, evaluated_to: false },
        };
      }
    }
    const msg = args.success_msg ?? 'All assertions passed';
    return args.quiet ? { steps: [], result: { msg } } : { steps: [], note: msg, result: { msg } };
  },
});

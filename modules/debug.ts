// `debug`: show a message or a variable's value while a play runs (Ansible's debug module).
import { SdtdError } from '../engine/errors.js';
import { defineModule, TaskFailure } from '../engine/module.js';
import { evalExpr } from '../engine/render.js';
import { Any, Obj, Type } from '../engine/schema.js';

const schema = Obj({
  msg: Type.Optional(Any({ description: "The message to show (any value). Default: 'Hello world!'." })),
  var: Type.Optional(
    Type.String({ description: 'A variable name or expression whose value is shown instead of msg.' }),
  ),
  verbosity: Type.Optional(
    Type.Integer({ minimum: 0, description: 'Show only at this -v level or above (default 0).' }),
  ),
});

/** What Ansible shows for `var:` naming something undefined: debugging should not stop the play. */
export const NOT_DEFINED = 'VARIABLE IS NOT DEFINED!';

const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

export default defineModule({
  name: 'debug',
  schema,
  controllerOnly: true,
  async plan(args, host) {
    if (args.msg !== undefined && args.var !== undefined)
      throw new TaskFailure('expected either msg or var (got both; they are mutually exclusive)');
    // the engine filters on verbosity; carrying it in the result lets it do so after planning
    const extra = args.verbosity ? { _verbosity: args.verbosity } : {};
    if (args.var !== undefined) {
      const value = show(args.var, host.vars);
      return {
        steps: [],
        note: `${args.var}: ${JSON.stringify(value)}`,
        result: { [args.var]: value, ...extra },
      };
    }
    const msg = args.msg ?? 'Hello world!';
    return { steps: [], note: text(msg), result: { msg, ...extra } };
  },
});

function show(expr: string, vars: object): unknown {
  try {
    return evalExpr(expr, vars);
  } catch (e) {
    if (e instanceof SdtdError && e.code === 'undefined-variable') return NOT_DEFINED;
    throw e;
  }
}

// `set_fact`: set variables on the host for the rest of the play (Ansible's set_fact module).
import { defineModule, TaskFailure } from '../engine/module.js';
import { Bool, Type } from '../engine/schema.js';

const NAME = '^[A-Za-z_][A-Za-z0-9_]*$';

// Any identifier is a fact to set, except `cacheable`, which is the one option. The key pattern is
// checked through propertyNames so a bad name is reported as such, not as "unknown key".
const schema = Type.Unsafe<{ cacheable?: boolean } & Record<string, unknown>>({
  type: 'object',
  properties: {
    cacheable: Bool({ description: 'Also store the facts in the fact cache (accepted; no cache yet).' }),
  },
  patternProperties: { '^(?!cacheable$)[A-Za-z_][A-Za-z0-9_]*$': {} },
  propertyNames: {
    pattern: NAME,
    expected: 'variable names made of letters, digits and _, not starting with a digit',
  },
  additionalProperties: false,
});

export default defineModule({
  name: 'set_fact',
  schema,
  controllerOnly: true,
  async plan(args) {
    const { cacheable: _, ...facts } = args;
    if (Object.keys(facts).length === 0)
      throw new TaskFailure('expected at least one name: value to set (got none)');
    return { steps: [], facts, result: { ansible_facts: facts } };
  },
});

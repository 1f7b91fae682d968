// Table tests for the fail module: it always fails, with the message asked for.
import fail from '../../modules/fail.js';
import { testModule } from '../lib/module-tester.js';

testModule(fail, {
  neverChanges: 'fail only ends the host with a message; it never touches the host',
  neverSucceeds: 'fail always fails the host: that is its purpose',
  changed: [],
  // fail cannot succeed: it has failing cases instead of no-op ones
  ok: [],
  invalid: [
    { name: 'misspelt msg', args: { mgs: 'x' }, error: /unknown key "mgs"; did you mean "msg"/ },
    { name: 'msg as a list', args: { msg: ['a'] }, error: /expected a string/ },
  ],
  failed: [
    { name: 'default message', args: () => ({}), error: /^Failed as requested from task$/ },
    {
      name: 'the message asked for',
      args: () => ({ msg: 'kafka 2.x is not supported' }),
      error: /^kafka 2\.x/,
    },
    { name: 'k=v form', args: () => 'msg="stop here"', error: /^stop here$/ },
  ],
});

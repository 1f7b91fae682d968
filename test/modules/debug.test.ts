// Table tests for the debug module: messages, variables and expressions, from the task's vars.
import { expect } from 'chai';
import debug, { NOT_DEFINED } from '../../modules/debug.js';
import { testModule } from '../lib/module-tester.js';

testModule(debug, {
  neverChanges: 'debug only shows a value; it never touches the host',
  changed: [],
  ok: [
    {
      name: "no arguments says 'Hello world!'",
      args: () => ({}),
      verify: (_f, out) => {
        expect(out.msg).to.equal('Hello world!');
        expect(out.result).to.deep.equal({ msg: 'Hello world!' });
      },
    },
    {
      name: 'a message (k=v form)',
      args: () => 'msg="disk is full"',
      verify: (_f, out) => expect(out.msg).to.equal('disk is full'),
    },
    {
      name: 'a message that is not a string is shown as JSON',
      args: () => ({ msg: { brokers: [1, 2] } }),
      verify: (_f, out) => expect(out.msg).to.equal('{"brokers":[1,2]}'),
    },
    {
      name: 'var shows the value itself, under the name asked',
      vars: { brokers: ['k1', 'k2'] },
      args: () => ({ var: 'brokers' }),
      verify: (_f, out) => {
        expect(out.result.brokers).to.deep.equal(['k1', 'k2']);
        expect(out.msg).to.equal('brokers: ["k1","k2"]');
      },
    },
    {
      name: 'var takes an expression',
      vars: { brokers: ['k1', 'k2', 'k3'], cfg: { port: 9092 } },
      args: () => ({ var: 'brokers | length + cfg.port' }),
      verify: (_f, out) => expect(out.result['brokers | length + cfg.port']).to.equal(9095),
    },
    {
      name: 'var naming something undefined says so instead of failing (as Ansible)',
      args: () => ({ var: 'nope' }),
      verify: (_f, out) => expect(out.result.nope).to.equal(NOT_DEFINED),
    },
    {
      name: 'verbosity is accepted and passed on to the engine',
      args: () => ({ msg: 'detail', verbosity: '2' }),
      verify: (_f, out) => expect(out.result).to.deep.equal({ msg: 'detail', _verbosity: 2 }),
    },
  ],
  invalid: [
    { name: 'misspelt msg', args: { mgs: 'hi' }, error: /unknown key "mgs"; did you mean "msg"/ },
    { name: 'verbosity not a number', args: { verbosity: 'high' }, error: /expected an integer/ },
    { name: 'var not a string', args: { var: ['a'] }, error: /expected a string \(got a list of 1\)/ },
  ],
  failed: [{ name: 'both msg and var', args: () => ({ msg: 'a', var: 'b' }), error: /mutually exclusive/ }],
});

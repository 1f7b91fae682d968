// Table tests for the set_fact module: the facts it hands to the engine, and the names it refuses.
import { expect } from 'chai';
import setFact from '../../modules/set_fact.js';
import { testModule } from '../lib/module-tester.js';

testModule(setFact, {
  neverChanges: 'set_fact only sets variables on the controller; Ansible reports it as ok',
  changed: [],
  ok: [
    {
      name: 'sets facts of any type; cacheable is not one of them',
      args: () => ({ port: 9092, brokers: ['k1', 'k2'], tls: { on: true }, cacheable: 'yes' }),
      verify: (_f, out) => {
        const facts = { port: 9092, brokers: ['k1', 'k2'], tls: { on: true } };
        expect(out.facts).to.deep.equal(facts);
        expect(out.result).to.deep.equal({ ansible_facts: facts });
      },
    },
    {
      name: 'k=v form',
      args: () => 'kafka_home=/opt/kafka _tmp=1',
      verify: (_f, out) => expect(out.facts).to.deep.equal({ kafka_home: '/opt/kafka', _tmp: '1' }),
    },
    {
      name: 'values the engine rendered from vars are kept as they are',
      vars: { n: 3 },
      args: () => ({ replicas: 3, names: [] }),
      verify: (_f, out) => expect(out.facts).to.deep.equal({ replicas: 3, names: [] }),
    },
  ],
  invalid: [
    { name: 'a name with a dash', args: { 'my-var': 1 }, error: /expected variable names made of letters/ },
    { name: 'a name starting with a digit', args: { '1st': 1 }, error: /expected variable names/ },
    { name: 'cacheable not a boolean', args: { a: 1, cacheable: 'maybe' }, error: /expected true or false/ },
  ],
  failed: [{ name: 'nothing to set', args: () => ({ cacheable: true }), error: /at least one name: value/ }],
});

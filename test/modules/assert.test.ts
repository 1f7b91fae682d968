// Table tests for the assert module: conditions on the task's vars, messages, and undefined variables.
import { rmSync } from 'node:fs';
import { expect } from 'chai';
import { SdtdError } from '../../engine/errors.js';
import { prepareArgs } from '../../engine/module-args.js';
import { runModule } from '../../engine/run-module.js';
import assert from '../../modules/assert.js';
import { fixture, testModule } from '../lib/module-tester.js';

const vars = { brokers: ['k1', 'k2', 'k3'], port: 9092, tls: false };

testModule(assert, {
  neverChanges: 'assert only judges variables; it never touches the host',
  changed: [],
  ok: [
    {
      name: 'one condition that holds',
      vars,
      args: () => ({ that: 'port == 9092' }),
      verify: (_f, out) => expect(out.msg).to.equal('All assertions passed'),
    },
    {
      name: 'a list of conditions, filters, tests and a template, with success_msg',
      vars,
      args: () => ({
        that: [
          'brokers | length >= 3',
          "'k2' in brokers",
          'not tls',
          'missing is not defined',
          '{{ port > 0 }}',
        ],
        success_msg: 'cluster looks sane',
      }),
      verify: (_f, out) => expect(out.result.msg).to.equal('cluster looks sane'),
    },
    {
      name: 'quiet: no message shown, still in the result',
      vars,
      args: () => ({ that: ['port'], quiet: true }),
      verify: (_f, out) => {
        expect(out.msg).to.equal(undefined);
        expect(out.result.msg).to.equal('All assertions passed');
      },
    },
    { name: 'a YAML boolean', args: () => ({ that: true }) },
  ],
  invalid: [
    { name: 'no that', args: { fail_msg: 'x' }, error: /expected the key "that"/ },
    { name: 'that as a mapping', args: { that: { a: 1 } }, error: /expected a string or a list of strings/ },
    { name: 'misspelt that', args: { that: 'x', tht: 'y' }, error: /unknown key "tht"; did you mean "that"/ },
    { name: 'quiet not a boolean', args: { that: 'x', quiet: 'maybe' }, error: /expected true or false/ },
  ],
  failed: [
    {
      name: 'a false condition is named in the message',
      vars,
      args: () => ({ that: 'port == 9093' }),
      error: /^Assertion failed: port == 9093$/,
    },
    {
      name: 'the first false one of a list',
      vars,
      args: () => ({ that: ['port == 9092', 'tls', 'brokers | length == 0'] }),
      error: /^Assertion failed: tls$/,
    },
    {
      name: 'fail_msg',
      vars,
      args: () => ({ that: 'brokers | length > 5', fail_msg: 'need more than 5 brokers' }),
      error: /^need more than 5 brokers$/,
    },
    { name: 'msg, the alias of fail_msg', args: () => ({ that: 'false', msg: 'boom' }), error: /^boom$/ },
  ],
});

describe('module assert: results and errors', () => {
  async function run(args: unknown, v: Record<string, unknown>) {
    const f = fixture(v);
    try {
      return await runModule(assert, prepareArgs(assert, args, { where: 'assert test' }), f.host, {
        check: false,
      });
    } finally {
      rmSync(f.dir, { recursive: true, force: true });
    }
  }

  it('a failed assertion registers the assertion and evaluated_to, as Ansible does', async () => {
    const out = await run({ that: ['port == 9092', 'port < 1024'] }, vars);
    expect(out.result).to.deep.equal({
      assertion: 'port < 1024',
      evaluated_to: false,
      msg: 'Assertion failed: port < 1024',
    });
  });

  it('an undefined variable is an error naming it (the engine adds file:line), not a false assertion', async () => {
    let err: unknown;
    try {
      await run({ that: ['port == 9092', 'replicas'] }, vars);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(SdtdError);
    expect((err as SdtdError).code).to.equal('undefined-variable');
    expect((err as SdtdError).message).to.include("'replicas'");
  });

  it('an undefined attribute is named with its path', async () => {
    const err = await run({ that: 'cfg.retention' }, { cfg: {} }).catch((e: unknown) => e);
    expect((err as SdtdError).message).to.include("'cfg.retention'");
  });

  it('an undefined variable inside a comparison is an error too, unless the condition guards it', async () => {
    for (const that of ['replicas > 1', 'not replicas', 'cfg.retention == 7']) {
      const err = await run({ that }, { cfg: {} }).catch((e: unknown) => e);
      expect((err as SdtdError).code, that).to.equal('undefined-variable');
    }
    const ok = await run({ that: ['replicas is not defined', '(replicas | default(3)) > 1'] }, {});
    expect(ok.status).to.equal('ok');
  });
});

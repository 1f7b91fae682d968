// Table tests for the template module: rendering with the task's variables, then copy's placement rules.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { expect } from 'chai';
import { prepareArgs } from '../../engine/module-args.js';
import { runModule } from '../../engine/run-module.js';
import template from '../../modules/template.js';
import { fixture, testModule } from '../lib/module-tester.js';
import { hashTree } from '../lib/tree.js';

const mode = (p: string) => (statSync(p).mode & 0o7777).toString(8).padStart(4, '0');

testModule(template, {
  changed: [
    {
      name: 'renders the task variables into a new file',
      vars: { kafka: { port: 9092 }, name: 'broker-1' },
      setup: (f) => f.write('templates/server.properties.j2', 'broker={{ name }}\nport={{ kafka.port }}\n'),
      args: (f) => ({ src: 'server.properties.j2', dest: f.p('server.properties'), mode: '0640' }),
      verify: (f, out) => {
        expect(f.read('server.properties')).to.equal('broker=broker-1\nport=9092\n');
        expect(mode(f.p('server.properties'))).to.equal('0640');
        expect(out.diff[0]).to.deep.include({
          kind: 'content',
          before: '',
          after: 'broker=broker-1\nport=9092\n',
        });
      },
    },
    {
      name: 'trim_blocks is on by default (loops leave no blank lines)',
      vars: { hosts: ['a', 'b'] },
      setup: (f) => f.write('templates/hosts.j2', '{% for h in hosts %}\n{{ h }}\n{% endfor %}\n'),
      args: (f) => ({ src: 'hosts.j2', dest: f.p('hosts') }),
      verify: (f) => expect(f.read('hosts')).to.equal('a\nb\n'),
    },
    {
      name: 'trim_blocks false keeps the newline after a block tag',
      setup: (f) => f.write('templates/t.j2', '{% if true %}\nx\n{% endif %}\n'),
      args: (f) => ({ src: 't.j2', dest: f.p('t'), trim_blocks: false }),
      verify: (f) => expect(f.read('t')).to.equal('\nx\n\n'),
    },
    {
      name: 'lstrip_blocks strips indentation before block tags',
      setup: (f) => f.write('templates/t.j2', '  {% if true %}\n  x\n  {% endif %}\n'),
      args: (f) => ({ src: 't.j2', dest: f.p('t'), lstrip_blocks: true }),
      verify: (f) => expect(f.read('t')).to.equal('  x\n'),
    },
    {
      name: 'newline_sequence \\r\\n',
      vars: { v: 'b' },
      setup: (f) => f.write('templates/w.j2', 'a\n{{ v }}\n'),
      args: (f) => ({ src: 'w.j2', dest: f.p('w.ini'), newline_sequence: '\r\n' }),
      verify: (f) => expect(f.read('w.ini')).to.equal('a\r\nb\r\n'),
    },
    {
      name: 'replaces a changed file with a backup',
      vars: { n: 2 },
      setup: (f) => {
        f.write('templates/c.j2', 'n={{ n }}\n');
        f.write('c', 'n=1\n');
      },
      args: (f) => ({ src: 'c.j2', dest: f.p('c'), backup: true }),
      verify: (f, out) => {
        expect(f.read('c')).to.equal('n=2\n');
        const b = readdirSync(f.dir).find((n) => n.startsWith('c.'))!;
        expect(f.read(b)).to.equal('n=1\n');
        expect(out.result.backup_file).to.equal(f.p(b));
        expect(out.diff[0]).to.include({ before: 'n=1\n', after: 'n=2\n' });
      },
    },
    {
      name: 'dest that is a directory gets basename(src); Ansible template variables are set',
      setup: (f) => {
        f.write('templates/motd', '{{ ansible_managed }} from {{ template_path }}\n');
        f.sh('mkdir etc');
      },
      args: (f) => ({ src: 'motd', dest: f.p('etc') }),
      verify: (f) => expect(f.read('etc/motd')).to.equal('Ansible managed from motd\n'),
    },
    {
      name: 'validate passes',
      vars: { x: 1 },
      setup: (f) => f.write('templates/v.j2', 'x={{ x }}\n'),
      args: (f) => ({ src: 'v.j2', dest: f.p('v'), validate: 'grep -q x=1 %s' }),
      verify: (f) => expect(f.read('v')).to.equal('x=1\n'),
    },
  ],
  ok: [
    {
      name: 'rendered text already at dest',
      vars: { x: 'y' },
      setup: (f) => {
        f.write('templates/a.j2', 'x={{ x }}\n');
        f.write('a', 'x=y\n');
      },
      args: (f) => ({ src: 'a.j2', dest: f.p('a') }),
    },
    {
      name: 'force false leaves an existing file alone',
      setup: (f) => {
        f.write('templates/a.j2', 'new\n');
        f.write('a', 'old\n');
      },
      args: (f) => ({ src: 'a.j2', dest: f.p('a'), force: false }),
    },
  ],
  invalid: [
    { name: 'no src', args: { dest: '/x' }, error: /expected the key "src"/ },
    {
      name: 'unknown newline_sequence',
      args: { src: 'a', dest: '/x', newline_sequence: 'crlf' },
      error: /expected one of/,
    },
    { name: 'unquoted number mode', args: { src: 'a', dest: '/x', mode: 755 }, error: /quoted string/ },
  ],
  failed: [
    {
      name: 'directory of dest missing, and no earlier task made it',
      setup: (f) => f.write('templates/t.j2', 'x\n'),
      args: (f) => ({ src: 't.j2', dest: f.p('conf.d/t') }),
      error: /^expected directory .*\/conf\.d to exist \(it does not: create it first/,
    },
    {
      name: 'undefined variable: the template file and line',
      setup: (f) => f.write('templates/u.j2', 'x={{ nope }}\n'),
      args: (f) => ({ src: 'u.j2', dest: f.p('u') }),
      error: /^u\.j2:1: expected 'nope' to be defined/,
    },
    {
      name: 'undefined variable inside a loop, lines below',
      setup: (f) =>
        f.write('templates/l.j2', 'a\n{% for x in [1] %}\n\n  port={{ kafka_port }}\n{% endfor %}\n'),
      args: (f) => ({ src: 'l.j2', dest: f.p('l') }),
      error: /^l\.j2:4: expected 'kafka_port' to be defined/,
    },
    {
      name: 'an unknown filter: file and line',
      setup: (f) => f.write('templates/fl.j2', 'a\n\n{{ 1 | no_such_filter }}\n'),
      args: (f) => ({ src: 'fl.j2', dest: f.p('fl') }),
      error: /^fl\.j2:3: expected a valid template \(got an error: filter not found: no_such_filter\)/,
    },
    {
      name: 'template syntax error: file and line',
      setup: (f) => f.write('templates/s.j2', 'ok\n{% if %}\n'),
      args: (f) => ({ src: 's.j2', dest: f.p('s') }),
      error: /^s\.j2:2: expected a valid template/,
    },
    {
      name: 'missing template',
      args: (f) => ({ src: 'none.j2', dest: f.p('x') }),
      error: /expected "none\.j2" on the manager \(got no such file/,
    },
    {
      name: 'validate fails',
      setup: (f) => f.write('templates/v.j2', 'bad\n'),
      args: (f) => ({ src: 'v.j2', dest: f.p('v'), validate: 'sh -c "echo broken >&2; exit 2" -- %s' }),
      error: /validate failed \(rc 2\): broken; .* left unchanged/,
    },
  ],
});

describe('template effects', () => {
  it('a failing validate leaves the old file as it was', async () => {
    const f = fixture({ x: 2 });
    f.write('templates/v.j2', 'x={{ x }}\n');
    f.write('v', 'x=1\n');
    const args = prepareArgs(template, { src: 'v.j2', dest: f.p('v'), validate: 'false %s' }, { where: 't' });
    const out = await runModule(template, args, f.host, { check: false });
    expect(out.status).to.equal('failed');
    expect(f.read('v')).to.equal('x=1\n');
  });
});

describe('template: a directory an earlier task creates', () => {
  it('check mode predicts a change (not a failure) and changes nothing; the real run writes once it exists', async () => {
    const f = fixture({ x: 1 });
    try {
      f.write('templates/t.j2', 'x={{ x }}\n');
      const args = prepareArgs(template, { src: 't.j2', dest: f.p('conf.d/t') }, { where: 't' });
      const before = hashTree(f.dir);
      const predicted = await runModule(template, args, f.host, { check: true });
      expect(predicted.status, predicted.msg).to.equal('changed');
      expect(predicted.msg).to.match(
        /directory .*\/conf\.d does not exist yet: an earlier task must create it/,
      );
      expect(predicted.diff[0]).to.deep.include({ kind: 'content', before: '', after: 'x=1\n' });
      expect(hashTree(f.dir), 'check mode changed the host').to.equal(before);
      // the earlier task (file: state=directory) runs, then this one
      f.sh('mkdir conf.d');
      const out = await runModule(template, args, f.host, { check: false });
      expect(out.status, out.msg).to.equal('changed');
      expect(f.read('conf.d/t')).to.equal('x=1\n');
    } finally {
      rmSync(f.dir, { recursive: true, force: true });
    }
  });
});

// Table tests for include_vars: files and directories of variables on the manager, found as Ansible finds them.
import { expect } from 'chai';
import includeVars from '../../modules/include_vars.js';
import { testModule } from '../lib/module-tester.js';

testModule(includeVars, {
  neverChanges: 'include_vars only reads files on the manager; Ansible reports it as ok',
  changed: [],
  ok: [
    {
      name: "a file from vars/ (the role's or the playbook's), typed values kept",
      setup: (f) =>
        f.write('vars/kafka.yml', 'kafka_port: 9092\nkafka_dirs: [/data/a, /data/b]\ntls: {on: true}\n'),
      args: () => 'kafka.yml',
      verify: (f, out) => {
        const vars = { kafka_port: 9092, kafka_dirs: ['/data/a', '/data/b'], tls: { on: true } };
        expect(out.facts).to.deep.equal(vars);
        expect(out.result.ansible_facts).to.deep.equal(vars);
        expect(out.result.ansible_included_var_files).to.deep.equal([f.p('vars/kafka.yml')]);
        expect(out.msg).to.equal('1 file: kafka_port, kafka_dirs, tls');
      },
    },
    {
      name: 'a file beside the playbook, JSON, under one name',
      setup: (f) => f.write('cluster.json', '{"brokers": 3, "zk": ["z1"]}'),
      args: () => ({ file: 'cluster.json', name: 'cluster' }),
      verify: (_f, out) => expect(out.facts).to.deep.equal({ cluster: { brokers: 3, zk: ['z1'] } }),
    },
    {
      name: 'an empty file sets nothing',
      setup: (f) => f.write('vars/empty.yml', '# nothing yet\n'),
      args: () => ({ file: 'empty.yml' }),
      verify: (_f, out) => expect(out.facts).to.deep.equal({}),
    },
    {
      name: 'a directory: files in name order, later ones win; depth, files_matching, ignore_files',
      setup: (f) => {
        f.write('vars/os/10-base.yml', 'a: base\nb: base\n');
        f.write('vars/os/20-debian.yaml', 'b: debian\n');
        f.write('vars/os/30-skip.yml', 'a: skipped\n');
        f.write('vars/os/notes.txt', 'not: loaded\n');
        f.write('vars/os/deep/40-deep.yml', 'c: deep\n');
      },
      args: () => ({ dir: 'os', depth: 1, files_matching: '^\\d+-', ignore_files: ['skip'] }),
      verify: (f, out) => {
        expect(out.facts).to.deep.equal({ a: 'base', b: 'debian' });
        expect(out.result.ansible_included_var_files).to.deep.equal([
          f.p('vars/os/10-base.yml'),
          f.p('vars/os/20-debian.yaml'),
        ]);
      },
    },
    {
      name: 'a directory at any depth (the default)',
      setup: (f) => {
        f.write('vars/all/a.yml', 'x: 1\n');
        f.write('vars/all/sub/b.yml', 'y: 2\n');
      },
      args: (f) => ({ dir: f.p('vars/all') }),
      verify: (_f, out) => expect(out.facts).to.deep.equal({ x: 1, y: 2 }),
    },
  ],
  invalid: [
    { name: 'an unknown key', args: { file: 'a.yml', hash_behaviour: 'merge' }, error: /hash_behaviour/ },
    { name: 'a name that is not a variable name', args: { file: 'a.yml', name: 'my-vars' }, error: /name/ },
    { name: 'depth below 0', args: { dir: 'd', depth: -1 }, error: /depth/ },
  ],
  failed: [
    {
      name: 'neither file nor dir',
      args: () => ({ name: 'x' }),
      error: /expected one of file or dir \(got neither\)/,
    },
    { name: 'both file and dir', args: () => ({ file: 'a', dir: 'b' }), error: /\(got both\)/ },
    {
      name: 'a missing file says where it looked',
      args: () => ({ file: 'nope.yml' }),
      error: /nope\.yml.*looked in/,
    },
    {
      name: 'a file that is a list, not a mapping',
      setup: (f) => f.write('vars/list.yml', '- a\n- b\n'),
      args: () => ({ file: 'list.yml' }),
      error: /expected a mapping of variables in .*list\.yml \(got a list/,
    },
    {
      name: 'a variable name that is not one',
      setup: (f) => f.write('vars/bad.yml', 'kafka-port: 1\n'),
      args: () => ({ file: 'bad.yml' }),
      error: /expected variable names .* \(got "kafka-port"\)/,
    },
    {
      name: 'bad YAML names the file, line and column',
      setup: (f) => f.write('vars/broken.yml', 'a: 1\nb: [2\n'),
      args: () => ({ file: 'broken.yml' }),
      error: /broken\.yml:\d+:\d+/,
    },
    {
      name: 'dir options with a file',
      args: () => ({ file: 'a.yml', depth: 1 }),
      error: /only with dir/,
    },
  ],
});

// Table tests for the lineinfile module: Ansible's placement rules, backrefs, create, backup, validate.
import { lstatSync, readdirSync, rmSync, statSync } from 'node:fs';
import { expect } from 'chai';
import { prepareArgs } from '../../engine/module-args.js';
import { runModule } from '../../engine/run-module.js';
import lineinfile from '../../modules/lineinfile.js';
import { fixture, testModule } from '../lib/module-tester.js';
import { hashTree } from '../lib/tree.js';

const mode = (p: string) => (statSync(p).mode & 0o7777).toString(8).padStart(4, '0');
const SSHD = 'Port 22\n#PermitRootLogin yes\nUsePAM yes\n';

testModule(lineinfile, {
  changed: [
    {
      name: 'regexp replaces the matching line in place',
      setup: (f) => f.write('sshd', SSHD),
      args: (f) => ({ path: f.p('sshd'), regexp: '^#?PermitRootLogin', line: 'PermitRootLogin no' }),
      verify: (f, out) => {
        expect(f.read('sshd')).to.equal('Port 22\nPermitRootLogin no\nUsePAM yes\n');
        expect(out.result.msg).to.equal('line replaced');
        expect(out.diff[0]).to.include({ kind: 'content', before: SSHD, after: f.read('sshd') });
      },
    },
    {
      name: 'no match: appended at EOF, after a last line that had no newline',
      setup: (f) => f.write('a', 'x\ny'),
      args: (f) => ({ path: f.p('a'), line: 'z' }),
      verify: (f) => expect(f.read('a')).to.equal('x\ny\nz\n'),
    },
    {
      name: 'insertafter the last matching line',
      setup: (f) => f.write('a', '[a]\nk=1\n[a]\nk=2\n'),
      args: (f) => ({ path: f.p('a'), line: 'new=1', insertafter: '^\\[a\\]' }),
      verify: (f) => expect(f.read('a')).to.equal('[a]\nk=1\n[a]\nnew=1\nk=2\n'),
    },
    {
      name: 'insertafter with firstmatch uses the first matching line',
      setup: (f) => f.write('a', '[a]\nk=1\n[a]\n'),
      args: (f) => ({ path: f.p('a'), line: 'new=1', insertafter: '^\\[a\\]', firstmatch: true }),
      verify: (f) => expect(f.read('a')).to.equal('[a]\nnew=1\nk=1\n[a]\n'),
    },
    {
      name: 'insertbefore BOF',
      setup: (f) => f.write('a', 'b\n'),
      args: (f) => ({ path: f.p('a'), line: '#!/bin/sh', insertbefore: 'BOF' }),
      verify: (f) => expect(f.read('a')).to.equal('#!/bin/sh\nb\n'),
    },
    {
      name: 'insertbefore a regexp',
      setup: (f) => f.write('a', 'a\nexit 0\n'),
      args: (f) => ({ path: f.p('a'), line: 'run', insertbefore: '^exit' }),
      verify: (f) => expect(f.read('a')).to.equal('a\nrun\nexit 0\n'),
    },
    {
      name: 'backrefs with numbered and Python named groups',
      setup: (f) => f.write('a', 'Port 22\nlisten=0.0.0.0\n'),
      args: (f) => ({
        path: f.p('a'),
        regexp: '^(?P<key>listen)=.*$',
        line: '\\g<key>=127.0.0.1',
        backrefs: true,
      }),
      verify: (f) => expect(f.read('a')).to.equal('Port 22\nlisten=127.0.0.1\n'),
    },
    {
      name: 'state absent removes every matching line',
      setup: (f) => f.write('a', 'keep\ndrop 1\nkeep\ndrop 2'),
      args: (f) => ({ path: f.p('a'), regexp: '^drop', state: 'absent' }),
      verify: (f, out) => {
        expect(f.read('a')).to.equal('keep\nkeep\n');
        expect(out.result.msg).to.equal('2 line(s) removed');
      },
    },
    {
      name: 'create makes the file and its directory, with a mode',
      args: (f) => ({ path: f.p('new/dir/file'), line: 'x=1', create: true, mode: '0600' }),
      verify: (f, out) => {
        expect(f.read('new/dir/file')).to.equal('x=1\n');
        expect(mode(f.p('new/dir/file'))).to.equal('0600');
        expect(out.diff[0]).to.include({ before: '', after: 'x=1\n' });
      },
    },
    {
      name: 'backup keeps the old file',
      setup: (f) => f.write('b', 'a=1\n'),
      args: (f) => ({ path: f.p('b'), regexp: '^a=', line: 'a=2', backup: true }),
      verify: (f, out) => {
        const b = readdirSync(f.dir).find((n) => n.startsWith('b.'))!;
        expect(f.read(b)).to.equal('a=1\n');
        expect(out.result.backup_file).to.equal(f.p(b));
      },
    },
    {
      name: 'a symbolic link is followed: the target is edited, the link stays',
      setup: (f) => f.sh('printf "a\\n" > real && ln -s real link'),
      args: (f) => ({ dest: f.p('link'), line: 'b' }),
      verify: (f) => {
        expect(f.read('real')).to.equal('a\nb\n');
        expect(lstatSync(f.p('link')).isSymbolicLink()).to.equal(true);
      },
    },
    {
      name: 'search_string replaces the line holding the text',
      setup: (f) => f.write('a', 'x = [1]\ny\n'),
      args: (f) => ({ path: f.p('a'), search_string: 'x = [', line: 'x = [2]' }),
      verify: (f) => expect(f.read('a')).to.equal('x = [2]\ny\n'),
    },
    {
      name: 'line present, only the mode differs',
      setup: (f) => f.write('a', 'x\n', 0o644),
      args: (f) => ({ path: f.p('a'), line: 'x', mode: '0600' }),
      verify: (f) => expect(mode(f.p('a'))).to.equal('0600'),
    },
  ],
  ok: [
    {
      name: 'the line is already there (regexp matches nothing)',
      setup: (f) => f.write('a', 'PermitRootLogin no\n'),
      args: (f) => ({ path: f.p('a'), regexp: '^#PermitRootLogin', line: 'PermitRootLogin no' }),
    },
    {
      name: 'regexp finds the line, already as asked',
      setup: (f) => f.write('a', SSHD),
      args: (f) => ({ path: f.p('a'), regexp: '^Port ', line: 'Port 22' }),
    },
    {
      name: 'an existing line is not moved to insertafter',
      setup: (f) => f.write('a', 'x\n[s]\ny\n'),
      args: (f) => ({ path: f.p('a'), line: 'x', insertafter: '^\\[s\\]' }),
    },
    {
      name: 'absent line is absent',
      setup: (f) => f.write('a', 'x\n'),
      args: (f) => ({ path: f.p('a'), line: 'y', state: 'absent' }),
    },
    { name: 'absent on a missing file', args: (f) => ({ path: f.p('none'), regexp: 'x', state: 'absent' }) },
    {
      name: 'backrefs without a match changes nothing',
      setup: (f) => f.write('a', 'x\n'),
      args: (f) => ({ path: f.p('a'), regexp: '^(nomatch)', line: '\\1', backrefs: true }),
    },
  ],
  invalid: [
    { name: 'no path', args: { line: 'x' }, error: /expected the key "path"/ },
    { name: 'misspelt state', args: { path: '/x', state: 'abset' }, error: /did you mean "absent"/ },
    {
      name: 'unknown key',
      args: { path: '/x', line: 'x', insert_after: 'EOF' },
      error: /unknown key "insert_after"/,
    },
    {
      name: 'create not a boolean',
      args: { path: '/x', line: 'x', create: 'perhaps' },
      error: /true or false/,
    },
  ],
  failed: [
    {
      name: 'missing file without create (and no earlier task made it)',
      args: (f) => ({ path: f.p('none'), line: 'x' }),
      error: /^expected .*none to exist \(it does not; set create: true to create it\)$/,
    },
    { name: 'present without line', args: (f) => ({ path: f.p('a'), regexp: 'x' }), error: /needs line/ },
    {
      name: 'insertafter and insertbefore',
      args: (f) => ({ path: f.p('a'), line: 'x', insertafter: 'a', insertbefore: 'b' }),
      error: /not both/,
    },
    {
      name: 'backrefs without regexp',
      args: (f) => ({ path: f.p('a'), line: 'x', backrefs: true }),
      error: /needs regexp/,
    },
    {
      name: 'invalid regexp',
      setup: (f) => f.write('a', 'x\n'),
      args: (f) => ({ path: f.p('a'), line: 'x', regexp: '(' }),
      error: /regexp "\(" is not a valid regular expression/,
    },
    {
      name: 'path is a directory',
      setup: (f) => f.sh('mkdir d'),
      args: (f) => ({ path: f.p('d'), line: 'x' }),
      error: /expected .*d to be a regular file \(got a directory\)/,
    },
    {
      name: 'validate fails: the file is left as it was',
      setup: (f) => f.write('a', 'x\n'),
      args: (f) => ({ path: f.p('a'), line: 'y', validate: 'grep -q z %s' }),
      error: /validate failed \(rc 1\).* left unchanged/,
    },
  ],
});

describe('lineinfile: a file an earlier task creates', () => {
  it('check mode predicts a change and changes nothing; the real run fails (rc 257), then edits once it exists', async () => {
    const f = fixture();
    try {
      const args = prepareArgs(lineinfile, { path: f.p('app.conf'), line: 'x=1' }, { where: 't' });
      const before = hashTree(f.dir);
      const predicted = await runModule(lineinfile, args, f.host, { check: true });
      expect(predicted.status, predicted.msg).to.equal('changed');
      expect(predicted.msg).to.match(/file .*app\.conf does not exist yet: an earlier task must create it/);
      expect(predicted.diff[0]).to.deep.include({ kind: 'content', before: '', after: 'x=1\n' });
      expect(hashTree(f.dir), 'check mode changed the host').to.equal(before);
      const failed = await runModule(lineinfile, args, f.host, { check: false });
      expect(failed.status).to.equal('failed');
      expect(failed.result).to.include({ rc: 257 });
      expect(f.exists('app.conf')).to.equal(false);
      // the step plans again when it runs: planned before the file existed, it edits once it does
      const plan = await lineinfile.plan(args as never, f.host);
      f.write('app.conf', 'a=0\n');
      for (const s of plan.steps) await s.run(f.host);
      expect(f.read('app.conf')).to.equal('a=0\nx=1\n');
    } finally {
      rmSync(f.dir, { recursive: true, force: true });
    }
  });

  it('bad arguments still fail in check mode when the file is missing', async () => {
    const f = fixture();
    try {
      const args = prepareArgs(lineinfile, { path: f.p('none'), line: 'x', regexp: '(' }, { where: 't' });
      const predicted = await runModule(lineinfile, args, f.host, { check: true });
      expect(predicted.status).to.equal('failed');
      expect(predicted.msg).to.match(/not a valid regular expression/);
    } finally {
      rmSync(f.dir, { recursive: true, force: true });
    }
  });
});

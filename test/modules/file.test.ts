// Table tests for the file module.
import { lstatSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { expect } from 'chai';
import { prepareArgs } from '../../engine/module-args.js';
import { runModule } from '../../engine/run-module.js';
import file from '../../modules/file.js';
import { type Fixture, fixture, testModule } from '../lib/module-tester.js';
import { hashTree } from '../lib/tree.js';

const mode = (p: string) => (statSync(p).mode & 0o7777).toString(8).padStart(4, '0');

testModule(file, {
  changed: [
    {
      name: 'creates a directory with a mode',
      args: (f) => ({ path: f.p('a/b'), state: 'directory', mode: '0750' }),
      verify: (f) => {
        expect(statSync(f.p('a/b')).isDirectory()).to.equal(true);
        expect(mode(f.p('a/b'))).to.equal('0750');
      },
    },
    {
      name: 'changes the mode of an existing file (symbolic)',
      setup: (f) => f.write('x', 'hi', 0o600),
      args: (f) => ({ path: f.p('x'), mode: 'u=rw,g=r,o=r' }),
      verify: (f) => expect(mode(f.p('x'))).to.equal('0644'),
    },
    {
      name: 'makes a symbolic link, then repoints it',
      setup: (f) => f.sh('touch t1 t2 && ln -s t1 l'),
      args: (f) => ({ path: f.p('l'), src: f.p('t2'), state: 'link' }),
      verify: (f) => expect(readlinkSync(f.p('l'))).to.equal(f.p('t2')),
    },
    {
      name: 'removes a directory tree',
      setup: (f) => f.write('d/e/f', 'x'),
      args: (f) => ({ path: f.p('d'), state: 'absent' }),
      verify: (f) => expect(f.exists('d')).to.equal(false),
    },
    {
      name: 'touch creates an empty file',
      args: (f) => ({ dest: f.p('new'), state: 'touch', mode: '0600' }),
      verify: (f) => {
        expect(f.read('new')).to.equal('');
        expect(mode(f.p('new'))).to.equal('0600');
      },
    },
    {
      name: 'recurse applies a mode to a whole tree',
      setup: (f) => {
        f.write('r/a', '1', 0o600);
        f.write('r/s/b', '2', 0o644);
      },
      args: (f) => ({ path: f.p('r'), state: 'directory', recurse: true, mode: 'u=rwX,g=rX,o=' }),
      verify: (f) => {
        expect(mode(f.p('r/a'))).to.equal('0640');
        expect(mode(f.p('r/s'))).to.equal('0750');
      },
    },
    {
      name: 'hard link',
      setup: (f) => f.write('h1', 'x'),
      args: (f) => ({ path: f.p('h2'), src: f.p('h1'), state: 'hard' }),
      verify: (f) => expect(lstatSync(f.p('h2')).ino).to.equal(lstatSync(f.p('h1')).ino),
    },
  ],
  ok: [
    {
      name: 'directory already there with that mode',
      setup: (f) => f.sh('mkdir -m 0755 d && chmod 0755 d'),
      args: (f) => ({ path: f.p('d'), state: 'directory', mode: '0755' }),
    },
    { name: 'absent path stays absent', args: (f) => ({ path: f.p('nope'), state: 'absent' }) },
    {
      name: 'link already points at src',
      setup: (f) => f.sh('touch t && ln -s "$PWD/t" l'),
      args: (f) => ({ path: f.p('l'), src: f.p('t'), state: 'link' }),
    },
    {
      name: 'touch does not bump the times of an existing file',
      setup: (f) => f.write('t', 'x', 0o644),
      args: (f) => ({ path: f.p('t'), state: 'touch' }),
    },
  ],
  invalid: [
    {
      name: 'unquoted number mode',
      args: { path: '/x', mode: 644 },
      error: /quoted string such as "0644".*\[file-mode-number\]/,
    },
    { name: 'misspelt state', args: { path: '/x', state: 'directroy' }, error: /did you mean "directory"/ },
    {
      name: 'unknown key',
      args: { path: '/x', recursive: true },
      error: /unknown key "recursive"; did you mean "recurse"/,
    },
    { name: 'no path', args: { state: 'directory' }, error: /expected the key "path"/ },
  ],
  failed: [
    {
      name: 'state file on a missing path (and no earlier task made it)',
      args: (f) => ({ path: f.p('missing'), state: 'file', mode: '0600' }),
      error: /^.*missing does not exist; use state: touch to create it, or copy\/template to write it$/,
    },
    { name: 'link without src', args: (f) => ({ path: f.p('l'), state: 'link' }), error: /needs src/ },
    {
      name: 'directory where a file is',
      setup: (f) => f.write('f', 'x'),
      args: (f) => ({ path: f.p('f'), state: 'directory' }),
      error: /not a directory/,
    },
  ],
});

describe('file: state file on a path an earlier task creates', () => {
  let f: Fixture;
  afterEach(() => rmSync(f.dir, { recursive: true, force: true }));
  const prepared = (raw: object) => prepareArgs(file, raw, { where: 't' });

  it('with a mode: check mode predicts a change and changes nothing; the step sets it once the file exists', async () => {
    f = fixture();
    const args = prepared({ path: f.p('app.conf'), state: 'file', mode: '0600' });
    const before = hashTree(f.dir);
    const predicted = await runModule(file, args, f.host, { check: true });
    expect(predicted.status, predicted.msg).to.equal('changed');
    expect(predicted.msg).to.match(/app\.conf does not exist yet: an earlier task must create it/);
    expect(hashTree(f.dir), 'check mode changed the host').to.equal(before);
    // the step plans again when it runs: planned before the file existed, it sets the mode once it does
    const plan = await file.plan(args as never, f.host);
    f.write('app.conf', 'x', 0o644);
    for (const s of plan.steps) await s.run(f.host);
    expect(mode(f.p('app.conf'))).to.equal('0600');
  });

  it('without attributes: nothing to change once it exists, so check mode predicts ok; the real run still fails', async () => {
    f = fixture();
    const args = prepared({ path: f.p('app.conf'), state: 'file' });
    const before = hashTree(f.dir);
    const predicted = await runModule(file, args, f.host, { check: true });
    expect(predicted.status, predicted.msg).to.equal('ok');
    expect(predicted.msg).to.match(/app\.conf does not exist yet: an earlier task must create it/);
    expect(hashTree(f.dir), 'check mode changed the host').to.equal(before);
    const out = await runModule(file, args, f.host, { check: false });
    expect(out.status).to.equal('failed');
    expect(out.msg).to.match(/app\.conf does not exist; use state: touch/);
  });
});

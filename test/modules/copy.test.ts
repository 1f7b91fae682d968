// Table tests for the copy module, and the effects a table cannot show (validate failure, backups).
import { lstatSync, readdirSync, rmSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { expect } from 'chai';
import { makeHost } from '../../engine/host.js';
import type { Module } from '../../engine/module.js';
import { prepareArgs } from '../../engine/module-args.js';
import { renderText } from '../../engine/render.js';
import { runModule } from '../../engine/run-module.js';
import { LocalTransport } from '../../engine/transports/local.js';
import type { ExecOptions } from '../../engine/transports/transport.js';
import blockinfile from '../../modules/blockinfile.js';
import copy from '../../modules/copy.js';
import { sha256 } from '../../modules/lib/content.js';
import lineinfile from '../../modules/lineinfile.js';
import template from '../../modules/template.js';
import { type Fixture, fixture, testModule } from '../lib/module-tester.js';
import { hashTree } from '../lib/tree.js';

const mode = (p: string) => (statSync(p).mode & 0o7777).toString(8).padStart(4, '0');
const backups = (f: Fixture, name: string) => readdirSync(f.dir).filter((n) => n.startsWith(`${name}.`));

testModule(copy, {
  changed: [
    {
      name: 'content to a new file, with a mode',
      args: (f) => ({ content: 'hello\n', dest: f.p('a.txt'), mode: '0640' }),
      verify: (f, out) => {
        expect(f.read('a.txt')).to.equal('hello\n');
        expect(mode(f.p('a.txt'))).to.equal('0640');
        expect(out.result).to.include({ checksum: sha256('hello\n'), size: 6, mode: '0640' });
        expect(out.diff).to.deep.include({
          kind: 'content',
          path: f.p('a.txt'),
          before: '',
          after: 'hello\n',
        });
      },
    },
    {
      name: 'src from the files/ directory replaces a different file, keeping its mode',
      setup: (f) => {
        f.write('files/app.conf', 'port=2\n');
        f.write('app.conf', 'port=1\n', 0o600);
      },
      args: (f) => ({ src: 'app.conf', dest: f.p('app.conf') }),
      verify: (f, out) => {
        expect(f.read('app.conf')).to.equal('port=2\n');
        expect(mode(f.p('app.conf'))).to.equal('0600');
        expect(out.diff[0]).to.include({ before: 'port=1\n', after: 'port=2\n' });
      },
    },
    {
      name: 'backup keeps the old file under a timestamped name',
      setup: (f) => f.write('b.conf', 'old\n'),
      args: (f) => ({ content: 'new\n', dest: f.p('b.conf'), backup: true }),
      verify: (f, out) => {
        expect(f.read('b.conf')).to.equal('new\n');
        const [b] = backups(f, 'b.conf');
        expect(b).to.match(/^b\.conf\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/);
        expect(f.read(b)).to.equal('old\n');
        expect(out.result.backup_file).to.equal(f.p(b));
      },
    },
    {
      name: 'dest ending in / is created and gets basename(src)',
      setup: (f) => f.write('files/x.cfg', 'x\n'),
      args: (f) => ({ src: 'x.cfg', dest: `${f.p('etc/app')}/`, directory_mode: '0750' }),
      verify: (f) => {
        expect(f.read('etc/app/x.cfg')).to.equal('x\n');
        expect(mode(f.p('etc/app'))).to.equal('0750');
      },
    },
    {
      name: 'dest that is a directory gets basename(src)',
      setup: (f) => {
        f.write('files/y.cfg', 'y\n');
        f.sh('mkdir out');
      },
      args: (f) => ({ src: 'y.cfg', dest: f.p('out') }),
      verify: (f) => expect(f.read('out/y.cfg')).to.equal('y\n'),
    },
    {
      name: 'src directory without a trailing slash copies the directory itself',
      setup: (f) => {
        f.write('files/conf/a', 'a\n');
        f.write('files/conf/sub/b', 'b\n');
      },
      args: (f) => ({ src: 'conf', dest: f.p('out'), mode: '0600', directory_mode: '0700' }),
      verify: (f) => {
        expect(f.read('out/conf/sub/b')).to.equal('b\n');
        expect(mode(f.p('out/conf/a'))).to.equal('0600');
        expect(mode(f.p('out/conf/sub'))).to.equal('0700');
      },
    },
    {
      name: 'src directory with a trailing slash copies what is inside, and only what differs',
      setup: (f) => {
        f.write('files/conf/a', 'a\n');
        f.write('files/conf/sub/b', 'b\n');
        f.write('out/a', 'a\n');
        f.write('out/sub/b', 'old\n');
      },
      args: (f) => ({ src: 'conf/', dest: f.p('out') }),
      verify: (f, out) => {
        expect(f.read('out/sub/b')).to.equal('b\n');
        expect(out.result.copied).to.deep.equal([f.p('out/sub/b')]);
      },
    },
    {
      name: 'remote_src file',
      setup: (f) => f.write('on-host', 'remote\n'),
      args: (f) => ({ src: f.p('on-host'), dest: f.p('copied'), remote_src: true }),
      verify: (f) => expect(f.read('copied')).to.equal('remote\n'),
    },
    {
      name: 'remote_src directory',
      setup: (f) => {
        f.write('tree/a', '1');
        f.write('tree/d/b', '2');
        f.write('dst/tree/a', 'other');
      },
      args: (f) => ({ src: f.p('tree'), dest: f.p('dst'), remote_src: true }),
      verify: (f) => {
        expect(f.read('dst/tree/a')).to.equal('1');
        expect(f.read('dst/tree/d/b')).to.equal('2');
      },
    },
    {
      name: 'validate passes, then the file is placed',
      args: (f) => ({ content: 'ok=1\n', dest: f.p('v.conf'), validate: 'grep -q ok= %s' }),
      verify: (f) => expect(f.read('v.conf')).to.equal('ok=1\n'),
    },
    {
      name: 'only the mode differs: content is not rewritten',
      setup: (f) => f.write('m', 'same', 0o600),
      args: (f) => ({ content: 'same', dest: f.p('m'), mode: 'u=rw,g=r,o=r' }),
      verify: (f, out) => {
        expect(mode(f.p('m'))).to.equal('0644');
        expect(out.diff).to.deep.equal([
          { kind: 'state', what: `${f.p('m')} mode`, before: '0600', after: '0644' },
        ]);
      },
    },
    {
      name: 'follow writes through a symbolic link',
      setup: (f) => f.sh('echo old > target && ln -s target link'),
      args: (f) => ({ content: 'new\n', dest: f.p('link'), follow: true }),
      verify: (f) => {
        expect(lstatSync(f.p('link')).isSymbolicLink()).to.equal(true);
        expect(f.read('target')).to.equal('new\n');
      },
    },
    {
      name: 'without follow a symbolic link is replaced by a file, as Ansible does',
      setup: (f) => f.sh('echo same > target && ln -s target link'),
      args: (f) => ({ content: 'same\n', dest: f.p('link') }),
      verify: (f) => {
        expect(lstatSync(f.p('link')).isFile()).to.equal(true);
        expect(f.read('target')).to.equal('same\n');
      },
    },
    {
      name: 'content given as a mapping is written as JSON',
      args: (f) => ({ content: { a: [1, 2] }, dest: f.p('j.json') }),
      verify: (f) => expect(JSON.parse(f.read('j.json'))).to.deep.equal({ a: [1, 2] }),
    },
    {
      name: 'a binary src is copied with a note instead of a diff',
      setup: (f) => f.write('files/bin', Buffer.from([0, 1, 2, 255])),
      args: (f) => ({ src: 'bin', dest: f.p('bin.out') }),
      verify: (_f, out) => {
        expect(out.msg).to.match(/diff not shown/);
        expect(out.diff).to.deep.equal([]);
      },
    },
  ],
  ok: [
    {
      name: 'dest already has that content',
      setup: (f) => f.write('same', 'x\n'),
      args: (f) => ({ content: 'x\n', dest: f.p('same') }),
    },
    {
      name: 'force false leaves a different existing file alone',
      setup: (f) => f.write('keep', 'mine\n'),
      args: (f) => ({ content: 'theirs\n', dest: f.p('keep'), force: false }),
      verify: (f) => expect(f.read('keep')).to.equal('mine\n'),
    },
    {
      name: 'tree already in place',
      setup: (f) => {
        f.write('files/t/a', 'a');
        f.write('out/t/a', 'a');
      },
      args: (f) => ({ src: 't', dest: f.p('out') }),
    },
    {
      name: 'remote_src file already copied',
      setup: (f) => {
        f.write('s', 'same');
        f.write('d', 'same');
      },
      args: (f) => ({ src: f.p('s'), dest: f.p('d'), remote_src: 'yes' }),
    },
  ],
  invalid: [
    { name: 'unquoted number mode', args: { dest: '/x', content: 'a', mode: 644 }, error: /quoted string/ },
    { name: 'no dest', args: { content: 'a' }, error: /expected the key "dest"/ },
    { name: 'misspelt key', args: { dest: '/x', content: 'a', bakup: true }, error: /did you mean "backup"/ },
    {
      name: 'force not a boolean',
      args: { dest: '/x', content: 'a', force: 'maybe' },
      error: /true or false/,
    },
  ],
  failed: [
    { name: 'neither src nor content', args: (f) => ({ dest: f.p('x') }), error: /needs src .* or content/ },
    {
      name: 'both src and content',
      args: (f) => ({ dest: f.p('x'), src: 'a', content: 'b' }),
      error: /not both/,
    },
    {
      name: 'src missing on the manager',
      args: (f) => ({ dest: f.p('x'), src: 'nope' }),
      error: /expected "nope" on the manager \(got no such file/,
    },
    {
      name: 'parent directory missing (and no earlier task made it)',
      args: (f) => ({ dest: f.p('no/such/file'), content: 'a' }),
      error: /expected directory .*no\/such to exist/,
    },
    {
      name: 'content to a directory',
      setup: (f) => f.sh('mkdir d'),
      args: (f) => ({ dest: f.p('d'), content: 'a' }),
      error: /expected .*\/d to be a file \(got a directory\)/,
    },
    {
      name: 'validate without %s',
      args: (f) => ({ dest: f.p('x'), content: 'a', validate: 'true' }),
      error: /%s/,
    },
    {
      name: 'remote_src missing (and no earlier task made it)',
      args: (f) => ({ dest: f.p('x'), src: f.p('nope'), remote_src: true }),
      error: /^expected src .*nope on localhost \(remote_src\), but it does not exist$/,
    },
    {
      name: 'backup with a tree',
      setup: (f) => f.write('files/t/a', 'a'),
      args: (f) => ({ dest: f.p('x'), src: 't', backup: true }),
      error: /backup works on one file/,
    },
  ],
});

describe('copy effects', () => {
  it('a failing validate leaves dest untouched and no temporary file behind', async () => {
    const f = fixture();
    f.write('v.conf', 'good\n', 0o640);
    const args = prepareArgs(
      copy,
      { content: 'bad\n', dest: f.p('v.conf'), validate: 'grep -q good %s' },
      { where: 't' },
    );
    const out = await runModule(copy, args, f.host, { check: false });
    expect(out.status).to.equal('failed');
    expect(out.msg).to.match(/^validate failed \(rc 1\): no output; .*v\.conf left unchanged$/);
    expect(f.read('v.conf')).to.equal('good\n');
    expect(mode(f.p('v.conf'))).to.equal('0640');
    expect(readdirSync(f.dir)).to.deep.equal(['v.conf']);
  });
});

describe('copy: preconditions an earlier task may satisfy', () => {
  let f: Fixture;
  afterEach(() => rmSync(f.dir, { recursive: true, force: true }));
  const prepared = (raw: object) => prepareArgs(copy, raw, { where: 't' });

  it('a missing directory of dest: check mode predicts a change and changes nothing', async () => {
    f = fixture();
    const args = prepared({ dest: f.p('conf.d/a'), content: 'a\n' });
    const before = hashTree(f.dir);
    const predicted = await runModule(copy, args, f.host, { check: true });
    expect(predicted.status, predicted.msg).to.equal('changed');
    expect(predicted.msg).to.match(
      /directory .*\/conf\.d does not exist yet: an earlier task must create it/,
    );
    expect(predicted.diff[0]).to.deep.include({ kind: 'content', before: '', after: 'a\n' });
    expect(hashTree(f.dir), 'check mode changed the host').to.equal(before);
  });

  it('the write step checks the directory when it runs: planned before it existed, it writes once it does', async () => {
    f = fixture();
    const plan = await copy.plan(prepared({ dest: f.p('conf.d/a'), content: 'a\n' }) as never, f.host);
    f.sh('mkdir conf.d');
    for (const s of plan.steps) await s.run(f.host);
    expect(f.read('conf.d/a')).to.equal('a\n');
  });

  it('remote_src not there yet: check mode predicts a change; the real run copies once an earlier task made it', async () => {
    f = fixture();
    const args = prepared({ dest: f.p('d'), src: f.p('dl/app.conf'), remote_src: true });
    const before = hashTree(f.dir);
    const predicted = await runModule(copy, args, f.host, { check: true });
    expect(predicted.status, predicted.msg).to.equal('changed');
    expect(predicted.msg).to.match(/src .*app\.conf does not exist yet: an earlier task must create it/);
    expect(hashTree(f.dir), 'check mode changed the host').to.equal(before);
    // the step plans again when it runs: with src there by then, it copies
    const plan = await copy.plan(args as never, f.host);
    f.write('dl/app.conf', 'c\n');
    for (const s of plan.steps) await s.run(f.host);
    expect(f.read('d')).to.equal('c\n');
  });
});

/** A host on a transport that counts round trips: the no-op case is what we compete with Ansible on. */
function countingHost(dir: string, vars: Record<string, unknown> = {}) {
  const transport = new (class extends LocalTransport {
    trips = 0;
    override exec(cmd: string, o?: ExecOptions) {
      this.trips++;
      return super.exec(cmd, o);
    }
  })();
  const render = (t: string, e?: Record<string, unknown>) => renderText(t, { ...vars, ...e });
  return { transport, host: makeHost({ name: 'localhost', transport, vars, searchDirs: [dir], render }) };
}

describe('file-content modules: a no-op takes one round trip', () => {
  const cases: [string, Module, (f: Fixture) => object][] = [
    ['copy content', copy, (f) => ({ content: 'x\n', dest: f.p('d') })],
    ['copy src', copy, (f) => ({ src: 's', dest: f.p('d'), mode: '0644' })],
    ['copy remote_src', copy, (f) => ({ src: f.p('files/s'), remote_src: true, dest: f.p('d') })],
    ['template', template, (f) => ({ src: 't.j2', dest: f.p('d'), owner: userInfo().username })],
    ['lineinfile', lineinfile, (f) => ({ path: f.p('d'), regexp: '^x', line: 'x' })],
    ['blockinfile', blockinfile, (f) => ({ path: f.p('b'), block: 'x', insertafter: '^y' })],
  ];
  for (const [name, mod, raw] of cases) {
    it(name, async () => {
      const f = fixture();
      f.write('files/s', 'x\n');
      f.write('templates/t.j2', '{{ v }}\n');
      f.write('d', 'x\n', 0o644);
      f.write('b', 'y\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n');
      const { transport, host } = countingHost(f.dir, { v: 'x' });
      const out = await runModule(mod, prepareArgs(mod, raw(f), { where: 't' }), host, { check: false });
      expect(out.status, out.msg).to.equal('ok');
      expect(transport.trips).to.equal(1);
    });
  }
});

// Table tests for the blockinfile module, with the /etc/hosts edge cases: insert, update in place, remove, no final newline.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { expect } from 'chai';
import { prepareArgs } from '../../engine/module-args.js';
import { runModule } from '../../engine/run-module.js';
import blockinfile from '../../modules/blockinfile.js';
import { fixture, testModule } from '../lib/module-tester.js';
import { hashTree } from '../lib/tree.js';

const mode = (p: string) => (statSync(p).mode & 0o7777).toString(8).padStart(4, '0');
const HOSTS = '127.0.0.1 localhost\n::1 localhost\n';
const B = '# BEGIN ANSIBLE MANAGED BLOCK\n';
const E = '# END ANSIBLE MANAGED BLOCK\n';
const NODES = '10.0.0.1 kafka-1\n10.0.0.2 kafka-2';

testModule(blockinfile, {
  changed: [
    {
      name: 'inserts the block at the end of /etc/hosts',
      setup: (f) => f.write('hosts', HOSTS),
      args: (f) => ({ path: f.p('hosts'), block: NODES }),
      verify: (f, out) => {
        expect(f.read('hosts')).to.equal(`${HOSTS}${B}${NODES}\n${E}`);
        expect(out.result.msg).to.equal('Block inserted');
        expect(out.diff[0]).to.include({ kind: 'content', before: HOSTS });
      },
    },
    {
      name: 'a file without a final newline gets one before the block',
      setup: (f) => f.write('hosts', '127.0.0.1 localhost'),
      args: (f) => ({ path: f.p('hosts'), block: '10.0.0.1 a\n' }),
      verify: (f) => expect(f.read('hosts')).to.equal(`127.0.0.1 localhost\n${B}10.0.0.1 a\n${E}`),
    },
    {
      name: 'a changed block is replaced where it is, the lines around kept',
      setup: (f) => f.write('hosts', `head\n${B}10.0.0.9 old\n${E}tail\n`),
      args: (f) => ({ path: f.p('hosts'), block: NODES, insertbefore: 'BOF' }),
      verify: (f, out) => {
        expect(f.read('hosts')).to.equal(`head\n${B}${NODES}\n${E}tail\n`);
        expect(out.result.msg).to.equal('Block updated');
      },
    },
    {
      name: 'an empty block removes the block and its markers',
      setup: (f) => f.write('hosts', `${HOSTS}${B}x\n${E}tail\n`),
      args: (f) => ({ path: f.p('hosts'), block: '' }),
      verify: (f, out) => {
        expect(f.read('hosts')).to.equal(`${HOSTS}tail\n`);
        expect(out.result.msg).to.equal('Block removed');
      },
    },
    {
      name: 'state absent removes the block',
      setup: (f) => f.write('hosts', `${B}x\n${E}`),
      args: (f) => ({ path: f.p('hosts'), state: 'absent' }),
      verify: (f) => expect(f.read('hosts')).to.equal(''),
    },
    {
      name: 'insertafter the last matching line',
      setup: (f) => f.write('c', '[a]\n[b]\nx\n[b]\ny\n'),
      args: (f) => ({ path: f.p('c'), block: 'k=v', insertafter: '^\\[b\\]' }),
      verify: (f) => expect(f.read('c')).to.equal(`[a]\n[b]\nx\n[b]\n${B}k=v\n${E}y\n`),
    },
    {
      name: 'insertbefore BOF, custom marker',
      setup: (f) => f.write('c', 'x\n'),
      args: (f) => ({
        path: f.p('c'),
        block: 'y',
        insertbefore: 'BOF',
        marker: '<!-- {mark} managed -->',
        marker_begin: 'start',
        marker_end: 'stop',
      }),
      verify: (f) => expect(f.read('c')).to.equal('<!-- start managed -->\ny\n<!-- stop managed -->\nx\n'),
    },
    {
      name: 'create makes the file and its directory',
      args: (f) => ({ path: f.p('etc/app.conf'), block: 'a=1', create: true, mode: '0640' }),
      verify: (f, out) => {
        expect(f.read('etc/app.conf')).to.equal(`${B}a=1\n${E}`);
        expect(mode(f.p('etc/app.conf'))).to.equal('0640');
        expect(out.result.msg).to.equal('File created');
      },
    },
    {
      name: 'backup keeps the old file',
      setup: (f) => f.write('h', HOSTS),
      args: (f) => ({ path: f.p('h'), content: 'x', backup: true }),
      verify: (f, out) => {
        const b = readdirSync(f.dir).find((n) => n.startsWith('h.'))!;
        expect(f.read(b)).to.equal(HOSTS);
        expect(out.result.backup_file).to.equal(f.p(b));
      },
    },
    {
      name: 'prepend_newline and append_newline',
      setup: (f) => f.write('c', 'a\nb\n'),
      args: (f) => ({
        path: f.p('c'),
        block: 'x',
        insertafter: '^a',
        prepend_newline: true,
        append_newline: true,
      }),
      verify: (f) => expect(f.read('c')).to.equal(`a\n\n${B}x\n${E}\nb\n`),
    },
    {
      name: 'an end marker that lost its final newline is still found (and the newline restored)',
      setup: (f) => f.write('h', `${HOSTS}${B}x\n${E.trimEnd()}`),
      args: (f) => ({ path: f.p('h'), block: 'x' }),
      verify: (f) => expect(f.read('h')).to.equal(`${HOSTS}${B}x\n${E}`),
    },
  ],
  ok: [
    {
      name: 'the block is already there (insertafter does not move it)',
      setup: (f) => f.write('h', `a\n${B}${NODES}\n${E}b\n`),
      args: (f) => ({ path: f.p('h'), block: `${NODES}\n`, insertafter: 'EOF' }),
    },
    {
      name: 'no block and state absent',
      setup: (f) => f.write('h', '127.0.0.1 localhost'),
      args: (f) => ({ path: f.p('h'), state: 'absent' }),
    },
    {
      name: 'no block and an empty block',
      setup: (f) => f.write('h', HOSTS),
      args: (f) => ({ path: f.p('h'), block: '' }),
    },
    { name: 'missing file and state absent', args: (f) => ({ path: f.p('none'), state: 'absent' }) },
  ],
  invalid: [
    { name: 'no path', args: { block: 'x' }, error: /expected the key "path"/ },
    { name: 'misspelt key', args: { path: '/x', blok: 'x' }, error: /did you mean "block"/ },
    { name: 'misspelt state', args: { path: '/x', state: 'present!' }, error: /expected one of/ },
  ],
  failed: [
    {
      name: 'missing file without create (and no earlier task made it)',
      args: (f) => ({ path: f.p('none'), block: 'x' }),
      error: /^expected .*none to exist \(it does not; set create: true to create it\)$/,
    },
    {
      name: 'a begin marker without an end marker is not guessed at',
      setup: (f) => f.write('h', `${B}x\nmore\n`),
      args: (f) => ({ path: f.p('h'), block: 'y' }),
      error: /begin marker .* on line 1 but no end marker/,
    },
    {
      name: 'a marker without {mark}',
      args: (f) => ({ path: f.p('h'), block: 'y', marker: '# managed' }),
      error: /markers to differ/,
    },
    {
      name: 'validate fails',
      setup: (f) => f.write('h', HOSTS),
      args: (f) => ({ path: f.p('h'), block: 'bad', validate: 'false %s' }),
      error: /validate failed \(rc 1\): no output; .*h left unchanged/,
    },
  ],
});

describe('blockinfile effects', () => {
  it('present, absent, present again gives back the same file', async () => {
    const f = fixture();
    f.write('hosts', HOSTS);
    const run = (raw: object) =>
      runModule(
        blockinfile,
        prepareArgs(blockinfile, { path: f.p('hosts'), ...raw }, { where: 't' }),
        f.host,
        {
          check: false,
        },
      );
    await run({ block: NODES });
    const withBlock = f.read('hosts');
    await run({ state: 'absent' });
    expect(f.read('hosts')).to.equal(HOSTS);
    await run({ block: NODES });
    expect(f.read('hosts')).to.equal(withBlock);
  });
});

describe('blockinfile: a file an earlier task creates', () => {
  it('check mode predicts a change and changes nothing; the real run fails (rc 257)', async () => {
    const f = fixture();
    try {
      const args = prepareArgs(blockinfile, { path: f.p('hosts'), block: NODES }, { where: 't' });
      const before = hashTree(f.dir);
      const predicted = await runModule(blockinfile, args, f.host, { check: true });
      expect(predicted.status, predicted.msg).to.equal('changed');
      expect(predicted.msg).to.match(/file .*hosts does not exist yet: an earlier task must create it/);
      expect(predicted.diff[0]).to.deep.include({ kind: 'content', before: '' });
      expect(hashTree(f.dir), 'check mode changed the host').to.equal(before);
      const failed = await runModule(blockinfile, args, f.host, { check: false });
      expect(failed.status).to.equal('failed');
      expect(failed.msg).to.match(
        /^expected .*hosts to exist \(it does not; set create: true to create it\)$/,
      );
      expect(failed.result).to.include({ rc: 257 });
      expect(f.exists('hosts')).to.equal(false);
    } finally {
      rmSync(f.dir, { recursive: true, force: true });
    }
  });
});

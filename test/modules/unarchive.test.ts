// Table tests for unarchive: real tar archives, extracted, compared member by member, re-extracted when changed.
import { lstatSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { expect } from 'chai';
import { prepareArgs } from '../../engine/module-args.js';
import { runModule } from '../../engine/run-module.js';
import unarchive from '../../modules/unarchive.js';
import { type Fixture, fixture, testModule } from '../lib/module-tester.js';
import { hashTree } from '../lib/tree.js';

const mode = (p: string) => (statSync(p).mode & 0o7777).toString(8).padStart(4, '0');

/** files/app.<ext> holding top/{bin/run.sh, lib/a.jar, README, current -> lib/a.jar}, and an empty dest/. */
function archive(f: Fixture, ext = 'tgz', flag = '-z') {
  f.sh(
    'mkdir -p build/top/bin build/top/lib files dest && cd build && echo "#!/bin/sh" > top/bin/run.sh && ' +
      'chmod 0755 top/bin/run.sh && echo jar > top/lib/a.jar && echo "read me" > top/README && ' +
      'ln -s lib/a.jar top/current && touch -h -d "2024-01-02 03:04:05" top/*/* top/* && ' +
      `tar ${flag} -cf ../files/app.${ext} top && cd .. && rm -rf build`,
  );
}

testModule(unarchive, {
  changed: [
    {
      name: 'extracts a tgz from the manager into dest',
      setup: (f) => archive(f),
      args: (f) => ({ src: 'app.tgz', dest: f.p('dest'), list_files: true }),
      verify: (f, out) => {
        expect(f.read('dest/top/lib/a.jar')).to.equal('jar\n');
        expect(readlinkSync(f.p('dest/top/current'))).to.equal('lib/a.jar');
        expect(mode(f.p('dest/top/bin/run.sh'))).to.equal('0755');
        expect(out.result).to.include({ dest: f.p('dest'), src: 'app.tgz', file_count: 7 });
        expect(out.result.files).to.include('top/lib/a.jar');
      },
    },
    {
      name: 'strip_components drops the top directory',
      setup: (f) => archive(f),
      args: (f) => ({ src: 'app.tgz', dest: f.p('dest'), strip_components: 1 }),
      verify: (f, out) => {
        expect(f.read('dest/README')).to.equal('read me\n');
        expect(f.exists('dest/top')).to.equal(false);
        expect(out.result.file_count).to.equal(6);
      },
    },
    {
      name: "Ansible's extra_opts: [--strip-components=1] is understood too",
      setup: (f) => archive(f),
      args: (f) => ({ src: f.p('files/app.tgz'), dest: f.p('dest'), extra_opts: ['--strip-components=1'] }),
      verify: (f) => expect(f.read('dest/lib/a.jar')).to.equal('jar\n'),
    },
    {
      name: 'remote_src tar.xz',
      setup: (f) => archive(f, 'tar.xz', '-J'),
      args: (f) => ({ src: f.p('files/app.tar.xz'), dest: f.p('dest'), remote_src: true }),
      verify: (f) => expect(f.read('dest/top/README')).to.equal('read me\n'),
    },
    {
      name: 'mode applied to everything extracted (X for directories)',
      setup: (f) => archive(f),
      args: (f) => ({ src: 'app.tgz', dest: f.p('dest'), mode: 'u=rwX,g=rX,o=' }),
      verify: (f) => {
        expect(mode(f.p('dest/top/README'))).to.equal('0640');
        expect(mode(f.p('dest/top/bin/run.sh'))).to.equal('0750');
        expect(mode(f.p('dest/top/lib'))).to.equal('0750');
        expect(lstatSync(f.p('dest/top/current')).isSymbolicLink()).to.equal(true);
      },
    },
    {
      name: 'a member changed on the host is restored',
      setup: (f) => {
        archive(f);
        f.sh('tar -xzf files/app.tgz -C dest && echo local edit >> dest/top/README');
      },
      args: (f) => ({ src: 'app.tgz', dest: f.p('dest') }),
      verify: (f) => expect(f.read('dest/top/README')).to.equal('read me\n'),
    },
    {
      name: 'only attributes differ: chmod, no extraction',
      setup: (f) => {
        archive(f);
        f.sh('tar -xzf files/app.tgz -C dest');
      },
      args: (f) => ({ src: 'app.tgz', dest: f.p('dest'), mode: 'go-rwx' }),
      verify: (f, out) => {
        expect(out.steps[0]).to.match(/^set mode go-rwx on \d+ paths/);
        expect(mode(f.p('dest/top/README'))).to.equal('0600');
      },
    },
  ],
  ok: [
    {
      name: 'already extracted',
      setup: (f) => {
        archive(f);
        f.sh('tar -xzf files/app.tgz -C dest');
      },
      args: (f) => ({ src: 'app.tgz', dest: f.p('dest') }),
    },
    {
      name: 'already extracted, remote_src, stripped',
      setup: (f) => {
        archive(f);
        f.sh('tar -xzf files/app.tgz -C dest --strip-components=1');
      },
      args: (f) => ({ src: f.p('files/app.tgz'), dest: f.p('dest'), remote_src: true, strip_components: 1 }),
    },
    {
      name: 'creates exists',
      setup: (f) => {
        archive(f);
        f.write('dest/marker', '');
      },
      args: (f) => ({ src: 'app.tgz', dest: f.p('dest'), creates: f.p('dest/marker') }),
      verify: (f, out) => {
        expect(out.msg).to.equal(`skipped, since ${f.p('dest/marker')} exists`);
        expect(f.exists('dest/top')).to.equal(false);
      },
    },
  ],
  invalid: [
    {
      name: 'negative strip',
      args: { src: 'a.tgz', dest: '/x', strip_components: -1 },
      error: /strip_components/,
    },
    { name: 'no dest', args: { src: 'a.tgz' }, error: /expected the key "dest"/ },
    {
      name: 'misspelt option',
      args: { src: 'a', dest: '/x', remote_scr: true },
      error: /did you mean "remote_src"/,
    },
  ],
  failed: [
    {
      name: 'dest missing (and no earlier task made it)',
      setup: (f) => archive(f),
      args: (f) => ({ src: 'app.tgz', dest: f.p('nope') }),
      error: /expected the directory .*nope to exist \(got none; unarchive does not create it\)/,
    },
    {
      name: 'not an archive',
      setup: (f) => f.write('files/bad.tgz', 'not a tar'),
      args: (f) => ({ src: 'bad.tgz', dest: f.dir }),
      error: /expected .*bad.tgz to be a tar archive \(tar: /,
    },
    {
      name: 'remote src missing (and no earlier task made it)',
      args: (f) => ({ src: f.p('none.tgz'), dest: f.dir, remote_src: true }),
      error: /expected .*none.tgz on the host \(remote_src\), got no such file/,
    },
    { name: 'zip', args: (f) => ({ src: 'a.zip', dest: f.dir }), error: /expected a tar archive/ },
  ],
});

describe('unarchive: dest or src an earlier task creates', () => {
  let f: Fixture;
  afterEach(() => rmSync(f.dir, { recursive: true, force: true }));
  const prepared = (raw: object) => prepareArgs(unarchive, raw, { where: 't' });

  it('dest missing: check mode predicts a change and changes nothing; the step extracts once dest exists', async () => {
    f = fixture();
    archive(f);
    const args = prepared({ src: 'app.tgz', dest: f.p('opt/app') });
    const before = hashTree(f.dir);
    const predicted = await runModule(unarchive, args, f.host, { check: true });
    expect(predicted.status, predicted.msg).to.equal('changed');
    expect(predicted.msg).to.match(
      /directory .*\/opt\/app does not exist yet: an earlier task must create it/,
    );
    expect(predicted.result).to.include({ file_count: 7 });
    expect(hashTree(f.dir), 'check mode changed the host').to.equal(before);
    // the step plans again when it runs: planned before dest existed, it extracts once it does
    const plan = await unarchive.plan(args as never, f.host);
    f.sh('mkdir -p opt/app');
    for (const s of plan.steps) await s.run(f.host);
    expect(f.read('opt/app/top/README')).to.equal('read me\n');
  });

  it('remote src missing (an earlier get_url makes it): check mode predicts a change; the real run fails', async () => {
    f = fixture();
    const args = prepared({ src: f.p('dl/app.tgz'), dest: f.p('dest'), remote_src: true });
    f.sh('mkdir dest');
    const before = hashTree(f.dir);
    const predicted = await runModule(unarchive, args, f.host, { check: true });
    expect(predicted.status, predicted.msg).to.equal('changed');
    expect(predicted.msg).to.match(/src .*app\.tgz does not exist yet: an earlier task must create it/);
    expect(hashTree(f.dir), 'check mode changed the host').to.equal(before);
    const out = await runModule(unarchive, args, f.host, { check: false });
    expect(out.status).to.equal('failed');
    expect(out.msg).to.match(/^expected .*app\.tgz on the host \(remote_src\), got no such file$/);
  });
});

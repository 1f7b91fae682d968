// Table tests for the stat module: it never changes a host, so the cases check what it returns.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { expect } from 'chai';
import type { ModuleOutcome } from '../../engine/run-module.js';
import stat from '../../modules/stat.js';
import { testModule } from '../lib/module-tester.js';

const st = (out: ModuleOutcome) => out.result.stat as Record<string, any>;
const sum = (algo: string, s: string) => createHash(algo).update(s).digest('hex');

testModule(stat, {
  neverChanges: 'stat only reads the host',
  changed: [],
  ok: [
    {
      name: 'a regular file: type, mode, owner, size, mtime, sha1 checksum',
      setup: (f) => {
        f.write('f.txt', 'hello\n', 0o640);
        f.sh('chmod 0640 f.txt && touch -d @1700000000.5 f.txt');
      },
      args: (f) => ({ path: f.p('f.txt') }),
      verify: (f, out) => {
        const s = st(out);
        expect(s).to.include({
          exists: true,
          path: f.p('f.txt'),
          mode: '0640',
          isreg: true,
          isdir: false,
          islnk: false,
          size: 6,
          mtime: 1700000000.5,
          rusr: true,
          wusr: true,
          xusr: false,
          rgrp: true,
          roth: false,
          readable: true,
          executable: false,
          uid: process.getuid!(),
          pw_name: userInfo().username,
          inode: statSync(f.p('f.txt')).ino,
          checksum: sum('sha1', 'hello\n'),
        });
        expect(s.mimetype).to.equal('text/plain');
        expect(s.charset).to.equal('us-ascii');
      },
    },
    {
      name: 'sha256, no mime, no attributes',
      setup: (f) => f.write('f', 'x'),
      args: (f) => ({ path: f.p('f'), checksum_algorithm: 'sha256', get_mime: false, get_attributes: false }),
      verify: (_f, out) => {
        expect(st(out).checksum).to.equal(sum('sha256', 'x'));
        expect(st(out)).to.not.have.any.keys('mimetype', 'attributes');
      },
    },
    {
      name: 'get_checksum: false',
      setup: (f) => f.write('f', 'x'),
      args: (f) => ({ path: f.p('f'), get_checksum: 'no' }),
      verify: (_f, out) => expect(st(out)).to.not.have.key('checksum'),
    },
    {
      name: 'a directory',
      setup: (f) => f.sh('mkdir -m 0750 d && chmod 0750 d'),
      args: (f) => ({ path: f.p('d') }),
      verify: (_f, out) => {
        expect(st(out)).to.include({ isdir: true, isreg: false, mode: '0750', executable: true });
        expect(st(out)).to.not.have.key('checksum');
      },
    },
    {
      name: 'a symbolic link, not followed',
      setup: (f) => f.sh('echo hi > t && ln -s t l'),
      args: (f) => ({ path: f.p('l') }),
      verify: (f, out) => {
        expect(st(out)).to.include({ islnk: true, isreg: false, lnk_target: 't', lnk_source: f.p('t') });
        expect(st(out)).to.not.have.key('checksum');
      },
    },
    {
      name: 'a symbolic link, followed',
      setup: (f) => f.sh('echo hi > t && ln -s t l'),
      args: (f) => ({ path: f.p('l'), follow: true, checksum_algorithm: 'md5' }),
      verify: (_f, out) => {
        expect(st(out)).to.include({ islnk: false, isreg: true, size: 3, checksum: sum('md5', 'hi\n') });
        expect(st(out)).to.not.have.key('lnk_target');
      },
    },
    {
      name: 'a dangling link exists unless followed',
      setup: (f) => f.sh('ln -s missing l'),
      args: (f) => ({ path: f.p('l') }),
      verify: (_f, out) => expect(st(out)).to.include({ exists: true, islnk: true, lnk_target: 'missing' }),
    },
    {
      name: 'followed, a dangling link does not exist',
      setup: (f) => f.sh('ln -s missing l'),
      args: (f) => ({ path: f.p('l'), follow: true }),
      verify: (_f, out) => expect(st(out)).to.deep.equal({ exists: false }),
    },
    {
      name: 'an absent path, name with spaces and quotes',
      args: (f) => ({ path: f.p("it's not here") }),
      verify: (_f, out) => expect(out.result).to.deep.equal({ stat: { exists: false } }),
    },
  ],
  invalid: [
    {
      name: 'unknown algorithm',
      args: { path: '/x', checksum_algorithm: 'sha3' },
      error: /expected one of md5, sha1/,
    },
    { name: 'no path', args: { follow: true }, error: /expected the key "path"/ },
    {
      name: 'misspelt option',
      args: { path: '/x', get_checksun: false },
      error: /did you mean "get_checksum"/,
    },
  ],
});

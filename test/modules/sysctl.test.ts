// Table tests for sysctl on this machine (root): a harmless key moved by one and restored, files in the fixture dir.
import { execSync } from 'node:child_process';
import { expect } from 'chai';
import sysctl from '../../modules/sysctl.js';
import { testModule } from '../lib/module-tester.js';
import { hashTree } from '../lib/tree.js';

// fleet hosts are containers that may refuse kernel parameters; the manager, as root, may set this one
const KEY = 'fs.inotify.max_user_watches';
const kernel = () => execSync(`sysctl -n ${KEY}`, { encoding: 'utf8' }).trim();
const ORIGINAL = kernel();
const NEXT = String(Number(ORIGINAL) + 1);
const FILE = '99-sdtd.conf';

testModule(sysctl, {
  snapshot: (f) => `${hashTree(f.dir)} ${kernel()}`,
  teardown: () => {
    execSync(`sysctl -q -w ${KEY}=${ORIGINAL}`);
  },
  changed: [
    {
      name: 'a new key: the file is created, then applied with sysctl -p',
      args: (f) => ({ name: KEY, value: NEXT, sysctl_file: f.p(FILE) }),
      verify: (f, out) => {
        expect(f.read(FILE)).to.equal(`${KEY}=${NEXT}\n`);
        expect(kernel()).to.equal(NEXT);
        expect(out.steps.at(-1)).to.equal(`sysctl -p ${f.p(FILE)}`);
        expect(out.diff.map((d) => d.kind)).to.deep.equal(['content', 'state']);
      },
    },
    {
      name: 'the file is right, the kernel is not: sysctl -w only',
      setup: (f) => f.write(FILE, `${KEY}=${NEXT}\n`),
      args: (f) => ({ name: KEY, value: NEXT, sysctl_file: f.p(FILE) }),
      verify: (_f, out) => {
        expect(kernel()).to.equal(NEXT);
        expect(out.steps).to.deep.equal([`sysctl -w ${KEY}=${NEXT}`]);
        expect(out.result.kernel).to.equal(NEXT);
      },
    },
    {
      name: 'the first line of the key is set in place, its duplicates go, other lines stay',
      setup: (f) => f.write(FILE, `# inotify\n${KEY} = 5\nvm.x = 1\n${KEY}=6\n; end\n`),
      args: (f) => ({ name: KEY, value: ORIGINAL, sysctl_file: f.p(FILE), reload: false }),
      verify: (f) => expect(f.read(FILE)).to.equal(`# inotify\n${KEY}=${ORIGINAL}\nvm.x = 1\n; end\n`),
    },
    {
      name: 'sysctl_set and reload false: only the file, the kernel is left alone',
      setup: (f) => f.write(FILE, 'vm.x = 1'),
      args: (f) => ({ name: KEY, value: NEXT, sysctl_file: f.p(FILE), sysctl_set: false, reload: false }),
      verify: (f, out) => {
        expect(f.read(FILE)).to.equal(`vm.x = 1\n${KEY}=${NEXT}\n`);
        expect(kernel()).to.equal(ORIGINAL);
        expect(out.diff).to.have.length(1);
      },
    },
    {
      name: 'state absent removes the key from the file, the kernel keeps its value',
      setup: (f) => f.write(FILE, `vm.x = 1\n${KEY} = ${ORIGINAL}\n`),
      args: (f) => ({ name: KEY, state: 'absent', sysctl_file: f.p(FILE) }),
      verify: (f) => {
        expect(f.read(FILE)).to.equal('vm.x = 1\n');
        expect(kernel()).to.equal(ORIGINAL);
      },
    },
    {
      name: 'a missing directory for sysctl_file is created',
      args: (f) => ({
        name: 'vm.y',
        value: 'yes',
        sysctl_file: f.p('d/x.conf'),
        sysctl_set: false,
        reload: false,
      }),
      verify: (f) => expect(f.read('d/x.conf')).to.equal('vm.y=1\n'),
    },
  ],
  ok: [
    {
      name: 'file and kernel already as asked (a "key = value" line is not rewritten)',
      setup: (f) => f.write(FILE, `${KEY} = ${ORIGINAL}\n`),
      args: (f) => ({ name: KEY, value: ORIGINAL, sysctl_file: f.p(FILE) }),
    },
    {
      name: 'the kernel differs but sysctl_set is false and the file is right',
      setup: (f) => f.write(FILE, `${KEY}=${NEXT}\n`),
      args: (f) => ({ name: KEY, value: NEXT, sysctl_file: f.p(FILE), sysctl_set: false }),
    },
    {
      name: 'values compare by words, booleans as 1/0, and a key the kernel lacks is fine without sysctl_set',
      setup: (f) => f.write(FILE, 'net.x.rmem = 4096\t87380   6291456\nno.such.flag=1\n'),
      args: (f) => ({ name: 'no.such.flag', value: 'yes', sysctl_file: f.p(FILE), sysctl_set: false }),
    },
    {
      name: 'state absent, key not in the file',
      setup: (f) => f.write(FILE, 'vm.x = 1\n'),
      args: (f) => ({ name: KEY, state: 'absent', sysctl_file: f.p(FILE) }),
    },
  ],
  invalid: [
    { name: 'no name', args: { value: '1' }, error: /name/ },
    { name: 'unknown state', args: { name: KEY, state: 'set' }, error: /state/ },
    { name: 'a mapping as value', args: { name: KEY, value: { a: 1 } }, error: /value/ },
  ],
  failed: [
    {
      name: 'state present without a value',
      args: (f) => ({ name: KEY, sysctl_file: f.p(FILE) }),
      error: /expected a value for fs.inotify.max_user_watches with state present/,
    },
    {
      name: 'a key the kernel does not have, before the file is written',
      args: (f) => ({ name: 'no.such.key', value: '1', sysctl_file: f.p(FILE) }),
      error:
        /expected kernel key no.such.key to exist \(found: sysctl: cannot stat \/proc\/sys\/no\/such\/key/,
    },
    {
      name: 'sysctl_file is a directory',
      setup: (f) => f.write('conf.d/keep', ''),
      args: (f) => ({ name: KEY, value: NEXT, sysctl_file: f.p('conf.d') }),
      error: /expected .*conf.d to be a regular file \(found a directory\)/,
    },
    {
      name: 'a name that is not a sysctl key',
      args: (f) => ({ name: 'fs inotify', value: '1', sysctl_file: f.p(FILE) }),
      error: /expected a sysctl key/,
    },
  ],
});

// Bad input on the command line and its consequences: stack traces only with -vvv, nothing runs, usage errors exit 5.
import { existsSync, rmSync } from 'node:fs';
import { expect } from 'chai';
import { cli } from '../lib/cli.js';

const F = 'test/fixtures/playbooks';
const BAD = 'test/fixtures/invalid';

describe('CLI: errors in the input', function () {
  this.timeout(30_000);
  it('-vvv adds the stack trace', async () => {
    const r = await cli([`${BAD}/mode-number.yml`, '-vvv']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/\n\s+at /);
  });

  it('an error in a later play stops the run before the first play touches anything', async () => {
    const out = '/tmp/sdtd-second-play-bad';
    rmSync(out, { force: true });
    const r = await cli([`${F}/second-play-bad.yml`, '-i', 'localhost,', '-e', `out=${out}`]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/second-play-bad\.yml:9:\d+: .*\[file-mode-number\]/);
    expect(existsSync(out)).to.equal(false);
  });

  it('an undefined variable fails the task with its name, the task and file:line', async () => {
    const r = await cli([`${BAD}/undefined-variable.yml`, '-i', 'localhost,']);
    expect(r.code).to.equal(2);
    expect(r.stdout).to.match(
      /undefined-variable\.yml:8:7: task "uses a missing key": expected 'kafka\.host' to be defined/,
    );
  });

  it('a missing playbook', async () => {
    const r = await cli(['nope.yml']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/expected the file nope\.yml \(got no such file\) \[missing-file\]/);
  });

  it('bad usage exits 5', async () => {
    const r = await cli(['--forks', 'many', `${BAD}/mode-number.yml`]);
    expect(r.code).to.equal(5);
    const r2 = await cli(['--no-such-option', 'x.yml']);
    expect(r2.code).to.equal(5);
    expect(r2.stderr).to.match(/unknown option/);
  });
});

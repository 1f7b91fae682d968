// Bad input gets one clear line: file:line:col, where, what was expected (got what), a stable code; exit 2; hosts untouched.
import { existsSync, rmSync } from 'node:fs';
import { expect } from 'chai';
import { cli } from '../lib/cli.js';

const F = 'test/fixtures/playbooks';

const cases: { file: string; line: RegExp; code: string }[] = [
  {
    file: 'bad-mode.yml',
    line: /^bad-mode\.yml:9:15: task "write config" > copy > mode: expected a quoted string such as "0755" \(got number 755: unquoted/,
    code: 'file-mode-number',
  },
  {
    file: 'bad-dupkey.yml',
    line: /^bad-dupkey\.yml:6:9: expected each key once in a mapping \(got "msg" again\)/,
    code: 'yaml-duplicate-key',
  },
  {
    file: 'bad-module.yml',
    line: /^bad-module\.yml:4:7: task "typo in module": expected a module or a task keyword \(got "cpy"; did you mean "copy"\?\)/,
    code: 'unknown-module',
  },
  {
    file: 'bad-keyword.yml',
    line: /^bad-keyword\.yml:6:7: .*got "wehn"; did you mean "when"\?/,
    code: 'unknown-module',
  },
  {
    file: 'bad-arg.yml',
    line: /^bad-arg\.yml:6:16: task "typo in argument" > file > state: expected one of file, directory.* \(got string "directroy"; did you mean "directory"\?\)/,
    code: 'schema',
  },
  { file: 'bad-yaml.yml', line: /^bad-yaml\.yml:4:\d+: invalid YAML: /, code: 'yaml-syntax' },
  {
    file: 'bad-notify.yml',
    line: /^bad-notify\.yml:8:15: task "change" > notify: .*\(got "restart kafak"; did you mean "restart kafka"\?\)/,
    code: 'handler-not-found',
  },
  {
    file: 'bad-role.yml',
    line: /^bad-role\.yml:3:7: expected a role named no_such_role \(looked in /,
    code: 'role-not-found',
  },
  {
    file: 'bad-include.yml',
    line: /^bad-include\.yml:3:21: expected the task file missing-tasks\.yml/,
    code: 'missing-file',
  },
];

describe('CLI: errors in the input', function () {
  this.timeout(30_000);
  for (const c of cases) {
    it(`${c.file}: [${c.code}], exit 2, one line, no stack trace`, async () => {
      const r = await cli([c.file, '-i', 'localhost,'], { cwd: `${process.cwd()}/${F}` });
      expect(r.code).to.equal(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines, r.stderr).to.have.length(1);
      expect(lines[0].replace(/^ERROR: /, '')).to.match(c.line);
      expect(lines[0]).to.match(new RegExp(`\\[${c.code}\\]$`));
      expect(r.stderr).to.not.match(/\n\s+at /);
    });
  }

  it('-vvv adds the stack trace', async () => {
    const r = await cli([`${F}/bad-mode.yml`, '-vvv']);
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
    const r = await cli([`${F}/undefined-var.yml`, '-i', 'localhost,']);
    expect(r.code).to.equal(2);
    expect(r.stdout).to.match(
      /undefined-var\.yml:7:7: task "uses a missing key": expected 'kafka\.host' to be defined/,
    );
  });

  it('a missing playbook', async () => {
    const r = await cli(['nope.yml']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/cannot read nope\.yml: no such file \[missing-file\]/);
  });

  it('bad usage exits 5', async () => {
    const r = await cli(['--forks', 'many', `${F}/bad-mode.yml`]);
    expect(r.code).to.equal(5);
    const r2 = await cli(['--no-such-option', 'x.yml']);
    expect(r2.code).to.equal(5);
    expect(r2.stderr).to.match(/unknown option/);
  });
});

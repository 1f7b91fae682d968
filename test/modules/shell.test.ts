// Table tests for the shell module: pipes, redirections, variables, another executable.
import { rmSync } from 'node:fs';
import { expect } from 'chai';
import { prepareArgs } from '../../engine/module-args.js';
import { runModule } from '../../engine/run-module.js';
import shell from '../../modules/shell.js';
import { fixture, testModule } from '../lib/module-tester.js';

testModule(shell, {
  changed: [
    {
      name: 'pipes work',
      args: () => 'printf "a b\\nc\\n" | wc -l',
      idempotent: false,
      verify: (_f, out) => {
        expect(out.result).to.include({ rc: 0, stdout: '2', cmd: 'printf "a b\\nc\\n" | wc -l' });
      },
    },
    {
      name: 'redirection with creates, relative to chdir',
      args: (f) => `echo hi > out.txt chdir=${f.dir} creates=out.txt`,
      verify: (f) => expect(f.read('out.txt')).to.equal('hi\n'),
    },
    {
      name: 'variables and stderr',
      args: () => ({ cmd: 'X=1; echo "x=$X"; echo warn >&2' }),
      idempotent: false,
      verify: (_f, out) => expect(out.result).to.include({ stdout: 'x=1', stderr: 'warn' }),
    },
    {
      name: 'executable: bash',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash expansion
      args: () => ({ cmd: 'echo ${BASH_VERSION:+bash} $0', executable: '/bin/bash' }),
      idempotent: false,
      verify: (_f, out) => expect(out.result.stdout).to.equal('bash /bin/bash'),
    },
  ],
  ok: [
    {
      name: 'creates exists',
      setup: (f) => f.write('done', ''),
      args: (f) => ({ cmd: `echo x > ${f.p('ran')}`, creates: f.p('done') }),
      verify: (f, out) => {
        expect(f.exists('ran')).to.equal(false);
        expect(out.result).to.include({ rc: 0, stdout: `skipped, since ${f.p('done')} exists` });
      },
    },
  ],
  invalid: [
    {
      name: 'misspelt option',
      args: { cmd: 'ls', executible: '/bin/bash' },
      error: /did you mean "executable"/,
    },
    { name: 'argv is a command option only', args: { argv: ['ls'] }, error: /unknown key "argv"/ },
  ],
  failed: [
    { name: 'non-zero exit', args: () => 'exit 3', error: /non-zero return code/ },
    { name: 'empty', args: () => ({ cmd: ' ' }), error: /expected a command line/ },
  ],
});

describe('shell chdir', () => {
  it('a missing chdir stops the whole line: nothing after `;` runs elsewhere', async () => {
    const f = fixture();
    const args = prepareArgs(shell, { cmd: `touch ${f.p('ran')}; true`, chdir: f.p('nope') }, { where: 't' });
    const out = await runModule(shell, args, f.host, { check: false });
    expect(out.status).to.equal('failed');
    expect(out.result.stderr).to.match(/nope/);
    expect(f.exists('ran')).to.equal(false);
    rmSync(f.dir, { recursive: true, force: true });
  });
});

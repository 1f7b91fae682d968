// Table tests for the command module: real output, creates/removes, no shell interpretation.
import { rmSync } from 'node:fs';
import { expect } from 'chai';
import { prepareArgs } from '../../engine/module-args.js';
import { runModule } from '../../engine/run-module.js';
import command from '../../modules/command.js';
import { splitWords } from '../../modules/lib/run-command.js';
import { fixture, testModule } from '../lib/module-tester.js';

testModule(command, {
  changed: [
    {
      name: 'runs a command and returns its output, Ansible-shaped',
      args: () => 'echo hello world',
      idempotent: false,
      verify: (_f, out) => {
        expect(out.result).to.include({ rc: 0, stdout: 'hello world', stderr: '' });
        expect(out.result.cmd).to.deep.equal(['echo', 'hello', 'world']);
        expect(out.result.stdout_lines).to.deep.equal(['hello world']);
        expect(out.result.start).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
        expect(out.result.delta).to.match(/^0:00:\d\d\.\d{6}$/);
      },
    },
    {
      name: 'keeps |, globs and $VARS literal',
      setup: (f) => f.write('a.txt', 'x'),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax that must stay literal
      args: (f) => ({ cmd: 'echo a | wc -l *.txt $HOME "${X}y" a#b', chdir: f.dir }),
      idempotent: false,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax that must stay literal
      verify: (_f, out) => expect(out.result.stdout).to.equal('a | wc -l *.txt $HOME ${X}y a#b'),
    },
    {
      name: 'argv list, words with spaces and quotes',
      args: () => ({ argv: ['printf', '%s|', 'a b', "it's", ''] }),
      idempotent: false,
      verify: (_f, out) => expect(out.result.stdout).to.equal("a b|it's||"),
    },
    {
      name: 'creates: runs while the path is absent, relative to chdir',
      args: (f) => `touch made chdir=${f.dir} creates=made`,
      verify: (f) => expect(f.exists('made')).to.equal(true),
    },
    {
      name: 'removes: runs while the path exists (glob)',
      setup: (f) => f.write('old-1.log', 'x'),
      args: (f) => ({ cmd: `rm ${f.p('old-1.log')}`, removes: f.p('old-*.log') }),
      verify: (f) => expect(f.exists('old-1.log')).to.equal(false),
    },
    {
      name: 'stdin gets a newline; trailing newlines stripped unless asked',
      args: () => ({ cmd: 'cat', stdin: 'in', strip_empty_ends: false }),
      idempotent: false,
      verify: (_f, out) => expect(out.result.stdout).to.equal('in\n'),
    },
    {
      name: 'stdin without the newline',
      args: () => ({ cmd: 'od -c', stdin: 'in', stdin_add_newline: false }),
      idempotent: false,
      verify: (_f, out) => expect(out.result.stdout).to.not.include('\\n'),
    },
  ],
  ok: [
    {
      name: 'creates exists: not run, rc 0 and a note',
      setup: (f) => f.write('done', ''),
      args: (f) => ({ cmd: `touch ${f.p('ran')}`, creates: f.p('done') }),
      verify: (f, out) => {
        expect(f.exists('ran')).to.equal(false);
        expect(out.result).to.include({ rc: 0, msg: `skipped, since ${f.p('done')} exists` });
      },
    },
    {
      name: 'removes absent: not run (glob matching nothing)',
      args: (f) => ({ cmd: `touch ${f.p('ran')}`, removes: f.p('*.pid') }),
      verify: (f, out) => {
        expect(f.exists('ran')).to.equal(false);
        expect(out.msg).to.equal(`skipped, since ${f.p('*.pid')} does not exist`);
      },
    },
  ],
  invalid: [
    { name: 'misspelt option', args: { cmd: 'ls', chdri: '/' }, error: /did you mean "chdir"/ },
    { name: 'argv not a list', args: { argv: { a: 1 } }, error: /argv/ },
    { name: 'bad boolean', args: { cmd: 'ls', stdin_add_newline: 'maybe' }, error: /true or false/ },
  ],
  failed: [
    { name: 'non-zero exit', args: () => 'false', error: /^non-zero return code$/ },
    { name: 'cmd and argv', args: () => ({ cmd: 'ls', argv: ['ls'] }), error: /not both/ },
    { name: 'nothing to run', args: () => ({ chdir: '/' }), error: /expected a command/ },
    { name: 'unclosed quote', args: () => "echo 'oops", error: /closing '/ },
    {
      name: 'chdir missing',
      args: (f) => ({ cmd: 'pwd', chdir: f.p('nope') }),
      error: /non-zero return code/,
    },
  ],
});

describe('command results', () => {
  it('a failure still returns rc, stdout and stderr (for failed_when)', async () => {
    const f = fixture();
    const args = prepareArgs(
      command,
      { argv: ['sh', '-c', 'echo out; echo err >&2; exit 3'] },
      { where: 't' },
    );
    const out = await runModule(command, args, f.host, { check: false });
    expect(out.status).to.equal('failed');
    expect(out.result).to.include({ rc: 3, stdout: 'out', stderr: 'err', msg: 'non-zero return code' });
    rmSync(f.dir, { recursive: true, force: true });
  });

  it('check mode skips a command without creates/removes, saying why', async () => {
    const f = fixture();
    const args = prepareArgs(command, 'touch x', { where: 't' });
    const out = await runModule(command, args, f.host, { check: true });
    expect(out.status).to.equal('skipped');
    expect(out.msg).to.match(/no creates\/removes/);
    rmSync(f.dir, { recursive: true, force: true });
  });

  it('splits like shlex', () => {
    expect(splitWords(`a "b c" d\\ e 'f"g' "h\\"i" j''k`)).to.deep.equal([
      'a',
      'b c',
      'd e',
      'f"g',
      'h"i',
      'jk',
    ]);
  });
});

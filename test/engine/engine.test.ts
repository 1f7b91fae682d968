// The engine's behaviour through real runs on the manager (local transport): precedence, check mode, handlers, strategy.
import { execSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { cli, recap, tasksWith } from '../lib/cli.js';

const F = 'test/fixtures/engine';
const INV = ['-i', `${F}/inventory`];
const msgOf = (events: Record<string, any>[], task: string) =>
  events.find((e) => e.type === 'host_result' && e.task === task && !e.perItem)?.result?.msg;

describe('engine', function () {
  this.timeout(60_000);
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'sdtd-engine-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("variable precedence follows Ansible's order, layer by layer (docs/engine.md)", async () => {
    const r = await cli([...INV, `${F}/precedence.yml`, '-e', 'v_include_extra=extra', '--json']);
    expect(r.code, r.stderr).to.equal(0);
    expect(msgOf(r.events, 'show')).to.deep.equal({
      v_def_inv: 'inv_all', // role defaults < inventory group vars (all)
      v_all_child: 'child', // all < child group
      v_parent_child: 'child', // parent group < child group
      v_child_host: 'host', // group vars < host vars
      v_invfile_gvdir: 'dir', // inventory file group vars < group_vars/ directory
      v_gv_inv_pb: 'playbook-adjacent', // inventory-adjacent group_vars < playbook-adjacent
      fact_over_host: true, // host vars < facts
      v_host_play: 'play', // host vars < play vars
      v_play_file: 'file', // play vars < vars_files
      v_file_rolevars: 'rolevars', // vars_files < role vars
      v_rolevars_block: 'block', // role vars < block vars
      v_block_task: 'task', // block vars < task vars
      v_task_fact: 'fact', // task vars < set_fact
      v_task_incl: 'incl', // task vars < include_vars
      v_incl_fact: 'fact', // include_vars < set_fact (although include_vars ran later)
      v_fact_params: 'params', // set_fact < role params
      v_params_include: 'include', // role params < include params
      v_include_extra: 'extra', // include params < extra vars
      lazy: 'extra-h1', // variables are rendered when read, with the final scope
    });
  });

  it('a failed command says why: its return code and the end of its stderr, never "non-zero return code" alone', async () => {
    const play = join(root, 'fail.yml');
    writeFileSync(
      play,
      "- hosts: h1\n  gather_facts: false\n  tasks:\n    - shell: 'seq 1 20 >&2; echo why it failed >&2; exit 3'\n",
    );
    const r = await cli([...INV, play]);
    expect(r.code).to.equal(2);
    const out = r.stdout.slice(r.stdout.indexOf('fatal:'));
    expect(out).to.match(/^fatal: \[h1\] => non-zero return code \(rc=3\)\n {4}12\n/);
    expect(out).to.include('    20\n    why it failed\n');
    expect(out).to.not.include('    11\n');
  });

  it('nested dict literals close where Jinja closes them, in YAML values and in k=v arguments', async () => {
    const play = join(root, 'nested.yml');
    writeFileSync(
      play,
      [
        '- hosts: h1',
        '  gather_facts: false',
        '  vars:',
        '    base: {a: 1}',
        '  tasks:',
        "    - set_fact: \"conf={{ base | combine({'b': {'c': 2}}) }} other={{ {'x': {'y': 1}}.x.y }}\"",
        '    - name: show',
        '      debug:',
        "        msg: \"{{ conf | combine({'d': {'e': other}}) }}\"",
        '',
      ].join('\n'),
    );
    const r = await cli([...INV, play, '--json']);
    expect(r.code, r.stdout).to.equal(0);
    expect(msgOf(r.events, 'show')).to.deep.equal({ a: 1, b: { c: 2 }, d: { e: 1 } });
  });

  it("a template file's error names its line, also when a variable's own template fails inside it", async () => {
    mkdirSync(join(root, 'templates'));
    writeFileSync(join(root, 'templates', 'v.j2'), 'a\nb\n{{ lazy }}\n');
    const play = join(root, 'tpl.yml');
    writeFileSync(
      play,
      `- hosts: h1\n  gather_facts: false\n  tasks:\n    - template: {src: v.j2, dest: ${root}/out}\n`,
    );
    const r = await cli([...INV, play, '-e', '{"lazy": "{{ nothere }}"}']);
    expect(r.code, r.stdout).to.equal(2);
    expect(r.stdout).to.include(
      "fatal: [h1] => v.j2:3: expected 'nothere' to be defined (got undefined: set it in vars, defaults or -e, or use '| default(...)'), needed by variable 'lazy'",
    );
  });

  it('vars_prompt: answers from stdin in order, defaults for empty ones, -e skips a question, confirm and unsafe', async () => {
    const play = `${F}/vars-prompt.yml`;
    const r = await cli([...INV, play, '--json'], {
      stdin: 'h1:h2\nalice\n\ns3cret\ns3cret\nkeep {{ this }}\n',
    });
    expect(r.code, r.stderr).to.equal(0);
    expect(msgOf(r.events, 'show')).to.equal('h1,h2 alice 9092 s3cret keep {{ this }}');
    const given = await cli([...INV, play, '--json', '-e', 'target=h3 user=bob'], {
      stdin: '2181\npw\npw\nx\n',
    });
    expect(msgOf(given.events, 'show')).to.equal('h3 bob 2181 pw x');
    const mismatch = await cli([...INV, play], { stdin: 'h1\nalice\n\none\ntwo\n' });
    expect(mismatch.code).to.equal(5);
    expect(mismatch.stderr).to.match(
      /vars-prompt\.yml:2:3: vars_prompt password: expected the same answer twice \(got two different ones\) \[cli-usage\]/,
    );
  });

  it('check mode: registered results hold the prediction, so later conditions work; unpredictable commands are skipped with a reason', async () => {
    const r = await cli([...INV, `${F}/check-register.yml`, '-e', `root=${root}`, '--check', '--json']);
    expect(r.code, r.stderr).to.equal(0);
    expect(readdirSync(root)).to.deep.equal([]);
    expect(tasksWith(r.events, 'changed')).to.deep.equal(['h1: write x', 'h1: depends on x changing']);
    expect(msgOf(r.events, 'report')).to.match(/^wrote\.changed=True checksum=[0-9a-f]{64} x_exists=False$/);
    expect(tasksWith(r.events, 'skipped')).to.deep.equal(['h1: a command that cannot be predicted']);
    expect(msgOf(r.events, 'its registered result says why it was skipped')).to.match(
      /^skipped=True reason=skipped in check mode: command has no creates/,
    );
  });

  it('handler notifications survive a failed run and run at the next one (Ansible #10498)', async () => {
    const run = (...extra: string[]) =>
      cli([...INV, `${F}/handlers.yml`, '-e', `root=${root}`, ...extra, '--json']);
    const first = await run('-e', 'conf=A', '-e', 'fail_after=true');
    expect(first.code).to.equal(2);
    expect(existsSync(join(root, 'restarts'))).to.equal(false);
    expect(readdirSync(join(root, 'state/pending-handlers'))).to.have.length(1);

    const second = await run('-e', 'conf=A');
    expect(second.code).to.equal(0);
    expect(tasksWith(second.events, 'changed')).to.deep.equal(['h1: restart app', 'h1: reload app']);
    expect(readFileSync(join(root, 'restarts'), 'utf8')).to.equal('restarted\n');
    expect(readFileSync(join(root, 'reloads'), 'utf8')).to.equal('reloaded\n');
    expect(readdirSync(join(root, 'state/pending-handlers'))).to.deep.equal([]);

    const third = await run('-e', 'conf=A');
    expect(recap(third.events).h1?.changed).to.equal(0);
  });

  it('--force-handlers runs notified handlers on a host that failed', async () => {
    const r = await cli([
      ...INV,
      `${F}/handlers.yml`,
      '-e',
      `root=${root}`,
      '-e',
      'conf=B',
      '-e',
      'fail_after=true',
      '--force-handlers',
      '--json',
    ]);
    expect(r.code).to.equal(2);
    expect(readFileSync(join(root, 'restarts'), 'utf8')).to.equal('restarted\n');
    expect(readdirSync(join(root, 'state/pending-handlers'))).to.deep.equal([]);
  });

  it('serial batches, run_once, max_fail_percentage', async () => {
    const r = await cli([...INV, `${F}/strategy.yml`, '--json']);
    const starts = r.events.filter((e) => e.type === 'task_start');
    expect(starts.filter((e) => e.name === 'one').map((e) => e.hosts)).to.deep.equal([
      ['h1'],
      ['h2', 'h3'],
      ['h4'],
    ]);
    expect(starts.find((e) => e.name === 'once')?.hosts).to.deep.equal(['h1']);
    expect(tasksWith(r.events, 'ok').filter((t) => t.endsWith('everyone sees it'))).to.have.length(4);
    expect(starts.some((e) => e.name === 'never reached')).to.equal(false);
    expect(
      r.events.some((e) => e.type === 'warning' && /max_fail_percentage 25% exceeded: 2 of 4/.test(e.msg)),
    ).to.equal(true);
    expect(r.code).to.equal(2);
  });

  it('strategy free: hosts do not wait for each other; run_once runs once for all; any_errors_fatal still stops everyone', async () => {
    const r = await cli([...INV, `${F}/free.yml`, '--json']);
    const results = r.events.filter((e) => e.type === 'host_result').map((e) => `${e.host}: ${e.task}`);
    // h2..h4 finish the second task before the slow h1 finishes the first
    for (const h of ['h2', 'h3', 'h4'])
      expect(results.indexOf(`${h}: second`)).to.be.lessThan(results.indexOf('h1: slow on h1'));
    expect(results.filter((t) => t.endsWith(': once for all'))).to.have.length(1);
    expect(results.filter((t) => t.endsWith(': everyone sees it'))).to.have.length(4);
    expect(results.some((t) => t.endsWith(': nobody goes on'))).to.equal(false);
    expect(r.events.some((e) => e.type === 'warning' && /any_errors_fatal: h2 failed/.test(e.msg))).to.equal(
      true,
    );
    expect(r.code).to.equal(2);
    // lines: each result right under its own task's banner, though the hosts' tasks overlap
    const lines = (await cli([...INV, `${F}/free.yml`])).stdout.split('\n');
    for (const h of ['h1', 'h2', 'h3', 'h4']) {
      const at = lines.indexOf(`ok: [${h}] => ${h}`);
      expect(
        lines
          .slice(0, at)
          .filter((l) => l.startsWith('TASK ['))
          .at(-1),
        h,
      ).to.match(/^TASK \[second\]/);
    }
    // and no banner stands alone, with another task's banner right after it
    const text = lines.filter((l) => l !== '');
    text.forEach((l, i) => {
      if (l.startsWith('TASK [')) expect(text[i + 1], `after ${l}`).to.not.match(/^(TASK|PLAY) \[/);
    });
  });

  it('any_errors_fatal stops every host', async () => {
    const r = await cli([...INV, `${F}/fatal.yml`, '--json']);
    expect(r.code).to.equal(2);
    expect(r.events.some((e) => e.type === 'task_start' && e.name === 'nobody goes on')).to.equal(false);
  });

  it('loops, loop_control, until/retries, failed_when/changed_when, ignore_errors, delegate_to', async () => {
    const r = await cli([...INV, `${F}/loops.yml`, '-e', `root=${root}`, '--json']);
    expect(r.code, r.stdout).to.equal(0);
    expect(msgOf(r.events, 'summary')).to.equal(
      "['alice=1001', 'bob=1002'] ['0:a first=True', '1:b first=False', '2:c first=False'] 3 3",
    );
    expect(r.events.filter((e) => e.task === 'loop_control' && e.perItem).map((e) => e.item)).to.deep.equal([
      'pkg a',
      'pkg b',
      'pkg c',
    ]);
    expect(recap(r.events).h1 ?? {}).to.include({ ignored: 1, failed: 0, changed: 0 });
    // items that are not strings are shown as Python prints them, as ansible-playbook does
    const plain = await cli([...INV, `${F}/loops.yml`, '-e', `root=${root}`]);
    expect(plain.stdout).to.include("ok: [h1] => (item={'key': 'alice', 'value': 1001})");
    expect(r.events.find((e) => e.task === 'delegate_to localhost' && !e.perItem)?.delegatedTo).to.equal(
      'localhost',
    );
  });

  it('include_tasks with a loop; include_role with vars, its defaults and its handlers', async () => {
    const r = await cli([...INV, `${F}/includes.yml`, '--json']);
    expect(r.code, r.stdout).to.equal(0);
    expect(r.events.filter((e) => e.task === 'included task').map((e) => e.result.msg)).to.deep.equal([
      'included one',
      'included two',
    ]);
    expect(msgOf(r.events, 'echo')).to.equal('hi from echo');
    expect(msgOf(r.events, 'echo handler')).to.equal('handler of an included role');
  });

  it('meta: flush_handlers runs handlers at that point; end_host ends one host', async () => {
    const r = await cli([...INV, `${F}/meta.yml`, '--json']);
    const order = r.events.filter((e) => e.type === 'task_start').map((e) => e.name);
    expect(order.indexOf('h')).to.be.lessThan(order.indexOf('after flush'));
    const last = r.events.filter((e) => e.type === 'host_result' && e.task === 'h2 ended').map((e) => e.host);
    expect(last).to.deep.equal(['h1', 'h3', 'h4']);
  });

  it('an unreachable host is UNREACHABLE in the recap, the others finish, exit 4', async () => {
    const r = await cli(['-i', `${F}/unreachable-inventory.yml`, `${F}/unreachable.yml`]);
    expect(r.code).to.equal(4);
    expect(r.stdout).to.match(
      /fatal: \[down\]: UNREACHABLE! => down is unreachable: cannot connect to root@127\.0\.0\.1:1/,
    );
    expect(r.stdout).to.match(/ok: \[up\]/);
    expect(r.stdout).to.match(/down\s+: ok=0\s+changed=0\s+unreachable=1/);
  });

  it('Ctrl-C: no new task starts, the running one finishes, the recap is printed, exit 130', async () => {
    const r = await cli([...INV, `${F}/slow.yml`, '--json'], { sigintWhen: /"task_start".*"name":"slow"/ });
    expect(r.code).to.equal(130);
    expect(tasksWith(r.events, 'changed')).to.deep.equal(['h1: slow']);
    expect(r.events.some((e) => e.type === 'task_start' && e.name === 'never started')).to.equal(false);
    expect(r.events.some((e) => e.type === 'recap')).to.equal(true);
  });

  it('--list-hosts, --list-tasks with tags, --syntax-check run nothing', async () => {
    const hosts = await cli([...INV, `${F}/strategy.yml`, '--list-hosts', '--limit', 'h1:h2']);
    expect(hosts.stdout).to.match(/hosts \(2\):\n\s+h1\n\s+h2/);
    const tasks = await cli([
      'playbooks/examples/webapp.yml',
      '-i',
      'localhost,',
      '--list-tasks',
      '--tags',
      'dirs',
    ]);
    expect(tasks.stdout).to.match(/app_base : Base directories\tTAGS: \[webapp, dirs\]/);
    expect(tasks.stdout).to.not.match(/Configuration file/);
    const syntax = await cli(['playbooks/examples/webapp.yml', '--syntax-check']);
    expect(syntax.code).to.equal(0);
  });

  it('--start-at-task skips the tasks before it', async () => {
    const r = await cli([
      ...INV,
      `${F}/loops.yml`,
      '-e',
      `root=${root}`,
      '--start-at-task',
      'ignore_errors',
      '--json',
    ]);
    const started = r.events.filter((e) => e.type === 'task_start').map((e) => e.name);
    expect(started).to.deep.equal(['ignore_errors', 'delegate_to localhost', 'summary']);
  });

  it('--limit with no match is an error', async () => {
    const r = await cli([...INV, `${F}/strategy.yml`, '--limit', 'nosuchhost']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/\[host-pattern\]/);
  });

  it('environment from play, block and task (inner wins); no_log hides values', async () => {
    const r = await cli([...INV, `${F}/environment.yml`, '-e', 'secret=hunter2', '--json', '-vv']);
    expect(r.code, r.stdout).to.equal(0);
    expect(msgOf(r.events, 'report')).to.equal('from-play from-block from-task task');
    expect(r.stdout).to.not.include('hunter2');
    expect(r.events.find((e) => e.task === 'secret')?.result).to.deep.equal({
      censored: "the output has been hidden because 'no_log: true' was set for this task",
    });
  });

  it('-e takes key=value, JSON and @file, later ones winning', async () => {
    const r = await cli([
      ...INV,
      `${F}/extra-vars.yml`,
      '-e',
      'a=1 b=x',
      '-e',
      '{"b": [1, 2], "c": "json"}',
      '-e',
      `@${F}/extra-vars-file.yml`,
      '--json',
    ]);
    expect(r.code, r.stderr).to.equal(0);
    expect(msgOf(r.events, 'values')).to.equal('1|[1, 2]|from-file|4');
  });

  it('--diff prints unified diffs for contents and before -> after for states', async () => {
    const r = await cli([...INV, `${F}/diff.yml`, '-e', `root=${root}`, '--diff', '--check']);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.include(`${root}/d: absent -> directory`);
    expect(r.stdout).to.include(`--- before: ${root}/f.txt`);
    expect(r.stdout).to.include(`+++ after: ${root}/f.txt`);
    expect(r.stdout).to.match(/^\+new line$/m);
  });

  it('on a terminal: the live view shows a row per host under the task; a recap follows', async () => {
    // `script` gives the command a pseudo-terminal, as a user's shell would
    const out = execSync(
      `script -qec "stty cols 120 rows 40; node dist/bundle/sdtd-play.mjs -i ${F}/inventory ${F}/meta.yml --limit h1,h2" /dev/null`,
      { encoding: 'utf8', env: { ...process.env, CI: '', TERM: 'xterm' } },
    );
    expect(out).to.match(/TASK \[after flush\]/);
    expect(out).to.match(/h1 .*ok/);
    expect(out).to.match(/h2 .*ok/);
    expect(out).to.match(/PLAY RECAP/);
  });

  it('--version', async () => {
    const r = await cli(['--version']);
    expect(r.stdout).to.match(/^sdtd-play \d+\.\d+\.\d+/);
  });

  it('magic variables, import_tasks, import_role, per-task diff: false, meta end_play', async () => {
    const r = await cli([...INV, `${F}/magic.yml`, '-e', `root=${root}`, '--diff', '--json']);
    expect(r.code, r.stdout).to.equal(0);
    const magic = r.events.find((e) => e.task === 'magic' && e.host === 'h1')?.result?.msg;
    expect(magic).to.deep.equal({
      me: 'h1',
      groups_child: ['h1', 'h2', 'h3', 'h4'],
      group_names: ['child', 'parent'],
      play_hosts: ['h1', 'h2', 'h3', 'h4'],
      ansible_play_hosts: ['h1', 'h2', 'h3', 'h4'],
      other_var: 'child',
      playbook_dir_name: 'engine',
      check: false,
    });
    expect(r.events.find((e) => e.task === 'imported task' && e.host === 'h1')?.result?.msg).to.equal(
      'role path of echo is elsewhere; here role_name is none',
    );
    expect(r.events.filter((e) => e.task === 'echo' && !e.perItem).map((e) => e.result.msg)).to.include(
      'imported from echo',
    );
    const quiet = r.events.filter((e) => e.task === 'quiet diff' && e.status === 'changed');
    expect(quiet).to.have.length(4);
    expect(quiet.every((e) => e.diff === undefined)).to.equal(true);
    expect(r.events.some((e) => e.type === 'task_start' && e.name === 'after end_play')).to.equal(false);
  });
});

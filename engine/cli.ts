#!/usr/bin/env node
// The command line: `sdtd-play PLAYBOOK...` with ansible-playbook's options, and `sdtd-play inventory`.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { addEc2Command } from './command-ec2.js';
import { inventoryCommand } from './command-inventory.js';
import { playbookCommand } from './command-playbook.js';
import { addVaultCommand } from './command-vault.js';
import { EXIT, SdtdError } from './errors.js';

/** package.json, found upwards from this file (it runs from dist/engine/ when built, engine/ with tsx). */
function packageJson(): { version: string } {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
}
const pkg = packageJson();
const collect = (v: string, prev: string[]) => [...prev, v];
const commaList = (v: string, prev: string[]) => [
  ...prev,
  ...v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

let verbosity = 0;

function program(): Command {
  const p = new Command('sdtd-play')
    .description('Run Ansible-style playbooks over SSH: deploy, operate, break and measure the SMACK stack.')
    .version(`sdtd-play ${pkg.version}`, '--version')
    .argument('<playbook...>', 'playbook files, run in order')
    .option(
      '-i, --inventory <source>',
      'inventory file, directory, plugin config or host list (repeatable)',
      collect,
      [],
    )
    .option('-l, --limit <pattern>', 'further limit the hosts to this pattern (or @file)')
    .option(
      '-t, --tags <tags>',
      'only run tasks with these tags (comma-separated, repeatable)',
      commaList,
      [],
    )
    .option('--skip-tags <tags>', 'skip tasks with these tags (comma-separated, repeatable)', commaList, [])
    .option(
      '-e, --extra-vars <vars>',
      'variables: key=value, JSON/YAML, or @file (repeatable; highest precedence)',
      collect,
      [],
    )
    .option('-C, --check', 'predict what would change; change nothing')
    .option('-D, --diff', 'show the differences in files and states')
    .addOption(
      new Option('-f, --forks <n>', 'hosts run in parallel')
        .argParser((v) => Number.parseInt(v, 10))
        .default(50),
    )
    .option('--list-hosts', 'list the hosts each play would run on')
    .option('--list-tasks', 'list the tasks that would run')
    .option('--list-tags', 'list the tags of the tasks')
    .option('--start-at-task <name>', 'start the run at the task with this name')
    .option('--syntax-check', 'load and check the playbooks, run nothing')
    .option('--force-handlers', 'run notified handlers even on hosts that failed')
    .option(
      '-v, --verbose',
      'more output: -v results, -vv steps and data, -vvv stack traces',
      () => ++verbosity,
    )
    .option('--json', 'newline-delimited JSON events on stdout')
    .option('-b, --become', 'run tasks as another user (sudo), unless a play or task says otherwise')
    .option('--become-user <user>', 'the user -b becomes (default root)')
    .option('-K, --ask-become-pass', "ask for sudo's password (read from stdin when it is not a terminal)")
    .option(
      '--vault-password-file <file>',
      'the vault password: first line of FILE, or what FILE prints if executable',
    )
    .option('-J, --ask-vault-pass', 'ask for the vault password (read from stdin when it is not a terminal)')
    .option('-u, --user <user>', 'connect as this user, unless the inventory sets ansible_user')
    .option('--private-key <file>', 'SSH private key, unless the inventory sets ansible_ssh_private_key_file')
    .option(
      '--trust-new-hosts',
      'accept and record SSH host keys not in known_hosts yet (a changed key is always refused)',
    )
    .showHelpAfterError('(sdtd-play --help for the options)')
    // `sdtd-play inventory -i X`: options after a subcommand belong to it, not to the playbook command
    .enablePositionalOptions()
    .exitOverride()
    .action(async (playbooks: string[], o) => {
      process.exitCode = await playbookCommand(playbooks, { ...o, verbosity });
    });
  p.command('inventory')
    .description('show the inventory as ansible-inventory does')
    .option('-i, --inventory <source>', 'inventory source (repeatable)', collect, [])
    .option('--graph [group]', 'the groups and hosts as a tree')
    .option('--list', 'everything as JSON (ansible-inventory --list)')
    .option('--host <name>', "one host's variables as JSON")
    .option('--vault-password-file <file>', 'the vault password, for encrypted vars files')
    .option('-J, --ask-vault-pass', 'ask for the vault password')
    .exitOverride()
    .action(async (o) => {
      process.exitCode = await inventoryCommand(o);
    });
  addEc2Command(p);
  addVaultCommand(p);
  return p;
}

async function main(): Promise<void> {
  try {
    await program().parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : EXIT.usage;
      return;
    }
    if (e instanceof SdtdError) {
      process.stderr.write(`ERROR: ${e.format()}\n`);
      if (verbosity >= 3 && e.stack) process.stderr.write(`${e.stack}\n`);
      process.exitCode = e.exitCode;
      return;
    }
    process.stderr.write(
      `ERROR: internal error: ${(e as Error).message} (run with -vvv for the stack trace)\n`,
    );
    if (verbosity >= 3) process.stderr.write(`${(e as Error).stack}\n`);
    process.exitCode = EXIT.internal;
  }
}

await main();

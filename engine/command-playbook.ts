// `sdtd-play PLAYBOOK...`: load inventory and playbooks (all errors before anything runs), list or run them.
import { existsSync } from 'node:fs';
import { EXIT, SdtdError } from './errors.js';
import { parseExtraVars } from './extra-vars.js';
import { loadInventory } from './inventory/index.js';
import { listHosts, listTags, listTasks } from './listing.js';
import { loadPlaybook } from './playbook.js';
import { ask, closePrompts } from './prompt.js';
import { hasTemplate } from './render.js';
import { chooseMode, makeReporter } from './report/index.js';
import { runPlaybooks } from './run-playbook.js';
import { setBecomePassword } from './transports/transport.js';
import { setupVaultPassword, type VaultOptions } from './vault-password.js';

export interface PlaybookOptions extends VaultOptions {
  inventory: string[];
  limit?: string;
  tags: string[];
  skipTags: string[];
  extraVars: string[];
  check?: boolean;
  diff?: boolean;
  forks: number;
  listHosts?: boolean;
  listTasks?: boolean;
  listTags?: boolean;
  startAtTask?: string;
  syntaxCheck?: boolean;
  forceHandlers?: boolean;
  verbosity: number;
  json?: boolean;
  trustNewHosts?: boolean;
  askBecomePass?: boolean;
  become?: boolean;
  becomeUser?: string;
  user?: string;
  privateKey?: string;
}

/**
 * -i given, else $SDTD_INVENTORY, else the local fleet (inventory/local: the default target) when it
 * exists; else only the implicit localhost. Never all of inventory/: AWS would be asked for credentials.
 */
export function inventorySources(given: string[]): string[] {
  if (given.length) return given;
  if (process.env.SDTD_INVENTORY) return process.env.SDTD_INVENTORY.split(',');
  return existsSync('inventory/local') ? ['inventory/local'] : [];
}

export async function playbookCommand(files: string[], o: PlaybookOptions): Promise<number> {
  if (!Number.isInteger(o.forks) || o.forks < 1)
    throw new SdtdError('cli-usage', `--forks: expected a positive integer (got ${o.forks})`);
  if (o.trustNewHosts) process.env.SDTD_TRUST_NEW_HOSTS = '1';
  // asked in Ansible's order: sudo's password, then the vault's
  if (o.askBecomePass) setBecomePassword(await ask('BECOME password'));
  await setupVaultPassword(o);
  closePrompts();
  const extraVars = parseExtraVars(o.extraVars);
  const inventory = await loadInventory(inventorySources(o.inventory));
  // -u and --private-key sit below every inventory variable, as in Ansible; set as the aliases read last
  // (connections.ts), so that any spelling of the variable in the inventory wins
  inventory.setConnectionDefaults({ ansible_ssh_user: o.user, ansible_private_key_file: o.privateKey });
  const become = o.become || o.becomeUser ? { become: true, becomeUser: o.becomeUser } : {};
  const playbooks = files.map((f) => loadPlaybook(f, become));
  for (const pb of playbooks) inventory.addVarsDir(pb.dir);
  // host patterns are checked before anything runs (a bad one in the last play must not stop the run midway)
  for (const play of playbooks.flatMap((pb) => pb.plays))
    if (!hasTemplate(play.hosts))
      inventory.select(play.hosts, { pos: play.pos, where: `play "${play.name}" > hosts` });
  const limit = o.limit ? new Set(inventory.limit(o.limit)) : undefined;
  const print = (lines: string[]) => process.stdout.write(`${lines.join('\n')}\n`);
  if (o.syntaxCheck) {
    print(playbooks.map((pb) => `playbook: ${pb.file}`));
    return EXIT.ok;
  }
  if (o.listHosts || o.listTasks || o.listTags) {
    if (o.listHosts) print(listHosts(playbooks, inventory, limit));
    if (o.listTasks) print(listTasks(playbooks, o.tags, o.skipTags));
    if (o.listTags) print(listTags(playbooks));
    return EXIT.ok;
  }
  const emit = makeReporter(chooseMode(!!o.json, !!process.stdout.isTTY), o.verbosity);
  const stop = { interrupted: false };
  const onInt = () => {
    if (stop.interrupted) process.exit(EXIT.interrupted);
    stop.interrupted = true;
    process.stderr.write('\nstopping: no new task starts; running tasks finish (Ctrl-C again to quit now)\n');
  };
  process.on('SIGINT', onInt);
  try {
    const out = await runPlaybooks({
      playbooks,
      inventory,
      limit,
      extraVars,
      emit,
      stop,
      opts: {
        check: !!o.check,
        diff: !!o.diff,
        forks: o.forks,
        verbosity: o.verbosity,
        tags: o.tags,
        skipTags: o.skipTags,
        startAtTask: o.startAtTask,
        forceHandlers: !!o.forceHandlers,
        limit: o.limit,
      },
    });
    return out.exitCode;
  } finally {
    process.off('SIGINT', onInt);
  }
}

// `sdtd-play vault encrypt|decrypt|view|encrypt-string`: ansible-vault's everyday commands, same file format.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { EXIT, SdtdError } from './errors.js';
import { ask, closePrompts } from './prompt.js';
import { decryptVault, encryptVault, isVaulted, setVaultPassword } from './vault.js';
import { readPasswordFile, type VaultOptions } from './vault-password.js';

interface Opts extends VaultOptions {
  vaultId?: string;
  name?: string;
}

/** The password to encrypt with: asked twice on a terminal, so that a typo does not lock the file away. */
async function password(o: Opts, confirm: boolean): Promise<string> {
  const file = o.vaultPasswordFile ?? process.env.ANSIBLE_VAULT_PASSWORD_FILE;
  let p: string;
  if (file && !o.askVaultPass) p = readPasswordFile(file);
  else {
    p = await ask(confirm ? 'New vault password' : 'Vault password');
    if (confirm && process.stdin.isTTY && (await ask('Confirm new vault password')) !== p)
      throw new SdtdError('vault', 'expected the same password twice (got two different ones)');
  }
  closePrompts();
  if (!p) throw new SdtdError('vault', 'expected a vault password (got an empty one)');
  setVaultPassword(p);
  return p;
}

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new SdtdError(
      'missing-file',
      `expected the file ${file} (got ${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
}

async function encrypt(files: string[], o: Opts): Promise<number> {
  const p = await password(o, true);
  for (const f of files) {
    const text = read(f);
    if (isVaulted(text))
      throw new SdtdError('vault', `expected a plain file to encrypt (got ${f}, already a vault)`);
    writeFileSync(f, `${encryptVault(text, p, o.vaultId)}\n`);
    process.stderr.write(`Encryption successful: ${f}\n`);
  }
  return EXIT.ok;
}

async function decrypt(files: string[], o: Opts, toStdout: boolean): Promise<number> {
  await password(o, false);
  for (const f of files) {
    const text = read(f);
    if (!isVaulted(text))
      throw new SdtdError('vault', `expected a vault to decrypt (got ${f}, a plain file)`);
    const plain = decryptVault(text, { what: f });
    if (toStdout) process.stdout.write(plain);
    else {
      writeFileSync(f, plain);
      process.stderr.write(`Decryption successful: ${f}\n`);
    }
  }
  return EXIT.ok;
}

/** `name: !vault |` and the vault indented under it, ready to paste into a vars file. */
async function encryptString(value: string, o: Opts): Promise<number> {
  const p = await password(o, true);
  const body = encryptVault(value, p, o.vaultId)
    .split('\n')
    .map((l) => `          ${l}`)
    .join('\n');
  process.stdout.write(`${o.name ?? 'value'}: !vault |\n${body}\n`);
  return EXIT.ok;
}

export function addVaultCommand(p: Command): void {
  const v = p.command('vault').description('encrypt and decrypt Ansible vault files and values');
  const common = (c: Command) =>
    c
      .option(
        '--vault-password-file <file>',
        'the vault password: first line of FILE, or what FILE prints if executable',
      )
      .option(
        '-J, --ask-vault-pass',
        'ask for the vault password (read from stdin when it is not a terminal)',
      )
      .exitOverride();
  const run = (f: (o: Opts) => Promise<number>) => async (_a: unknown, cmd: Command) => {
    process.exitCode = await f(cmd.optsWithGlobals<Opts>());
  };
  common(v.command('encrypt <files...>').description('encrypt files in place'))
    .option('--vault-id <label>', 'label the vault (format 1.2)')
    .action((files: string[], _o, cmd: Command) => run((o) => encrypt(files, o))(undefined, cmd));
  common(v.command('decrypt <files...>').description('decrypt files in place')).action(
    (files: string[], _o, cmd: Command) => run((o) => decrypt(files, o, false))(undefined, cmd),
  );
  common(v.command('view <files...>').description('print decrypted files')).action(
    (files: string[], _o, cmd: Command) => run((o) => decrypt(files, o, true))(undefined, cmd),
  );
  common(v.command('encrypt-string <value>').description('encrypt one value for a vars file'))
    .option('-n, --name <name>', 'the variable name to print with it')
    .option('--vault-id <label>', 'label the vault (format 1.2)')
    .action((value: string, _o, cmd: Command) => run((o) => encryptString(value, o))(undefined, cmd));
}

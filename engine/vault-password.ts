// Where the vault password comes from: a file (or a script that prints it), ANSIBLE_VAULT_PASSWORD_FILE, or a prompt.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { SdtdError } from './errors.js';
import { ask } from './prompt.js';
import { setVaultPassword } from './vault.js';

export interface VaultOptions {
  vaultPasswordFile?: string;
  askVaultPass?: boolean;
}

/** The password in FILE; an executable file is run and its first line of output is the password, as in Ansible. */
export function readPasswordFile(file: string): string {
  let text: string;
  try {
    let executable = true;
    try {
      accessSync(file, constants.X_OK);
    } catch {
      executable = false;
    }
    text = executable ? execFileSync(file, { encoding: 'utf8' }) : readFileSync(file, 'utf8');
  } catch (e) {
    throw new SdtdError(
      'vault',
      `expected a readable vault password file ${file} (got ${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  const password = text.split(/\r?\n/)[0].trim();
  if (!password)
    throw new SdtdError('vault', `expected a vault password in ${file} (got an empty first line)`);
  return password;
}

/** Set the run's vault password from the options, if any is given. */
export async function setupVaultPassword(o: VaultOptions): Promise<boolean> {
  const file = o.vaultPasswordFile ?? process.env.ANSIBLE_VAULT_PASSWORD_FILE;
  if (o.askVaultPass) setVaultPassword(await ask('Vault password'));
  else if (file) setVaultPassword(readPasswordFile(file));
  else return false;
  return true;
}

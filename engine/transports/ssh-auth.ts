// How we prove who we are to sshd, as OpenSSH does: the key given, else the ssh-agent, then ~/.ssh/id_* keys.
import { existsSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import ssh2, { type AgentAuthMethod, type ConnectConfig, type PublicKeyAuthMethod } from 'ssh2';

/** OpenSSH's default identities, in its order (DSA is long gone from OpenSSH). */
const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/** The login name when none is set: the local user's, as ssh and Ansible use. */
export function defaultUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'root';
  }
}

export const expandHome = (p: string) => p.replace(/^~(?=$|\/)/, homedir());

/**
 * The authentication methods to try, in order. A key file given by the inventory or --private-key is the
 * only one tried (a wrong key should fail, not fall back); otherwise the agent's keys, then the default
 * files that exist and are not passphrase-protected. Throws when the given key cannot be read.
 */
export function authConfig(user: string, keyFile: string | undefined): Partial<ConnectConfig> {
  if (keyFile) {
    const path = expandHome(keyFile);
    let key: Buffer;
    try {
      key = readFileSync(path);
    } catch (e) {
      throw new Error(
        `expected a readable SSH private key at ${path} (got ${(e as NodeJS.ErrnoException).code ?? e})`,
      );
    }
    return { username: user, privateKey: key };
  }
  const methods: (AgentAuthMethod | PublicKeyAuthMethod)[] = [];
  if (process.env.SSH_AUTH_SOCK)
    methods.push({ type: 'agent', username: user, agent: process.env.SSH_AUTH_SOCK });
  for (const name of DEFAULT_KEYS) {
    const path = join(homedir(), '.ssh', name);
    if (!existsSync(path)) continue;
    const key = readFileSync(path);
    // an encrypted key cannot be used without its passphrase: leave it to the agent
    if (ssh2.utils.parseKey(key) instanceof Error) continue;
    methods.push({ type: 'publickey', username: user, key });
  }
  // with nothing to offer, still connect: an unreachable host should say so, not that keys are missing
  return { username: user, authHandler: methods };
}

/** Why a login failed when there was no key to offer at all. */
export function noKeyMessage(user: string): string {
  return `expected an SSH key: set ansible_ssh_private_key_file or --private-key, start an ssh-agent, or create ~/.ssh/id_ed25519 (got none to offer as ${user})`;
}

// Ansible Vault (format 1.1/1.2, AES256): whole encrypted files and `!vault` values, read and written like ansible-vault.
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  pbkdf2Sync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { type Position, SdtdError } from './errors.js';

const HEADER = '$ANSIBLE_VAULT;';
/** ansible-vault's key derivation: PBKDF2-SHA256, 10000 rounds, 80 bytes = AES key, HMAC key, counter. */
const ROUNDS = 10000;

/** A `!vault |` value: decrypted when a template reads it, so a run that never uses it needs no password. */
export class VaultText {
  constructor(
    readonly text: string,
    readonly pos?: Position,
  ) {}

  /** As ansible-inventory shows such values. */
  toJSON(): { __ansible_vault: string } {
    return { __ansible_vault: this.text };
  }
}

export const isVaulted = (text: string) => text.trimStart().startsWith(HEADER);

// The password lives in memory only: given once by --vault-password-file or --ask-vault-pass.
let password: string | undefined;
export function setVaultPassword(p: string | undefined): void {
  password = p;
}

function keys(pass: string, salt: Buffer) {
  const k = pbkdf2Sync(pass, salt, ROUNDS, 80, 'sha256');
  return { aes: k.subarray(0, 32), hmac: k.subarray(32, 64), iv: k.subarray(64, 80) };
}

const unhex = (s: string) => Buffer.from(s, 'hex');

/** The plain text of a vault (a whole file or a `!vault` value). */
export function decryptVault(text: string, from: { pos?: Position; what: string }): string {
  const where = { pos: from.pos };
  const what = from.what;
  const lines = text.trim().split(/\r?\n/);
  const [, version, cipher] = lines[0].trim().split(';');
  if (!['1.1', '1.2'].includes(version) || cipher !== 'AES256')
    throw new SdtdError(
      'vault',
      `expected an Ansible vault of format 1.1 or 1.2 with AES256 (got "${lines[0].trim()}")`,
      where,
    );
  if (password === undefined)
    throw new SdtdError(
      'vault',
      `expected a vault password to decrypt ${what}: give --vault-password-file FILE or --ask-vault-pass (got none)`,
      where,
    );
  const body = unhex(lines.slice(1).join('').trim()).toString('ascii').split('\n');
  if (body.length !== 3 || body.some((p) => !/^[0-9a-f]+$/i.test(p)))
    throw new SdtdError(
      'vault',
      `expected salt, HMAC and cipher text in ${what} (got a damaged vault)`,
      where,
    );
  const [salt, mac, data] = body.map(unhex);
  const k = keys(password, salt);
  const want = createHmac('sha256', k.hmac).update(data).digest();
  if (want.length !== mac.length || !timingSafeEqual(want, mac))
    throw new SdtdError(
      'vault',
      `expected the vault password of ${what} (got one that does not open it)`,
      where,
    );
  const d = createDecipheriv('aes-256-ctr', k.aes, k.iv);
  const padded = Buffer.concat([d.update(data), d.final()]);
  // PKCS#7, as ansible-vault pads before encrypting
  return padded.subarray(0, padded.length - padded[padded.length - 1]).toString('utf8');
}

/** Encrypt as ansible-vault does (format 1.1, or 1.2 with a vault id); lines of 80 hex digits. */
export function encryptVault(plain: string, pass: string, vaultId?: string): string {
  const salt = randomBytes(32);
  const k = keys(pass, salt);
  const raw = Buffer.from(plain, 'utf8');
  const pad = 16 - (raw.length % 16);
  const c = createCipheriv('aes-256-ctr', k.aes, k.iv);
  const data = Buffer.concat([c.update(Buffer.concat([raw, Buffer.alloc(pad, pad)])), c.final()]);
  const mac = createHmac('sha256', k.hmac).update(data).digest();
  const body = Buffer.from([salt, mac, data].map((b) => b.toString('hex')).join('\n'), 'ascii').toString(
    'hex',
  );
  const header = vaultId ? `${HEADER}1.2;AES256;${vaultId}` : `${HEADER}1.1;AES256`;
  return [header, ...(body.match(/.{1,80}/g) ?? [])].join('\n');
}

// OpenSSH public keys for ec2_key: parsing, comparing, and the fingerprints EC2 shows for imported keys.
import { createHash, createPublicKey } from 'node:crypto';
import { TaskFailure } from '../../../engine/module.js';

export interface PublicKey {
  type: string;
  /** The key blob, base64, as in the .pub file. */
  blob: string;
}

const TYPES = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521))$/;

/** A public key line (`ssh-ed25519 AAAA... comment`); refuses private keys and other text with the reason. */
export function parsePublicKey(text: string, where: string): PublicKey {
  const t = text.trim();
  if (/PRIVATE KEY/.test(t))
    throw new TaskFailure(`expected a public key in ${where} (got a private key: give the .pub file)`);
  const [type, blob] = t.split(/\s+/);
  if (!type || !TYPES.test(type) || !blob || !/^[A-Za-z0-9+/]+=*$/.test(blob))
    throw new TaskFailure(
      `expected an OpenSSH public key (ssh-ed25519, ssh-rsa or ecdsa) in ${where} (got ${JSON.stringify(t.slice(0, 40))})`,
    );
  const wire = Buffer.from(blob, 'base64');
  const n = wire.readUInt32BE(0);
  if (wire.subarray(4, 4 + n).toString() !== type)
    throw new TaskFailure(`expected the key blob in ${where} to be a ${type} key (got another kind)`);
  return { type, blob };
}

export const sameKey = (a: PublicKey, b: PublicKey) => a.type === b.type && a.blob === b.blob;

/** The length-prefixed fields of an SSH wire blob. */
function fields(blob: string): Buffer[] {
  const b = Buffer.from(blob, 'base64');
  const out: Buffer[] = [];
  for (let at = 0; at + 4 <= b.length; ) {
    const n = b.readUInt32BE(at);
    out.push(b.subarray(at + 4, at + 4 + n));
    at += 4 + n;
  }
  return out;
}

/**
 * The fingerprint EC2 gives an imported key: RSA, the MD5 of the DER public key (colon-separated hex);
 * ED25519, the base64 SHA-256 of the key blob (OpenSSH's own, with padding). Other kinds: undefined.
 */
export function ec2Fingerprint(k: PublicKey): string | undefined {
  if (k.type === 'ssh-ed25519')
    return createHash('sha256').update(Buffer.from(k.blob, 'base64')).digest('base64');
  if (k.type !== 'ssh-rsa') return undefined;
  const [, e, n] = fields(k.blob);
  const url = (x: Buffer) => (x[0] === 0 ? x.subarray(1) : x).toString('base64url');
  const der = createPublicKey({ key: { kty: 'RSA', e: url(e), n: url(n) }, format: 'jwk' }).export({
    type: 'spki',
    format: 'der',
  });
  return createHash('md5')
    .update(der)
    .digest('hex')
    .replace(/(..)(?!$)/g, '$1:');
}

/** Fingerprints compare without OpenSSH's `SHA256:` prefix and base64 padding. */
export const sameFingerprint = (a: string | undefined, b: string | undefined) =>
  !!a && !!b && a.replace(/^SHA256:/, '').replace(/=+$/, '') === b.replace(/^SHA256:/, '').replace(/=+$/, '');

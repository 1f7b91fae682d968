// known_hosts: OpenSSH's file of trusted host keys (plain or hashed names, [host]:port), read and appended.
import { createHash, createHmac } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface KnownKey {
  type: string;
  blob: Buffer;
  revoked: boolean;
}

/** `SHA256:...` as `ssh-keygen -lf` and OpenSSH's prompts print it. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type inside an SSH public key blob (its first length-prefixed string). */
export function keyType(blob: Buffer): string {
  const n = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + n).toString('latin1');
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function hostId(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function glob(pattern: string, name: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return re.test(name);
}

function nameMatches(field: string, name: string): boolean {
  let hit = false;
  for (const p of field.split(',')) {
    if (p.startsWith('|1|')) {
      const [, , salt, hash] = p.split('|');
      const h = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
      if (h === hash) hit = true;
    } else if (p.startsWith('!')) {
      if (glob(p.slice(1), name)) return false;
    } else if (glob(p, name)) hit = true;
  }
  return hit;
}

/** Keys recorded for any of the names (e.g. the inventory name and the address). */
export function knownKeys(file: string, names: string[]): KnownKey[] {
  if (!existsSync(file)) return [];
  const out: KnownKey[] = [];
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const parts = line.split(/\s+/);
    let marker = '';
    if (parts[0].startsWith('@')) marker = parts.shift()!;
    if (marker === '@cert-authority' || parts.length < 3) continue;
    if (!names.some((n) => nameMatches(parts[0], n))) continue;
    out.push({ type: parts[1], blob: Buffer.from(parts[2], 'base64'), revoked: marker === '@revoked' });
  }
  return out;
}

export function recordKey(file: string, names: string[], blob: Buffer): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  appendFileSync(file, `${[...new Set(names)].join(',')} ${keyType(blob)} ${blob.toString('base64')}\n`, {
    mode: 0o600,
  });
}

export type Verdict =
  | { ok: true; recorded?: boolean }
  | { ok: false; reason: 'unknown' | 'changed' | 'revoked'; message: string };

/** Decide on a presented host key: known and equal → ok; changed or revoked → refused; unknown → refused unless trusted. */
export function verifyHostKey(
  file: string,
  host: string,
  names: string[],
  blob: Buffer,
  trustNew: boolean,
): Verdict {
  const keys = knownKeys(file, names);
  const fp = fingerprint(blob);
  const type = keyType(blob);
  if (keys.some((k) => k.revoked && k.blob.equals(blob)))
    return {
      ok: false,
      reason: 'revoked',
      message: `${host}: host key ${type} ${fp} is marked @revoked in ${file}`,
    };
  if (keys.some((k) => !k.revoked && k.blob.equals(blob))) return { ok: true };
  if (keys.some((k) => !k.revoked && k.type === type))
    return {
      ok: false,
      reason: 'changed',
      message:
        `${host}: the host key has CHANGED (now ${type} ${fp}); it may be a new machine or a man-in-the-middle. ` +
        `Refused. If the change is expected, remove the old entry: ssh-keygen -f ${file} -R ${names[names.length - 1]}`,
    };
  if (trustNew) {
    recordKey(file, names, blob);
    return { ok: true, recorded: true };
  }
  return {
    ok: false,
    reason: 'unknown',
    message: `${host}: unknown host key ${type} ${fp} (not in ${file}). Check it, then run again with --trust-new-hosts to record it`,
  };
}

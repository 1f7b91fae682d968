// Downloads on the manager into a cache (hosts often have no internet): fetched once, checked, then uploaded to hosts.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { TaskFailure } from '../../engine/module.js';

export interface FetchOpts {
  headers?: Record<string, string>;
  /** Seconds without data (connecting, or between chunks) before giving up. */
  timeout: number;
}

export interface Digest {
  algo: string;
  hex: string;
}

export interface Cached {
  path: string;
  size: number;
  /** false when the cache already had it. */
  downloaded: boolean;
  status?: number;
  /** hex digests by algorithm: sha1, sha256 and the one asked for. */
  digests: Record<string, string>;
}

/** $SDTD_CACHE_DIR, else $XDG_CACHE_HOME/sdtd-play, else ~/.cache/sdtd-play; downloads/ beneath. */
export function cacheDir(): string {
  const root =
    process.env.SDTD_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'sdtd-play');
  return join(root, 'downloads');
}

/** The last path segment of a URL: the file name a directory dest gets. */
export function urlBasename(url: string): string {
  const path = url.replace(/[?#].*$/, '');
  const name = posix.basename(path.replace(/^[a-z]+:\/\/[^/]*/i, '')) || 'index.html';
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

// many hosts plan at once: one request per URL, and one download per cache entry
const texts = new Map<string, Promise<string>>();
const inflight = new Map<string, Promise<Cached>>();

/** A small text (a checksum file), fetched once per run. */
export function fetchText(url: string, o: FetchOpts): Promise<string> {
  let p = texts.get(url);
  if (!p) {
    p = (async () => {
      const chunks: Buffer[] = [];
      await transfer(url, o, (c) => chunks.push(c));
      return Buffer.concat(chunks).toString('utf8');
    })();
    p.catch(() => texts.delete(url));
    texts.set(url, p);
  }
  return p;
}

/** url in the cache (keyed by the expected digest, else by the URL), downloading it unless there and right. */
export function fetchToCache(
  url: string,
  o: FetchOpts & { want?: Digest; force?: boolean },
): Promise<Cached> {
  const name = urlBasename(url).replace(/[^A-Za-z0-9._-]/g, '_');
  const key = o.want
    ? `${o.want.algo}-${o.want.hex}`
    : `url-${createHash('sha256').update(url).digest('hex').slice(0, 24)}`;
  const path = join(cacheDir(), `${key}-${name}`);
  let p = inflight.get(path);
  if (!p) {
    p = fill(url, path, o).finally(() => inflight.delete(path));
    inflight.set(path, p);
  }
  return p;
}

async function fill(url: string, path: string, o: FetchOpts & { want?: Digest; force?: boolean }) {
  const algos = [...new Set(['sha1', 'sha256', o.want?.algo ?? 'sha256'])];
  if (!o.force && existsSync(path)) {
    const { digests, size } = await hashFile(path, algos);
    // a damaged entry (disk trouble, a hand edit) is fetched again
    if (!o.want || digests[o.want.algo] === o.want.hex) return { path, size, downloaded: false, digests };
  }
  mkdirSync(cacheDir(), { recursive: true });
  const tmp = `${path}.part-${randomBytes(4).toString('hex')}`;
  try {
    const hashes = algos.map((a) => createHash(a));
    let size = 0;
    const status = await transfer(
      url,
      o,
      (c) => {
        for (const h of hashes) h.update(c);
        size += c.length;
      },
      tmp,
    );
    const digests = Object.fromEntries(algos.map((a, i) => [a, hashes[i].digest('hex')]));
    if (o.want && digests[o.want.algo] !== o.want.hex)
      throw new TaskFailure(
        `checksum mismatch for ${url}: expected ${o.want.algo}:${o.want.hex}, got ${o.want.algo}:${digests[o.want.algo]}`,
        { url, checksum_expected: o.want.hex, checksum_got: digests[o.want.algo] },
      );
    renameSync(tmp, path);
    return { path, size, downloaded: true, status, digests };
  } finally {
    rmSync(tmp, { force: true });
  }
}

export async function hashFile(path: string, algos: string[]) {
  const hashes = algos.map((a) => createHash(a));
  let size = 0;
  for await (const c of createReadStream(path)) {
    for (const h of hashes) h.update(c as Buffer);
    size += (c as Buffer).length;
  }
  return { size, digests: Object.fromEntries(algos.map((a, i) => [a, hashes[i].digest('hex')])) };
}

/** Stream url's body to `onChunk` (and into the file `into`); fails after `timeout` seconds without data. */
async function transfer(
  url: string,
  o: FetchOpts,
  onChunk: (c: Buffer) => void,
  into?: string,
): Promise<number | undefined> {
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => ac.abort(new Error(`no data for ${o.timeout}s`)), o.timeout * 1000);
  };
  arm();
  try {
    let status: number | undefined;
    let body: Readable;
    if (url.startsWith('file:')) body = createReadStream(fileURLToPath(url));
    else {
      const res = await fetch(url, { headers: o.headers, signal: ac.signal });
      status = res.status;
      if (!res.ok || !res.body) {
        await res.body?.cancel().catch(() => {});
        throw new TaskFailure(
          `download of ${url} failed: expected HTTP 200, got ${res.status} ${res.statusText}`,
          {
            url,
            status_code: res.status,
          },
        );
      }
      body = Readable.fromWeb(res.body as never);
    }
    const each = async function* (src: AsyncIterable<Buffer>) {
      for await (const c of src) {
        arm();
        onChunk(c);
        yield c;
      }
    };
    if (into) await pipeline(body, each, createWriteStream(into, { mode: 0o600 }), { signal: ac.signal });
    else
      for await (const c of body) {
        arm();
        onChunk(c);
      }
    return status;
  } catch (e) {
    if (e instanceof TaskFailure) throw e;
    const err = e as Error & { cause?: Error };
    const why = ac.signal.aborted ? String((ac.signal.reason as Error)?.message) : (err.cause ?? err).message;
    throw new TaskFailure(`download of ${url} failed: ${why}`, { url });
  } finally {
    clearTimeout(timer);
  }
}

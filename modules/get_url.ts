// `get_url`: put a file from a URL on the host, downloaded ON THE MANAGER (cached, checksummed) and uploaded.
import { posix } from 'node:path';
import { parseStat } from '../engine/host.js';
import { defineModule, type Plan, type Step, TaskFailure } from '../engine/module.js';
import { Bool, Obj, Type } from '../engine/schema.js';
import { shq } from '../engine/shell.js';
import { attrProps, planAttrs } from './lib/attrs.js';
import { DIGEST_HEX, findChecksum } from './lib/checksum-file.js';
import { ensure, notYet } from './lib/content.js';
import {
  type Cached,
  type Digest,
  type FetchOpts,
  fetchText,
  fetchToCache,
  urlBasename,
} from './lib/download.js';

const schema = Obj({
  url: Type.String({ description: 'http(s):// or file:// URL, fetched by the manager.' }),
  dest: Type.String({
    description: 'File to write on the host, or a directory (then the URL basename in it).',
  }),
  checksum: Type.Optional(
    Type.String({
      pattern: '^(md5|sha1|sha224|sha256|sha384|sha512):\\S+$',
      expected: 'ALGORITHM:HEX or ALGORITHM:URL of a checksum file, such as "sha256:9f86d081..."',
      description: 'Expected digest, or the URL of a checksum file that lists it.',
    }),
  ),
  force: Type.Optional(Bool({ description: 'Without checksum: fetch again and replace dest if different.' })),
  timeout: Type.Optional(
    Type.Number({ minimum: 0.1, description: 'Seconds without data before failing (10).' }),
  ),
  headers: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'HTTP request headers.' })),
  url_username: Type.Optional(Type.String({ description: 'User for HTTP basic authentication.' })),
  url_password: Type.Optional(Type.String({ description: 'Password for HTTP basic authentication.' })),
  ...attrProps,
});

export default defineModule({
  name: 'get_url',
  schema,
  async plan(args, host): Promise<Plan> {
    const o: FetchOpts = { timeout: args.timeout ?? 10, headers: { ...args.headers } };
    if (args.url_username !== undefined) {
      const cred = Buffer.from(`${args.url_username}:${args.url_password ?? ''}`).toString('base64');
      o.headers!.Authorization = `Basic ${cred}`;
    }
    const name = urlBasename(args.url);
    const want = args.checksum ? await wanted(args.checksum, name, o) : undefined;
    const sumAlgo = want?.algo ?? (args.force ? 'sha256' : undefined);

    // one round trip: where the file goes (dest, or dest/NAME), whether its directory exists, its stat and digest
    const d = shq(args.dest);
    const out = await host.run(
      [
        // a dest ending in / is meant as a directory even when it is missing (then NODIR)
        `f=${d}; if [ -d ${d} ]${args.dest.endsWith('/') ? ' || true' : ''}; then f="\${f%/}"/${shq(name)}; fi`,
        `printf '%s\\n' "$f"`,
        `if [ ! -d "$(dirname -- "$f")" ]; then echo NODIR`,
        `elif [ -e "$f" ]; then stat -L -c '%F\t%a\t%U\t%G\t%u\t%g\t%s\t%Y' -- "$f" && echo && ` +
          (sumAlgo
            ? `{ if [ -f "$f" ]; then ${sumAlgo}sum < "$f" | cut -d' ' -f1; else echo; fi; }`
            : 'echo'),
        'else echo ABSENT; fi',
      ].join('\n'),
    );
    const [path, ...rest] = out.split('\n');
    // a missing directory an earlier task may create: planned as if there, checked when the step runs
    const noDir = rest[0] === 'NODIR' ? posix.dirname(path) : undefined;
    const st = noDir === undefined ? parseStat(rest.join('\n')) : null;
    if (st && st.type !== 'file')
      throw new TaskFailure(`expected ${path} to be a regular file or absent (got a ${st.type})`);
    const attrs = { mode: args.mode, owner: args.owner, group: args.group };
    const result: Record<string, unknown> = { url: args.url, dest: path };

    let fetched: Cached | undefined;
    if (st) {
      const current = st.sha256 ?? '';
      let note: string | undefined;
      if (want) note = current === want.hex ? `${want.algo} checksum matches` : undefined;
      else if (!args.force) note = 'file already exists';
      else {
        // force without a checksum: only the new bytes can tell whether dest is out of date
        fetched = await fetchToCache(args.url, { ...o, force: true });
        note = fetched.digests.sha256 === current ? 'file is unchanged' : undefined;
      }
      if (note) {
        const a = planAttrs(path, st, attrs);
        return { steps: a.steps, diff: a.diff, note, result };
      }
    }
    const step: Step = {
      describe: `download ${args.url} on the manager, upload to ${path}`,
      run: async (h) => {
        if (noDir !== undefined)
          await ensure(
            h,
            `[ -d ${shq(noDir)} ]`,
            () => new TaskFailure(`expected the directory ${noDir} to exist (got none; create it first)`),
          );
        const c = fetched ?? (await fetchToCache(args.url, { ...o, want, force: args.force }));
        await h.upload(c.path, path, attrs);
        return {
          ...result,
          size: c.size,
          checksum_src: c.digests.sha1,
          ...(want ? { checksum: `${want.algo}:${want.hex}` } : {}),
          status_code: c.status ?? 200,
          cached: !c.downloaded,
          msg: `OK (${c.size} bytes${c.downloaded ? '' : ", from the manager's cache"})`,
        };
      },
    };
    // a present dest gets here only with a checksum (or force), so its digest was read
    const before = st ? `${sumAlgo}:${st.sha256?.slice(0, 16)}…` : 'absent';
    return {
      steps: [step],
      diff: [{ kind: 'state', what: path, before, after: `downloaded from ${args.url}` }],
      note: noDir === undefined ? undefined : notYet(`directory ${noDir}`),
      result,
    };
  },
});

/** The digest dest must have: given as hex, or looked up in a checksum file fetched by the manager. */
async function wanted(spec: string, name: string, o: FetchOpts): Promise<Digest> {
  const i = spec.indexOf(':');
  const algo = spec.slice(0, i);
  const value = spec.slice(i + 1).trim();
  const hex = /^[a-z]+:\/\//i.test(value)
    ? findChecksum(await fetchText(value, o), name, algo, value)
    : value.toLowerCase();
  if (!new RegExp(`^[0-9a-f]{${DIGEST_HEX[algo]}}$`).test(hex))
    throw new TaskFailure(
      `expected a ${DIGEST_HEX[algo]}-digit hex ${algo} digest in checksum (got ${value})`,
    );
  return { algo, hex };
}

// Table tests for get_url against a node HTTP server on 127.0.0.1; request counts prove the cache and the no-ops.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { prepareArgs } from '../../engine/module-args.js';
import { runModule } from '../../engine/run-module.js';
import getUrl from '../../modules/get_url.js';
import { parseChecksumFile } from '../../modules/lib/checksum-file.js';
import { type Fixture, fixture, testModule } from '../lib/module-tester.js';
import { hashTree } from '../lib/tree.js';

const cache = mkdtempSync(join(tmpdir(), 'sdtd-cache-'));
process.env.SDTD_CACHE_DIR = cache;

const NAME = 'app-1.0.tgz';
const BODY = randomBytes(50_000);
const hex = (algo: string, b: Buffer | string) => createHash(algo).update(b).digest('hex');
const SHA256 = hex('sha256', BODY);

/** Apache's `gpg --print-md SHA512` layout: upper-case groups of 8, wrapped under the name. */
function gpgPrintMd(name: string, b: Buffer): string {
  const groups = hex('sha512', b).toUpperCase().match(/.{8}/g)!;
  const rows = [];
  for (let i = 0; i < groups.length; i += 6) rows.push(groups.slice(i, i + 6).join(' '));
  return `${name}: ${rows.join(`\n${' '.repeat(name.length + 2)}`)}\n`;
}

const files: Record<string, string | Buffer> = {
  [`/pkg/${NAME}`]: BODY,
  [`/pkg/${NAME}.sha512`]: gpgPrintMd(NAME, BODY),
  '/pkg/SHA256SUMS': `${hex('sha256', 'x')}  other.tgz\n${SHA256} *dist/${NAME}\n`,
  '/pkg/MULTI.sha512': gpgPrintMd('other.tgz', Buffer.from('x')) + gpgPrintMd(NAME, BODY),
  '/pkg/OTHERS.sha512': gpgPrintMd('other.tgz', Buffer.from('x')) + gpgPrintMd('more.tgz', Buffer.from('y')),
};
const hits: Record<string, number> = {};
let base = '';
let server: Server;

function reset() {
  for (const k of Object.keys(hits)) delete hits[k];
  rmSync(cache, { recursive: true, force: true });
}
/** A clean slate: no requests counted, an empty cache; and dest/ or the file, when asked. */
function fresh(f: Fixture, dest?: Buffer | 'dir' | string) {
  reset();
  if (dest === 'dir') f.sh('mkdir d');
  else if (dest !== undefined) f.write(NAME, dest);
}
const pkg = (f: { p(r: string): string }, extra: Record<string, unknown> = {}) => ({
  url: `${base}/pkg/${NAME}`,
  dest: f.p(NAME),
  ...extra,
});

describe('get_url', () => {
  before(async () => {
    server = createServer((req, res) => {
      const path = req.url!;
      hits[path] = (hits[path] ?? 0) + 1;
      if (path === '/slow') return void res.writeHead(200).write('a'); // then nothing more
      if (path === '/auth' && req.headers['x-token'] !== 'sesame') return void res.writeHead(403).end();
      const body = path === '/auth' ? 'secret' : files[path];
      if (body === undefined) return void res.writeHead(404).end();
      res.writeHead(200).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as any).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
    rmSync(cache, { recursive: true, force: true });
  });

  testModule(getUrl, {
    changed: [
      {
        name: 'downloads to a file, with a mode; once',
        setup: reset,
        args: (f) => pkg(f, { mode: '0640' }),
        verify: (f, out) => {
          expect(f.read(NAME)).to.equal(BODY.toString());
          expect(statSync(f.p(NAME)).mode & 0o777).to.equal(0o640);
          expect(out.result).to.include({ size: BODY.length, cached: false, status_code: 200 });
          expect(hits[`/pkg/${NAME}`]).to.equal(1);
        },
      },
      {
        name: 'dest is a directory: the URL basename inside; sha256 given',
        setup: (f) => fresh(f, 'dir'),
        args: (f) => pkg(f, { dest: f.p('d'), checksum: `sha256:${SHA256.toUpperCase()}` }),
        verify: (f, out) => {
          expect(f.read(`d/${NAME}`)).to.equal(BODY.toString());
          expect(out.result.dest).to.equal(f.p(`d/${NAME}`));
        },
      },
      {
        name: 'checksum file in gpg --print-md format',
        setup: reset,
        args: (f) => pkg(f, { checksum: `sha512:${base}/pkg/${NAME}.sha512` }),
        verify: (f) => expect(f.read(NAME)).to.equal(BODY.toString()),
      },
      {
        name: 'checksum file listing several files (sha256sum and gpg)',
        setup: reset,
        args: (f) => pkg(f, { checksum: `sha256:${base}/pkg/SHA256SUMS` }),
        verify: async (f) => {
          const again = pkg(f, { dest: f.p('2'), checksum: `sha512:${base}/pkg/MULTI.sha512` });
          const out = await runModule(getUrl, prepareArgs(getUrl, again, { where: 't' }), f.host, {
            check: false,
          });
          expect(out.status, out.msg).to.equal('changed');
        },
      },
      {
        name: 'a cached file is uploaded without downloading again',
        setup: async (f) => {
          reset();
          const first = prepareArgs(getUrl, pkg(f, { dest: f.p('first'), checksum: `sha256:${SHA256}` }), {
            where: 't',
          });
          await runModule(getUrl, first, f.host, { check: false });
          delete hits[`/pkg/${NAME}`];
        },
        args: (f) => pkg(f, { checksum: `sha256:${SHA256}` }),
        verify: (f, out) => {
          expect(hits[`/pkg/${NAME}`]).to.equal(undefined);
          expect(out.result).to.include({ cached: true });
          expect(f.read(NAME)).to.equal(BODY.toString());
        },
      },
      {
        name: 'a host file with another checksum is replaced',
        setup: (f) => f.write(NAME, 'old'),
        args: (f) => pkg(f, { checksum: `sha256:${SHA256}` }),
        verify: (f) => expect(f.read(NAME)).to.equal(BODY.toString()),
      },
      {
        name: 'force without checksum replaces a file that differs',
        setup: (f) => f.write(NAME, 'old'),
        args: (f) => pkg(f, { force: true }),
        verify: (f) => expect(f.read(NAME)).to.equal(BODY.toString()),
      },
      {
        name: 'headers are sent',
        args: (f) => ({ url: `${base}/auth`, dest: f.p('s'), headers: { 'X-Token': 'sesame' } }),
        verify: (f) => expect(f.read('s')).to.equal('secret'),
      },
    ],
    ok: [
      {
        name: 'the host file has the checksum: nothing is downloaded',
        setup: (f) => fresh(f, BODY),
        args: (f) => pkg(f, { checksum: `sha256:${SHA256}` }),
        verify: (_f, out) => {
          expect(hits).to.deep.equal({});
          expect(out.msg).to.equal('sha256 checksum matches');
        },
      },
      {
        name: 'the host file matches a checksum file: only that is fetched',
        setup: (f) => fresh(f, BODY),
        args: (f) => pkg(f, { checksum: `sha512:${base}/pkg/${NAME}.sha512` }),
        verify: () => expect(hits[`/pkg/${NAME}`]).to.equal(undefined),
      },
      {
        name: 'dest exists, no checksum, no force (Ansible default)',
        setup: (f) => fresh(f, 'anything'),
        args: (f) => pkg(f),
        verify: (_f, out) => {
          expect(hits).to.deep.equal({});
          expect(out.msg).to.equal('file already exists');
        },
      },
      {
        name: 'force, content unchanged',
        setup: (f) => f.write(NAME, BODY),
        args: (f) => pkg(f, { force: true }),
      },
    ],
    invalid: [
      {
        name: 'checksum without algorithm',
        args: { url: 'x', dest: 'y', checksum: 'abc' },
        error: /ALGORITHM:HEX/,
      },
      { name: 'headers as a list', args: { url: 'x', dest: 'y', headers: ['a: b'] }, error: /headers/ },
      { name: 'no url', args: { dest: '/tmp/x' }, error: /expected the key "url"/ },
    ],
    failed: [
      {
        name: 'checksum mismatch says expected and got',
        args: (f) => pkg(f, { checksum: `sha256:${'0'.repeat(64)}` }),
        error: new RegExp(`checksum mismatch for .*: expected sha256:0{64}, got sha256:${SHA256}$`),
      },
      {
        name: 'HTTP 404',
        args: (f) => ({ url: `${base}/nope`, dest: f.p('x') }),
        error: /expected HTTP 200, got 404/,
      },
      { name: 'refused 403', args: (f) => ({ url: `${base}/auth`, dest: f.p('x') }), error: /got 403/ },
      {
        name: 'no data within timeout',
        args: (f) => ({ url: `${base}/slow`, dest: f.p('x'), timeout: 0.3 }),
        error: /no data for 0.3s/,
      },
      {
        name: 'missing directory given with a slash (and no earlier task made it)',
        args: (f) => pkg(f, { dest: `${f.p('nodir')}/` }),
        error: /expected the directory .*\/nodir to exist/,
      },
      {
        name: 'missing directory',
        args: (f) => pkg(f, { dest: f.p('no/x') }),
        error: /expected the directory .*\/no to exist/,
      },
      {
        name: 'checksum file without our file',
        args: (f) => pkg(f, { checksum: `sha512:${base}/pkg/OTHERS.sha512` }),
        error:
          /expected a sha512 checksum for app-1.0.tgz in .*OTHERS.sha512 \(found only other.tgz, more.tgz\)/,
      },
      {
        name: 'digest of the wrong length',
        args: (f) => pkg(f, { checksum: `sha512:${SHA256}` }),
        error: /expected a 128-digit hex sha512 digest/,
      },
    ],
  });

  it('a checksum mismatch leaves dest and the cache untouched', async () => {
    const f = fixture();
    f.write(NAME, 'old');
    const args = prepareArgs(getUrl, pkg(f, { checksum: `sha256:${'1'.repeat(64)}` }), { where: 't' });
    const out = await runModule(getUrl, args, f.host, { check: false });
    expect(out.status).to.equal('failed');
    expect(f.read(NAME)).to.equal('old');
    expect(readdirSync(f.dir)).to.deep.equal([NAME]);
    expect(readdirSync(join(cache, 'downloads')).filter((n) => n.includes('.part'))).to.deep.equal([]);
    rmSync(f.dir, { recursive: true, force: true });
  });

  it('a directory an earlier task creates: check mode predicts a change; the real run fails before downloading', async () => {
    const f = fixture();
    reset();
    const args = prepareArgs(getUrl, pkg(f, { dest: `${f.p('dl')}/` }), { where: 't' });
    const before = hashTree(f.dir);
    const predicted = await runModule(getUrl, args, f.host, { check: true });
    expect(predicted.status, predicted.msg).to.equal('changed');
    expect(predicted.msg).to.match(/directory .*\/dl does not exist yet: an earlier task must create it/);
    expect(predicted.diff[0]).to.deep.include({ kind: 'state', what: f.p(`dl/${NAME}`), before: 'absent' });
    expect(hashTree(f.dir), 'check mode changed the host').to.equal(before);
    const out = await runModule(getUrl, args, f.host, { check: false });
    expect(out.status).to.equal('failed');
    expect(out.msg).to.match(/^expected the directory .*\/dl to exist \(got none; create it first\)$/);
    expect(hits[`/pkg/${NAME}`] ?? 0, 'downloaded for nothing').to.equal(0);
    // the step checks when it runs: planned before the directory existed, it downloads once it does
    const plan = await getUrl.plan(args as never, f.host);
    f.sh('mkdir dl');
    for (const s of plan.steps) await s.run(f.host);
    expect(f.read(`dl/${NAME}`)).to.equal(BODY.toString());
    rmSync(f.dir, { recursive: true, force: true });
  });

  it('parses checksum files: sha256sum, BSD, bare, gpg', () => {
    const e = parseChecksumFile(`ab12  a.tgz\nSHA256 (b.tgz) = CD34\nEF56\nc.tgz: 0A0B 0C0D\n      0E0F\n`);
    expect(e).to.deep.equal([
      { hex: 'ab12', name: 'a.tgz' },
      { name: 'b.tgz', hex: 'cd34' },
      { hex: 'ef56' },
      { name: 'c.tgz', hex: '0a0b0c0d0e0f' },
    ]);
  });
});

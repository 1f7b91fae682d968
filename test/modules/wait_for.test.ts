// Table tests for wait_for: ports opened by a node server in the test, files appearing, timeouts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import waitFor from '../../modules/wait_for.js';
import { testModule } from '../lib/module-tester.js';

const servers: Server[] = [];
function listen(port = 0, banner?: string): Promise<number> {
  const s = createServer((sock) => (banner ? sock.end(banner) : sock.end()));
  servers.push(s);
  return new Promise((resolve) => s.listen(port, '127.0.0.1', () => resolve((s.address() as any).port)));
}
async function freePort(): Promise<number> {
  const port = await listen();
  await new Promise((r) => servers.pop()!.close(r));
  return port;
}

let open = 0;
let banner = 0;
let closed = 0;
let later = 0;
const away = mkdtempSync(join(tmpdir(), 'sdtd-wait-'));

describe('wait_for', () => {
  before(async () => {
    open = await listen();
    banner = await listen(0, 'SSH-2.0-OpenSSH_9.2\r\n');
    closed = await freePort();
    later = await freePort();
  });
  after(() => {
    for (const s of servers) s.close();
    rmSync(away, { recursive: true, force: true });
  });

  testModule(waitFor, {
    neverChanges: 'wait_for only waits: its step has changes: false',
    changed: [],
    ok: [
      {
        name: 'a port that is open',
        args: () => ({ port: open, timeout: 2 }),
        verify: (_f, out) => expect(out.result).to.include({ port: open, state: 'started' }),
      },
      {
        name: 'a port that opens after a while',
        setup: () => setTimeout(() => listen(later), 400),
        args: () => ({ port: later, timeout: 5, sleep: 0.1 }),
        verify: (_f, out) => expect(out.result.elapsed).to.be.within(0.3, 4),
      },
      {
        name: 'a closed port, stopped',
        args: () => ({ host: '127.0.0.1', port: closed, state: 'stopped', timeout: 2 }),
        verify: (_f, out) => expect(out.result).to.include({ state: 'stopped' }),
      },
      {
        name: 'a port whose banner matches',
        args: () => ({ port: banner, search_regex: 'OpenSSH_\\d', timeout: 2, connect_timeout: 1 }),
      },
      {
        name: 'a file that appears later (outside the fixture)',
        setup: () => setTimeout(() => writeFileSync(join(away, 'ready'), ''), 300),
        args: () => ({ path: join(away, 'ready'), timeout: 5, sleep: 0.1 }),
        verify: (_f, out) => expect(out.result.elapsed).to.be.within(0.2, 4),
      },
      {
        name: 'a file with a matching line',
        setup: (f) => f.write('log', 'booting\nserver started in 3 s\n'),
        args: (f) => ({ path: f.p('log'), search_regex: 'started in \\d+ s', timeout: 2 }),
      },
      {
        name: 'an absent file, absent; after a delay',
        args: (f) => ({ path: f.p('gone'), state: 'absent', delay: 0.3, timeout: 2 }),
        verify: (_f, out) => expect(out.result.elapsed).to.be.at.least(0.3),
      },
    ],
    invalid: [
      { name: 'port not a number', args: { port: 'http' }, error: /port/ },
      { name: 'misspelt state', args: { port: 80, state: 'stoped' }, error: /did you mean "stopped"/ },
      { name: 'unknown key', args: { port: 80, timout: 3 }, error: /did you mean "timeout"/ },
    ],
    failed: [
      {
        name: 'a closed port times out',
        args: () => ({ port: closed, timeout: 1, sleep: 0.2 }),
        error: /^timed out after 1s waiting for port 127.0.0.1:\d+ to open \(it stayed closed\)$/,
      },
      {
        name: 'an open port never stops',
        args: () => ({ port: open, state: 'stopped', timeout: 1, sleep: 0.2 }),
        error: /to close \(it stayed open\)/,
      },
      {
        name: 'a missing file times out, with msg',
        args: (f) => ({ path: f.p('never'), timeout: 1, sleep: 0.2, msg: 'kafka did not write its pid' }),
        error: /^kafka did not write its pid$/,
      },
      {
        name: 'a file without the pattern',
        setup: (f) => f.write('log', 'booting\n'),
        args: (f) => ({ path: f.p('log'), search_regex: 'started', timeout: 1, sleep: 0.2 }),
        error: /log to contain \/started\/ \(no matching line\)/,
      },
      {
        name: 'port and path together',
        args: (f) => ({ port: open, path: f.p('x') }),
        error: /not both/,
      },
    ],
  });
});

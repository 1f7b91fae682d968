// Running playbooks in process against the fake EC2 (so its mock applies): events, changed tasks, recap.
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunEvent } from '../../engine/events.js';
import { loadInventory } from '../../engine/inventory/index.js';
import { loadPlaybook } from '../../engine/playbook.js';
import { runPlaybooks } from '../../engine/run-playbook.js';
import { ROOT } from './cli.js';

export interface PlayRun {
  exitCode: number;
  events: RunEvent[];
  /** `task [item]` of every changed result, in order. */
  changed: string[];
  /** The recap's changed count for localhost. */
  changedCount: number;
  failures: string[];
}

export async function play(
  file: string,
  extraVars: Record<string, unknown>,
  check = false,
): Promise<PlayRun> {
  const events: RunEvent[] = [];
  const inventory = await loadInventory([], { cwd: ROOT });
  const pb = loadPlaybook(join(ROOT, file));
  inventory.addVarsDir(pb.dir);
  const out = await runPlaybooks({
    playbooks: [pb],
    inventory,
    extraVars,
    emit: (e) => {
      events.push(e);
    },
    opts: { check, diff: true, forks: 5, verbosity: 0, tags: [], skipTags: [], forceHandlers: false },
  });
  const results = events.flatMap((e) => (e.type === 'host_result' ? [e] : []));
  return {
    exitCode: out.exitCode,
    events,
    changed: results
      .filter((r) => r.status === 'changed')
      .map((r) => `${r.task}${r.item ? ` [${r.item}]` : ''}`),
    changedCount: out.stats.localhost?.changed ?? 0,
    failures: results.filter((r) => r.status === 'failed').map((r) => `${r.task}: ${r.msg}`),
  };
}

/** A TCP server that greets like sshd, on 127.0.0.1: what "SSH answers" waits for, without a real host. */
export async function fakeSshd(): Promise<{ port: number; server: Server }> {
  const server = createServer((s) => s.end('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, server };
}

export const tempKeyPath = () => join(mkdtempSync(join(tmpdir(), 'sdtd-aws-')), 'sdtd_ed25519');

// Handlers: run once per flush in definition order on the hosts that notified them; notifications persist on the host.
import { createHash } from 'node:crypto';
import { connectionInfo } from './connections.js';
import { makeHost } from './host.js';
import { renderText } from './render.js';
import { active, type PlayCtx } from './run-context.js';
import { runTask } from './run-task.js';
import { shq } from './shell.js';
import type { ModuleTask } from './task-model.js';
import { scope } from './vars.js';

/**
 * Where a host keeps the notifications its play has not run yet. A run that fails after a change still
 * restarts the service at the next run (Ansible loses them: ansible/ansible#10498).
 */
export function pendingFile(pc: PlayCtx, host: string): string {
  const s = scope(pc.vars, pc.pv, host, undefined);
  const dir = String(s.sdtd_state_dir ?? '/var/lib/sdtd-play');
  const id = createHash('sha1').update(pc.pv.play.id).digest('hex').slice(0, 16);
  return `${dir}/pending-handlers/${id}.json`;
}

/** Shell snippet printing `pending=<json>` (empty when none): run with the facts at play start. */
export function readPendingScript(file: string): string {
  return `echo "pending=$(cat ${shq(file)} 2>/dev/null | tr -d '\\n')"`;
}

export function parsePending(out: string): string[] {
  const line = out.split('\n').find((l) => l.startsWith('pending='));
  const json = line?.slice('pending='.length).trim();
  if (!json) return [];
  try {
    const v = JSON.parse(json) as { handlers?: unknown };
    return Array.isArray(v.handlers) ? v.handlers.map(String) : [];
  } catch {
    return [];
  }
}

async function hostFor(pc: PlayCtx, host: string) {
  const s = scope(pc.vars, pc.pv, host, pc.pv.play.inh);
  const transport = await pc.conns.get(connectionInfo(host, s, pc.pv.play.connection));
  const inh = pc.pv.play.inh;
  return makeHost({
    name: host,
    transport,
    become: inh.become ? { user: inh.becomeUser ?? 'root' } : undefined,
    vars: s,
    searchDirs: [],
    render: (t) => renderText(t, s),
  });
}

/** Record the host's pending notifications on the host itself (or remove the record when none are left). */
export async function persistNotified(pc: PlayCtx, host: string): Promise<void> {
  if (pc.opts.check || !pc.pv.play.handlers.length) return;
  const names = [...(pc.notified.get(host) ?? [])];
  const file = pendingFile(pc, host);
  const h = await hostFor(pc, host);
  if (!names.length) {
    await h.exec(`rm -f ${shq(file)}`);
    return;
  }
  const body = JSON.stringify({ play: pc.pv.play.id, handlers: names });
  const dir = file.slice(0, file.lastIndexOf('/'));
  await h.run(
    `mkdir -p ${shq(dir)} && cat > ${shq(`${file}.tmp`)} && mv -f ${shq(`${file}.tmp`)} ${shq(file)}`,
    { stdin: body },
  );
}

function matches(h: ModuleTask, names: Set<string>): boolean {
  return (h.named && names.has(h.name)) || h.listen.some((t) => names.has(t));
}

/** Run notified handlers (flush): each handler once, in definition order, on the hosts that notified it. */
export async function runHandlers(pc: PlayCtx, hosts: string[]): Promise<void> {
  for (let pass = 0; pass < 10; pass++) {
    const eligible = hosts.filter(
      (h) =>
        pc.notified.get(h)?.size &&
        (pc.status.get(h) === 'active' ||
          ((pc.opts.forceHandlers || pc.pv.play.forceHandlers) && pc.status.get(h) === 'failed')),
    );
    if (!eligible.length || pc.stop.interrupted) return;
    // take this pass's notifications; handlers notifying handlers feed the next pass
    const taken = new Map(eligible.map((h) => [h, pc.notified.get(h)!]));
    for (const h of eligible) pc.notified.set(h, new Set());
    const unknown = new Set(
      [...taken.values()]
        .flatMap((s) => [...s])
        .filter((n) => !pc.handlers.some((hd) => matches(hd, new Set([n])))),
    );
    for (const n of unknown)
      pc.emit({ type: 'warning', msg: `notified handler "${n}" is not defined in this play` });
    for (const [i, handler] of pc.handlers.entries()) {
      const on = eligible.filter(
        (h) =>
          matches(handler, taken.get(h)!) &&
          (pc.status.get(h) === 'active' || pc.opts.forceHandlers || pc.pv.play.forceHandlers),
      );
      if (!on.length) continue;
      if (pc.stop.interrupted) {
        requeue(pc, on, pc.handlers.slice(i), taken);
        break;
      }
      const forced = on.filter((h) => pc.status.get(h) === 'failed');
      for (const h of forced) pc.status.set(h, 'active');
      const results = await runTask(pc, handler, active(pc, on), true);
      for (const h of forced) if (pc.status.get(h) === 'active') pc.status.set(h, 'failed');
      // a host whose handler failed keeps the handlers it has not run, for the next run
      const failed = on.filter(
        (h) => results.get(h)?.status === 'failed' || results.get(h)?.status === 'unreachable',
      );
      requeue(pc, failed, pc.handlers.slice(i), taken);
    }
    await Promise.all(eligible.map((h) => persistNotified(pc, h).catch(() => undefined)));
  }
}

function requeue(pc: PlayCtx, hosts: string[], rest: ModuleTask[], taken: Map<string, Set<string>>): void {
  for (const h of hosts) {
    const set = pc.notified.get(h)!;
    for (const n of taken.get(h)!) if (rest.some((hd) => matches(hd, new Set([n])))) set.add(n);
  }
}

// Runs one play: its hosts in serial batches, facts and pending handlers first, then each section and its handlers.

import { resolve } from 'node:path';
import { connectionInfo } from './connections.js';
import { describeValue, type Position, SdtdError } from './errors.js';
import { countResult } from './events.js';
import { FACTS_SCRIPT, parseFacts } from './facts.js';
import { parsePending, pendingFile, readPendingScript, runHandlers } from './handlers.js';
import { loadYamlFile, posOf } from './load.js';
import { hasTemplate, renderDeep, renderString } from './render.js';
import type { PlayCtx, RunCtx } from './run-context.js';
import { runFree } from './run-free.js';
import { runList } from './run-list.js';
import { display } from './task-files.js';
import type { Play } from './task-model.js';
import { UnreachableError } from './transports/transport.js';
import { hostState, type InventoryVars, type PlayVars, scope } from './vars.js';
import { askVarsPrompt } from './vars-prompt.js';

export interface PlayInventory extends InventoryVars {
  select(pattern: string, opts?: { pos?: Position; where?: string }): string[];
}

/** serial: a number, "30%", or a list of them (the last repeats); no serial = one batch of all hosts. */
export function batches(hosts: string[], serial: (number | string)[] | undefined): string[][] {
  if (!serial?.length) return [hosts];
  const out: string[][] = [];
  let i = 0;
  let k = 0;
  while (i < hosts.length) {
    const s = serial[Math.min(k++, serial.length - 1)];
    const n =
      typeof s === 'string' && s.endsWith('%')
        ? Math.ceil((Number.parseFloat(s) / 100) * hosts.length)
        : Number(s);
    if (!Number.isFinite(n) || n <= 0)
      throw new SdtdError(
        'schema',
        `expected serial to be a positive number or percentage (got ${describeValue(s)})`,
      );
    out.push(hosts.slice(i, i + n));
    i += n;
  }
  return out;
}

function ordered(hosts: string[], order: Play['order']): string[] {
  if (order === 'sorted') return [...hosts].sort();
  if (order === 'reverse_sorted') return [...hosts].sort().reverse();
  if (order === 'reverse_inventory') return [...hosts].reverse();
  return hosts;
}

/** Play vars, vars_prompt answers, then vars_files (names may use play and extra vars), in order. */
function playVars(
  rc: RunCtx,
  play: Play,
  prompted: Record<string, unknown>,
  firstHost: string | undefined,
): Record<string, unknown> {
  const vars = { ...play.vars, ...prompted };
  for (const f of play.varsFiles) {
    const pre: PlayVars = { play, vars, hosts: [], batch: [] };
    const name = String(
      renderDeep(
        f,
        firstHost ? scope(rc.vars, pre, firstHost, undefined) : { ...vars, ...rc.vars.extraVars },
      ),
    );
    const path = resolve(play.dir, name);
    const v = loadYamlFile(path, play.pos, display(path));
    if (v === null) continue;
    if (typeof v !== 'object' || Array.isArray(v))
      throw new SdtdError(
        'schema',
        `expected vars file ${name} to hold a mapping (got ${describeValue(v)})`,
        { pos: posOf(v) ?? play.pos },
      );
    Object.assign(vars, v);
  }
  return vars;
}

/** Returns false when the play was aborted (any_errors_fatal, max_fail_percentage): the playbook stops. */
export async function runPlay(
  rc: RunCtx,
  play: Play,
  inv: PlayInventory,
  limit: Set<string> | undefined,
): Promise<boolean> {
  const prompted = await askVarsPrompt(play, rc.vars.extraVars);
  // `hosts: "{{ target }}"`: rendered with the play's, the prompted and the extra variables, as Ansible does
  const pattern = hasTemplate(play.hosts)
    ? String(renderString(play.hosts, { ...play.vars, ...prompted, ...rc.vars.extraVars }))
    : play.hosts;
  const selected = inv.select(pattern, { pos: play.pos, where: `play "${play.name}" > hosts` });
  const hosts = ordered(
    selected.filter((h) => (!limit || limit.has(h)) && !rc.out.has(h)),
    play.order,
  );
  await rc.emit({ type: 'play_start', name: play.name, hosts, pos: play.pos, strategy: play.strategy });
  if (!hosts.length) {
    rc.emit({ type: 'warning', msg: `play "${play.name}": no hosts matched "${play.hosts}"`, pos: play.pos });
    return true;
  }
  for (const batch of batches(hosts, play.serial)) {
    if (rc.stop.interrupted) break;
    const pv: PlayVars = { play, vars: playVars(rc, play, prompted, batch[0]), hosts, batch };
    const pc: PlayCtx = {
      ...rc,
      pv,
      status: new Map(batch.map((h) => [h, 'active'])),
      notified: new Map(),
      handlers: [...play.handlers],
      sink: { roles: [...play.roles], handlers: [], seen: new Set() },
    };
    await startHosts(pc);
    for (const section of [play.preTasks, play.tasks, play.postTasks]) {
      await (play.strategy === 'free' ? runFree(pc, section, batch) : runList(pc, section, batch));
      if (!pc.stop.interrupted) await runHandlers(pc, batch);
    }
    for (const h of batch) {
      const st = pc.status.get(h);
      if (st === 'failed' || st === 'unreachable') rc.out.set(h, st);
    }
    if (pc.abort) {
      rc.emit({ type: 'warning', msg: `play "${play.name}" stopped: ${pc.abort}` });
      rc.emit({ type: 'play_end', name: play.name });
      return false;
    }
  }
  rc.emit({ type: 'play_end', name: play.name });
  return true;
}

/** One round trip per host: facts (if gathered) and the handler notifications an earlier run left pending. */
async function startHosts(pc: PlayCtx): Promise<void> {
  const play = pc.pv.play;
  const wantPending = play.handlers.length > 0;
  if (!play.gatherFacts && !wantPending) return;
  const id = pc.nextTaskId.n++;
  const name = play.gatherFacts ? 'Gathering Facts' : 'Reading pending handlers';
  await pc.emit({ type: 'task_start', id, name, hosts: pc.pv.batch, handler: false, pos: play.pos });
  const t0 = Date.now();
  await Promise.all(
    pc.pv.batch.map(async (h) => {
      const s = scope(pc.vars, pc.pv, h, play.inh);
      const info = connectionInfo(h, s, play.connection);
      const script = [
        play.gatherFacts ? FACTS_SCRIPT : '',
        wantPending ? readPendingScript(pendingFile(pc, h)) : '',
      ]
        .filter(Boolean)
        .join('\n');
      try {
        const t = await pc.conns.get(info);
        const r = await t.exec(script);
        if (play.gatherFacts) hostState(pc.vars, h).facts = parseFacts(r.stdout);
        const pending = parsePending(r.stdout);
        if (pending.length) {
          pc.notified.set(h, new Set(pending));
          pc.emit({
            type: 'warning',
            msg: `${h}: handlers pending from an earlier run: ${pending.join(', ')}`,
          });
        }
        countResult(pc.stats, h, 'ok');
        pc.emit({
          type: 'host_result',
          taskId: id,
          task: name,
          host: h,
          status: 'ok',
          durationMs: Date.now() - t0,
        });
      } catch (e) {
        if (!(e instanceof UnreachableError)) throw e;
        pc.status.set(h, 'unreachable');
        countResult(pc.stats, h, 'unreachable');
        pc.emit({
          type: 'host_result',
          taskId: id,
          task: name,
          host: h,
          status: 'unreachable',
          msg: e.message,
          durationMs: Date.now() - t0,
        });
      }
    }),
  );
  await pc.emit({ type: 'task_end', id, durationMs: Date.now() - t0 });
}

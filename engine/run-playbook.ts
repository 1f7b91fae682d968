// Runs playbooks end to end: load everything first, then the plays in order, then the recap and the exit code.
import { Connections } from './connections.js';
import { EXIT } from './errors.js';
import type { Emit, HostStats } from './events.js';
import type { Playbook } from './playbook.js';
import type { RunCtx, RunOptions } from './run-context.js';
import { type PlayInventory, runPlay } from './run-play.js';

export interface RunInput {
  playbooks: Playbook[];
  inventory: PlayInventory;
  /** Hosts --limit allows (undefined: no limit). */
  limit?: Set<string>;
  extraVars: Record<string, unknown>;
  opts: RunOptions;
  emit: Emit;
  /** Flipped by the CLI on Ctrl-C. */
  stop?: { interrupted: boolean };
}

export interface RunOutcome {
  exitCode: number;
  stats: Record<string, HostStats>;
}

export async function runPlaybooks(input: RunInput): Promise<RunOutcome> {
  const { opts, emit } = input;
  const started = Date.now();
  const rc: RunCtx = {
    opts,
    vars: {
      inventory: input.inventory,
      extraVars: input.extraVars,
      hosts: new Map(),
      check: opts.check,
      diff: opts.diff,
      forks: opts.forks,
      tags: opts.tags,
      skipTags: opts.skipTags,
    },
    emit,
    conns: new Connections(),
    stats: new Map(),
    timings: [],
    stop: input.stop ?? { interrupted: false },
    startAt: { pending: !!opts.startAtTask, name: opts.startAtTask },
    nextTaskId: { n: 1 },
    out: new Map(),
  };
  try {
    outer: for (const pb of input.playbooks) {
      emit({ type: 'playbook_start', file: pb.file, check: opts.check });
      for (const play of pb.plays) {
        if (rc.stop.interrupted) break outer;
        if (!(await runPlay(rc, play, input.inventory, input.limit))) break outer;
      }
    }
  } finally {
    await rc.conns.closeAll();
  }
  if (rc.stop.interrupted) emit({ type: 'interrupted' });
  const stats = Object.fromEntries([...rc.stats.entries()].sort(([a], [b]) => a.localeCompare(b)));
  const slowest = [...rc.timings].sort((a, b) => b.durationMs - a.durationMs).slice(0, 10);
  await emit({ type: 'recap', stats, slowest, durationMs: Date.now() - started });
  const all = Object.values(stats);
  const exitCode = rc.stop.interrupted
    ? EXIT.interrupted
    : all.some((s) => s.failed > 0)
      ? EXIT.failed
      : all.some((s) => s.unreachable > 0)
        ? EXIT.unreachable
        : EXIT.ok;
  return { exitCode, stats };
}

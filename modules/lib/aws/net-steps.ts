// The steps of a network module's plan (create, modify, tag, delete, observe) with their diffs and notes.
import type { Plan, StateDiff, Step } from '../../../engine/module.js';
import { TaskFailure } from '../../../engine/module.js';
import { awsTiming, backoffMs, type Ec2 } from './client.js';
import { applyTagChange, isNoChange, showTags, type TagMap, tagChange } from './tags.js';

/** An id known now, or only once an earlier step of the same plan has made the resource. */
export class Ref {
  constructor(public id?: string) {}
  get(): string {
    if (!this.id) throw new TaskFailure('expected an id from an earlier step (got none)');
    return this.id;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll READ until DONE (a new resource becoming available); fails naming what it last saw. */
export async function until<T>(
  what: string,
  read: () => Promise<T | undefined>,
  done: (x: T) => boolean,
  show: (x: T | undefined) => string,
  timeoutS = 300,
): Promise<T> {
  const end = Date.now() + timeoutS * 1000;
  let delay = awsTiming.waitMinDelay;
  for (;;) {
    const x = await read();
    if (x !== undefined && done(x)) return x;
    if (Date.now() + delay * 1000 > end)
      throw new TaskFailure(`expected ${what} within ${timeoutS} s (got ${show(x)})`);
    await sleep(delay * 1000);
    delay = Math.min(delay * 2, awsTiming.waitMaxDelay);
  }
}

/**
 * Run a delete: gone already is fine (another run, or AWS, got there first). DependencyViolation is retried
 * with backoff for a while, since a terminated instance's interfaces linger for a minute; then it is said in
 * words: something still uses WHAT, and the order of removal matters.
 */
export async function deleting(what: string, run: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await run();
      return;
    } catch (e) {
      const code = (e as TaskFailure).result?.aws_error_code;
      if (typeof code === 'string' && /\.NotFound$/.test(code)) return;
      if (code !== 'DependencyViolation') throw e;
      if (attempt < awsTiming.attempts) {
        await sleep(backoffMs(attempt));
        continue;
      }
      const why = /DependencyViolation: (.*)\)$/.exec((e as Error).message)?.[1] ?? '';
      throw new TaskFailure(
        `expected nothing left using ${what} (got DependencyViolation: ${why}); playbooks/teardown.yml removes things in order`,
        { aws_error_code: code },
      );
    }
  }
}

/** A step making an API call; what RUN returns is dropped (an observing step says what came of it). */
export function callStep(describe: string, run: () => Promise<unknown>, changes = true): Step {
  return {
    describe,
    changes,
    run: async () => {
      await run();
      return undefined;
    },
  };
}

export class NetPlan {
  readonly steps: Step[] = [];
  readonly diff: StateDiff[] = [];
  readonly notes: string[] = [];

  constructor(readonly ec2: Ec2) {}

  get sdk() {
    return this.ec2.sdk;
  }

  step(describe: string, run: () => Promise<unknown>, changes = true): void {
    this.steps.push(callStep(describe, run, changes));
  }

  /** Delete WHAT ("subnet subnet-1 (web)"): present -> absent in the diff, and a step that tolerates it gone. */
  remove(what: string, send: () => Promise<unknown>): void {
    this.state(what, 'present', 'absent');
    this.step(`delete ${what}`, () => deleting(what, send));
  }

  state(what: string, before: string, after: string): void {
    this.diff.push({ kind: 'state', what, before, after });
  }

  note(n: string): void {
    if (!this.notes.includes(n)) this.notes.push(n);
  }

  /** Reconcile tags of an existing resource; returns the tags it will have. */
  tag(id: string, label: string, current: TagMap, want: { tags: TagMap; purge: boolean }): TagMap {
    const c = tagChange(current, want.tags, want.purge);
    if (isNoChange(c)) return current;
    const after = applyTagChange(current, c);
    this.state(`${label} tags`, showTags(current), showTags(after));
    const parts = [
      Object.keys(c.set).length ? `set ${showTags(c.set)}` : '',
      c.unset.length ? `remove ${c.unset.join(', ')}` : '',
    ].filter(Boolean);
    const { sdk } = this;
    this.step(`tag ${label}: ${parts.join('; ')}`, async () => {
      if (Object.keys(c.set).length)
        await this.ec2.send(
          new sdk.CreateTagsCommand({
            Resources: [id],
            Tags: Object.entries(c.set).map(([Key, Value]) => ({ Key, Value })),
          }),
          { retryNotFound: true },
        );
      if (c.unset.length)
        await this.ec2.send(
          new sdk.DeleteTagsCommand({ Resources: [id], Tags: c.unset.map((Key) => ({ Key })) }),
        );
    });
    return after;
  }

  /** The last step when anything changes: the resource as it is now, for `register:`. */
  observe(read: () => Promise<Record<string, unknown>>): void {
    if (this.steps.length) this.steps.push({ describe: 'describe the result', changes: false, run: read });
  }

  done(result: Record<string, unknown>, note?: string): Plan {
    const notes = note ? [note, ...this.notes] : this.notes;
    return {
      steps: this.steps,
      diff: this.diff,
      note: notes.length ? notes.join('; ') : undefined,
      result: { ...result, region: this.ec2.region },
    };
  }
}

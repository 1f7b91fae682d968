// Planning a whole-file write: compare sha256, keep attributes, predict the result, show a content diff.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { SdtdError } from '../../engine/errors.js';
import {
  type ContentDiff,
  type Diff,
  type Host,
  type Plan,
  type Step,
  TaskFailure,
  type WriteAttrs,
} from '../../engine/module.js';
import { shq } from '../../engine/shell.js';
import { attrDiffs, planAttrs } from './attrs.js';
import { applyMode, modeText } from './mode.js';
import type { Probe } from './probe.js';
import { mkdirStep, validateCommand, writeStep } from './write.js';

/** Ansible's limit for showing a diff (max_diff_size). */
export const MAX_DIFF = 104448;

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The text of some bytes, or null when they are binary (NUL, not UTF-8) or too large to diff. */
export function textOf(x: Buffer | string): string | null {
  if (x.length > MAX_DIFF) return null;
  // a string came through a UTF-8 decoder: U+FFFD stands for bytes that were not UTF-8
  if (typeof x === 'string') return x.includes('\0') || x.includes('\uFFFD') ? null : x;
  if (x.includes(0)) return null;
  try {
    return utf8.decode(x);
  } catch {
    return null;
  }
}

/** Where copy/template write: dest, or dest/base when dest ends in / (created) or is a directory. */
export function destTarget(
  dest: string,
  base?: string,
): { path: string; intoDir?: string; makeDir?: string } {
  if (!dest.endsWith('/')) return { path: dest, intoDir: base };
  if (!base)
    throw new TaskFailure(`dest ${dest} ends with / but there is no src file name to use: give a file path`);
  return { path: posix.join(dest, base), makeDir: dest.replace(/\/+$/, '') || '/' };
}

export interface PlaceOpts {
  probe: Probe;
  /** New bytes from the manager, or (remote_src) a file on the host with its checksum and size. */
  content: { data: Buffer | string } | { remotePath: string; sha256: string; size: number };
  attrs: WriteAttrs;
  backup?: boolean;
  validate?: string;
  /** false: leave an existing dest as it is (copy/template force). */
  force?: boolean;
  /** The old text when already read (edits), so the diff needs no second read. */
  before?: string | null;
  /** Create dest's parent first (dest ending in /, lineinfile create). Otherwise a missing parent fails. */
  makeDir?: { path: string; mode?: string; owner?: string; group?: string };
  /** Short message for the result when something is written (lineinfile's "line added"). */
  msg?: string;
}

/** The steps (none when dest already is as asked), the diff, and the predicted result. */
export async function planPlace(host: Host, o: PlaceOpts): Promise<Plan> {
  const { path, st } = o.probe;
  if (st?.type === 'directory') throw new TaskFailure(`expected ${path} to be a file (got a directory)`);
  if (o.validate) validateCommand(o.validate, path);
  const data = 'data' in o.content ? o.content.data : null;
  const sum = data !== null ? sha256(data) : (o.content as { sha256: string }).sha256;
  const size = data !== null ? Buffer.byteLength(data) : (o.content as { size: number }).size;
  const isFile = st?.type === 'file';
  const cur = isFile ? st.mode : '0644';
  const result: Record<string, unknown> = {
    dest: path,
    checksum: sum,
    size,
    mode: o.attrs.mode ? modeText(applyMode(Number.parseInt(cur, 8), o.attrs.mode, false)) : cur,
    owner: o.attrs.owner ?? (isFile ? st.owner : o.probe.user),
    group: o.attrs.group ?? (isFile ? st.group : o.probe.group),
  };
  if (st && o.force === false)
    return { steps: [], note: `${path} exists and force is false: left as it is`, result: { dest: path } };
  if (isFile && st.sha256 === sum) {
    const a = planAttrs(path, st, o.attrs);
    return { steps: a.steps, diff: a.diff, result };
  }
  const steps: Step[] = [];
  // a missing parent an earlier task may create (file: state=directory): planned as if there, checked when written
  let needDir: string | undefined;
  if (!o.probe.parentExists) {
    if (o.makeDir) {
      const { path: dir, ...attrs } = o.makeDir;
      steps.push(mkdirStep(dir, attrs));
    } else needDir = posix.dirname(path);
  }
  const write = writeStep({
    dest: path,
    attrs: o.attrs,
    backup: o.backup,
    validate: o.validate,
    content: data !== null ? { data } : { remotePath: (o.content as { remotePath: string }).remotePath },
    describe: `${st ? 'replace' : 'create'} ${path} (${size} bytes${o.validate ? ', validated' : ''})`,
  });
  if (needDir === undefined) steps.push(write);
  else {
    const dir = needDir;
    const noDir = () =>
      new TaskFailure(
        `expected directory ${dir} to exist (it does not: create it first, or end dest with / to have it made)`,
      );
    steps.push({
      describe: write.describe,
      run: async (h) => {
        await ensure(h, `[ -d ${shq(dir)} ]`, noDir);
        return write.run(h);
      },
    });
  }
  const diff: Diff[] = [];
  let note: string | undefined = [o.msg, needDir && notYet(`directory ${needDir}`)]
    .filter(Boolean)
    .join('; ');
  const before = o.before !== undefined ? o.before : await oldText(host, o.probe);
  const after = data !== null ? textOf(data) : null;
  if (before !== null && after !== null) diff.push(contentDiff(path, before, after));
  else {
    const why = data === null ? 'the new content is on the host' : 'binary, not UTF-8, or over 100 KiB';
    note = [note, `diff not shown: ${why}`].filter(Boolean).join('; ');
  }
  if (isFile) diff.push(...attrDiffs(path, st, o.attrs));
  return { steps, diff, note: note || undefined, result };
}

/**
 * The note of a plan made as if a missing precondition held: a directory, a file or a group an earlier
 * task of the same run may create. Check mode then predicts a change instead of failing.
 */
export function notYet(what: string): string {
  return `${what} does not exist yet: an earlier task must create it`;
}

/** For a step planned by that rule: when it runs, the shell test must pass, else the task fails (fail()). */
export async function ensure(host: Host, test: string, fail: () => TaskFailure): Promise<void> {
  if ((await host.exec(test)).rc !== 0) throw fail();
}

/** Apply a plan's steps from within a step (one that plans again when it runs), merging what they return. */
export async function applyPlan(plan: Plan, host: Host): Promise<Record<string, unknown>> {
  if (plan.fail) throw new TaskFailure(plan.fail, plan.result);
  const out: Record<string, unknown> = { ...plan.result };
  for (const s of plan.steps) Object.assign(out, await s.run(host));
  return out;
}

/** A src on the manager (role's files/ or templates/, then the playbook's); a missing one fails the task, not the run. */
export function findLocal(host: Host, kind: 'files' | 'templates', src: string): string {
  try {
    return host.localPath(kind, src);
  } catch (e) {
    if (e instanceof SdtdError) throw new TaskFailure(e.message);
    throw e;
  }
}

export function contentDiff(path: string, before: string, after: string): ContentDiff {
  return { kind: 'content', path, before, after };
}

/** The old text for the diff ('' when absent), read only once we know the content differs. */
async function oldText(host: Host, p: Probe): Promise<string | null> {
  if (!p.st) return '';
  if (p.st.type === 'link') return null;
  if (p.st.size > MAX_DIFF) return null;
  const text = await host.read(p.path);
  return text === null ? '' : textOf(text);
}

// Planning an in-place text edit (lineinfile, blockinfile): one read of stat and text, the new text computed here.
import { posix } from 'node:path';
import { type Host, type Plan, TaskFailure, type WriteAttrs } from '../../engine/module.js';
import { planAttrs } from './attrs.js';
import { applyPlan, contentDiff, notYet, planPlace } from './content.js';
import { probe } from './probe.js';

export interface EditOpts {
  path: string;
  /** absent: an absent file is already fine. present: it is created only with create. */
  state: 'present' | 'absent';
  create?: boolean;
  backup?: boolean;
  validate?: string;
  attrs: WriteAttrs;
  /** The new text from the old one ('' for a file being created), and what was done. */
  edit(before: string): { after: string; msg: string };
}

/** strict: plan as the step planned before the file existed, which fails if it still does not. */
export async function planEdit(host: Host, o: EditOpts, strict = false): Promise<Plan> {
  // links are followed, as Ansible does for these modules: the real file is edited, the link stays
  const p = await probe(host, o.path, { follow: true, content: true });
  const result = { path: o.path };
  if (!p.st) {
    if (o.state === 'absent') return { steps: [], note: `${o.path} does not exist`, result };
    if (!o.create) {
      const missing = `expected ${o.path} to exist (it does not; set create: true to create it)`;
      if (strict) throw new TaskFailure(missing, { rc: 257 });
      // an earlier task (copy, template) may create it: a change, planned again and checked when the step runs;
      // the edit of an empty text stands for the diff, and still fails on bad arguments (a wrong regexp)
      const { after } = o.edit('');
      return {
        steps: [{ describe: `edit ${o.path}`, run: async (h) => applyPlan(await planEdit(h, o, true), h) }],
        diff: [contentDiff(o.path, '', after)],
        note: notYet(`file ${o.path}`),
        result,
      };
    }
  } else if (p.st.type !== 'file') {
    throw new TaskFailure(`expected ${o.path} to be a regular file (got a ${p.st.type})`);
  }
  const before = p.content ?? '';
  if (before.includes('\uFFFD'))
    throw new TaskFailure(
      `expected ${o.path} to be UTF-8 text (it holds other bytes, which an edit would garble)`,
    );
  const { after, msg } = o.edit(before);
  if (p.st && after === before) {
    const a = planAttrs(p.path, p.st, o.attrs);
    return { steps: a.steps, diff: a.diff, result };
  }
  const plan = await planPlace(host, {
    probe: p,
    content: { data: after },
    attrs: o.attrs,
    backup: o.backup,
    validate: o.validate,
    before: p.st ? before : '',
    makeDir: { path: posix.dirname(p.path) },
    msg: p.st ? msg : 'File created',
  });
  return { ...plan, result: { ...result, ...plan.result } };
}

// `template`: render a file from templates/ on the manager with the task's variables and put it at dest (Ansible's template).
import { readFileSync, statSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { posix } from 'node:path';
import { SdtdError } from '../engine/errors.js';
import { defineModule, type Plan, TaskFailure } from '../engine/module.js';
import { templateLine } from '../engine/render.js';
import { Bool, Enum, Mode, Obj, Type } from '../engine/schema.js';
import { attrProps } from './lib/attrs.js';
import { destTarget, findLocal, planPlace } from './lib/content.js';
import { probe } from './lib/probe.js';
import { replaceProps } from './lib/write.js';

const schema = Obj({
  src: Type.String({
    description: "Template file on the manager (the role's templates/, then the playbook's).",
  }),
  dest: Type.String({
    description: 'Where to write. Ending in / or an existing directory: dest/basename(src).',
  }),
  ...replaceProps,
  newline_sequence: Type.Optional(
    Enum(['\n', '\r', '\r\n'], { description: 'Line ending of the output (default \\n).' }),
  ),
  trim_blocks: Type.Optional(
    Bool({ description: 'Drop the first newline after a block tag (default true).' }),
  ),
  lstrip_blocks: Type.Optional(
    Bool({ description: 'Strip spaces before a block tag at the start of a line (default false).' }),
  ),
  directory_mode: Type.Optional(Mode({ description: 'Mode of the directory created when dest ends in /.' })),
  ...attrProps,
});

/**
 * The environment is fixed (trim_blocks on, lstrip_blocks off, like Ansible's defaults); the other settings are
 * had by rewriting the source: a doubled newline survives trimming, leading blanks before {% are removed.
 */
export function adjustSource(text: string, o: { trim_blocks?: boolean; lstrip_blocks?: boolean }): string {
  let t = text;
  if (o.trim_blocks === false) t = t.replace(/([^-])%\}(\r?\n)/g, '$1%}$2$2');
  if (o.lstrip_blocks) t = t.replace(/^[ \t]+(?=\{%(?!\+))/gm, '');
  return t;
}

export default defineModule({
  name: 'template',
  schema,
  async plan(args, host): Promise<Plan> {
    const local = findLocal(host, 'templates', args.src);
    if (statSync(local).isDirectory())
      throw new TaskFailure(`expected src ${args.src} to be a template file (got a directory)`);
    const base = posix.basename(args.src);
    const t = destTarget(args.dest, base);
    const nl = args.newline_sequence ?? '\n';
    // as Jinja does: the template's own line endings become newline_sequence, variables' text is left alone
    const source = adjustSource(readFileSync(local, 'utf8').replace(/\r\n|\r|\n/g, nl), args);
    // the variables Ansible gives every template
    const extra = {
      template_path: args.src,
      template_fullpath: local,
      template_destpath: args.dest,
      template_host: hostname(),
      template_uid: userInfo().username,
      ansible_managed: host.vars.ansible_managed ?? 'Ansible managed',
    };
    let text: string;
    try {
      text = host.render(source, extra);
    } catch (e) {
      if (e instanceof SdtdError) {
        const line = templateLine(e);
        throw new TaskFailure(`${args.src}${line ? `:${line}` : ''}: ${e.message}`);
      }
      throw e;
    }
    const p = await probe(host, t.path, { follow: args.follow, intoDir: t.intoDir });
    return planPlace(host, {
      probe: p,
      content: { data: text },
      attrs: { mode: args.mode, owner: args.owner, group: args.group },
      backup: args.backup,
      validate: args.validate,
      force: args.force !== false,
      makeDir: t.makeDir ? { path: t.makeDir, mode: args.directory_mode } : undefined,
    });
  },
});

// `include_vars`: variables from YAML or JSON files on the manager, for the rest of the play (Ansible's include_vars).
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describeValue, SdtdError } from '../engine/errors.js';
import { loadYamlFile } from '../engine/load.js';
import { defineModule, type Host, TaskFailure } from '../engine/module.js';
import { Obj, type Static, Type } from '../engine/schema.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const schema = Obj({
  file: Type.Optional(
    Type.String({
      description:
        "A YAML or JSON file of variables: a path, or looked for in the role's vars/, then beside the playbook.",
    }),
  ),
  dir: Type.Optional(
    Type.String({ description: 'Load every file of this directory, in name order; looked for as file is.' }),
  ),
  name: Type.Optional(
    Type.String({
      pattern: NAME.source,
      description: 'Put the variables under this one name instead of at the top level.',
    }),
  ),
  depth: Type.Optional(
    Type.Integer({ minimum: 0, description: 'With dir: how many levels to descend (0, the default: all).' }),
  ),
  files_matching: Type.Optional(
    Type.String({ description: 'With dir: only the files whose name matches this regular expression.' }),
  ),
  ignore_files: Type.Optional(
    Type.Array(Type.String(), { description: 'With dir: names of files to skip (regular expressions).' }),
  ),
  extensions: Type.Optional(
    Type.Array(Type.String(), { description: 'With dir: the extensions to load (default yaml, yml, json).' }),
  ),
});

type Args = Static<typeof schema>;

function find(host: Host, path: string): string {
  try {
    return host.localPath('vars', path);
  } catch (e) {
    if (e instanceof SdtdError) throw new TaskFailure(e.message);
    throw e;
  }
}

/** The files of DIR to load: depth first, each directory's entries in name order, as Ansible walks them. */
function listDir(dir: string, a: Args): string[] {
  const exts = (a.extensions ?? ['yaml', 'yml', 'json']).map((e) => `.${e.replace(/^\./, '')}`);
  const match = a.files_matching ? new RegExp(a.files_matching) : undefined;
  const ignore = (a.ignore_files ?? []).map((p) => new RegExp(p));
  const out: string[] = [];
  const walk = (d: string, level: number) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) {
        if (!a.depth || level < a.depth) walk(full, level + 1);
        continue;
      }
      if (!exts.some((e) => name.endsWith(e))) continue;
      if (match && !match.test(name)) continue;
      if (ignore.some((r) => r.test(name))) continue;
      out.push(full);
    }
  };
  walk(dir, 1);
  return out;
}

function varsOf(file: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = loadYamlFile(file, undefined, relative(process.cwd(), file) || file);
  } catch (e) {
    // a task failure on this host, with the file's own position in the message
    if (e instanceof SdtdError) throw new TaskFailure(e.format());
    throw e;
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw new TaskFailure(`expected a mapping of variables in ${file} (got ${describeValue(doc)})`);
  const bad = Object.keys(doc).find((k) => !NAME.test(k));
  if (bad !== undefined)
    throw new TaskFailure(`expected variable names made of letters, digits and _ in ${file} (got "${bad}")`);
  return doc as Record<string, unknown>;
}

export default defineModule({
  name: 'include_vars',
  schema,
  freeForm: 'file',
  controllerOnly: true,
  varsLayer: 'included',
  async plan(a, host) {
    if ((a.file === undefined) === (a.dir === undefined))
      throw new TaskFailure(`expected one of file or dir (got ${a.file === undefined ? 'neither' : 'both'})`);
    if (a.dir === undefined && (a.depth ?? a.files_matching ?? a.ignore_files ?? a.extensions) !== undefined)
      throw new TaskFailure('expected depth, files_matching, ignore_files and extensions only with dir');
    const files = a.file !== undefined ? [find(host, a.file)] : listDir(find(host, a.dir!), a);
    const vars = Object.assign({}, ...files.map(varsOf));
    const facts = a.name ? { [a.name]: vars } : vars;
    return {
      steps: [],
      facts,
      result: { ansible_facts: facts, ansible_included_var_files: files },
      note: `${files.length} file${files.length === 1 ? '' : 's'}: ${Object.keys(facts).join(', ') || 'no variables'}`,
    };
  },
});

// `sysctl`: a kernel parameter in a sysctl.d file and in the running kernel (ansible.posix.sysctl).
import { posix } from 'node:path';
import { type Diff, defineModule, type Plan, type Step, TaskFailure } from '../engine/module.js';
import { Bool, Enum, Obj, Type } from '../engine/schema.js';
import { shq } from '../engine/shell.js';
import { planPlace } from './lib/content.js';
import { editSysctl, norm, readSysctl, sysctlValue } from './lib/sysctl-conf.js';

const schema = Obj({
  name: Type.String({ description: 'The kernel parameter, e.g. fs.inotify.max_user_instances.' }),
  value: Type.Optional(
    Type.String({ description: 'Its value (needed with state present); yes/no/true/false become 1/0.' }),
  ),
  state: Type.Optional(
    Enum(['present', 'absent'], { description: 'absent removes the key from the file (default present).' }),
  ),
  sysctl_file: Type.Optional(
    Type.String({ description: 'The file that keeps it across boots (default /etc/sysctl.d/99-sdtd.conf).' }),
  ),
  reload: Type.Optional(
    Bool({ description: 'When the file changed, apply it with sysctl -p FILE (default true).' }),
  ),
  sysctl_set: Type.Optional(
    Bool({ description: 'Set the running kernel with sysctl -w when its value differs (default true).' }),
  ),
  ignoreerrors: Type.Optional(Bool({ description: 'sysctl -p ignores unknown keys in the file (-e).' })),
});

export default defineModule({
  name: 'sysctl',
  schema,
  aliases: { key: 'name', val: 'value' },
  async plan(args, host): Promise<Plan> {
    const { name } = args;
    const path = args.sysctl_file ?? '/etc/sysctl.d/99-sdtd.conf';
    const present = (args.state ?? 'present') === 'present';
    if (!/^[A-Za-z0-9_][A-Za-z0-9_./-]*$/.test(name))
      throw new TaskFailure(`expected a sysctl key such as net.core.somaxconn (found '${name}')`);
    if (present && args.value === undefined)
      throw new TaskFailure(`expected a value for ${name} with state present (found none)`);
    const value = present ? sysctlValue(args.value!) : undefined;
    if (value !== undefined && /[\r\n]/.test(value))
      throw new TaskFailure(`expected a one-line value for ${name} (found a line break)`);

    const cur = await readSysctl(host, name, path);
    const st = cur.file.st;
    if (st && st.type !== 'file')
      throw new TaskFailure(`expected ${path} to be a regular file (found a ${st.type})`);
    const before = cur.file.content ?? '';
    const { after, msg } = editSysctl(before, name, value);
    const fileChanges = after !== before || (!st && present);

    const steps: Step[] = [];
    const diff: Diff[] = [];
    const notes: string[] = [];
    let kernelStep: Step | undefined;
    if (value !== undefined) {
      const reloads = args.reload !== false && fileChanges;
      const sets = args.sysctl_set !== false && (cur.kernel === null || norm(cur.kernel) !== norm(value));
      if (reloads || sets) {
        // a key a module load creates (net.bridge.* after modprobe br_netfilter) may appear with an earlier task
        if (cur.kernel === null && !args.ignoreerrors) {
          notes.push(`kernel key ${name} does not exist yet (${cur.error}): an earlier task must create it`);
          steps.push(keyCheck(name));
        }
        kernelStep = apply(name, value, reloads ? path : undefined, !!args.ignoreerrors);
        if (cur.kernel === null || norm(cur.kernel) !== norm(value))
          diff.push({ kind: 'state', what: `kernel ${name}`, before: cur.kernel ?? 'absent', after: value });
      }
    }
    if (fileChanges) {
      const p = await planPlace(host, {
        probe: cur.file,
        content: { data: after },
        attrs: {},
        before: st ? before : '',
        makeDir: { path: posix.dirname(cur.file.path) },
        msg: msg || undefined,
      });
      steps.push(...p.steps);
      diff.unshift(...(p.diff ?? []));
      if (p.note) notes.unshift(p.note);
    }
    if (kernelStep) steps.push(kernelStep);
    const result = { name, value, sysctl_file: path, kernel: cur.kernel };
    return { steps, diff, note: notes.join('; ') || undefined, result };
  },
});

/** Observes only: a key still missing when the task runs fails it before the file is written. */
function keyCheck(name: string): Step {
  return {
    describe: `check that kernel key ${name} exists`,
    changes: false,
    async run(h) {
      const r = await h.exec(`sysctl -n -- ${shq(name)}`);
      if (r.rc !== 0)
        throw new TaskFailure(
          `expected kernel key ${name} to exist (found: ${r.stderr.trim() || `rc ${r.rc}`})`,
        );
      return undefined;
    },
  };
}

/** sysctl -p FILE (the file changed and reload) or sysctl -w, then the kernel's value read back (ignore: unless missing). */
function apply(name: string, value: string, file: string | undefined, ignore: boolean): Step {
  const how = file
    ? `sysctl ${ignore ? '-e ' : ''}-q -p ${shq(file)}`
    : `sysctl -q -w ${shq(`${name}=${value}`)}`;
  return {
    describe: file ? `sysctl -p ${file}` : `sysctl -w ${name}=${value}`,
    async run(h) {
      // containers often refuse kernel parameters: that is the kernel's answer, reported as such
      const read = `sysctl -n -- ${shq(name)}${ignore ? ' 2>/dev/null || true' : ''}`;
      const got = (await h.run(`${how} && ${read}`)).trim();
      if (norm(got) !== norm(value) && !(ignore && got === ''))
        throw new TaskFailure(`expected kernel ${name} to be ${value} after ${how}; found ${got}`, {
          kernel: got,
        });
      return { kernel: got };
    },
  };
}

// `group`: make a local group present (with a gid) or absent (Ansible's group module).
import { type Diff, defineModule, type Step, TaskFailure } from '../engine/module.js';
import { Bool, Enum, Obj, Type } from '../engine/schema.js';
import { shjoin } from '../engine/shell.js';

const schema = Obj({
  name: Type.String({ minLength: 1, description: 'Name of the group.' }),
  state: Type.Optional(Enum(['present', 'absent'], { description: 'Default: present.' })),
  gid: Type.Optional(Type.Integer({ minimum: 0, description: 'Numeric id the group should have.' })),
  system: Type.Optional(
    Bool({ description: 'Create it as a system group (gid below GID_MIN); ignored if it exists.' }),
  ),
});

/** A step running one argv, returning the group's gid as it is afterwards (unknown when planning). */
function step(describe: string, argv: (string | number)[], name: string, removes = false): Step {
  return {
    describe,
    run: async (host) => {
      if (removes) {
        await host.run(shjoin(argv));
        return undefined;
      }
      const out = await host.run(`${shjoin(argv)} && getent group ${shjoin([name])}`);
      return { gid: Number(out.trim().split(':')[2]) };
    },
  };
}

export default defineModule({
  name: 'group',
  schema,
  async plan(args, host) {
    const { name, gid } = args;
    const state = args.state ?? 'present';
    // rc 2 is getent's "not found"; anything else is a real error worth failing on
    const r = await host.exec(`getent group ${shjoin([name])}`);
    if (r.rc !== 0 && r.rc !== 2)
      throw new TaskFailure(
        `expected getent to find or miss group ${name} (got rc ${r.rc}: ${r.stderr.trim()})`,
      );
    const current = r.rc === 0 ? Number(r.stdout.trim().split(':')[2]) : undefined;
    const what = `group ${name}`;
    const result = { name, state, system: args.system ?? false, gid: gid ?? current };

    if (state === 'absent') {
      if (current === undefined) return { steps: [], result };
      const diff: Diff = { kind: 'state', what, before: `present (gid ${current})`, after: 'absent' };
      return { steps: [step(`groupdel ${name}`, ['groupdel', name], name, true)], diff: [diff], result };
    }
    if (current === undefined) {
      const argv = [
        'groupadd',
        ...(gid !== undefined ? ['-g', gid] : []),
        ...(args.system ? ['-r'] : []),
        name,
      ];
      const after = gid !== undefined ? `present (gid ${gid})` : 'present';
      return {
        steps: [step(argv.join(' '), argv, name)],
        diff: [{ kind: 'state', what, before: 'absent', after }],
        result,
      };
    }
    if (gid === undefined || gid === current) return { steps: [], result };
    return {
      steps: [step(`groupmod -g ${gid} ${name}`, ['groupmod', '-g', gid, name], name)],
      diff: [{ kind: 'state', what, before: `gid ${current}`, after: `gid ${gid}` }],
      result,
    };
  },
});

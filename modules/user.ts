// `user`: make a local user account present (uid, groups, shell, home...) or absent (Ansible's user module).
import { type Diff, defineModule, type Host, type Step, TaskFailure } from '../engine/module.js';
import { Bool, Enum, Obj, StrOrList, Type } from '../engine/schema.js';
import { shjoin, shq } from '../engine/shell.js';
import { notYet } from './lib/content.js';

const schema = Obj({
  name: Type.String({ minLength: 1, maxLength: 32, description: 'Login name of the user.' }),
  state: Type.Optional(Enum(['present', 'absent'], { description: 'Default: present.' })),
  uid: Type.Optional(Type.Integer({ minimum: 0, description: 'Numeric user id.' })),
  group: Type.Optional(Type.String({ description: 'Primary group (name or gid); it must exist.' })),
  groups: Type.Optional(StrOrList({ description: 'Supplementary groups (list or "a,b"); [] means none.' })),
  append: Type.Optional(Bool({ description: 'Add to the current groups instead of setting the exact set.' })),
  shell: Type.Optional(Type.String({ description: 'Login shell.' })),
  home: Type.Optional(Type.String({ description: 'Home directory.' })),
  move_home: Type.Optional(Bool({ description: 'When home changes, move the old directory there.' })),
  create_home: Type.Optional(Bool({ description: 'Create the home directory if missing (default true).' })),
  system: Type.Optional(Bool({ description: 'Create a system account (uid below UID_MIN).' })),
  comment: Type.Optional(Type.String({ description: 'The GECOS field (full name).' })),
  password_lock: Type.Optional(Bool({ description: 'Lock (true) or unlock (false) the password.' })),
  remove: Type.Optional(Bool({ description: 'With state absent: also remove the home and mail spool.' })),
});

/** Home values that mean "no home": never created (as Ansible's PLACEHOLDER_HOME_DIRS). */
const PLACEHOLDER_HOMES = ['/nonexistent', '/var/empty', '/dev/null'];

interface Account {
  uid: number;
  gid: number;
  comment: string;
  home: string;
  shell: string;
  primary: string; // group names, from `id -Gn`
  supplementary: string[];
}

/** The passwd entry and group names, as sections ended by @@; plan() appends its own sections. */
const readScript = (name: string) =>
  `getent passwd ${shq(name)}; echo @@; id -Gn ${shq(name)} 2>/dev/null; echo @@`;

function parseAccount(passwd: string, ids: string): Account | null {
  const line = passwd.trim();
  if (!line) return null;
  const [, , uid, gid, comment, home, shell] = line.split(':');
  const [primary, ...supplementary] = ids.trim().split(/\s+/);
  return { uid: Number(uid), gid: Number(gid), comment, home, shell, primary, supplementary };
}

/** What register sees, Ansible's shapes: group is the gid, groups the comma-joined supplementary names. */
const returned = (a: Account) => {
  const { uid, gid: group, comment, home, shell } = a;
  return { uid, group, groups: a.supplementary.join(','), comment, home, shell };
};

type Cmd = { describe: string; cmd: string };

const noGroup = (g: string) =>
  new TaskFailure(`expected group ${g} to exist (got no such group; create it first)`);

/**
 * Steps from commands; the last one reads the account back, so register gets the uid useradd chose.
 * missing: groups absent when planning (an earlier `group` task may create them), checked before the first command.
 */
function toSteps(cmds: Cmd[], name: string, missing: string[] = []): Step[] {
  return cmds.map((c, i) => ({
    describe: c.describe,
    run: async (host: Host) => {
      if (i === 0 && missing.length) {
        const out = await host.run(
          `for g in ${shjoin(missing)}; do getent group "$g" >/dev/null || echo "$g"; done`,
        );
        const still = out.split('\n').find(Boolean);
        if (still) throw noGroup(still);
      }
      if (i < cmds.length - 1) return void (await host.run(c.cmd));
      const [pw, ids] = (await host.run(`{ ${c.cmd}; } >&2 && { ${readScript(name)}; }`)).split('@@\n');
      const a = parseAccount(pw, ids);
      return a ? returned(a) : undefined;
    },
  }));
}

const argvCmd = (argv: (string | number)[]): Cmd => ({ describe: shjoin(argv), cmd: shjoin(argv) });

/** Create a missing home as useradd -m would: HOME_MODE from login.defs (else 0755), /etc/skel, owned by the user. */
const homeCmd = (home: string, name: string): Cmd => ({
  describe: `create home ${home}`,
  cmd:
    `m=$(awk '$1=="HOME_MODE"{print $2}' /etc/login.defs 2>/dev/null); h=${shq(home)}; ` +
    `mkdir -p -m "\${m:-0755}" -- "$h" && { [ ! -d /etc/skel ] || cp -a /etc/skel/. "$h"; } && chown -R ${shq(name)}: -- "$h"`,
});

/** Leading "!" of the shadow password (locked), then H when a real hash follows; never the hash itself. */
const SHADOW_SED = `sed -e 's/^\\(!*\\)[^!*].*$/\\1H/' -e 's/^\\(!*\\)[*]*$/\\1/'`;

const listOf = (g: string | string[]) =>
  (typeof g === 'string' ? g.split(',') : g).map((s) => s.trim()).filter(Boolean);

export default defineModule({
  name: 'user',
  schema,
  aliases: { user: 'name', createhome: 'create_home' },
  async plan(args, host) {
    const { name } = args;
    const state = args.state ?? 'present';
    const wanted = args.groups === undefined ? undefined : listOf(args.groups);
    // every group the decision needs, the user's own name included (a same-named group becomes its primary)
    const keys = [name, ...(args.group ? [args.group] : []), ...(wanted ?? [])];
    const home = args.home ? shq(args.home) : `"$(getent passwd ${shq(name)} | cut -d: -f6)"`;
    const out = await host.run(
      `${readScript(name)}; getent group ${shjoin(keys)}; echo @@; ` +
        `h=${home}; if [ -n "$h" ] && [ -e "$h" ]; then echo yes; fi; echo @@; ` +
        `getent shadow ${shq(name)} | cut -d: -f2 | ${SHADOW_SED}; true`,
    );
    const [pw, ids, grp, homeThere, shadow] = out.split('@@\n');
    const cur = parseAccount(pw, ids);
    const groups = new Map<string, { name: string; gid: number }>();
    for (const l of grp.split('\n')) {
      const [gname, , gid] = l.split(':');
      if (gid) for (const k of [gname, gid]) groups.set(k, { name: gname, gid: Number(gid) });
    }
    const what = `user ${name}`;
    const base = { name, state };

    if (state === 'absent') {
      if (!cur) return { steps: [], result: base };
      return {
        steps: toSteps([argvCmd(['userdel', ...(args.remove ? ['-r'] : []), name])], name),
        diff: [{ kind: 'state', what, before: 'present', after: 'absent' }],
        result: base,
      };
    }

    // a group that does not exist yet may be made by an earlier `group` task: planned under the name given,
    // so the task is a predicted change; the step checks it before running useradd/usermod
    const missing: string[] = [];
    const need = (g: string) => {
      const found = groups.get(g);
      if (found) return found;
      if (!missing.includes(g)) missing.push(g);
      return { name: g, gid: Number.NaN };
    };
    const primary = args.group ? need(args.group) : undefined;
    const supp = wanted?.map((g) => need(g).name);
    const opt = (flag: string, v: string | number | undefined) => (v === undefined ? [] : [flag, v]);

    if (!cur) {
      const argv = [
        'useradd',
        ...opt('-u', args.uid),
        ...opt('-g', (primary ?? groups.get(name))?.name),
        ...(supp?.length ? ['-G', supp.join(',')] : []),
        ...opt('-s', args.shell),
        ...opt('-d', args.home),
        ...opt('-c', args.comment),
        args.create_home === false ? '-M' : '-m',
        ...(args.system ? ['-r'] : []),
        name,
      ];
      return {
        steps: toSteps([argvCmd(argv)], name, missing),
        diff: [{ kind: 'state', what, before: 'absent', after: 'present' }],
        note: notYetGroups(missing),
        result: { ...base, ...asked(args) },
      };
    }

    const diff: Diff[] = [];
    const flags: (string | number)[] = [];
    const change = (label: string, before: unknown, after: unknown, ...f: (string | number)[]) => {
      diff.push({ kind: 'state', what, before: `${label} ${before}`, after: `${label} ${after}` });
      flags.push(...f);
    };
    if (args.uid !== undefined && args.uid !== cur.uid) change('uid', cur.uid, args.uid, '-u', args.uid);
    if (primary && primary.gid !== cur.gid) change('group', cur.primary, primary.name, '-g', primary.name);
    let supplementary = cur.supplementary;
    if (supp) {
      // the primary group is never a supplementary one: listing it must not mean a change on every run
      const want = [...new Set(supp.filter((g) => g !== (primary?.name ?? cur.primary)))];
      const have = cur.supplementary;
      const after = args.append ? [...new Set([...have, ...want])] : want;
      if (after.length !== have.length || after.some((g) => !have.includes(g))) {
        const show = (l: string[]) => l.join(',') || '(none)';
        change('groups', show(have), show(after), ...(args.append ? ['-a'] : []), '-G', want.join(','));
        supplementary = after;
      }
    }
    if (args.shell !== undefined && args.shell !== cur.shell)
      change('shell', cur.shell, args.shell, '-s', args.shell);
    if (args.comment !== undefined && args.comment !== cur.comment)
      change('comment', JSON.stringify(cur.comment), JSON.stringify(args.comment), '-c', args.comment);
    if (args.home !== undefined && args.home !== cur.home)
      change('home', cur.home, args.home, ...(args.move_home ? ['-m'] : []), '-d', args.home);
    const locked = shadow.startsWith('!');
    if (args.password_lock === true && !locked) change('password', 'unlocked', 'locked', '-L');
    // unlocking a password-less account would let anyone in: usermod refuses, and so do we, quietly
    if (args.password_lock === false && locked && shadow.trim().endsWith('H'))
      change('password', 'locked', 'unlocked', '-U');

    const cmds: Cmd[] = flags.length ? [argvCmd(['usermod', ...flags, name])] : [];
    const homeDir = args.home ?? cur.home;
    const moving = args.move_home && homeDir !== cur.home;
    if (!homeThere.trim() && !moving && args.create_home !== false && !PLACEHOLDER_HOMES.includes(homeDir)) {
      diff.push({ kind: 'state', what: homeDir, before: 'absent', after: 'directory' });
      cmds.push(homeCmd(homeDir, name));
    }
    const predicted = returned({ ...cur, supplementary, gid: primary?.gid ?? cur.gid });
    // the gid of a group not there yet is unknown: its name stands for it in the prediction
    if (primary && Number.isNaN(primary.gid)) Object.assign(predicted, { group: primary.name });
    return {
      steps: toSteps(cmds, name, missing),
      diff,
      note: notYetGroups(missing),
      result: { ...base, ...predicted, ...asked(args) },
    };
  },
});

const notYetGroups = (missing: string[]) =>
  missing.length ? missing.map((g) => notYet(`group ${g}`)).join('; ') : undefined;

/** The values asked for: in check mode they are the prediction of what the account will have. */
const asked = (a: Record<string, unknown>) =>
  Object.fromEntries(
    ['uid', 'shell', 'home', 'comment'].filter((k) => a[k] !== undefined).map((k) => [k, a[k]]),
  );

// `systemd`: a unit started, stopped, restarted or reloaded, enabled, masked; daemon-reload (Ansible's systemd_service).
import { type Diff, defineModule, type Host, type Plan, type Step, TaskFailure } from '../engine/module.js';
import { Bool, Enum, Obj, type Static, Type } from '../engine/schema.js';
import { shq } from '../engine/shell.js';
import { applyPlan, notYet } from './lib/content.js';
import { act, showUnit, unitName, type Verb } from './lib/systemd-run.js';

const schema = Obj({
  name: Type.Optional(Type.String({ minLength: 1, description: 'Unit name; .service is implied.' })),
  state: Type.Optional(Enum(['started', 'stopped', 'restarted', 'reloaded'])),
  enabled: Type.Optional(Bool({ description: 'Start the unit at boot.' })),
  masked: Type.Optional(Bool({ description: 'Mask the unit: nothing can start it.' })),
  daemon_reload: Type.Optional(
    Bool({ description: 'systemctl daemon-reload first (done anyway when needed).' }),
  ),
  daemon_reexec: Type.Optional(Bool({ description: 'systemctl daemon-reexec first.' })),
  no_block: Type.Optional(Bool({ description: 'Queue the job and do not wait for it.' })),
  scope: Type.Optional(Enum(['system'], { description: 'Only the system manager is supported.' })),
  wait_timeout: Type.Optional(
    Type.Integer({ minimum: 0, description: 'Seconds to wait for the unit to become active (30).' }),
  ),
});
type Args = Static<typeof schema>;

const ENABLED = new Set(['enabled', 'enabled-runtime', 'linked', 'linked-runtime']);
// states `systemctl enable/disable` cannot change: they follow from other units
const FIXED = new Set(['static', 'indirect', 'generated', 'transient', 'alias']);

export default defineModule({
  name: 'systemd',
  schema,
  aliases: {
    service: 'name',
    unit: 'name',
    'daemon-reload': 'daemon_reload',
    'daemon-reexec': 'daemon_reexec',
  },
  plan: (args, host) => planSystemd(args, host),
});

const cmd = (describe: string, command: string, changes = true): Step => ({
  describe,
  changes,
  run: async (h) => {
    await h.run(command);
    return undefined;
  },
});

/** strict: planned again by the step of a unit that did not exist at plan time; now it must. */
async function planSystemd(args: Args, host: Host, strict = false): Promise<Plan> {
  const { state, enabled, masked } = args;
  if (!args.name && (state || enabled !== undefined || masked !== undefined))
    throw new TaskFailure('expected name with state, enabled or masked');
  if (!args.name && !args.daemon_reload && !args.daemon_reexec)
    throw new TaskFailure('expected name, daemon_reload or daemon_reexec');
  if (masked && ((state && state !== 'stopped') || enabled))
    throw new TaskFailure(
      `expected masked: true only with state stopped and enabled false (got state ${state}, enabled ${enabled})`,
    );
  const steps: Step[] = [];
  if (args.daemon_reexec) steps.push(cmd('systemctl daemon-reexec', 'systemctl daemon-reexec', false));
  if (!args.name) {
    if (args.daemon_reload) steps.push(cmd('systemctl daemon-reload', 'systemctl daemon-reload', false));
    return { steps };
  }
  const unit = unitName(args.name);
  const u = shq(unit);
  const show = await showUnit(host, unit);
  const status = { ...show };
  const result = { name: unit, state, enabled, masked, status };
  const diff: Diff[] = [];
  // a changed unit file is reloaded before anything else: that is a change of what systemd runs
  const stale = show.NeedDaemonReload === 'yes';
  if (args.daemon_reload || stale)
    steps.push(
      cmd(
        `systemctl daemon-reload${stale ? ` (${unit} changed on disk)` : ''}`,
        'systemctl daemon-reload',
        stale,
      ),
    );
  if (stale)
    diff.push({ kind: 'state', what: `${unit} definition`, before: 'changed on disk', after: 'reloaded' });

  const wait = args.wait_timeout ?? 30;
  const noBlock = !!args.no_block;
  const verb = (v: Verb, describe = `systemctl ${v} ${unit}`): Step => ({
    describe,
    run: async (h) => act(h, unit, v, wait, noBlock),
  });
  const needsUnit = (state && state !== 'stopped') || enabled === true;
  if (show.LoadState === 'not-found' && needsUnit) {
    if (strict)
      throw new TaskFailure(
        `unit ${unit} not found: expected a unit file for it (systemctl says LoadState=not-found)`,
      );
    // a template or copy task earlier in the run may write the unit file: predict, and check when the step runs
    const again = { ...args, daemon_reload: false, daemon_reexec: false };
    steps.push({
      describe: [state && `${state.replace(/ed$/, '')} ${unit}`, enabled && `enable ${unit}`]
        .filter(Boolean)
        .join(', '),
      run: async (h) => {
        await h.run('systemctl daemon-reload');
        return applyPlan(await planSystemd(again, h, true), h);
      },
    });
    if (state)
      diff.push({
        kind: 'state',
        what: unit,
        before: 'absent',
        after: state === 'stopped' ? 'inactive' : 'active',
      });
    if (enabled) diff.push({ kind: 'state', what: `${unit} unit file`, before: 'absent', after: 'enabled' });
    return { steps, diff, note: notYet(`unit ${unit}`), result };
  }

  const notes: string[] = [];
  let file = show.UnitFileState || (show.LoadState === 'not-found' ? 'absent' : '');
  const isMasked = show.LoadState === 'masked' || file.startsWith('masked');
  if (masked === true && !isMasked) {
    steps.push(cmd(`systemctl mask ${unit}`, `systemctl mask -- ${u}`));
    diff.push({ kind: 'state', what: `${unit} unit file`, before: file || 'none', after: 'masked' });
  } else if (masked === false && isMasked) {
    steps.push(cmd(`systemctl unmask ${unit}`, `systemctl unmask -- ${u}`));
    diff.push({ kind: 'state', what: `${unit} unit file`, before: 'masked', after: 'unmasked' });
    file = 'disabled';
  }
  if (enabled !== undefined) {
    if (FIXED.has(file)) notes.push(`${unit} is ${file}: enabled has no effect on it`);
    else if (enabled !== ENABLED.has(file) && !(enabled === false && (file === 'absent' || isMasked))) {
      const v = enabled ? 'enable' : 'disable';
      steps.push(cmd(`systemctl ${v} ${unit}`, `systemctl ${v} -- ${u}`));
      diff.push({ kind: 'state', what: `${unit} unit file`, before: file, after: `${v}d` });
    }
  }

  const active = show.ActiveState;
  const running = active === 'active' || active === 'reloading';
  if (state === 'started' && !running) {
    if (active === 'activating' && !noBlock)
      steps.push({ ...verb('start', `wait for ${unit} to finish starting`), changes: false });
    else steps.push(verb('start'));
    diff.push({ kind: 'state', what: unit, before: active, after: 'active' });
  } else if (state === 'stopped' && active !== 'inactive' && active !== 'failed') {
    steps.push(verb('stop'));
    diff.push({ kind: 'state', what: unit, before: active, after: 'inactive' });
  } else if (state === 'restarted' || state === 'reloaded') {
    // as Ansible: always done; a reload of a unit that is not running starts it
    const v: Verb = state === 'restarted' ? 'restart' : running ? 'reload' : 'start';
    steps.push(verb(v));
    diff.push({
      kind: 'state',
      what: unit,
      before: active,
      after: v === 'start' ? 'active' : `active (${state})`,
    });
  } else if (state === 'stopped' && show.LoadState === 'not-found')
    notes.push(`unit ${unit} not found: nothing to stop`);
  return { steps, diff, result, note: notes.join('; ') || undefined };
}

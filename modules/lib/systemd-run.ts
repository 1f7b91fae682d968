// How the systemd module reads a unit and changes it: one `systemctl show`, and start/restart that wait for the outcome.
import { type Host, TaskFailure } from '../../engine/module.js';
import { shq } from '../../engine/shell.js';

const PROPS = [
  'Id',
  'LoadState',
  'ActiveState',
  'SubState',
  'UnitFileState',
  'NeedDaemonReload',
  'Type',
  'Result',
  'FragmentPath',
];
const TYPES = /\.(service|socket|target|timer|mount|automount|path|slice|scope|device|swap)$/;

/** The unit's full name: `.service` unless the name already ends in a unit type, as systemctl does. */
export const unitName = (name: string): string => (TYPES.test(name) ? name : `${name}.service`);

/** One round trip: the unit's load, active and unit-file states. */
export async function showUnit(host: Host, unit: string): Promise<Record<string, string>> {
  const out = await host.run(`systemctl show -p ${PROPS.join(',')} -- ${shq(unit)}`, {
    env: { LC_ALL: 'C' },
  });
  const props: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) props[line.slice(0, i)] = line.slice(i + 1);
  }
  return props;
}

export type Verb = 'start' | 'stop' | 'restart' | 'reload';

/**
 * systemctl VERB, then (start, restart) poll until the unit is active, failed, or wait_timeout passes, all in one
 * command on the host. A simple/exec unit is "active" as soon as its process is forked, so it must still be
 * active half a second later: a service that exits at once on a bad configuration is caught.
 */
function script(unit: string, verb: Verb, timeout: number, noBlock: boolean): string {
  const u = shq(unit);
  const wait = !noBlock && (verb === 'start' || verb === 'restart');
  const loop = wait
    ? `end=$(( $(date +%s) + ${timeout} )); seen=0
while :; do
  st=$(systemctl show -p ActiveState,SubState,Result,Type -- ${u})
  a=$(get ActiveState); s=$(get SubState); r=$(get Result); t=$(get Type)
  case $a in
    active|reloading) case $t in simple|exec|idle) [ $seen = 1 ] && { echo "OK $a $s"; break; }; seen=1;;
      *) echo "OK $a $s"; break;; esac;;
    failed) echo "FAILED $a $s $r"; break;;
    inactive) if [ "$t" = oneshot ] && [ "$r" = success ]; then echo "OK $a $s"; else echo "FAILED $a $s $r"; fi; break;;
  esac
  [ $(date +%s) -ge $end ] && { echo "TIMEOUT $a $s $r"; break; }
  sleep 0.5
done`
    : 'echo OK';
  return `get() { printf '%s\\n' "$st" | sed -n "s/^$1=//p"; }
out=$(systemctl ${noBlock ? '--no-block ' : ''}${verb} -- ${u} 2>&1)
if [ $? -ne 0 ]; then res="SYSTEMCTL"; printf 'SYSTEMCTL\\n%s\\n' "$out"; else res=$(${loop}); echo "$res"; fi
case $res in OK*) ;; *) echo @journal; journalctl -u ${u} -n 10 --no-pager 2>&1;; esac`;
}

/** Run a verb on the unit; a failure says what was expected, what the unit is, and its last journal lines. */
export async function act(host: Host, unit: string, verb: Verb, timeout: number, noBlock: boolean) {
  const r = await host.exec(script(unit, verb, timeout, noBlock), { env: { LC_ALL: 'C' } });
  const [head, journal = ''] = r.stdout.split('\n@journal\n');
  const lines = head.split('\n').filter(Boolean);
  const first = lines[0] ?? '';
  if (r.rc === 0 && first.startsWith('OK')) return { state: first.split(' ')[1] };
  const tail = journal.trim() ? `\nlast journal lines:\n${journal.trimEnd()}` : '';
  const [word, a, s, res] = first.split(' ');
  let msg: string;
  if (word === 'SYSTEMCTL' || r.rc !== 0)
    msg = `expected systemctl ${verb} ${unit} to succeed; it failed: ${lines.slice(1).join(' ') || r.stderr.trim()}`;
  else if (word === 'TIMEOUT')
    msg = `expected ${unit} to become active within ${timeout}s after ${verb}; it is still ${a} (${s})`;
  else msg = `expected ${unit} to be active after ${verb}; it is ${a} (${s}), result ${res}`;
  throw new TaskFailure(msg + tail, { journal: journal.trimEnd().split('\n').filter(Boolean) });
}

// `wait_for`: wait, on the target host, for a port to open or close, or a file to appear, disappear or match.
import { defineModule, type Host, type Plan, TaskFailure } from '../engine/module.js';
import { Enum, Obj, type Static, Type } from '../engine/schema.js';
import { shq } from '../engine/shell.js';

const schema = Obj({
  host: Type.Optional(
    Type.String({ description: 'Host to connect to, from the target (default 127.0.0.1).' }),
  ),
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'TCP port to wait for.' })),
  path: Type.Optional(Type.String({ description: 'File to wait for.' })),
  state: Type.Optional(
    Enum(['started', 'present', 'stopped', 'absent'], { description: 'What to wait for (default started).' }),
  ),
  search_regex: Type.Optional(
    Type.String({
      description: 'A regular expression (PCRE) to find in the file, or in what the port sends.',
    }),
  ),
  timeout: Type.Optional(Type.Number({ minimum: 0, description: 'Seconds before failing (default 300).' })),
  delay: Type.Optional(Type.Number({ minimum: 0, description: 'Seconds to wait before the first check.' })),
  sleep: Type.Optional(Type.Number({ minimum: 0, description: 'Seconds between checks (default 1).' })),
  connect_timeout: Type.Optional(
    Type.Number({ minimum: 0, description: 'Seconds a connection attempt may take (default 5).' }),
  ),
  msg: Type.Optional(Type.String({ description: 'Message on timeout instead of the default one.' })),
});

export default defineModule({
  name: 'wait_for',
  schema,
  async plan(args): Promise<Plan> {
    if (args.port !== undefined && args.path !== undefined)
      throw new TaskFailure('expected port or path, not both (got both)');
    const state = args.state ?? 'started';
    const gone = state === 'stopped' || state === 'absent';
    if (gone && args.search_regex)
      throw new TaskFailure(`expected search_regex only with state started/present (got state ${state})`);
    const timeout = args.timeout ?? 300;
    const what = goal(args, gone);
    const result: Record<string, unknown> = { state };
    if (args.port !== undefined) result.port = args.port;
    if (args.path !== undefined) result.path = args.path;
    const describe = what
      ? `wait up to ${timeout}s for ${what[0]}`
      : `sleep ${timeout}s (nothing to wait for)`;
    return {
      steps: [
        { describe, changes: false, run: (host) => waitOnHost(host, args, what, gone, timeout, result) },
      ],
      result,
    };
  },
});

type Args = Static<typeof schema>;

/** What is awaited, and what a timeout found instead: for the step's line and the failure message. */
function goal(a: Args, gone: boolean): [string, string] | undefined {
  const re = `/${a.search_regex}/`;
  if (a.port !== undefined) {
    const port = `port ${a.host ?? '127.0.0.1'}:${a.port}`;
    if (gone) return [`${port} to close`, 'it stayed open'];
    return a.search_regex
      ? [`${port} to send ${re}`, 'no match in what it sent']
      : [`${port} to open`, 'it stayed closed'];
  }
  if (a.path === undefined) return undefined;
  if (gone) return [`${a.path} to disappear`, 'it is still there'];
  return a.search_regex
    ? [`${a.path} to contain ${re}`, 'no matching line']
    : [`${a.path} to exist`, 'it never appeared'];
}

/** The shell test that succeeds when the awaited condition holds (before `stopped`/`absent` negation). */
function check(a: Args): string {
  const ct = a.connect_timeout ?? 5;
  const re = a.search_regex === undefined ? '' : shq(a.search_regex);
  if (a.port !== undefined) {
    const dev = shq(`/dev/tcp/${a.host ?? '127.0.0.1'}/${a.port}`);
    // a bash child: the redirection opens the connection; timeout bounds a silent firewall drop
    if (!re) return `timeout ${ct} bash -c ${shq(`exec 3<>${dev}`)} 2>/dev/null`;
    return `timeout ${ct} bash -c ${shq(`exec 3<>${dev} && cat <&3`)} 2>/dev/null | grep -Pq -e ${re}`;
  }
  const p = shq(a.path!);
  return re ? `[ -f ${p} ] && grep -Pq -e ${re} -- ${p}` : `[ -e ${p} ]`;
}

async function waitOnHost(
  host: Host,
  a: Args,
  what: [string, string] | undefined,
  gone: boolean,
  timeout: number,
  result: Record<string, unknown>,
) {
  const began = Date.now();
  const elapsed = () => Math.round((Date.now() - began) / 10) / 100;
  const delay = a.delay ?? 0;
  if (!what) {
    // Ansible's wait_for with nothing to wait for just sleeps
    await host.run(`sleep ${timeout}`);
    return { ...result, elapsed: elapsed() };
  }
  // one bash loop on the target, timed with microseconds: the deadline counts from before the delay, as in Ansible
  const script = [
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash parameter expansion
    'now() { t=${EPOCHREALTIME/[.,]/}; [ -n "$t" ] || t=$(($(date +%s%N) / 1000)); }',
    `now; end=$((t + ${Math.round(timeout * 1e6)}))`,
    delay > 0 ? `sleep ${delay}` : '',
    `until ${gone ? '! ' : ''}{ ${check(a)}; }; do`,
    '  now; [ "$t" -lt "$end" ] || exit 3',
    `  sleep ${a.sleep ?? 1}`,
    'done',
  ].join('\n');
  const r = await host.exec(`bash -c ${shq(script)}`, { timeoutMs: (timeout + delay + 30) * 1000 });
  const secs = elapsed();
  if (r.rc === 3 || r.timedOut) {
    const msg = a.msg ?? `timed out after ${timeout}s waiting for ${what[0]} (${what[1]})`;
    throw new TaskFailure(msg, { ...result, elapsed: secs });
  }
  if (r.rc !== 0) throw new TaskFailure(`cannot wait on the host (rc ${r.rc}): ${r.stderr.trim()}`);
  return { ...result, elapsed: secs };
}

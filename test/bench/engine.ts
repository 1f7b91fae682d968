// `npm run bench:engine`: the same 50-task playbook run by sdtd-play and by ansible-playbook on the same fleet.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadInventory } from '../../engine/inventory/index.js';
import { ROOT } from '../lib/cli.js';
import { median, table, updateDoc } from './report.js';

const SIZES = (process.env.BENCH_SIZES ?? '3,10').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const OUT = join(ROOT, '.bench', 'engine');
const CLI = join(ROOT, 'dist', 'bundle', 'sdtd-play.mjs');
const PLAY = join(ROOT, 'test', 'bench', 'engine', 'playbook.yml');
const TASKS = 50;

interface Run {
  seconds: number;
  maxRssMb: number;
  code: number;
  out: string;
}

/** Wall time and peak memory of a whole command (GNU time), as a user would experience it. */
function timed(argv: string[], env: Record<string, string> = {}): Run {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', 'SDTD_MAXRSS=%M', ...argv], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const rss = Number(/SDTD_MAXRSS=(\d+)/.exec(r.stderr)?.[1] ?? 0) / 1024;
  return { seconds, maxRssMb: rss, code: r.status ?? -1, out: `${r.stdout}\n${r.stderr}` };
}

function must(r: Run, what: string): Run {
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}):\n${r.out.slice(-3000)}`);
  return r;
}

function sdtd(args: string[]): Run {
  return timed(['node', CLI, ...args], { CI: '1' });
}

/** Ansible as the notes measured it: pipelining, ControlPersist, forks = hosts, no fact gathering. */
async function ansibleSetup(hosts: string[]): Promise<Record<string, string>> {
  const inv = await loadInventory([join(ROOT, 'inventory', 'local')]);
  const lines = hosts.map((h) => {
    const v = inv.hostVars(h);
    return `${h} ansible_host=${v.ansible_host} ansible_user=root ansible_ssh_private_key_file=${v.ansible_ssh_private_key_file}`;
  });
  const known = String(inv.hostVars(hosts[0]).sdtd_known_hosts_file);
  writeFileSync(join(OUT, 'hosts.ini'), `[all]\n${lines.join('\n')}\n`);
  writeFileSync(
    join(OUT, 'ansible.cfg'),
    [
      '[defaults]',
      `forks = ${hosts.length}`,
      'interpreter_python = /usr/bin/python3',
      'host_key_checking = True',
      'retry_files_enabled = False',
      '[ssh_connection]',
      'pipelining = True',
      `ssh_args = -o ControlMaster=auto -o ControlPersist=120s -o UserKnownHostsFile=${known}`,
      `control_path_dir = ${OUT}/cp`,
    ].join('\n'),
  );
  return { ANSIBLE_CONFIG: join(OUT, 'ansible.cfg'), ANSIBLE_NOCOLOR: '1' };
}

function ansible(env: Record<string, string>): Run {
  return timed(['ansible-playbook', '-i', join(OUT, 'hosts.ini'), PLAY], env);
}

/** The floor: one round trip per task, all hosts in parallel: a new ssh connection each time, and over a master. */
function floor(
  hosts: string[],
  addr: Record<string, string>,
  key: string,
  known: string,
  master: boolean,
): number {
  const cp = master
    ? ['-o', 'ControlMaster=auto', '-o', 'ControlPersist=60s', '-o', `ControlPath=${OUT}/floor-%h`]
    : [];
  const base = ['-i', key, '-o', `UserKnownHostsFile=${known}`, '-o', 'BatchMode=yes', ...cp];
  const script = hosts.map((h) => `ssh ${base.join(' ')} root@${addr[h]} true &`).join('\n');
  if (master) spawnSync('bash', ['-c', `${script}\nwait`]);
  const t0 = process.hrtime.bigint();
  spawnSync('bash', ['-c', `for i in $(seq ${TASKS}); do\n${script}\nwait\ndone`]);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function benchSize(n: number) {
  must(sdtd(['playbooks/local-fleet.yml', '-e', `fleet_size=${n}`]), `fleet of ${n}`);
  const inv = await loadInventory([join(ROOT, 'inventory', 'local')]);
  const hosts = inv.hostNames().filter((h) => /^node\d+$/.test(h));
  must(sdtd(['-i', 'inventory/local', 'test/bench/engine/prepare.yml']), 'prepare');
  const env = await ansibleSetup(hosts);
  const res = { sdtdFirst: [] as Run[], sdtdNoop: [] as Run[], ansFirst: [] as Run[], ansNoop: [] as Run[] };
  const reset = () => must(sdtd(['-i', 'inventory/local', 'test/bench/engine/reset.yml']), 'reset');
  let failures = 0;
  for (let round = 0; round < ROUNDS; round++) {
    // interleaved, alternating which tool goes first, so drift in the machine's load hits both alike
    const order = round % 2 === 0 ? ['sdtd', 'ansible'] : ['ansible', 'sdtd'];
    for (const tool of order) {
      // a pair (first run, no-op run) that fails is measured again from a reset, and the failure counted:
      // the apt proxy shared by many hosts sometimes stalls a download, whichever tool asked
      for (let attempt = 1; ; attempt++) {
        reset();
        const first = tool === 'sdtd' ? sdtd(['-i', 'inventory/local', PLAY]) : ansible(env);
        const noop =
          first.code === 0 ? (tool === 'sdtd' ? sdtd(['-i', 'inventory/local', PLAY]) : ansible(env)) : first;
        if (first.code === 0 && noop.code === 0) {
          (tool === 'sdtd' ? res.sdtdFirst : res.ansFirst).push(first);
          (tool === 'sdtd' ? res.sdtdNoop : res.ansNoop).push(noop);
          break;
        }
        failures++;
        process.stderr.write(
          `  ${tool} failed (attempt ${attempt}): ${(first.code ? first : noop).out.slice(-400)}\n`,
        );
        if (attempt >= 3) must(first.code ? first : noop, `${tool} after 3 attempts`);
      }
      process.stderr.write(`  ${n} hosts, round ${round + 1}/${ROUNDS}, ${tool} done\n`);
    }
  }
  const addr = Object.fromEntries(hosts.map((h) => [h, String(inv.hostVars(h).ansible_host)]));
  const key = String(inv.hostVars(hosts[0]).ansible_ssh_private_key_file);
  const known = String(inv.hostVars(hosts[0]).sdtd_known_hosts_file);
  const floors = {
    plain: floor(hosts, addr, key, known, false),
    master: floor(hosts, addr, key, known, true),
  };
  const med = (r: Run[]) => median(r.map((x) => x.seconds));
  return {
    hosts: n,
    sdtdFirst: med(res.sdtdFirst),
    sdtdNoop: med(res.sdtdNoop),
    ansibleFirst: med(res.ansFirst),
    ansibleNoop: med(res.ansNoop),
    floorPlain: floors.plain,
    floorMaster: floors.master,
    sdtdRss: median(res.sdtdNoop.map((r) => r.maxRssMb)),
    ansibleRss: median(res.ansNoop.map((r) => r.maxRssMb)),
    failedAttempts: failures,
    raw: Object.fromEntries(
      Object.entries(res).map(([k, v]) => [k, v.map((r) => Number(r.seconds.toFixed(3)))]),
    ),
  };
}

async function main() {
  mkdirSync(join(OUT, 'cp'), { recursive: true });
  // sizes measured earlier (an interrupted run, BENCH_SIZES=10 after a 3-host run) are kept
  const previous = existsSync(join(OUT, 'results.json'))
    ? (JSON.parse(readFileSync(join(OUT, 'results.json'), 'utf8')).results as { hosts: number }[])
    : [];
  const results: Awaited<ReturnType<typeof benchSize>>[] = previous.filter(
    (r) => !SIZES.includes(r.hosts),
  ) as never;
  for (const n of SIZES) {
    results.push(await benchSize(n));
    results.sort((a, b) => a.hosts - b.hosts);
    // kept as it comes: a later failure must not lose finished measurements
    writeFileSync(
      join(OUT, 'results.json'),
      JSON.stringify({ date: new Date().toISOString(), rounds: ROUNDS, results }, null, 2),
    );
  }
  const rows = results.map((r) => [
    String(r.hosts),
    `${r.sdtdFirst.toFixed(2)} s`,
    `${r.ansibleFirst.toFixed(2)} s`,
    `${(r.ansibleFirst / r.sdtdFirst).toFixed(1)}x`,
    `${r.sdtdNoop.toFixed(2)} s`,
    `${r.ansibleNoop.toFixed(2)} s`,
    `${(r.ansibleNoop / r.sdtdNoop).toFixed(1)}x`,
    `${r.floorPlain.toFixed(2)} s / ${r.floorMaster.toFixed(2)} s`,
    `${r.sdtdRss.toFixed(0)} / ${r.ansibleRss.toFixed(0)} MB`,
  ]);
  const text = table(
    [
      'hosts',
      'sdtd-play first',
      'Ansible first',
      'ratio',
      'sdtd-play no-op',
      'Ansible no-op',
      'ratio',
      'ssh floor (new conn / master)',
      'peak RSS sdtd / Ansible',
    ],
    rows,
  );
  process.stdout.write(`${text}\n`);
  writeFileSync(
    join(OUT, 'results.json'),
    JSON.stringify({ date: new Date().toISOString(), rounds: ROUNDS, results }, null, 2),
  );
  updateDoc(
    join(ROOT, 'docs', 'perf.md'),
    'engine',
    `${text}\n\nMedians of ${ROUNDS} interleaved rounds, ${new Date().toISOString().slice(0, 10)}; raw times in \`.bench/engine/results.json\`.`,
  );
  must(sdtd(['playbooks/local-fleet.yml']), 'fleet back to its default size');
}

await main();

// One look at the manager tells the fleet's whole state: tools, image, bridge, apt proxy, limits, and every host.
import type { Host } from '../../../engine/module.js';
import { shq } from '../../../engine/shell.js';
import { type FleetLayout, paths } from './layout.js';

export interface NodeState {
  name: string;
  state: 'running' | 'stopped';
  pid?: number;
}

export interface FleetState {
  uid: number;
  missingTools: string[];
  image: boolean;
  bridge: boolean;
  acng: boolean;
  key: boolean;
  inotify: number;
  nodes: NodeState[];
}

export const TOOLS = {
  'systemd-nspawn': 'systemd-container',
  mmdebstrap: 'mmdebstrap',
  'apt-cacher-ng': 'apt-cacher-ng',
};

export function probeScript(l: FleetLayout): string {
  const p = paths(l);
  return [
    'echo "uid=$(id -u)"',
    ...Object.keys(TOOLS).map((t) => `command -v ${t} >/dev/null 2>&1 || echo "missing=${t}"`),
    `[ -x ${shq(p.rootfs)}/lib/systemd/systemd ] && [ -f ${shq(p.rootfs)}/.sdtd-image ] && echo image=ok`,
    `ip link show ${shq(l.bridge)} >/dev/null 2>&1 && echo bridge=ok`,
    `[ -f ${shq(p.acng)}/pid ] && kill -0 "$(cat ${shq(p.acng)}/pid)" 2>/dev/null && echo acng=ok`,
    `[ -f ${shq(p.key)} ] && echo key=ok`,
    'echo "inotify=$(cat /proc/sys/fs/inotify/max_user_instances)"',
    `for d in ${shq(p.nodes)}/*/; do [ -d "$d" ] || continue; n=$(basename "$d"); pid=$(cat "$d/pid" 2>/dev/null); ` +
      `if [ -n "$pid" ] && grep -q systemd-nspawn /proc/$pid/cmdline 2>/dev/null; then echo "node=$n running $pid"; else echo "node=$n stopped"; fi; done`,
  ].join('\n');
}

export async function probeFleet(host: Host, l: FleetLayout): Promise<FleetState> {
  const out = await host.run(probeScript(l));
  const s: FleetState = {
    uid: -1,
    missingTools: [],
    image: false,
    bridge: false,
    acng: false,
    key: false,
    inotify: 0,
    nodes: [],
  };
  for (const line of out.split('\n')) {
    const [k, v = ''] = line.split(/=(.*)/s);
    if (k === 'uid') s.uid = Number(v);
    else if (k === 'missing') s.missingTools.push(v);
    else if (k === 'image') s.image = true;
    else if (k === 'bridge') s.bridge = true;
    else if (k === 'acng') s.acng = true;
    else if (k === 'key') s.key = true;
    else if (k === 'inotify') s.inotify = Number(v);
    else if (k === 'node') {
      const [name, state, pid] = v.split(' ');
      s.nodes.push({ name, state: state as NodeState['state'], pid: pid ? Number(pid) : undefined });
    }
  }
  const num = (n: string) => Number(n.replace(/^\D+/, ''));
  s.nodes.sort((a, b) => num(a.name) - num(b.name));
  return s;
}

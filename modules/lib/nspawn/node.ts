// One fleet host: an overlay over the base image, its own name, address and host keys, booted by systemd-nspawn.
import { shq } from '../../../engine/shell.js';
import { addressOf, type FleetLayout, paths } from './layout.js';

/** Prepare (idempotently: a half-built host is healed) and boot one host in the background. */
export function createAndBootScript(l: FleetLayout, name: string): string {
  const p = paths(l);
  const d = p.node(name);
  const m = `${d}/merged`;
  const ip = addressOf(l, name);
  const D = shq(d);
  const M = shq(m);
  const network = `[Match]\nName=host0\n[Network]\nAddress=${ip}/24\nLinkLocalAddressing=no\nIPv6AcceptRA=no\n`;
  // Debian's own /etc/hosts, 127.0.1.1 line included: the hosts_file module replaces it (see docs/modules/hosts_file.md)
  const hosts = `127.0.0.1\tlocalhost\n127.0.1.1\t${name}\n::1\tlocalhost ip6-localhost ip6-loopback\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n`;
  return [
    'set -e',
    `mkdir -p ${D}/upper ${D}/work ${M}`,
    `mountpoint -q ${M} || mount -t overlay overlay -o lowerdir=${shq(p.rootfs)},upperdir=${D}/upper,workdir=${D}/work ${M}`,
    `echo ${shq(name)} > ${M}/etc/hostname`,
    `[ -s ${M}/etc/hosts ] && grep -q ${shq(name)} ${M}/etc/hosts || printf %s ${shq(hosts)} > ${M}/etc/hosts`,
    `mkdir -p ${M}/etc/systemd/network && printf %s ${shq(network)} > ${M}/etc/systemd/network/10-host0.network`,
    `install -d -m700 ${M}/root/.ssh && install -m600 ${shq(`${p.key}.pub`)} ${M}/root/.ssh/authorized_keys`,
    `for t in ed25519 ecdsa; do [ -f ${M}/etc/ssh/ssh_host_\${t}_key ] || ssh-keygen -q -t $t -N '' -C root@${name} -f ${M}/etc/ssh/ssh_host_\${t}_key; done`,
    // the manager trusts these keys because it made them: known_hosts is written, never learnt
    `touch ${shq(p.knownHosts)} && sed -i '/^${name},/d' ${shq(p.knownHosts)}`,
    `for t in ed25519 ecdsa; do printf '%s,%s %s\\n' ${shq(name)} ${shq(ip)} "$(cut -d' ' -f1,2 ${M}/etc/ssh/ssh_host_\${t}_key.pub)" >> ${shq(p.knownHosts)}; done`,
    echo(ip, `${d}/address`),
    bootScript(l, name),
  ].join('\n');
}

/**
 * The container's machine name: the bridge plus the host name, so that two fleets on one manager (each on
 * its own bridge) never share a veth name (vb-MACHINE), a cgroup or nspawn's /run directory.
 */
export const machineName = (l: FleetLayout, name: string) => `${l.bridge}-${name}`;

const echo = (text: string, file: string) => `echo ${shq(text)} > ${shq(file)}`;

/**
 * Boot in the background. Each nspawn first moves into its own cgroup: started from one cgroup, all
 * hosts' systemd share a tree and at scale random units fail with status=219/CGROUP. /run is not a
 * tmpfs here, so nspawn's propagation directory from an earlier boot must go.
 */
export function bootScript(l: FleetLayout, name: string): string {
  const d = paths(l).node(name);
  const machine = machineName(l, name);
  const inner = [
    'if [ -f /sys/fs/cgroup/cgroup.controllers ]; then hs=/sys/fs/cgroup; else hs="/sys/fs/cgroup/systemd /sys/fs/cgroup/unified"; fi',
    'for h in $hs; do [ -d $h ] || continue; mkdir -p $h/sdtd-fleet/$3 && echo $$ > $h/sdtd-fleet/$3/cgroup.procs || exit 1; done',
    'exec systemd-nspawn --quiet --boot --register=no --keep-unit --directory=$1 --machine=$3 --hostname=$0 --network-bridge=$2 --resolv-conf=off --timezone=off --console=read-only',
  ].join('\n');
  return [
    `rm -rf /run/systemd/nspawn/propagate/${shq(machine)}`,
    `setsid bash -c ${shq(inner)} ${shq(name)} ${shq(`${d}/merged`)} ${shq(l.bridge)} ${shq(machine)} > ${shq(`${d}/console.log`)} 2>&1 < /dev/null &`,
    `echo $! > ${shq(`${d}/pid`)}`,
  ].join('\n');
}

/** Wait until sshd answers on every booted host (bash: /dev/tcp); a host whose nspawn died shows its console. */
export function waitScript(l: FleetLayout, names: string[], timeoutS: number): string {
  const checks = names.map((n) => {
    const d = paths(l).node(n);
    return [
      `ok=; for i in $(seq ${timeoutS * 10}); do`,
      `  if (exec 3<>/dev/tcp/${addressOf(l, n)}/22) 2>/dev/null; then ok=1; break; fi`,
      `  kill -0 "$(cat ${shq(`${d}/pid`)})" 2>/dev/null || break`,
      '  sleep 0.1',
      'done',
      `[ -n "$ok" ] || { echo "${n}: sshd did not answer within ${timeoutS}s; last console lines:" >&2; tail -5 ${shq(`${d}/console.log`)} >&2; exit 1; }`,
    ].join('\n');
  });
  return checks.join('\n');
}

/** Clean halt (nspawn forwards SIGTERM as SIGRTMIN+3); if it hangs, SIGKILL the container's PID 1, not only nspawn. */
export function stopScript(l: FleetLayout, name: string): string {
  const d = paths(l).node(name);
  const P = shq(`${d}/pid`);
  return [
    `p=$(cat ${P} 2>/dev/null)`,
    'if [ -n "$p" ] && grep -q systemd-nspawn /proc/$p/cmdline 2>/dev/null; then',
    '  kill -TERM $p',
    '  for i in $(seq 300); do kill -0 $p 2>/dev/null || break; sleep 0.1; done',
    '  if kill -0 $p 2>/dev/null; then leader=$(ps --ppid $p -o pid= | head -1 | tr -d " "); [ -n "$leader" ] && kill -KILL $leader; sleep 1; kill -KILL $p 2>/dev/null; fi',
    'fi',
    `rm -f ${P}`,
    `rm -rf /run/systemd/nspawn/propagate/${shq(machineName(l, name))}`,
  ].join('\n');
}

/** Stop, unmount and delete a host (its address and known_hosts lines go with it). */
export function removeScript(l: FleetLayout, name: string): string {
  const p = paths(l);
  const d = p.node(name);
  return [
    stopScript(l, name),
    `mountpoint -q ${shq(`${d}/merged`)} && umount ${shq(`${d}/merged`)}`,
    `rm -rf ${shq(d)}`,
    `[ -f ${shq(p.knownHosts)} ] && sed -i '/^${name},/d' ${shq(p.knownHosts)}`,
    'true',
  ].join('\n');
}

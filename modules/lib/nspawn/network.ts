// The fleet's network and services on the manager: SSH key, inotify limit, private bridge, apt-cacher-ng proxy.
import { shq } from '../../../engine/shell.js';
import { type FleetLayout, gateway, paths } from './layout.js';

export function keyScript(l: FleetLayout): string {
  const k = shq(paths(l).key);
  return `mkdir -p "$(dirname ${k})" && chmod 700 "$(dirname ${k})" && ssh-keygen -q -t ed25519 -N '' -C sdtd-fleet -f ${k}`;
}

/** Every host's systemd needs inotify instances: the default 128 stops boots at about 19 hosts. */
export const INOTIFY_MIN = 8192;
export const inotifyScript = () =>
  `sysctl -qw fs.inotify.max_user_instances=${INOTIFY_MIN} && { [ "$(sysctl -n fs.inotify.max_user_watches)" -ge 1048576 ] || sysctl -qw fs.inotify.max_user_watches=1048576; }`;

/** No forwarding, no NAT, no default route for the hosts: the fleet reaches nothing outside itself. */
export function bridgeScript(l: FleetLayout): string {
  const b = shq(l.bridge);
  return `ip link add ${b} type bridge && ip addr add ${gateway(l)}/24 dev ${b} && ip link set ${b} up`;
}

/**
 * apt-cacher-ng bound to the bridge address only, with its own configuration: Debian's default
 * upstream (ftp.debian.org) is unreachable here, so it is pointed at deb.debian.org.
 */
export function acngScript(l: FleetLayout): string {
  const a = paths(l).acng;
  const conf = [
    `CacheDir: ${a}/cache`,
    `LogDir: ${a}/log`,
    'SupportDir: /usr/lib/apt-cacher-ng',
    `SocketPath: ${a}/socket`,
    `PidFile: ${a}/acng.pidfile`,
    'Port: 3142',
    `BindAddress: ${gateway(l)}`,
    `Remap-debrep: file:deb_mirror*.gz /debian ; ${l.mirror}/`,
    `Remap-secdeb: security.debian.org security.debian.org/debian-security deb.debian.org/debian-security /debian-security ; ${l.securityMirror}/`,
    'ForceManaged: 1',
    'ExThreshold: 4',
    'ReportPage: acng-report.html',
  ].join('\n');
  const A = shq(a);
  return [
    'set -e',
    `mkdir -p ${A}/conf ${A}/cache ${A}/log`,
    `printf '%s\\n' ${shq(conf)} > ${A}/conf/acng.conf`,
    `chown apt-cacher-ng:apt-cacher-ng ${A} && chown -R apt-cacher-ng:apt-cacher-ng ${A}/cache ${A}/log`,
    `setsid setpriv --reuid=apt-cacher-ng --regid=apt-cacher-ng --init-groups /usr/sbin/apt-cacher-ng -c ${A}/conf ForeGround=1 > ${A}/stdout.log 2>&1 < /dev/null &`,
    `echo $! > ${A}/pid`,
    `for i in $(seq 50); do (exec 3<>/dev/tcp/${gateway(l)}/3142) 2>/dev/null && exit 0; sleep 0.1; done`,
    `echo "apt-cacher-ng did not start (its user must be able to reach ${a}): $(tail -3 ${A}/stdout.log | tr '\\n' ' ')" >&2; exit 1`,
  ].join('\n');
}

export function stopAcngScript(l: FleetLayout): string {
  const A = shq(paths(l).acng);
  return `[ -f ${A}/pid ] && kill "$(cat ${A}/pid)" 2>/dev/null; rm -f ${A}/pid; ip link del ${shq(l.bridge)} 2>/dev/null; true`;
}

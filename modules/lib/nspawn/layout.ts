// Where the local fleet lives on the manager and how its hosts are named and addressed (one place for both).
import { posix } from 'node:path';

export interface FleetLayout {
  dir: string;
  bridge: string;
  /** First three octets of the private /24, e.g. "10.231.0". */
  net: string;
  prefix: string;
  suite: string;
  mirror: string;
  securityMirror: string;
  packages: string[];
  /** A prebuilt base image to boot from instead of the fleet's own. */
  image?: string;
}

export const BASE_PACKAGES = [
  'systemd',
  'systemd-sysv',
  'dbus',
  'openssh-server',
  'iproute2',
  'sudo',
  'ca-certificates',
  'procps',
  'monit',
  'iputils-ping',
  'less',
];

export const paths = (l: FleetLayout) => ({
  rootfs: l.image ?? posix.join(l.dir, 'rootfs'),
  key: posix.join(l.dir, 'keys', 'id_ed25519'),
  knownHosts: posix.join(l.dir, 'known_hosts'),
  acng: posix.join(l.dir, 'acng'),
  nodes: posix.join(l.dir, 'nodes'),
  node: (name: string) => posix.join(l.dir, 'nodes', name),
});

/** The manager's address on the bridge (the apt proxy listens there). */
export const gateway = (l: FleetLayout) => `${l.net}.1`;

/** node1 is .11, node2 .12, ...: addresses follow names, so a host keeps its address across rebuilds. */
export function addressOf(l: FleetLayout, name: string): string {
  const n = Number(name.slice(l.prefix.length));
  return `${l.net}.${10 + n}`;
}

export function nameOf(l: FleetLayout, index: number): string {
  return `${l.prefix}${index}`;
}

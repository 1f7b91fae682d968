// The base root filesystem every fleet host boots from (as an overlay's lower layer): built once with mmdebstrap.
import { shq } from '../../../engine/shell.js';
import { type FleetLayout, gateway, paths } from './layout.js';

/** Build the image into a temporary directory and move it into place, so a failed build never looks complete. */
export function buildImageScript(l: FleetLayout): string {
  const p = paths(l);
  const tmp = `${p.rootfs}.building`;
  const r = shq(tmp);
  const sources = [
    `deb ${l.mirror} ${l.suite} main`,
    `deb ${l.mirror} ${l.suite}-updates main`,
    `deb ${l.securityMirror} ${l.suite}-security main`,
  ];
  return [
    'set -e',
    `mkdir -p ${shq(l.dir)}`,
    `rm -rf ${r}`,
    `mmdebstrap --variant=minbase --include=${shq(l.packages.join(','))} ${shq(l.suite)} ${r} ${sources.map(shq).join(' ')} > ${shq(l.dir)}/mmdebstrap.log 2>&1 || { tail -20 ${shq(l.dir)}/mmdebstrap.log >&2; exit 1; }`,
    // host keys are made per host at creation time; ed25519 and ecdsa only (RSA costs ~0.8 s of CPU per host)
    `rm -f ${r}/etc/ssh/ssh_host_*`,
    `printf 'HostKey /etc/ssh/ssh_host_ed25519_key\\nHostKey /etc/ssh/ssh_host_ecdsa_key\\n' > ${r}/etc/ssh/sshd_config.d/00-fleet-hostkeys.conf`,
    // no DNS in the fleet; each host writes its own hostname and generates its machine id at first boot
    `: > ${r}/etc/resolv.conf && chmod 644 ${r}/etc/resolv.conf && : > ${r}/etc/hostname && : > ${r}/etc/machine-id`,
    `install -d -m700 ${r}/root/.ssh`,
    `chroot ${r} systemctl enable systemd-networkd >/dev/null 2>&1`,
    // unattended apt runs would hold the dpkg lock in the middle of a deployment
    `chroot ${r} systemctl mask apt-daily.timer apt-daily-upgrade.timer >/dev/null 2>&1`,
    `printf 'Acquire::http::Proxy "http://${gateway(l)}:3142";\\n' > ${r}/etc/apt/apt.conf.d/01fleet-proxy`,
    `date -u +%FT%TZ > ${r}/.sdtd-image`,
    `rm -rf ${shq(p.rootfs)} && mv ${r} ${shq(p.rootfs)}`,
  ].join('\n');
}

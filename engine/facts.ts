// Fact gathering: one shell command per host gives the small fact set roles use (names, OS, CPU, memory, addresses).

/** Prints key=value lines; POSIX sh and tools present on a minimal Debian/Ubuntu. */
export const FACTS_SCRIPT = [
  'echo "hostname=$(hostname -s 2>/dev/null || cat /etc/hostname)"',
  'echo "fqdn=$(hostname -f 2>/dev/null || hostname 2>/dev/null || cat /etc/hostname)"',
  '[ -r /etc/os-release ] && . /etc/os-release',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansions, not JS templates
  'echo "os_id=${ID:-}"; echo "os_like=${ID_LIKE:-}"; echo "os_version=${VERSION_ID:-}"; echo "os_codename=${VERSION_CODENAME:-}"; echo "os_name=${PRETTY_NAME:-}"',
  'echo "arch=$(uname -m)"; echo "kernel=$(uname -r)"',
  'echo "cpus=$(nproc 2>/dev/null || grep -c ^processor /proc/cpuinfo)"',
  'awk \'/^MemTotal:/{print "memtotal_kb="$2} /^MemAvailable:/{print "memfree_kb="$2}\' /proc/meminfo',
  'ip -o -4 addr show 2>/dev/null | awk \'{print "addr4="$2" "$4}\'',
  'ip -4 route show default 2>/dev/null | awk \'{print "route="$3" "$5; exit}\'',
  'echo "user=$(id -un)"; echo "uid=$(id -u)"',
  'echo "pid1=$(cat /proc/1/comm 2>/dev/null)"',
  'echo "epoch=$(date +%s)"',
].join('\n');

function capital(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

/** Ansible-named facts from the script's output. */
export function parseFacts(out: string): Record<string, unknown> {
  const kv: Record<string, string> = {};
  const addrs: { iface: string; cidr: string }[] = [];
  let route: { gateway: string; iface: string } | undefined;
  for (const line of out.split('\n')) {
    const i = line.indexOf('=');
    if (i < 0) continue;
    const k = line.slice(0, i);
    const v = line.slice(i + 1).trim();
    if (k === 'addr4') {
      const [iface, cidr] = v.split(' ');
      addrs.push({ iface, cidr });
    } else if (k === 'route') {
      const [gateway, iface] = v.split(' ');
      route = { gateway, iface };
    } else kv[k] = v;
  }
  const family = [kv.os_id, ...(kv.os_like ?? '').split(' ')].includes('debian')
    ? 'Debian'
    : capital(kv.os_id);
  const facts: Record<string, unknown> = {
    hostname: kv.hostname,
    nodename: kv.hostname,
    fqdn: kv.fqdn,
    domain: kv.fqdn?.includes('.') ? kv.fqdn.slice(kv.fqdn.indexOf('.') + 1) : '',
    os_family: family,
    distribution: kv.os_id === 'debian' ? 'Debian' : kv.os_id === 'ubuntu' ? 'Ubuntu' : capital(kv.os_id),
    distribution_version: kv.os_version,
    distribution_major_version: (kv.os_version ?? '').split('.')[0],
    distribution_release: kv.os_codename,
    distribution_name: kv.os_name,
    architecture: kv.arch,
    kernel: kv.kernel,
    processor_vcpus: Number(kv.cpus),
    processor_nproc: Number(kv.cpus),
    memtotal_mb: Math.floor(Number(kv.memtotal_kb) / 1024),
    memfree_mb: Math.floor(Number(kv.memfree_kb) / 1024),
    user_id: kv.user,
    user_uid: Number(kv.uid),
    service_mgr: kv.pid1 === 'systemd' ? 'systemd' : kv.pid1,
    date_time: { epoch: kv.epoch },
  };
  const ifaces = [...new Set(addrs.map((a) => a.iface))];
  facts.interfaces = ifaces;
  facts.all_ipv4_addresses = addrs.filter((a) => a.iface !== 'lo').map((a) => a.cidr.split('/')[0]);
  for (const iface of ifaces) {
    const list = addrs
      .filter((a) => a.iface === iface)
      .map((a) => ({ address: a.cidr.split('/')[0], prefix: a.cidr.split('/')[1] }));
    facts[iface.replace(/[^A-Za-z0-9_]/g, '_')] = {
      device: iface,
      ipv4: list[0],
      ipv4_secondaries: list.slice(1),
    };
  }
  // without a default route (a private fleet), the first non-loopback address stands in, so roles still find one
  const main = route ? addrs.find((a) => a.iface === route.iface) : addrs.find((a) => a.iface !== 'lo');
  facts.default_ipv4 = main
    ? {
        address: main.cidr.split('/')[0],
        prefix: main.cidr.split('/')[1],
        interface: main.iface,
        gateway: route?.gateway ?? '',
      }
    : {};
  return facts;
}

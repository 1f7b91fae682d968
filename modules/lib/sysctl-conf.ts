// sysctl's reading and text edit: the kernel's value and the file in one round trip, and the key's line set or removed.
import type { Host } from '../../engine/module.js';
import { shq } from '../../engine/shell.js';
import { bare, splitLines } from './line-edit.js';
import { type Probe, parseProbe, probeScript } from './probe.js';

export interface SysctlState {
  /** The running kernel's value, or null when it has no such key (then `error` says why). */
  kernel: string | null;
  error: string;
  file: Probe;
}

/** Values compare as sysctl prints them: words separated by any whitespace (tabs in tcp_rmem). */
export const norm = (v: string) => v.trim().split(/\s+/).join(' ');

const TRUE = ['yes', 'true', 'on'];
const FALSE = ['no', 'false', 'off'];

/** Ansible's reading of a value: booleans are 1 and 0, the rest is trimmed. */
export function sysctlValue(v: string): string {
  const l = v.trim().toLowerCase();
  return TRUE.includes(l) ? '1' : FALSE.includes(l) ? '0' : v.trim();
}

export async function readSysctl(host: Host, name: string, path: string): Promise<SysctlState> {
  // the kernel's answer in base64 on one line: values may hold tabs, and errors several lines
  const kernel = `if v=$(sysctl -n -- ${shq(name)} 2>&1); then echo 0; else echo 1; fi; printf '%s' "$v" | base64 -w0; echo`;
  const out = await host.run(`${kernel}\n${probeScript(path, { follow: true, content: true })}`);
  const [rc, b64] = out.split('\n', 2);
  const text = Buffer.from(b64, 'base64').toString('utf8');
  const file = parseProbe(out.slice(rc.length + b64.length + 2), { content: true });
  return { kernel: rc === '0' ? text : null, error: rc === '0' ? '' : text.trim(), file };
}

/** `name = value`, `-name=value` (systemd: ignore errors); comments start with # or ;. */
function keyOf(line: string): { key: string; value: string; dash: string } | null {
  const m = /^\s*(-?)([^#;=\s][^=]*?)\s*=\s*(.*?)\s*$/.exec(bare(line));
  return m ? { dash: m[1], key: m[2], value: m[3] } : null;
}

/**
 * The file with the key's first line set to value (or appended) and its other lines removed, as Ansible
 * does; or, without a value, every line of the key removed. Other lines are left as they are.
 */
export function editSysctl(text: string, name: string, value?: string): { after: string; msg: string } {
  const lines = splitLines(text);
  const out: string[] = [];
  let seen = false;
  let msg = '';
  for (const line of lines) {
    const k = keyOf(line);
    if (!k || k.key !== name) {
      out.push(line);
      continue;
    }
    if (value === undefined || seen) {
      msg = value === undefined ? 'key removed' : 'duplicate removed';
      continue;
    }
    seen = true;
    if (norm(k.value) === norm(value)) out.push(line);
    else {
      out.push(`${k.dash}${name}=${value}${line.endsWith('\n') ? '\n' : ''}`);
      msg = 'value changed';
    }
  }
  if (value !== undefined && !seen) {
    if (out.length && !out[out.length - 1].endsWith('\n')) out[out.length - 1] += '\n';
    out.push(`${name}=${value}\n`);
    msg = 'key added';
  }
  const after = out.join('');
  return { after, msg: after === text ? '' : msg };
}

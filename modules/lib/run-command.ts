// Shared by command and shell: the creates/removes check, running a command line, and Ansible's result shape.
import { posix } from 'node:path';
import { type Host, type Plan, TaskFailure } from '../../engine/module.js';
import { Bool, Type } from '../../engine/schema.js';
import { shq } from '../../engine/shell.js';

export const commandProps = {
  cmd: Type.Optional(Type.String({ description: 'The command line (the free-form text).' })),
  chdir: Type.Optional(Type.String({ description: 'Change into this directory before running.' })),
  creates: Type.Optional(Type.String({ description: 'A path or glob: when it exists, do not run.' })),
  removes: Type.Optional(Type.String({ description: 'A path or glob: when it does not exist, do not run.' })),
  stdin: Type.Optional(Type.String({ description: 'Text fed to the command on standard input.' })),
  stdin_add_newline: Type.Optional(Bool({ description: 'Append a newline to stdin (default true).' })),
  strip_empty_ends: Type.Optional(
    Bool({ description: 'Remove trailing newlines from stdout and stderr (default true).' }),
  ),
};

export interface CommandArgs {
  chdir?: string;
  creates?: string;
  removes?: string;
  stdin?: string;
  stdin_add_newline?: boolean;
  strip_empty_ends?: boolean;
}

/** Split a command line into words as Python's shlex.split does (Ansible's command): quotes and backslashes only. */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let cur: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (/\s/.test(c)) {
      if (cur !== null) words.push(cur);
      cur = null;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new TaskFailure(`expected a closing ' in the command line (got: ${line})`);
      cur = (cur ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      cur ??= '';
      for (i++; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === '\\' && '\\"$`\n'.includes(line[i + 1] ?? '')) i++;
        cur += line[i];
      }
      if (i >= line.length) throw new TaskFailure(`expected a closing " in the command line (got: ${line})`);
    } else if (c === '\\') {
      cur = (cur ?? '') + (line[++i] ?? '');
    } else cur = (cur ?? '') + c;
  }
  if (cur !== null) words.push(cur);
  return words;
}

/** A glob for /bin/sh: `*`, `?` and simple `[...]` stay active, everything else is quoted. */
export function globq(pattern: string): string {
  return pattern
    .split(/(\*|\?|\[[!^]?[A-Za-z0-9._-]+\])/)
    .map((part, i) => (i % 2 ? part : part ? shq(part) : ''))
    .join('');
}

/** Why the command is not run (creates exists, removes absent), read in one round trip; undefined to run it. */
async function skipReason(args: CommandArgs, host: Host): Promise<string | undefined> {
  if (!args.creates && !args.removes) return undefined;
  // relative paths are relative to chdir, as in Ansible
  const at = (p: string) => (args.chdir && !p.startsWith('/') ? posix.join(args.chdir, p) : p);
  const probe = (p?: string) =>
    p ? `(set -- ${globq(at(p))}; [ -e "$1" ] || [ -L "$1" ]) && echo 1 || echo 0` : 'echo -';
  const [c, r] = (await host.run(`${probe(args.creates)}; ${probe(args.removes)}`)).split('\n');
  if (c === '1') return `skipped, since ${args.creates} exists`;
  if (r === '0') return `skipped, since ${args.removes} does not exist`;
  return undefined;
}

/** Plan a command: nothing when creates/removes say so, else one step that runs `line` (a /bin/sh string). */
export async function planCommand(args: CommandArgs, host: Host, line: string, cmd: unknown): Promise<Plan> {
  const skip = await skipReason(args, host);
  if (skip) {
    const result = { cmd, rc: 0, stdout: skip, stdout_lines: [skip], stderr: '', stderr_lines: [] };
    return { steps: [], note: skip, result };
  }
  const shown = Array.isArray(cmd) ? line : String(cmd);
  return {
    steps: [{ describe: `run: ${shown}`, run: (h) => runCommand(h, line, cmd, args) }],
    // with creates/removes the change is predictable: the command runs because the path says so
    ...(args.creates || args.removes
      ? {}
      : { unpredictable: 'command has no creates/removes: its effect cannot be known without running it' }),
  };
}

async function runCommand(host: Host, line: string, cmd: unknown, args: CommandArgs) {
  // never `cd X && cmd`: in a shell command after `;` the rest would run in the wrong directory
  const full = args.chdir ? `cd ${shq(args.chdir)} || exit 1\n${line}` : line;
  const stdin =
    args.stdin === undefined ? undefined : args.stdin + (args.stdin_add_newline === false ? '' : '\n');
  const start = new Date();
  const r = await host.exec(full, { stdin });
  const end = new Date();
  const strip = (s: string) => (args.strip_empty_ends === false ? s : s.replace(/[\r\n]+$/, ''));
  const stdout = strip(r.stdout);
  const stderr = strip(r.stderr);
  const result = {
    cmd,
    rc: r.rc,
    stdout,
    stderr,
    stdout_lines: lines(stdout),
    stderr_lines: lines(stderr),
    start: timestamp(start),
    end: timestamp(end),
    delta: delta(end.getTime() - start.getTime()),
  };
  if (r.rc !== 0) throw new TaskFailure('non-zero return code', result);
  return result;
}

/** Python's str.splitlines(). */
function lines(s: string): string[] {
  return s === '' ? [] : s.replace(/(\r\n|\n|\r)$/, '').split(/\r\n|\n|\r/);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Ansible's `2024-05-01 12:00:00.123000` (local time). */
function timestamp(d: Date): string {
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds() * 1000, 6)}`
  );
}

/** Ansible's `0:00:01.234000`. */
function delta(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}.${pad((ms % 1000) * 1000, 6)}`;
}

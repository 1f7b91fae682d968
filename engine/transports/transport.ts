// What the engine needs from a connection to a host; local and SSH transports implement it.
import { SdtdError } from '../errors.js';
import { envPrefix, shq } from '../shell.js';

export interface Become {
  user: string;
  /** Only sudo for now (password-less, `sudo -n`); the field leaves room for su/doas. */
  method?: 'sudo';
}

export interface ExecOptions {
  stdin?: string | Buffer;
  env?: Record<string, string | number | boolean>;
  /** Kill the command after this long; the result then has timedOut and rc 124. */
  timeoutMs?: number;
  become?: Become;
  cwd?: string;
}

export interface ExecResult {
  rc: number;
  stdout: string;
  stderr: string;
  timedOut?: boolean;
}

export interface Transport {
  readonly kind: string;
  /** The user the transport logs in as; become wraps commands only when it differs. */
  readonly user: string;
  /** Run a /bin/sh command line on the host. Many may run at once (SSH multiplexes them as channels). */
  exec(cmd: string, opts?: ExecOptions): Promise<ExecResult>;
  /** Write bytes to exactly `path`, as the login user (SFTP over SSH). Atomic placement is the caller's job. */
  put(path: string, content: Buffer | string, opts?: { mode?: number }): Promise<void>;
  /** Upload a local file by path (large archives are not read into memory), as the login user. */
  putFile?(localPath: string, path: string): Promise<void>;
  /** Read a file's bytes, as the login user. */
  get(path: string): Promise<Buffer>;
  close(): Promise<void>;
}

/** The host could not be reached (connect refused, timed out, dropped mid-task): the host is UNREACHABLE. */
export class UnreachableError extends SdtdError {
  constructor(host: string, why: string) {
    super('unreachable', `${host} is unreachable: ${why}`, { exitCode: 4 });
  }
}

/** The password sudo asks for (--ask-become-pass), kept in memory only: never in an environment variable. */
let becomePassword: string | undefined;
export function setBecomePassword(pw: string | undefined): void {
  becomePassword = pw;
}

/**
 * Wrap a command for cwd, environment and become; the same shape on every transport. Without a become
 * password sudo must not prompt (-n); with one, sudo reads it as the first line of stdin (-S) and the
 * command gets the rest.
 */
export function wrapCommand(
  cmd: string,
  opts: ExecOptions,
  loginUser: string,
): { cmd: string; stdin?: string | Buffer } {
  let full = `${envPrefix(opts.env)}${opts.cwd ? `cd ${shq(opts.cwd)} && ` : ''}${cmd}`;
  const b = opts.become;
  if (!b || b.user === loginUser) return { cmd: full, stdin: opts.stdin };
  const sudo = becomePassword === undefined ? 'sudo -n' : "sudo -S -p ''";
  full = `${sudo} -H -u ${shq(b.user)} -- /bin/sh -c ${shq(full)}`;
  if (becomePassword === undefined) return { cmd: full, stdin: opts.stdin };
  return {
    cmd: full,
    stdin: Buffer.concat([Buffer.from(`${becomePassword}\n`), Buffer.from(opts.stdin ?? '')]),
  };
}

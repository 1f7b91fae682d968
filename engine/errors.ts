// User-facing errors: a stable code, a source position, and one line of text that never needs a stack trace.

/** Stable error codes; docs/errors.md lists them and what to do about each. */
export type ErrorCode =
  | 'yaml-syntax'
  | 'yaml-duplicate-key'
  | 'schema'
  | 'unknown-module'
  | 'file-mode-number'
  | 'undefined-variable'
  | 'template'
  | 'missing-file'
  | 'role-not-found'
  | 'inventory'
  | 'host-pattern'
  | 'cli-usage'
  | 'task-failed'
  | 'unreachable'
  | 'include'
  | 'handler-not-found'
  | 'not-root'
  | 'aws'
  | 'vault';

export interface Position {
  file: string;
  line: number;
  col: number;
}

/** Exit codes, as ansible-playbook has them where they overlap (docs/cli.md). */
export const EXIT = {
  ok: 0,
  internal: 1,
  failed: 2,
  invalid: 2,
  unreachable: 4,
  usage: 5,
  interrupted: 130,
} as const;

export class SdtdError extends Error {
  readonly code: ErrorCode;
  readonly pos?: Position;
  readonly where?: string;
  /** Exit code this error ends the run with. */
  readonly exitCode: number;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { pos?: Position; where?: string; exitCode?: number } = {},
  ) {
    super(message);
    this.name = 'SdtdError';
    this.code = code;
    this.pos = opts.pos;
    this.where = opts.where;
    this.exitCode = opts.exitCode ?? (code === 'cli-usage' ? EXIT.usage : EXIT.invalid);
  }

  /** `file:line:col: where: message [code]`: the one line users see. */
  format(): string {
    const head = this.pos ? `${this.pos.file}:${this.pos.line}:${this.pos.col}: ` : '';
    const where = this.where ? `${this.where}: ` : '';
    return `${head}${where}${this.message} [${this.code}]`;
  }

  /** A copy of this error with a position and/or context filled in where it had none. */
  at(pos?: Position, where?: string): SdtdError {
    if ((this.pos || !pos) && (this.where || !where)) return this;
    const e = new SdtdError(this.code, this.message, {
      pos: this.pos ?? pos,
      where: this.where ?? where,
      exitCode: this.exitCode,
    });
    e.stack = this.stack;
    return e;
  }
}

/** Render a value for a "(got ...)" clause: short, typed, never multi-line. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v)}`;
  if (typeof v === 'number') return `number ${v}`;
  if (typeof v === 'boolean') return `boolean ${v}`;
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'object') {
    const keys = Object.keys(v as object);
    return `a mapping with keys ${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', ...' : ''}`;
  }
  return typeof v;
}

export function isSdtdError(e: unknown): e is SdtdError {
  return e instanceof SdtdError;
}

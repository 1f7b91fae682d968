// The module contract: `plan(args, host)` reads the host and returns the steps to take; the engine applies them.
import type { Static, TSchema } from './schema.js';
import type { ExecOptions, ExecResult } from './transports/transport.js';

/** What a file looks like on the host (null from Host.stat means it does not exist). */
export interface FileStat {
  type: 'file' | 'directory' | 'link' | 'other';
  /** Octal permission bits, four digits: "0644". */
  mode: string;
  owner: string;
  group: string;
  uid: number;
  gid: number;
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  /** Target of a symbolic link, when type is link. */
  linkTarget?: string;
  /** sha256 of a regular file's content, when asked for. */
  sha256?: string;
}

export interface WriteAttrs {
  mode?: string;
  owner?: string;
  group?: string;
}

/** Everything a module may do with the host it plans for. Plans only read; steps may change. */
export interface Host {
  /** inventory_hostname. */
  readonly name: string;
  /** The task's variables (inventory, facts, play, role, task, extra vars), rendered when read. */
  readonly vars: Readonly<Record<string, unknown>>;
  /** Run a /bin/sh command with the task's become and environment. */
  exec(cmd: string, opts?: ExecOptions): Promise<ExecResult>;
  /** exec, and fail the task with the command's stderr when it exits non-zero; returns stdout. */
  run(cmd: string, opts?: ExecOptions): Promise<string>;
  /** One round trip: the file's type, mode, owner, size, and (checksum) its sha256; null when absent. */
  stat(path: string, opts?: { follow?: boolean; checksum?: boolean }): Promise<FileStat | null>;
  /** A text file's content, null when absent. */
  read(path: string): Promise<string | null>;
  /** Atomically replace a file: upload to a temporary name beside it, set attrs, rename. */
  write(path: string, content: Buffer | string, attrs?: WriteAttrs): Promise<void>;
  /** Upload a file from the manager, atomically, as write() does. */
  upload(localPath: string, path: string, attrs?: WriteAttrs): Promise<void>;
  /** Find a file on the manager the way Ansible does: the role's files/ or templates/, then the playbook's. */
  localPath(kind: 'files' | 'templates' | 'vars', src: string): string;
  /** Render a template text with the task's variables (nunjucks, Jinja-compatible). */
  render(text: string, extraVars?: Record<string, unknown>): string;
}

/** A change for --diff: file contents as a unified diff, or a state as before -> after. */
export type Diff = ContentDiff | StateDiff;
export interface ContentDiff {
  kind: 'content';
  path: string;
  before: string;
  after: string;
}
export interface StateDiff {
  kind: 'state';
  what: string;
  before: string;
  after: string;
}

/** One change the engine may apply. Check mode never runs it. */
export interface Step {
  /** One line saying what the step does, e.g. `chmod 0644 /etc/kafka/server.properties`. */
  describe: string;
  /** false for steps that only wait or observe (wait_for): they do not make the task "changed". */
  changes?: boolean;
  /** Apply; may return values to merge into the task's registered result (`changed: true` marks the task changed). */
  run(host: Host): Promise<Record<string, unknown> | undefined>;
}

export interface Plan {
  /** What to do; empty means the host is already as asked (ok). */
  steps: Step[];
  diff?: Diff[];
  /** A line shown with the result (e.g. why nothing is done). */
  note?: string;
  /** Return values known when planning; in check mode they are the registered prediction. */
  result?: Record<string, unknown>;
  /** Facts to set on the host (set_fact). */
  facts?: Record<string, unknown>;
  /** The module decided the task fails (assert, fail), with this message. */
  fail?: string;
  /** Set when the outcome cannot be predicted without running (command with no creates/removes): check mode skips it. */
  unpredictable?: string;
}

export interface Module<S extends TSchema = TSchema> {
  /** The YAML key, e.g. `copy`; also the file name under modules/. */
  name: string;
  schema: S;
  /** The key a free-form string fills: `command: ls /` becomes `{ cmd: "ls /" }`. */
  freeForm?: string;
  /** Other names users may give an argument, as Ansible accepts them: `{ dest: 'path' }`. */
  aliases?: Record<string, string>;
  /** Never touches the host (debug, set_fact, assert, fail): no connection is needed. */
  controllerOnly?: boolean;
  /** Where the variables a plan returns (`facts`) go: set_fact's layer, or include_vars' just below it. */
  varsLayer?: 'vars' | 'included';
  plan(args: Static<S>, host: Host): Promise<Plan>;
}

/** Typed identity: lets a module's plan() see its args type inferred from its schema. */
export function defineModule<S extends TSchema>(m: Module<S>): Module<S> {
  return m;
}

/** A task failure raised by a module (plan or step), with optional values for the registered result. */
export class TaskFailure extends Error {
  readonly result?: Record<string, unknown>;
  constructor(message: string, result?: Record<string, unknown>) {
    super(message);
    this.name = 'TaskFailure';
    this.result = result;
  }
}

// Steps that put new content in place: staged beside dest, validated, backed up, renamed; and parent-directory creation.
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { attrCommands } from '../../engine/host.js';
import { type Host, type Step, TaskFailure, type WriteAttrs } from '../../engine/module.js';
import { Bool, Type } from '../../engine/schema.js';
import { shq } from '../../engine/shell.js';

/** The arguments of the modules that replace a whole file at dest (copy, template). */
export const replaceProps = {
  force: Type.Optional(
    Bool({ description: 'Replace dest when it differs (default true); false: only create.' }),
  ),
  backup: Type.Optional(Bool({ description: 'Keep a timestamped copy of the file being replaced.' })),
  validate: Type.Optional(
    Type.String({ description: 'Command run on the new file before it replaces dest; %s is its path.' }),
  ),
  follow: Type.Optional(
    Bool({ description: 'When dest is a symbolic link, write its target (default: replace the link).' }),
  ),
};

export interface WriteOpts {
  dest: string;
  attrs: WriteAttrs;
  /** Keep a timestamped copy of the old file (only when there is one). */
  backup?: boolean;
  /** A command with %s, run on the staged file before it replaces dest. */
  validate?: string;
  /** Bytes from the manager, or a file already on the host (remote_src). */
  content: { data: Buffer | string } | { remotePath: string };
  describe: string;
}

/** The shell that names and makes a backup beside dest, Ansible's way (`dest.YYYY-MM-DD@HH:MM:SS~`), and prints its path. */
export function backupCommand(dest: string): string {
  const d = shq(dest);
  return `if [ -f ${d} ]; then b=${d}.$(date +%Y-%m-%d@%H:%M:%S~) && cp -p -- ${d} "$b" && printf '%s' "$b"; fi`;
}

export function validateCommand(validate: string, path: string): string {
  if (!validate.includes('%s'))
    throw new TaskFailure(`validate must contain %s (the file to check), got "${validate}"`);
  return validate.replaceAll('%s', shq(path));
}

/** Write new content to dest. Without validate or backup this is one host.write (upload + rename). */
export function writeStep(o: WriteOpts): Step {
  return {
    describe: o.describe,
    async run(host) {
      if (!o.validate && !o.backup && 'data' in o.content) {
        await host.write(o.dest, o.content.data, o.attrs);
        return {};
      }
      const tmp = posix.join(
        posix.dirname(o.dest),
        `.${posix.basename(o.dest)}.sdtd-${randomBytes(6).toString('hex')}`,
      );
      try {
        // staged private: it may be a secret (sudoers, keys) until it gets its final mode
        if ('data' in o.content) await host.write(tmp, o.content.data, { mode: '0600' });
        else await host.run(`cp -- ${shq(o.content.remotePath)} ${shq(tmp)} && chmod 0600 ${shq(tmp)}`);
        if (o.validate) {
          const r = await host.exec(validateCommand(o.validate, tmp));
          if (r.rc !== 0) {
            const why = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-3).join(' | ');
            throw new TaskFailure(
              `validate failed (rc ${r.rc}): ${why || 'no output'}; ${o.dest} left unchanged`,
              {
                rc: r.rc,
                stdout: r.stdout,
                stderr: r.stderr,
              },
            );
          }
        }
        const backup = o.backup ? `${backupCommand(o.dest)} && ` : '';
        const out = await host.run(
          `${backup}${attrCommands(tmp, o.dest, o.attrs)} && mv -f -- ${shq(tmp)} ${shq(o.dest)}`,
        );
        return o.backup && out ? { backup_file: out } : {};
      } catch (e) {
        await host.exec(`rm -f -- ${shq(tmp)}`);
        throw e;
      }
    },
  };
}

/** Create a missing directory (and its parents), with a mode and owner for the new one. */
export function mkdirStep(dir: string, attrs: WriteAttrs = {}): Step {
  const d = shq(dir);
  let cmd = `mkdir -p -- ${d}`;
  if (attrs.owner || attrs.group)
    cmd += ` && chown ${shq(`${attrs.owner ?? ''}${attrs.group ? `:${attrs.group}` : ''}`)} -- ${d}`;
  if (attrs.mode) cmd += ` && chmod ${shq(attrs.mode)} -- ${d}`;
  return {
    describe: `create directory ${dir}`,
    run: async (host: Host) => {
      await host.run(cmd);
      return undefined;
    },
  };
}

// Host entries as inventories write them: `name`, `name:port`, `[v6::addr]:port`, and ranges `node[1:3]`, `db[01:10:2]`, `x[a:c]`.
import { type Position, SdtdError } from '../errors.js';

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Split a trailing :port off a host entry (Ansible's parse_address); IPv6 addresses keep their colons. */
export function splitPort(entry: string): { host: string; port?: number } {
  const v6 = /^\[([0-9a-fA-F]*:[0-9a-fA-F.]*:[0-9a-fA-F:.]*)\]$/.exec(entry);
  if (v6) return { host: v6[1] };
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(entry) ?? /^((?:[^:[\]]|\[[^\]]*\])+):(\d+)$/.exec(entry);
  return m ? { host: m[1], port: Number(m[2]) } : { host: entry };
}

/** Expand every [begin:end(:step)] range of a host name; an entry without `[` is itself. */
export function expandRange(name: string, pos?: Position, where?: string): string[] {
  const open = name.indexOf('[');
  if (open < 0) return [name];
  const close = name.indexOf(']', open);
  const fail = (why: string) =>
    new SdtdError(
      'inventory',
      `expected a host range like [1:3], [01:10:2] or [a:f] (got "${name}": ${why})`,
      {
        pos,
        where,
      },
    );
  if (close < 0) throw fail('no closing "]"');
  const head = name.slice(0, open);
  const tail = name.slice(close + 1);
  const bounds = name.slice(open + 1, close).split(':');
  if (bounds.length !== 2 && bounds.length !== 3) throw fail('a range is begin:end or begin:end:step');
  const beg = bounds[0] || '0';
  const end = bounds[1];
  const step = bounds.length === 3 ? Number(bounds[2]) : 1;
  if (!end) throw fail('the range has no end');
  if (!Number.isInteger(step) || step <= 0) throw fail('the step must be a positive integer');
  let seq: string[];
  const ib = LETTERS.indexOf(beg);
  const ie = LETTERS.indexOf(end);
  if (beg.length === 1 && end.length === 1 && ib >= 0 && ie >= 0) {
    if (ib > ie) throw fail('begin comes after end');
    seq = [];
    for (let i = ib; i <= ie; i += step) seq.push(LETTERS[i]);
  } else {
    if (!/^\d+$/.test(beg) || !/^\d+$/.test(end))
      throw fail('begin and end must be numbers or single letters');
    const width = beg[0] === '0' && beg.length > 1 ? beg.length : 0;
    if (width && width !== end.length)
      throw fail('a zero-padded range needs begin and end of the same width');
    const b = Number(beg);
    const e = Number(end);
    if (b > e) throw fail('begin comes after end');
    seq = [];
    for (let i = b; i <= e; i += step) seq.push(String(i).padStart(width, '0'));
  }
  return seq.flatMap((s) => expandRange(head + s + tail, pos, where));
}

/** A host entry of an inventory: its host names (ranges expanded) and the port it gave, if any. */
export function expandHostEntry(
  entry: string,
  pos?: Position,
  where?: string,
): { names: string[]; port?: number } {
  const { host, port } = splitPort(entry.trim());
  if (!host) throw new SdtdError('inventory', `expected a host name (got "${entry}")`, { pos, where });
  return { names: expandRange(host, pos, where), port };
}

// Python regular expressions (what Ansible users write in regexp/insertafter) as JavaScript ones, and match.expand.
import { TaskFailure } from '../../engine/module.js';

/** Compile a Python `re` pattern: named groups, \A \Z, and leading inline flags are rewritten. */
export function pyRegex(src: string, what = 'regexp'): RegExp {
  let flags = '';
  let s = src;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(s);
  if (inline) {
    s = s.slice(inline[0].length);
    for (const c of inline[1]) {
      if ('ims'.includes(c)) flags += c;
      else if (c !== 'a' && c !== 'u')
        throw new TaskFailure(`${what} ${JSON.stringify(src)}: inline flag (?${c}) is not supported`);
    }
  }
  s = s
    .replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>')
    .replace(/(^|[^\\])\\A/g, '$1^')
    .replace(/(^|[^\\])\\Z/g, '$1$');
  try {
    return new RegExp(s, flags);
  } catch (e) {
    throw new TaskFailure(
      `${what} ${JSON.stringify(src)} is not a valid regular expression: ${(e as Error).message}`,
    );
  }
}

const ESC: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '\\': '\\',
};

/** Python's match.expand: \1..\99, \g<n>, \g<name>, and escapes; a group that did not take part gives ''. */
export function expand(m: RegExpExecArray, template: string): string {
  return template.replace(/\\(g<([^>]+)>|\d{1,2}|.)/gs, (all, tok: string, g?: string) => {
    if (g !== undefined || /^\d/.test(tok)) {
      const key = g ?? tok;
      const v = /^\d+$/.test(key) ? m[Number(key)] : m.groups?.[key];
      if (v === undefined && !(/^\d+$/.test(key) ? Number(key) < m.length : key in (m.groups ?? {})))
        throw new TaskFailure(`backrefs: the line refers to group ${key}, which regexp does not have`);
      return v ?? '';
    }
    return ESC[tok] ?? all;
  });
}

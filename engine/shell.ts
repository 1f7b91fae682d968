// POSIX shell quoting: every command we send is a /bin/sh string, so arguments are quoted in one place.

/** Quote one word for /bin/sh: single quotes, with embedded single quotes closed and escaped. */
export function shq(s: string | number): string {
  const t = String(s);
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(t) ? t : `'${t.replace(/'/g, `'\\''`)}'`;
}

/** Quote an argv for /bin/sh. */
export function shjoin(argv: (string | number)[]): string {
  return argv.map(shq).join(' ');
}

/** `export K=V;` prefixes: sshd usually refuses env requests (AcceptEnv), so the environment travels in the command. */
export function envPrefix(env: Record<string, string | number | boolean> | undefined): string {
  if (!env) return '';
  const parts = Object.entries(env).map(([k, v]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new Error(`invalid environment variable name: ${k}`);
    return `${k}=${shq(String(v))}`;
  });
  return parts.length ? `export ${parts.join(' ')}; ` : '';
}

// -e/--extra-vars: `k=v k2=v2`, inline JSON/YAML, or @file; they win over every other variable.
import { resolve } from 'node:path';
import { describeValue, SdtdError } from './errors.js';
import { loadYamlFile, parseYaml } from './load.js';
import { splitKeyValues } from './module-args.js';

export function parseExtraVars(args: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of args) {
    let v: unknown;
    if (a.startsWith('@')) v = loadYamlFile(resolve(a.slice(1)), undefined, a.slice(1));
    else if (/^\s*[{[]/.test(a)) v = parseYaml(a, '-e');
    else {
      const { kv, rest } = splitKeyValues(a);
      if (rest.length)
        throw new SdtdError(
          'cli-usage',
          `-e: expected key=value pairs, JSON, or @file (got ${describeValue(rest.join(' '))})`,
        );
      v = kv;
    }
    if (!v || typeof v !== 'object' || Array.isArray(v))
      throw new SdtdError('cli-usage', `-e: expected a mapping of variables (got ${describeValue(v)})`);
    Object.assign(out, v);
  }
  return out;
}

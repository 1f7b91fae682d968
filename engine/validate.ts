// Validates loaded YAML against JSON Schemas (ajv) and turns the first error into one clear positioned line.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { closest, distance } from 'fastest-levenshtein';
import { describeValue, type Position, SdtdError } from './errors.js';
import { posAtPath } from './load.js';
import { OCTAL_MODE, SYMBOLIC_MODE, type TSchema } from './schema.js';
import { VaultText } from './vault.js';

const BOOLS: Record<string, boolean> = {
  yes: true,
  no: false,
  on: true,
  off: false,
  true: true,
  false: false,
};

const ajv = new Ajv({
  allErrors: true,
  verbose: true,
  coerceTypes: true,
  strict: true,
  allowUnionTypes: true,
});
ajv.addVocabulary(['expected']);
ajv.addKeyword({
  keyword: 'sdtdBool',
  modifying: true,
  errors: true,
  validate: function check(
    _s: unknown,
    data: unknown,
    _p: unknown,
    cxt?: { parentData: any; parentDataProperty: any },
  ) {
    if (typeof data === 'boolean') return true;
    const b = typeof data === 'string' ? BOOLS[data.toLowerCase()] : undefined;
    if (b !== undefined && cxt) {
      cxt.parentData[cxt.parentDataProperty] = b;
      return true;
    }
    (check as any).errors = [{ keyword: 'sdtdBool', message: 'expected true or false', params: {} }];
    return false;
  },
});
ajv.addKeyword({
  keyword: 'fileMode',
  errors: true,
  validate: function check(_s: unknown, data: unknown) {
    if (typeof data === 'string' && (OCTAL_MODE.test(data) || SYMBOLIC_MODE.test(data))) return true;
    (check as any).errors = [{ keyword: 'fileMode', params: {} }];
    return false;
  },
});

const cache = new WeakMap<object, ValidateFunction>();
function compiled(schema: TSchema): ValidateFunction {
  let v = cache.get(schema);
  if (!v) {
    v = ajv.compile(schema);
    cache.set(schema, v);
  }
  return v;
}

export function hasTemplate(v: unknown): v is string {
  return typeof v === 'string' && (v.includes('{{') || v.includes('{%'));
}

export interface ValidateContext {
  /** The loaded object positions are looked up from, and the path from it to the data. */
  root?: unknown;
  path?: (string | number)[];
  /** Human description of the place, e.g. `task "write config" > copy`. */
  where: string;
  /** At load time a value that is still a template cannot be judged yet: skip errors on it. */
  deferTemplates?: boolean;
  /** Fallback position when the data was not loaded from YAML (e.g. rendered args). */
  pos?: Position;
}

/** Validate (and coerce yes/no, "8080" etc. in place); throws the first error as an SdtdError. */
export function validate(schema: TSchema, data: unknown, ctx: ValidateContext): void {
  const v = compiled(schema);
  if (v(data)) return;
  const errors = relevant(v.errors ?? [], data, ctx.deferTemplates ?? false);
  if (errors.length === 0) return;
  throw toError(errors[0], data, ctx);
}

function segments(instancePath: string): string[] {
  return instancePath === ''
    ? []
    : instancePath
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function valueAt(data: unknown, segs: string[]): unknown {
  let cur = data;
  for (const s of segs) cur = cur && typeof cur === 'object' ? (cur as any)[s] : undefined;
  return cur;
}

/** Drop errors on still-templated values, and sub-errors of an anyOf that is reported as a whole. */
function relevant(errors: ErrorObject[], data: unknown, deferTemplates: boolean): ErrorObject[] {
  const unions = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  return errors.filter((e) => {
    const segs = segments(e.instancePath);
    if (deferTemplates) {
      for (let k = 0; k <= segs.length; k++) {
        const v = valueAt(data, segs.slice(0, k));
        if (hasTemplate(v) || v instanceof VaultText) return false;
      }
    }
    return !unions.some(
      (u) => u !== e && e.schemaPath.startsWith(u.schemaPath.replace(/\/(anyOf|oneOf)$/, '/')),
    );
  });
}

function nearest(word: string, options: string[]): string | undefined {
  if (options.length === 0) return undefined;
  const c = closest(word, options);
  return distance(word, c) <= Math.max(2, Math.floor(word.length / 3)) ? c : undefined;
}

function toError(e: ErrorObject, data: unknown, ctx: ValidateContext): SdtdError {
  const segs = segments(e.instancePath);
  const value = valueAt(data, segs);
  const fullPath = [...(ctx.path ?? []), ...segs];
  let which: 'key' | 'value' = 'value';
  let message: string;
  let keyPath = segs.join('.');
  const got = describeValue(value);
  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = String(e.params.additionalProperty);
      const allowed = Object.keys((e.parentSchema as any)?.properties ?? {});
      const hint = nearest(extra, allowed);
      fullPath.push(extra);
      which = 'key';
      keyPath = [...segs, extra].join('.');
      message = `expected one of the keys ${allowed.join(', ')} (got unknown key "${extra}"${hint ? `; did you mean "${hint}"?` : ''})`;
      break;
    }
    case 'required':
      message = `expected the key "${e.params.missingProperty}" (got ${got})`;
      break;
    case 'enum': {
      const allowed = (e.params.allowedValues as unknown[]).map(String);
      const hint = typeof value === 'string' ? nearest(value, allowed) : undefined;
      message = `expected one of ${allowed.join(', ')} (got ${got}${hint ? `; did you mean "${hint}"?` : ''})`;
      break;
    }
    case 'type':
      message = `expected ${article(String(e.params.type))} (got ${got})`;
      break;
    case 'anyOf':
    case 'oneOf':
      message = `expected ${(e.parentSchema as any)?.expected ?? 'a value of another shape'} (got ${got})`;
      break;
    case 'pattern':
      message = `expected ${(e.parentSchema as any)?.expected ?? `text matching /${e.params.pattern}/`} (got ${got})`;
      break;
    case 'fileMode':
      message =
        typeof value === 'number'
          ? `expected a quoted string such as "0${String(value).padStart(3, '0').slice(-4)}" (got number ${value}: ` +
            'unquoted, YAML reads it as a decimal number, not an octal mode; quote it)'
          : `expected an octal mode such as "0644" or a symbolic one such as "u=rw,g=r" (got ${got})`;
      break;
    default:
      message = `${e.message?.startsWith('expected') ? e.message : `expected a value that ${e.message}`} (got ${got})`;
  }
  const where = keyPath ? `${ctx.where}${ctx.where ? ' > ' : ''}${keyPath}` : ctx.where;
  const pos = posAtPath(ctx.root ?? data, fullPath, which) ?? ctx.pos;
  return new SdtdError(
    e.keyword === 'fileMode' && typeof value === 'number' ? 'file-mode-number' : 'schema',
    message,
    {
      pos,
      where,
    },
  );
}

function article(type: string): string {
  const names: Record<string, string> = {
    string: 'a string',
    integer: 'an integer',
    number: 'a number',
    boolean: 'true or false',
    array: 'a list',
    object: 'a mapping',
    null: 'nothing',
  };
  return type
    .split(',')
    .map((t) => names[t] ?? t)
    .join(' or ');
}

export { nearest };

// Schema building blocks (TypeBox): one definition gives both the JSON Schema ajv checks and the TypeScript type.
import { type Static, type TProperties, type TSchema, Type } from '@sinclair/typebox';

export { type Static, type TSchema, Type };

/** A closed mapping: unknown keys are errors (they are usually typos). */
export function Obj<P extends TProperties>(props: P, opts: { description?: string } = {}) {
  return Type.Object(props, { additionalProperties: false, ...opts });
}

/** A boolean that also takes Ansible's yes/no/on/off spellings, but only where a boolean is expected. */
export function Bool(opts: { description?: string; default?: boolean } = {}) {
  return Type.Unsafe<boolean>({ sdtdBool: true, ...opts });
}

/** One of a fixed set of strings. */
export function Enum<const T extends readonly string[]>(values: T, opts: { description?: string } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...opts });
}

/** A file mode as a string: octal ("0644") or symbolic ("u=rw,g=r"). Numbers are refused: see fileMode in validate.ts. */
export function Mode(opts: { description?: string } = {}) {
  return Type.Unsafe<string>({ fileMode: true, ...opts });
}

/** A string, or a list of strings. */
export function StrOrList(opts: { description?: string } = {}) {
  return Type.Unsafe<string | string[]>({
    anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    expected: 'a string or a list of strings',
    ...opts,
  });
}

/** Any value: the engine or the module interprets it. */
export function Any(opts: { description?: string } = {}) {
  return Type.Unsafe<unknown>({ ...opts });
}

export const OCTAL_MODE = /^0?[0-7]{3,4}$/;
export const SYMBOLIC_MODE = /^([ugoa]*[-+=]([rwxXst]*|[ugo]))+(,([ugoa]*[-+=]([rwxXst]*|[ugo]))+)*$/;

/** The published JSON Schema form of our custom keywords, for editors (yaml-language-server). */
export function toPublicSchema(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(toPublicSchema);
  if (s === null || typeof s !== 'object') return s;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'sdtdBool') {
      out.anyOf = [{ type: 'boolean' }, { enum: ['yes', 'no', 'Yes', 'No', 'on', 'off', 'true', 'false'] }];
    } else if (k === 'fileMode') {
      out.type = 'string';
      out.pattern = `${OCTAL_MODE.source}|${SYMBOLIC_MODE.source}|\\{\\{`;
    } else if (k !== 'expected') out[k] = toPublicSchema(v);
  }
  return out;
}

export type { Static as Infer };
export type AnySchema = TSchema;

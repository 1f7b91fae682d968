// Templating: nunjucks set up to behave like Ansible's Jinja2 (native single expressions, strict undefined, lazy vars).
import nunjucks from 'nunjucks';
import { SdtdError } from './errors.js';
import { installFilters } from './filters.js';
import { singleExpression, spaceNestedBraces } from './jinja-braces.js';
import { installLineTracking } from './jinja-lines.js';
import { installOperators } from './jinja-operators.js';
import { repr } from './jinja-python.js';
import { installTests } from './jinja-tests.js';
import { installLookups } from './lookups.js';
import { hasTemplate } from './validate.js';
import { decryptVault, VaultText } from './vault.js';

export { hasTemplate };

// nunjucks' internals, as CommonJS export objects (default imports), so that the patches below apply to
// the very objects nunjucks itself uses, also when the CLI is bundled
import lib from 'nunjucks/src/lib.js';
import runtime from 'nunjucks/src/runtime.js';

nunjucks.installJinjaCompat();

/** Marks a scope object whose keys must be read lazily (not copied) by nunjucks. */
export const LAZY = Symbol('sdtd.lazy');

export const env = new nunjucks.Environment(null, {
  autoescape: false,
  throwOnUndefined: true,
  trimBlocks: true,
});

// nunjucks copies the context object on every render; our scopes are lazy proxies (a variable is
// rendered only when a template reads it, as in Ansible), so they must be used as they are.
// nunjucks does not export its Context class: a global function sees a context as `this`.
let contextProto: any;
env.addGlobal('__sdtd_grab', function grab(this: unknown) {
  contextProto = Object.getPrototypeOf(this);
  return '';
});
new nunjucks.Template('{{ __sdtd_grab() }}', env).render({});
const origInit = contextProto.init;
contextProto.init = function init(ctx: any, blocks: unknown, e: unknown) {
  const lazy = ctx?.[LAZY];
  origInit.call(this, lazy ? {} : ctx, blocks, e);
  if (lazy) this.ctx = ctx;
};

// Track the name of what was looked up last, so "undefined" errors can say which variable.
let lastObj: unknown;
let lastName = '';
let lastMiss = '';
// A lazy variable whose template needs an undefined variable is itself undefined, as in Ansible (so
// `default` and `is defined` work on it); its error is kept, to be raised if the value is then used.
let missError: SdtdError | undefined;
let missFor = '';
function read(get: () => unknown, name: string): unknown {
  let v: unknown;
  try {
    v = get();
  } catch (e) {
    if (!(e instanceof SdtdError) || e.code !== 'undefined-variable') throw e;
    missError = e;
    missFor = name;
    return undefined;
  }
  if (v === undefined) missError = undefined;
  return v;
}
const origLookup = runtime.contextOrFrameLookup;
runtime.contextOrFrameLookup = function lookup(context: unknown, frame: unknown, name: string) {
  const v = read(() => origLookup.call(this, context, frame, name), name);
  lastObj = v;
  lastName = name;
  if (v === undefined) lastMiss = name;
  return v;
};
const origMember = runtime.memberLookup;
runtime.memberLookup = function member(obj: unknown, key: string, ...slice: unknown[]) {
  const name = obj === lastObj && lastName ? `${lastName}.${key}` : String(key);
  const v = read(() => origMember.call(this, obj, key, ...slice), name);
  lastObj = v;
  lastName = name;
  if (v === undefined) lastMiss = obj === undefined || obj === null ? lastMiss : name;
  return v;
};
runtime.ensureDefined = (val: unknown) => {
  if (val === undefined) throw undefinedError();
  return val;
};
// In text, lists and mappings print as Jinja prints them (Python's repr), not as JavaScript's "a,b";
// so do booleans and null (True, None).
const origSuppress = runtime.suppressValue;
runtime.suppressValue = (v: unknown, autoescape: boolean) =>
  v === null || typeof v === 'boolean' || (typeof v === 'object' && !(v instanceof runtime.SafeString))
    ? repr(v)
    : origSuppress(v, autoescape);

// Our own errors (undefined variable, a filter's or lookup's error) reach the caller as they are,
// not wrapped into nunjucks' "Template render error" text.
const origHandle = runtime.handleError;
runtime.handleError = (e: unknown, line: number, col: number) => {
  if (e instanceof Error && (e as { lineno?: number }).lineno) return origHandle(e, line, col);
  const err = e instanceof SdtdError ? e : templateError(e);
  // outermost wins: a variable's own template may fail inside the text being rendered, whose line counts
  errorLines.set(err, line + 1);
  return err;
};
const errorLines = new WeakMap<SdtdError, number>();

/** The line of a rendered text where an error of ours arose (1-based), for messages about template files. */
export function templateLine(e: SdtdError): number | undefined {
  return errorLines.get(e);
}
const origPrettify = lib._prettifyError;
lib._prettifyError = (path: string, dev: boolean, e: unknown) =>
  e instanceof SdtdError ? e : origPrettify(path, dev, e);

function undefinedError(): SdtdError {
  if (missError && missFor === lastMiss) return missError;
  const name = lastMiss || 'a value';
  return new SdtdError(
    'undefined-variable',
    `expected '${name}' to be defined (got undefined: set it in vars, defaults or -e, or use '| default(...)')`,
  );
}

let captured: unknown;
env.addGlobal('__sdtd_capture', (v: unknown) => {
  captured = v;
  return '';
});

const cache = new Map<string, nunjucks.Template>();
function compile(src: string): nunjucks.Template {
  let t = cache.get(src);
  if (!t) {
    try {
      t = new nunjucks.Template(spaceNestedBraces(src), env, undefined, true);
    } catch (e) {
      throw templateError(e);
    }
    cache.set(src, t);
  }
  return t;
}

function templateError(e: unknown): SdtdError {
  if (e instanceof SdtdError) return e;
  const raw = e instanceof Error ? e.message : String(e);
  // nunjucks prefixes "(unknown path) [Line 1, Column 4]" and a newline; keep the useful part
  const m = /\[Line (\d+), Column (\d+)\]\s*\n?\s*([\s\S]*)$/.exec(raw);
  const msg = (m ? m[3] : raw)
    .replace(/\s+/g, ' ')
    .replace(/^Error: /, '')
    .trim();
  const err = new SdtdError('template', `expected a valid template (got an error: ${msg})`);
  if (m) errorLines.set(err, Number(m[1]));
  return err;
}

function run(t: nunjucks.Template, vars: object): string {
  lastMiss = '';
  try {
    return t.render(vars as object);
  } catch (e) {
    throw templateError(e);
  }
}

/** Render a string. A string that is exactly one `{{ expr }}` keeps the expression's type (list, number, ...). */
export function renderString(text: string, vars: object): unknown {
  if (!hasTemplate(text)) return text;
  const expr = singleExpression(text);
  if (expr !== undefined) return evalExpr(expr, vars);
  return run(compile(text), vars);
}

/** Render a whole text (a template file): always a string. */
export function renderText(text: string, vars: object): string {
  return hasTemplate(text) ? run(compile(text), vars) : text;
}

/** Evaluate a Jinja expression (no braces) to a native value; undefined is an error naming the variable. */
export function evalExpr(expr: string, vars: object): unknown {
  const t = compile(`{{ __sdtd_capture((${expr})) }}`);
  const prevCaptured = captured;
  captured = undefined;
  run(t, vars);
  const v = captured;
  captured = prevCaptured;
  if (v === undefined) throw undefinedError();
  return v;
}

/**
 * A `when:`/`failed_when:`/`until:` condition: a bare expression, or a template, judged for truth.
 * As in Ansible, a condition that uses an undefined variable is an error naming it, not a silent false
 * (the operators are strict, see jinja-operators.ts); `x is defined` and `x | default(1)` still work.
 */
export function evalCondition(cond: unknown, vars: object): boolean {
  if (typeof cond === 'boolean') return cond;
  if (cond === null || cond === undefined) return false;
  if (typeof cond === 'number') return cond !== 0;
  const s = String(cond).trim();
  return truthy(singleExpression(s) !== undefined ? renderString(s, vars) : evalExpr(s, vars));
}

/** Truth as Jinja and Ansible see it: empty collections are false, and so are the strings "false"/"no". */
export function truthy(v: unknown): boolean {
  if (typeof v === 'string') {
    const l = v.trim().toLowerCase();
    if (['false', 'no', 'off', '0', 'none', ''].includes(l)) return false;
    return true;
  }
  if (Array.isArray(v)) return v.length > 0;
  if (v && typeof v === 'object') return Object.keys(v).length > 0;
  return !!v;
}

/** Render every string inside a value (lists and mappings, keys included). */
export function renderDeep(value: unknown, vars: object): unknown {
  if (typeof value === 'string') return renderString(value, vars);
  if (value instanceof VaultText) {
    const plain = decryptVault(value.text, { pos: value.pos, what: 'a !vault value' });
    return hasTemplate(plain) ? renderString(plain, vars) : plain;
  }
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, vars));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[hasTemplate(k) ? String(renderString(k, vars)) : k] = renderDeep(v, vars);
    return out;
  }
  return value;
}

/** True when a value holds a template anywhere inside. */
export function hasTemplateDeep(value: unknown): boolean {
  if (typeof value === 'string') return hasTemplate(value);
  if (value instanceof VaultText) return true;
  if (Array.isArray(value)) return value.some(hasTemplateDeep);
  if (value && typeof value === 'object')
    return Object.entries(value).some(([k, v]) => hasTemplate(k) || hasTemplateDeep(v));
  return false;
}

// Jinja's and Ansible's filters, tests, lookups and Python operator semantics.
const hooks = {
  undefinedError,
  miss: (what: string) => {
    lastMiss = what;
    return undefined;
  },
  renderText,
  lazy: LAZY,
};
installOperators();
installLineTracking();
installFilters(env, hooks);
installTests(env, hooks);
installLookups(env, hooks);

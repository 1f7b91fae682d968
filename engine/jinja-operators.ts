// Python semantics for Jinja syntax in nunjucks: truth of [] and {}, ==, list +, ~, %, tuples, string escapes, str methods.

import compiler from 'nunjucks/src/compiler.js';
import lexer from 'nunjucks/src/lexer.js';
import nodes from 'nunjucks/src/nodes.js';
import runtime from 'nunjucks/src/runtime.js';
import { defined, pyCmp, pyEq, pyStr, truth } from './jinja-python.js';
import { pyFormat, STR_METHODS } from './jinja-strings.js';
import { pyIn } from './jinja-tests.js';

const { Compiler } = compiler;

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v' };

/** Python's string literal: known escapes, \ooo \xhh \uhhhh; an unknown escape such as '\d' keeps its backslash. */
function parseString(this: any, delim: string): string {
  this.forward();
  let str = '';
  while (!this.isFinished() && this.current() !== delim) {
    const c = this.current();
    this.forward();
    if (c !== '\\') {
      str += c;
      continue;
    }
    const e = this.current();
    const digits = (re: RegExp, max: number) => {
      let d = '';
      while (d.length < max && re.test(this.current())) {
        d += this.current();
        this.forward();
      }
      return d;
    };
    if (/[0-7]/.test(e)) str += String.fromCharCode(parseInt(digits(/[0-7]/, 3), 8));
    else if (e === 'x' || e === 'u') {
      this.forward();
      const d = digits(/[0-9a-fA-F]/, e === 'x' ? 2 : 4);
      str += d.length === (e === 'x' ? 2 : 4) ? String.fromCharCode(parseInt(d, 16)) : `\\${e}${d}`;
    } else {
      this.forward();
      str += e === '\n' ? '' : '\\\'"'.includes(e) ? e : (ESCAPES[e] ?? `\\${e}`);
    }
  }
  this.forward();
  return str;
}

/** Strict truth: StrictUndefined refuses to be judged, and empty collections are false. */
const truthOf = (v: unknown) => truth(defined(v));

function compare(a: unknown, op: string, b: unknown): boolean {
  if (op === '===' || op === '!==') return (a === b) === (op === '===');
  if (op === '==' || op === '!=') return pyEq(defined(a), defined(b)) === (op === '==');
  const c = pyCmp(defined(a), defined(b), op);
  return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
}

const helpers = {
  sdtdTruth: truthOf,
  sdtdAnd: (a: unknown, b: () => unknown) => (truthOf(a) ? b() : a),
  sdtdOr: (a: unknown, b: () => unknown) => (truthOf(a) ? a : b()),
  sdtdCompare(first: unknown, ...rest: unknown[]): boolean {
    for (let i = 0, a = first; i < rest.length; a = rest[i + 1], i += 2)
      if (!compare(a, rest[i] as string, rest[i + 1])) return false;
    return true;
  },
  sdtdAdd(a: unknown, b: unknown): unknown {
    const [x, y] = [defined(a), defined(b)];
    if (Array.isArray(x) && Array.isArray(y)) return [...x, ...y];
    return (x as any) + (y as any);
  },
  sdtdConcat: (a: unknown, b: unknown) => pyStr(a) + pyStr(b),
  sdtdMod(a: unknown, b: unknown): unknown {
    if (typeof defined(a) === 'string') return pyFormat(a as string, defined(b));
    const [x, y] = [Number(a), Number(defined(b))];
    return x - y * Math.floor(x / y); // Python: the result takes the divisor's sign
  },
  sdtdIn: (x: unknown, seq: unknown) => pyIn(defined(x), defined(seq)),
};

/** Emit `runtime.fn(args...)`; lazy arguments become thunks, so `and`/`or` still short-circuit. */
function call(c: any, frame: unknown, fn: string, args: unknown[], lazy: number[] = []): void {
  c._emit(`runtime.${fn}(`);
  args.forEach((a, i) => {
    if (i) c._emit(', ');
    if (typeof a === 'string') c._emit(JSON.stringify(a));
    else if (lazy.includes(i)) {
      c._emit('(() => (');
      c.compile(a, frame);
      c._emit('))');
    } else c.compile(a, frame);
  });
  c._emit(')');
}

/** A condition node judged by Python truth: `not not x` with the patched `not`. */
function truthNode(n: any): any {
  return n?.sdtdTruth
    ? n
    : Object.assign(new nodes.Not(n.lineno, n.colno, new nodes.Not(n.lineno, n.colno, n)), {
        sdtdTruth: true,
      });
}

let installed = false;
export function installOperators(): void {
  if (installed) return;
  installed = true;
  Object.assign(runtime, helpers);
  Object.getPrototypeOf(lexer.lex('', {}))._parseString = parseString;
  const P = Compiler.prototype;
  P.compileNot = function not(this: any, node: any, frame: unknown) {
    this._emit('!');
    call(this, frame, 'sdtdTruth', [node.target]);
  };
  P.compileAnd = function and(this: any, n: any, f: unknown) {
    call(this, f, 'sdtdAnd', [n.left, n.right], [1]);
  };
  P.compileOr = function or(this: any, n: any, f: unknown) {
    call(this, f, 'sdtdOr', [n.left, n.right], [1]);
  };
  P.compileAdd = function add(this: any, n: any, f: unknown) {
    call(this, f, 'sdtdAdd', [n.left, n.right]);
  };
  P.compileConcat = function concat(this: any, n: any, f: unknown) {
    call(this, f, 'sdtdConcat', [n.left, n.right]);
  };
  P.compileMod = function mod(this: any, n: any, f: unknown) {
    call(this, f, 'sdtdMod', [n.left, n.right]);
  };
  P.compileIn = function inOp(this: any, n: any, f: unknown) {
    call(this, f, 'sdtdIn', [n.left, n.right]);
  };
  P.compileCompare = function cmp(this: any, n: any, f: unknown) {
    call(this, f, 'sdtdCompare', [n.expr, ...n.ops.flatMap((o: any) => [o.type, o.expr])]);
  };
  // nunjucks compiles test arguments without commas between them, and a tuple (a, b) to JavaScript's comma operator
  P.compileIs = function is(this: any, n: any, f: unknown) {
    this._emit(
      `env.getTest(${JSON.stringify(n.right.name ? n.right.name.value : n.right.value)}).call(context, `,
    );
    this.compile(n.left, f);
    if (n.right.args?.children.length) {
      this._emit(', ');
      this._compileAggregate(n.right.args, f);
    }
    this._emit(') === true');
  };
  const group = P.compileGroup;
  P.compileGroup = function tuple(this: any, n: any, f: unknown) {
    if (n.children.length > 1) this._compileAggregate(n, f, '[', ']');
    else group.call(this, n, f);
  };
  for (const name of ['compileIf', 'compileInlineIf']) {
    const orig = P[name];
    P[name] = function cond(this: any, n: any, ...rest: unknown[]) {
      n.cond = truthNode(n.cond);
      return orig.call(this, n, ...rest);
    };
  }
  // Python's str methods, ahead of JavaScript's own (split and replace differ)
  const member = runtime.memberLookup;
  runtime.memberLookup = function memberLookup(
    this: unknown,
    obj: unknown,
    key: unknown,
    ...rest: unknown[]
  ) {
    if (typeof obj === 'string' && typeof key === 'string' && Object.hasOwn(STR_METHODS, key) && !rest.length)
      return (...a: unknown[]) => STR_METHODS[key](obj, ...a);
    return member.call(this, obj, key, ...rest);
  };
}

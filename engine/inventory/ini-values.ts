// INI inventory values as Ansible reads them: Python literals (ast.literal_eval), anything else a string.

const NOT_LITERAL = Symbol('not a literal');
type Result = unknown | typeof NOT_LITERAL;

/**
 * Ansible's _parse_value: a Python literal (1, -2.5, 'text', "text", True, None, [1, 2], (1,), {'a': 1}) becomes
 * that value; anything else stays the string it was. Like Python, 0644 is not a number, so it stays "0644".
 */
export function parseIniValue(text: string): unknown {
  const v = new PyLiteral(text).parse();
  return v === NOT_LITERAL ? text : v;
}

class PyLiteral {
  private i = 0;
  constructor(private readonly s: string) {}

  parse(): Result {
    try {
      this.ws();
      if (this.i >= this.s.length) return NOT_LITERAL;
      const v = this.tuple(() => this.i >= this.s.length);
      this.ws();
      return this.i === this.s.length ? v : NOT_LITERAL;
    } catch {
      return NOT_LITERAL;
    }
  }

  private ws(): void {
    while (this.s[this.i] === ' ' || this.s[this.i] === '\t') this.i++;
  }

  private eat(c: string): boolean {
    this.ws();
    if (this.s[this.i] !== c) return false;
    this.i++;
    return true;
  }

  /** value (, value)* [,]: a bare or parenthesised tuple is a list. */
  private tuple(atEnd: () => boolean): unknown {
    const first = this.value();
    if (!this.eat(',')) return first;
    const items = [first];
    this.ws();
    while (!atEnd()) {
      items.push(this.value());
      if (!this.eat(',')) break;
      this.ws();
    }
    return items;
  }

  private value(): unknown {
    this.ws();
    const s = this.s;
    const c = s[this.i];
    if (c === '[') return this.seq(']');
    if (c === '(') {
      this.i++;
      this.ws();
      if (this.eat(')')) return [];
      const v = this.tuple(() => s[this.i] === ')');
      if (!this.eat(')')) throw new Error(')');
      return v;
    }
    if (c === '{') return this.dict();
    if (c === '-' || c === '+') {
      this.i++;
      const n = this.value();
      if (typeof n !== 'number') throw new Error('sign');
      return c === '-' ? -n : n;
    }
    const word = /^[A-Za-z_]\w*/.exec(s.slice(this.i))?.[0];
    if (word && !/^[rRuU]['"]/.test(s.slice(this.i, this.i + 2))) {
      this.i += word.length;
      const consts: Record<string, unknown> = { True: true, False: false, None: null };
      if (!(word in consts)) throw new Error('name');
      return consts[word];
    }
    if (/[rRuU'"]/.test(c)) {
      let out = '';
      while (/^[rRuU]?['"]/.test(s.slice(this.i, this.i + 2))) out += this.str();
      return out;
    }
    const num =
      /^(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*)?\.\d[\d_]*(?:[eE][+-]?\d+)?|\d[\d_]*\.?(?:[eE][+-]?\d+)?)/.exec(
        s.slice(this.i),
      )?.[0];
    if (!num) throw new Error('value');
    this.i += num.length;
    const t = num.replace(/_/g, '');
    if (/^0\d*$/.test(t) && /[1-9]/.test(t)) throw new Error('leading zero');
    const n = /^0[xob]/i.test(t) ? Number(t.toLowerCase()) : Number(t);
    if (Number.isNaN(n)) throw new Error('number');
    return n;
  }

  private str(): string {
    const s = this.s;
    let raw = false;
    if (/[rRuU]/.test(s[this.i])) raw = /[rR]/.test(s[this.i++]);
    const q = s[this.i++];
    let out = '';
    for (;;) {
      if (this.i >= s.length) throw new Error('unterminated string');
      const c = s[this.i++];
      if (c === q) break;
      if (c !== '\\' || raw) {
        out += c;
        continue;
      }
      const e = s[this.i++];
      const simple: Record<string, string> = {
        n: '\n',
        t: '\t',
        r: '\r',
        '0': '\0',
        '\\': '\\',
        "'": "'",
        '"': '"',
      };
      if (e in simple) out += simple[e];
      else if (e === 'x' || e === 'u') {
        const len = e === 'x' ? 2 : 4;
        out += String.fromCharCode(Number.parseInt(s.slice(this.i, this.i + len), 16));
        this.i += len;
      } else out += `\\${e}`;
    }
    this.ws();
    return out;
  }

  private seq(close: string): unknown[] {
    this.i++;
    const items: unknown[] = [];
    while (!this.eat(close)) {
      items.push(this.value());
      if (!this.eat(',')) {
        if (!this.eat(close)) throw new Error(close);
        break;
      }
    }
    return items;
  }

  private dict(): unknown {
    this.i++;
    const out: Record<string, unknown> = {};
    const set: unknown[] = [];
    while (!this.eat('}')) {
      const k = this.value();
      if (this.eat(':')) out[String(k)] = this.value();
      else set.push(k);
      if (!this.eat(',')) {
        if (!this.eat('}')) throw new Error('}');
        break;
      }
    }
    return set.length ? set : out;
  }
}

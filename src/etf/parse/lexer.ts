/**
 * Tokens of the Elixir literal subset that the renderers print: numbers, strings, charlists,
 * atoms (bare, quoted, operators, aliases), keyword keys and punctuation.
 */

import { BARE_OPERATOR_ATOMS } from '../render/atoms.js';
import { ElixirSyntaxError, positionOf } from './errors.js';
import { readQuoted } from './quoted.js';

export type Token =
  | { kind: 'int'; value: number | bigint; at: number }
  | { kind: 'float'; value: number; at: number }
  | { kind: 'string'; bytes: Uint8Array; at: number }
  | { kind: 'charlist'; codes: number[]; at: number }
  | { kind: 'atom'; name: string; at: number }
  /** `name:` / `"quoted name":` — a keyword key. */
  | { kind: 'key'; name: string; at: number }
  /** `Foo.Bar` */
  | { kind: 'alias'; text: string; at: number }
  /** A bare identifier other than nil/true/false (`size`, `new`). */
  | { kind: 'ident'; name: string; at: number }
  | { kind: 'punct'; value: Punct; at: number }
  | { kind: 'eof'; at: number };

export type Punct = '[' | ']' | '{' | '}' | '%{' | '%' | ',' | '|' | '=>' | '<<' | '>>' | '::' | '(' | ')' | '.';

const OPERATORS_LONGEST_FIRST = [...BARE_OPERATOR_ATOMS].sort((a, b) => b.length - a.length);
const OPERATOR_FIRST_CHARS = new Set(OPERATORS_LONGEST_FIRST.map((op) => op[0]!));
const IDENT_START = /[\p{ID_Start}_]/u;
const IDENT_CONTINUE = /[\p{ID_Continue}@]/u;
const NUMBER =
  /-?(?:0x[0-9A-Fa-f](?:_?[0-9A-Fa-f])*|0b[01](?:_?[01])*|0o[0-7](?:_?[0-7])*|[0-9](?:_?[0-9])*(\.[0-9](?:_?[0-9])*(?:[eE][-+]?[0-9](?:_?[0-9])*)?)?)/y;
const ALIAS = /[A-Z][A-Za-z0-9_]*(?:\.[A-Z][A-Za-z0-9_]*)*/y;

function codePoints(text: string): number[] {
  const out: number[] = [];
  for (const ch of text) out.push(ch.codePointAt(0)!);
  return out;
}

export class Lexer {
  private pos = 0;
  private lookahead: Token | undefined;

  constructor(private readonly text: string) {}

  error(reason: string, offset: number): ElixirSyntaxError {
    const { line, column } = positionOf(this.text, offset);
    return new ElixirSyntaxError(reason, line, column);
  }

  peek(): Token {
    this.lookahead ??= this.read();
    return this.lookahead;
  }

  next(): Token {
    const token = this.peek();
    this.lookahead = undefined;
    return token;
  }

  private skipSpace(): void {
    const text = this.text;
    while (this.pos < text.length) {
      const c = text[this.pos]!;
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.pos++;
      else if (c === '#') {
        const eol = text.indexOf('\n', this.pos);
        this.pos = eol < 0 ? text.length : eol + 1;
      } else break;
    }
  }

  /** After a key's colon Elixir requires a space (`a: 1`, never `a:1`). */
  private colonEndsKey(at: number): boolean {
    if (this.text[at] !== ':') return false;
    const after = this.text[at + 1];
    return after === undefined || after === ' ' || after === '\n' || after === '\t' || after === '\r';
  }

  private read(): Token {
    this.skipSpace();
    const text = this.text;
    const at = this.pos;
    if (at >= text.length) return { kind: 'eof', at };
    const c = text[at]!;

    if (c === '"' || c === "'") {
      const lit = this.quoted(at + 1, c);
      if (c === '"' && this.colonEndsKey(this.pos)) {
        this.pos++;
        return { kind: 'key', name: lit.text, at };
      }
      return c === '"'
        ? { kind: 'string', bytes: lit.bytes, at }
        : { kind: 'charlist', codes: codePoints(lit.text), at };
    }
    if (c === '~' && text[at + 1] === 'c' && (text[at + 2] === '"' || text[at + 2] === "'")) {
      return { kind: 'charlist', codes: codePoints(this.quoted(at + 3, text[at + 2] as '"' | "'").text), at };
    }
    if (c === ':' && text[at + 1] !== ':') return this.atom(at);
    if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(text[at + 1] ?? ''))) return this.number(at);

    // An operator used as a keyword key: `+: 1`, `..: 2` (what inspect prints for such atoms).
    if (OPERATOR_FIRST_CHARS.has(c)) {
      for (const op of OPERATORS_LONGEST_FIRST) {
        if (text.startsWith(op, at) && this.colonEndsKey(at + op.length)) {
          this.pos = at + op.length + 1;
          return { kind: 'key', name: op, at };
        }
      }
    }
    if (/[A-Z]/.test(c)) return this.alias(at);
    if (IDENT_START.test(String.fromCodePoint(text.codePointAt(at)!))) {
      const name = this.identifier(at);
      if (this.colonEndsKey(this.pos)) {
        this.pos++;
        return { kind: 'key', name, at };
      }
      if (name === 'nil' || name === 'true' || name === 'false') return { kind: 'atom', name, at };
      return { kind: 'ident', name, at };
    }
    for (const p of ['%{', '=>', '<<', '>>', '::'] as const) {
      if (text.startsWith(p, at)) {
        this.pos = at + 2;
        return { kind: 'punct', value: p, at };
      }
    }
    if ('[]{}%,|().'.includes(c)) {
      this.pos = at + 1;
      return { kind: 'punct', value: c as Punct, at };
    }
    throw this.error(`unexpected ${JSON.stringify(String.fromCodePoint(text.codePointAt(at)!))}`, at);
  }

  private quoted(start: number, quote: '"' | "'"): { bytes: Uint8Array; text: string } {
    const lit = readQuoted(this.text, start, quote);
    if ('error' in lit) throw this.error(lit.error, lit.offset);
    this.pos = lit.end;
    return lit;
  }

  /** Letters, digits, `_`, `@`, then at most one `?` or `!`. */
  private identifier(at: number): string {
    const text = this.text;
    let i = at + (text.codePointAt(at)! > 0xffff ? 2 : 1);
    while (i < text.length) {
      const ch = String.fromCodePoint(text.codePointAt(i)!);
      if (!IDENT_CONTINUE.test(ch)) break;
      i += ch.length;
    }
    if (text[i] === '?' || text[i] === '!') i++;
    this.pos = i;
    return text.slice(at, i);
  }

  private alias(at: number): Token {
    ALIAS.lastIndex = at;
    const match = ALIAS.exec(this.text)!;
    const end = at + match[0].length;
    const next = this.text[end];
    // `Foo:` is the key :Foo; `Foo@x`, `Foo?` and the like are plain atoms only after `:`.
    if (!match[0].includes('.') && this.colonEndsKey(end)) {
      this.pos = end + 1;
      return { kind: 'key', name: match[0], at };
    }
    if (next !== undefined && (IDENT_CONTINUE.test(next) || next === '?' || next === '!')) {
      throw this.error(`invalid alias ${JSON.stringify(match[0] + next)}`, at);
    }
    this.pos = end;
    return { kind: 'alias', text: match[0], at };
  }

  private atom(at: number): Token {
    const text = this.text;
    const q = text[at + 1];
    if (q === '"' || q === "'") {
      return { kind: 'atom', name: this.quoted(at + 2, q).text, at };
    }
    const first = text.codePointAt(at + 1);
    if (first !== undefined && IDENT_START.test(String.fromCodePoint(first))) {
      return { kind: 'atom', name: this.identifier(at + 1), at };
    }
    for (const op of OPERATORS_LONGEST_FIRST) {
      if (text.startsWith(op, at + 1)) {
        this.pos = at + 1 + op.length;
        return { kind: 'atom', name: op, at };
      }
    }
    throw this.error('expected an atom after ":"', at);
  }

  private number(at: number): Token {
    NUMBER.lastIndex = at;
    const match = NUMBER.exec(this.text)!;
    const raw = match[0];
    this.pos = at + raw.length;
    const clean = raw.replace(/_/g, '');
    if (match[1] !== undefined) return { kind: 'float', value: Number(clean), at };
    const negative = clean.startsWith('-');
    const digits = negative ? clean.slice(1) : clean;
    // BigInt understands 0x/0b/0o prefixes; plain digits too.
    let value = BigInt(digits);
    if (negative) value = -value;
    const small = value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER);
    return { kind: 'int', value: small ? Number(value) : value, at };
  }
}

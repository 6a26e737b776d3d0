/**
 * `parseElixir(text)`: an Elixir literal → Term; the inverse of `renderElixir` and `inspect` for
 * terms without pids, ports, references and funs (which have no literal syntax).
 *
 * Accepted: integers (`1_000`, `0xFF`, `0b101`, `0o17`, negative, any size), floats (`1.0`,
 * `-0.0`, `1.0e-3`), atoms (`:ok`, `:"a b"`, `:+`, `nil`/`true`/`false`, aliases `Chat.PubSub`),
 * strings (UTF-8, `\xHH` as a raw byte), charlists (`'abc'`, `~c"abc"`), lists with `| tail` and
 * trailing keyword pairs, tuples, maps (`=>` pairs, then keyword pairs), structs
 * (`%Mod{a: 1}` → a map with `__struct__` first), binaries (`<<1, "a", 5::size(3)>>`) and
 * `MapSet.new([…])` (Elixir 1.14's representation). Elixir semantics where they matter: a
 * repeated map key keeps its last value; `{1, a: 2}` is `{1, [a: 2]}`.
 */

import { Atom, BitBinary, ErlFloat, ErlMap, ImproperList, Tuple, atoms, termEquals, type Term } from '../term.js';
import { Lexer, type Punct, type Token } from './lexer.js';

export { ElixirSyntaxError } from './errors.js';

export interface ParseOptions {
  /** Deepest nesting accepted (default 1000); deeper input is an ElixirSyntaxError, not a crash. */
  maxDepth?: number;
}

export function parseElixir(text: string, options: ParseOptions = {}): Term {
  const parser = new Parser(new Lexer(text), options.maxDepth ?? 1000);
  const term = parser.value(0);
  parser.expectEnd();
  return term;
}

/** An alias as written → its atom: `Foo.Bar` is `:"Elixir.Foo.Bar"`, `Elixir.Foo` stays as is. */
function aliasAtom(text: string): Atom {
  return Atom.of(text === 'Elixir' || text.startsWith('Elixir.') ? text : 'Elixir.' + text);
}

type Pair = [Term, Term];

class Parser {
  constructor(
    private readonly lexer: Lexer,
    private readonly maxDepth: number,
  ) {}

  private fail(reason: string, token: Token): never {
    throw this.lexer.error(reason, token.at);
  }

  private describe(token: Token): string {
    switch (token.kind) {
      case 'eof':
        return 'end of input';
      case 'punct':
        return JSON.stringify(token.value);
      case 'key':
        return `keyword key ${token.name}:`;
      case 'ident':
        return JSON.stringify(token.name);
      case 'alias':
        return token.text;
      default:
        return `a ${token.kind}`;
    }
  }

  private isPunct(token: Token, value: Punct): boolean {
    return token.kind === 'punct' && token.value === value;
  }

  private expect(value: Punct): void {
    const token = this.lexer.next();
    if (!this.isPunct(token, value))
      this.fail(`expected ${JSON.stringify(value)}, found ${this.describe(token)}`, token);
  }

  expectEnd(): void {
    const token = this.lexer.next();
    if (token.kind !== 'eof') this.fail(`expected end of input, found ${this.describe(token)}`, token);
  }

  value(depth: number): Term {
    const token = this.lexer.next();
    switch (token.kind) {
      case 'int':
        return token.value;
      case 'float':
        if (!Number.isFinite(token.value)) this.fail('float out of range', token);
        return new ErlFloat(token.value);
      case 'string':
        return token.bytes;
      case 'charlist':
        return token.codes;
      case 'atom':
        return Atom.of(token.name);
      case 'alias':
        return this.aliasOrCall(token, depth);
      case 'punct':
        if (depth >= this.maxDepth) this.fail(`nesting deeper than ${this.maxDepth}`, token);
        switch (token.value) {
          case '[':
            return this.list(depth + 1);
          case '{':
            return this.tuple(depth + 1);
          case '%{':
            return this.mapBody(depth + 1, []);
          case '%':
            return this.struct(depth + 1);
          case '<<':
            return this.bitstring();
          default:
            break;
        }
        break;
      case 'key':
        this.fail(
          `unexpected keyword key ${token.name}: (keyword pairs go in a list, map, struct or at the end of a tuple)`,
          token,
        );
        break;
      default:
        break;
    }
    return this.fail(`expected a value, found ${this.describe(token)}`, token);
  }

  private aliasOrCall(token: Token & { kind: 'alias' }, depth: number): Term {
    if (token.text !== 'MapSet' || !this.isPunct(this.lexer.peek(), '.')) return aliasAtom(token.text);
    this.lexer.next();
    const name = this.lexer.next();
    if (name.kind !== 'ident' || name.name !== 'new') this.fail('only MapSet.new(…) is supported', name);
    this.expect('(');
    let elements: Term[] = [];
    if (!this.isPunct(this.lexer.peek(), ')')) {
      const list = this.value(depth + 1);
      if (!Array.isArray(list)) this.fail('MapSet.new expects a proper list', name);
      elements = list;
    }
    this.expect(')');
    const unique: Term[] = [];
    const seen = new KeyIndex();
    for (const e of elements) if (seen.indexOf(e) < 0) seen.add(e, unique.push(e) - 1);
    const inner = new ErlMap(
      unique,
      unique.map(() => []),
    );
    return ErlMap.fromPairs([
      [atoms.struct, Atom.of('Elixir.MapSet')],
      [Atom.of('map'), inner],
      [Atom.of('version'), 2],
    ]);
  }

  /** Keyword pairs up to `close`: `a: 1, "b c": 2`. The first key has been peeked, not read. */
  private keywords(depth: number, close: Punct): Pair[] {
    const pairs: Pair[] = [];
    for (;;) {
      const key = this.lexer.next();
      if (key.kind !== 'key')
        this.fail(`expected a keyword key (keyword pairs must come last), found ${this.describe(key)}`, key);
      pairs.push([Atom.of(key.name), this.value(depth)]);
      if (!this.separator(close)) return pairs;
    }
  }

  /** After an item: true when another item follows (a `,` not followed by `close`). */
  private separator(close: Punct): boolean {
    if (!this.isPunct(this.lexer.peek(), ',')) return false;
    this.lexer.next();
    return !this.isPunct(this.lexer.peek(), close);
  }

  private list(depth: number): Term {
    const items: Term[] = [];
    let tail: Term | undefined;
    if (!this.isPunct(this.lexer.peek(), ']')) {
      for (;;) {
        if (this.lexer.peek().kind === 'key') {
          for (const [k, v] of this.keywords(depth, ']')) items.push(new Tuple([k, v]));
          break;
        }
        items.push(this.value(depth));
        if (this.isPunct(this.lexer.peek(), '|')) {
          this.lexer.next();
          tail = this.value(depth);
          break;
        }
        if (!this.separator(']')) break;
      }
    }
    this.expect(']');
    if (tail === undefined) return items;
    // `[1 | [2]]` is `[1, 2]`; `[1 | [2 | 3]]` is `[1, 2 | 3]`.
    if (Array.isArray(tail)) return [...items, ...tail];
    if (tail instanceof ImproperList) return new ImproperList([...items, ...tail.elements], tail.tail);
    return new ImproperList(items, tail);
  }

  private tuple(depth: number): Term {
    const items: Term[] = [];
    if (!this.isPunct(this.lexer.peek(), '}')) {
      for (;;) {
        if (this.lexer.peek().kind === 'key') {
          items.push(this.keywords(depth, '}').map(([k, v]) => new Tuple([k, v])));
          break;
        }
        items.push(this.value(depth));
        if (!this.separator('}')) break;
      }
    }
    this.expect('}');
    return new Tuple(items);
  }

  /** `k => v, …, a: 1, …}` after the opening `%{` or `%Mod{`. */
  private mapBody(depth: number, initial: Pair[]): ErlMap {
    const pairs = new PairCollector(initial);
    if (!this.isPunct(this.lexer.peek(), '}')) {
      for (;;) {
        if (this.lexer.peek().kind === 'key') {
          for (const [k, v] of this.keywords(depth, '}')) pairs.put(k, v);
          break;
        }
        const key = this.value(depth);
        this.expect('=>');
        pairs.put(key, this.value(depth));
        if (!this.separator('}')) break;
      }
    }
    this.expect('}');
    return pairs.toMap();
  }

  private struct(depth: number): Term {
    const name = this.lexer.next();
    let module: Atom;
    if (name.kind === 'alias') module = aliasAtom(name.text);
    else if (name.kind === 'atom') module = Atom.of(name.name);
    else return this.fail(`expected a struct name after "%", found ${this.describe(name)}`, name);
    this.expect('{');
    return this.mapBody(depth, [[atoms.struct, module]]);
  }

  private bitstring(): Term {
    const bits = new BitWriter();
    if (!this.isPunct(this.lexer.peek(), '>>')) {
      for (;;) {
        const token = this.lexer.next();
        if (token.kind === 'string') {
          for (const b of token.bytes) bits.write(BigInt(b), 8);
        } else if (token.kind === 'int') {
          bits.write(BigInt(token.value), this.segmentSize());
        } else {
          this.fail(`expected an integer or a string in <<…>>, found ${this.describe(token)}`, token);
        }
        if (!this.separator('>>')) break;
      }
    }
    this.expect('>>');
    return bits.toTerm();
  }

  /** `::size(n)` or `::n` after an integer segment; 8 without. */
  private segmentSize(): number {
    if (!this.isPunct(this.lexer.peek(), '::')) return 8;
    this.lexer.next();
    let token = this.lexer.next();
    let wrapped = false;
    if (token.kind === 'ident' && token.name === 'size') {
      this.expect('(');
      token = this.lexer.next();
      wrapped = true;
    }
    if (token.kind !== 'int' || typeof token.value !== 'number' || token.value < 0 || token.value > 65536) {
      this.fail('expected a segment size: ::size(N) or ::N', token);
    }
    if (wrapped) this.expect(')');
    return token.value;
  }
}

/** Finds keys fast when they are scalars (the usual case), by termEquals otherwise. */
class KeyIndex {
  private readonly scalars = new Map<string, number>();
  private readonly others: Array<[Term, number]> = [];

  private static fingerprint(key: Term): string | undefined {
    if (typeof key === 'number' || typeof key === 'bigint') return 'i' + key.toString();
    if (key instanceof Atom) return 'a' + key.name;
    if (key instanceof Uint8Array && key.length <= 256) return 'b' + key.join(',');
    return undefined;
  }

  indexOf(key: Term): number {
    const f = KeyIndex.fingerprint(key);
    if (f !== undefined) return this.scalars.get(f) ?? -1;
    for (const [k, i] of this.others) if (termEquals(k, key)) return i;
    return -1;
  }

  add(key: Term, index: number): void {
    const f = KeyIndex.fingerprint(key);
    if (f !== undefined) this.scalars.set(f, index);
    else this.others.push([key, index]);
  }
}

class PairCollector {
  private readonly keys: Term[] = [];
  private readonly values: Term[] = [];
  private readonly index = new KeyIndex();

  constructor(initial: Pair[]) {
    for (const [k, v] of initial) this.put(k, v);
  }

  put(key: Term, value: Term): void {
    const i = this.index.indexOf(key);
    if (i >= 0) {
      this.values[i] = value;
      return;
    }
    this.index.add(key, this.keys.length);
    this.keys.push(key);
    this.values.push(value);
  }

  toMap(): ErlMap {
    return new ErlMap(this.keys, this.values);
  }
}

/** Accumulates `<<…>>` segments, most significant bit first, as Erlang's bit syntax does. */
class BitWriter {
  private readonly bytes: number[] = [];
  private current = 0;
  private used = 0; // bits used in `current`

  write(value: bigint, size: number): void {
    if (size === 8 && this.used === 0) {
      this.bytes.push(Number(value & 255n));
      return;
    }
    for (let bit = size - 1; bit >= 0; bit--) {
      this.current = (this.current << 1) | Number((value >> BigInt(bit)) & 1n);
      if (++this.used === 8) {
        this.bytes.push(this.current);
        this.current = 0;
        this.used = 0;
      }
    }
  }

  toTerm(): Term {
    if (this.used === 0) return Uint8Array.from(this.bytes);
    const bitsInLast = this.used;
    return new BitBinary(Uint8Array.from([...this.bytes, this.current << (8 - bitsInLast)]), bitsInLast);
  }
}

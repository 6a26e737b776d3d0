/**
 * Seeded, deterministic generator of random Erlang terms as Erlang source text, covering every
 * kind `term_to_binary` writes: atoms (quoted, Unicode, 255 characters), integers of every width
 * up to huge bignums, floats (−0.0, subnormals, 1.0e300), binaries (non-UTF-8 too), bitstrings,
 * charlists (also longer than STRING_EXT allows), improper lists, tuples (arity > 255), maps
 * (> 32 keys, non-binary keys), pids/refs/ports local and from other nodes, export and local funs.
 *
 * Terms that cannot be written literally (another node's pid, a 5-word ref, a V4 port) are built
 * with `binary_to_term(<<…>>)` from crafted bytes, which is what a message from that node holds.
 */

export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }
  /** Uniform in [0, 1) (mulberry32). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

const NODE_NAMES = ['a@127.0.0.1', 'web1@10.0.0.5', 'nonode@nohost', 'chat@host-é', 'n@h'];
const ATOM_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@. é';
const UNICODE_CHARS = ['α', 'ß', '日', '€', 'ÿ', '😀', 'z'];

export class ErlTermGen {
  /** erl_eval variables are not block-scoped: every fun closes over its own. */
  private funCount = 0;

  constructor(private readonly rng: Rng) {}

  /** A term whose containers nest at most `depth` levels. */
  term(depth = 4): string {
    const r = this.rng;
    if (depth <= 0 || r.chance(0.45)) return this.scalar();
    switch (r.int(9)) {
      case 0:
      case 1:
        return this.tuple(depth);
      case 2:
      case 3:
        return this.list(depth);
      case 4:
        return this.improperList(depth);
      case 5:
      case 6:
        return this.map(depth);
      case 7:
        return this.localFun(depth);
      default:
        return `{${this.term(depth - 1)}}`;
    }
  }

  scalar(): string {
    const r = this.rng;
    switch (r.int(14)) {
      case 0:
      case 1:
        return this.atom();
      case 2:
      case 3:
        return this.integer();
      case 4:
        return this.float();
      case 5:
      case 6:
        return this.binary();
      case 7:
        return this.bitstring();
      case 8:
        return this.charlist();
      case 9:
        return this.pid();
      case 10:
        return this.ref();
      case 11:
        return this.port();
      case 12:
        return r.pick([
          'fun lists:map/2',
          'fun erlang:element/2',
          "fun 'Elixir.Enum':map/2",
          'fun m:f/0',
          'fun m:f/255',
        ]);
      default:
        return r.pick(['[]', '{}', '#{}', '<<>>', '""', 'true', 'false', 'nil']);
    }
  }

  atom(): string {
    const r = this.rng;
    switch (r.int(7)) {
      case 0:
        return r.pick(['ok', 'error', 'except', 'only', "'Elixir.Phoenix.PubSub'", "''", "'hello world'"]);
      case 1:
        return quoteAtom('a'.repeat(255));
      case 2:
        return quoteAtom(Array.from({ length: 255 }, (_, i) => UNICODE_CHARS[i % 6]!).join('')); // > 255 bytes
      case 3:
        return quoteAtom(Array.from({ length: 1 + r.int(20) }, () => r.pick(UNICODE_CHARS)).join(''));
      case 4:
        return quoteAtom(r.pick(NODE_NAMES));
      default:
        return quoteAtom(Array.from({ length: 1 + r.int(30) }, () => ATOM_CHARS[r.int(ATOM_CHARS.length)]!).join(''));
    }
  }

  integer(): string {
    const r = this.rng;
    const sign = r.chance(0.4) ? '-' : '';
    switch (r.int(9)) {
      case 0:
        return String(r.int(256));
      case 1:
        return r.pick(['255', '256', '-1', '-256', '2147483647', '-2147483648', '2147483648', '-2147483649']);
      case 2:
        return sign + String(r.int(2 ** 31));
      case 3:
        return r.pick(['9007199254740991', '-9007199254740991', '9007199254740992', '-9007199254740993']);
      case 4:
        return r.pick(['18446744073709551615', '18446744073709551616', '-18446744073709551616', '4294967296']);
      case 5:
        return sign + String(r.int(2 ** 53));
      case 6: // 1..120 decimal digits
        return sign + digits(r, 1 + r.int(120));
      case 7: // LARGE_BIG_EXT: more than 255 bytes, now and then
        return sign + digits(r, r.chance(0.3) ? 620 + r.int(200) : 1 + r.int(30));
      default:
        return sign + String(2 ** (32 + r.int(21)) + r.int(1000));
    }
  }

  float(): string {
    const r = this.rng;
    switch (r.int(6)) {
      case 0:
        return r.pick([
          '0.0',
          '-0.0',
          '1.0',
          '-1.5',
          '5.0e-324',
          '1.0e300',
          '-1.0e300',
          '2.2250738585072014e-308',
          '1.7976931348623157e308',
          '0.1',
          '100.0',
          '3.0e-5',
        ]);
      case 1: {
        // any finite double, from random bits
        const view = new DataView(new ArrayBuffer(8));
        view.setUint32(0, r.int(2 ** 32));
        view.setUint32(4, r.int(2 ** 32));
        const x = view.getFloat64(0);
        return Number.isFinite(x) ? erlangFloat(x) : '1.0';
      }
      case 2:
        return erlangFloat((r.next() - 0.5) * 10 ** (r.int(40) - 20));
      default:
        return erlangFloat(Math.round((r.next() - 0.5) * 1e6) / 100);
    }
  }

  binary(): string {
    const r = this.rng;
    switch (r.int(6)) {
      case 0:
        return `<<${Array.from({ length: r.int(40) }, () => r.int(256)).join(',')}>>`; // often not UTF-8
      case 1:
        return `<<"${Array.from({ length: r.int(12) }, () => r.pick(UNICODE_CHARS)).join('')}"/utf8>>`;
      case 2:
        return `binary:copy(<<"ab">>, ${1 + (r.chance(0.1) ? r.int(3000) : r.int(100))})`;
      default:
        return `<<"${Array.from({ length: r.int(30) }, () => ATOM_CHARS[r.int(ATOM_CHARS.length - 2)]!).join('')}">>`;
    }
  }

  bitstring(): string {
    const r = this.rng;
    const bytes = Array.from({ length: r.int(6) }, () => r.int(256));
    const bits = 1 + r.int(7);
    return `<<${[...bytes, `${r.int(2 ** bits)}:${bits}`].join(',')}>>`;
  }

  charlist(): string {
    const r = this.rng;
    switch (r.int(5)) {
      case 0:
        return `"${Array.from({ length: r.int(20) }, () => ATOM_CHARS[r.int(ATOM_CHARS.length - 2)]!).join('')}"`;
      case 1:
        return `[${Array.from({ length: 1 + r.int(20) }, () => r.int(256)).join(',')}]`;
      case 2:
        return `[${Array.from({ length: 1 + r.int(5) }, () => r.int(2000)).join(',')}]`; // not all bytes
      case 3: // around the STRING_EXT limit, now and then
        if (r.chance(0.15)) return `[X rem 256 || X <- lists:seq(1, ${65530 + r.int(12)})]`;
        return `lists:seq(0, ${r.int(255)})`;
      default:
        return `"${Array.from({ length: 1 + r.int(8) }, () => r.pick(UNICODE_CHARS)).join('')}"`;
    }
  }

  pid(): string {
    const r = this.rng;
    switch (r.int(5)) {
      case 0:
        return 'self()';
      case 1:
        return `list_to_pid("<0.${r.int(32768)}.${r.int(8192)}>")`;
      case 2:
        return `c:pid(0, ${r.int(32768)}, ${r.int(8192)})`;
      case 3: // PID_EXT from an old node
        return crafted([103, ...this.nodeAtom(), ...u32(r.int(32768)), ...u32(r.int(8192)), r.int(4)]);
      default:
        return crafted([
          88,
          ...this.nodeAtom(),
          ...u32(r.int(2 ** 32)),
          ...u32(r.int(2 ** 32)),
          ...u32(r.int(2 ** 32)),
        ]);
    }
  }

  ref(): string {
    const r = this.rng;
    switch (r.int(4)) {
      case 0:
        return 'make_ref()';
      case 1: {
        const words = 1 + r.int(5);
        const ids = Array.from({ length: words }, () => u32(r.int(2 ** 32))).flat();
        return crafted([90, 0, words, ...this.nodeAtom(), ...u32(r.int(2 ** 32)), ...ids]);
      }
      case 2: {
        const words = 1 + r.int(3);
        const ids = Array.from({ length: words }, () => u32(r.int(2 ** 18))).flat();
        return crafted([114, 0, words, ...this.nodeAtom(), r.int(4), ...ids]);
      }
      default:
        return crafted([101, ...this.nodeAtom(), ...u32(r.int(2 ** 18)), r.int(4)]);
    }
  }

  port(): string {
    const r = this.rng;
    switch (r.int(4)) {
      case 0:
        return 'hd(erlang:ports())';
      case 1:
        return crafted([89, ...this.nodeAtom(), ...u32(r.int(2 ** 32)), ...u32(r.int(2 ** 32))]);
      case 2: // V4 with an id beyond 32 bits
        return crafted([
          120,
          ...this.nodeAtom(),
          ...u32(1 + r.int(2 ** 32 - 1)),
          ...u32(r.int(2 ** 32)),
          ...u32(r.int(2 ** 32)),
        ]);
      default:
        return crafted([102, ...this.nodeAtom(), ...u32(r.int(2 ** 28)), r.int(4)]);
    }
  }

  /** A node name atom in any of the encodings a peer may use. */
  private nodeAtom(): number[] {
    const r = this.rng;
    const name = Buffer.from(r.pick(NODE_NAMES.filter((n) => /^[\x00-\x7f]*$/.test(n))), 'latin1');
    switch (r.int(3)) {
      case 0:
        return [100, 0, name.length, ...name];
      case 1:
        return [119, name.length, ...name];
      default:
        return [118, 0, name.length, ...name];
    }
  }

  tuple(depth: number): string {
    const r = this.rng;
    if (r.chance(0.05)) return `list_to_tuple([${this.items(depth, 256 + r.int(40), true).join(', ')}])`;
    return `{${this.items(depth, r.int(7)).join(', ')}}`;
  }

  list(depth: number): string {
    const r = this.rng;
    return `[${this.items(depth, 1 + r.int(7)).join(', ')}]`;
  }

  improperList(depth: number): string {
    const r = this.rng;
    let tail = this.term(depth - 1);
    // A list-valued tail would only extend the list; keep this one improper.
    while (tail.startsWith('[') || tail.startsWith('"')) tail = this.term(depth - 1);
    return `[${this.items(depth, 1 + r.int(4)).join(', ')} | ${tail}]`;
  }

  map(depth: number): string {
    const r = this.rng;
    const big = r.chance(0.15);
    const n = big ? 33 + r.int(30) : r.int(8);
    const pairs: string[] = [];
    for (let i = 0; i < n; i++) {
      const key = r.chance(0.5)
        ? `<<"k${i}">>`
        : r.chance(0.5)
          ? `k${i}`
          : `{${i}, ${this.term(Math.min(1, depth - 1))}}`;
      pairs.push(`${key} => ${big ? this.scalar() : this.term(depth - 1)}`);
    }
    return `#{${pairs.join(', ')}}`;
  }

  /** A fun made by erl_eval, closing over a random term (NEW_FUN_EXT with free variables). */
  localFun(depth: number): string {
    const arity = this.rng.int(3);
    const n = this.funCount++;
    const args = Array.from({ length: arity }, (_, i) => `A${n}_${i}`);
    const free = `Free${n}`;
    return `begin ${free} = ${this.term(depth - 1)}, fun(${args.join(', ')}) -> {${free}${args.map((a) => ', ' + a).join('')}} end end`;
  }

  private items(depth: number, n: number, flat = false): string[] {
    return Array.from({ length: n }, () => (flat ? this.scalar() : this.term(depth - 1)));
  }
}

function digits(r: Rng, n: number): string {
  let s = String(1 + r.int(9));
  while (s.length < n) s += String(r.int(10));
  return s;
}

function quoteAtom(name: string): string {
  return `'${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A float literal Erlang reads back as exactly `x` (shortest round-trip digits, Erlang syntax). */
export function erlangFloat(x: number): string {
  if (Object.is(x, -0)) return '-0.0';
  let s = String(x); // shortest digits that round-trip
  if (!s.includes('e')) return s.includes('.') ? s : s + '.0';
  const [m, exponent] = s.split('e') as [string, string];
  const mantissa = m.includes('.') ? m : m + '.0';
  s = `${mantissa}e${exponent}`;
  return s;
}

function u32(x: number): number[] {
  return [x >>> 24, (x >>> 16) & 0xff, (x >>> 8) & 0xff, x & 0xff];
}

function crafted(body: number[]): string {
  return `binary_to_term(<<131,${body.join(',')}>>)`;
}

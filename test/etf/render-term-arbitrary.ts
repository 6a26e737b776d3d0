/**
 * fast-check arbitraries for terms that have an Elixir literal (no pids, ports, refs, funs),
 * biased towards the cases the renderers and the parser must get right: atoms that need quotes,
 * charlists, keyword lists, improper lists, bitstrings, structs, MapSets, big integers, -0.0.
 */

import fc from 'fast-check';
import {
  Atom,
  BitBinary,
  ErlFloat,
  ErlMap,
  ExportFun,
  Fun,
  ImproperList,
  Pid,
  Port,
  Ref,
  Tuple,
  atoms,
  termEquals,
  type Term,
} from '../../src/etf/term.js';

export const TRICKY_ATOM_NAMES = [
  'ok',
  'error',
  'nil',
  'true',
  'false',
  'with space',
  'Elixir.Foo',
  'Elixir.Phoenix.PubSub',
  'Elixir.foo',
  'Elixir',
  'Elixir.Elixir',
  'Elixir.Elixir.Foo',
  'Elixir.Foo.bar',
  'foo@bar',
  'a@127.0.0.1',
  '+',
  '-',
  '..',
  '...',
  '..//',
  '::',
  '%{}',
  '{}',
  '<<>>',
  '->',
  '\\\\',
  '//',
  '|>',
  '=~',
  '^^^',
  '~~~',
  '<|>',
  'not',
  'and',
  'when',
  'ünï',
  'ünïcödé_атом',
  'атом',
  '日本語',
  'Ünï',
  'µ',
  '',
  'Foo',
  'foo?',
  'foo!',
  'foo?bar',
  '"quote',
  "it's",
  'a#{b}',
  'new\nline',
  'tab\there',
  'back\\slash',
  '_',
  '_foo',
  '__struct__',
  'e\u0301',
  '@',
  '&',
  '\u0000',
  '\u0085',
  '\ufeff',
  '😀',
  'x y z',
  '1abc',
  'a.b',
];

const atom = fc
  .oneof(
    { weight: 3, arbitrary: fc.constantFrom(...TRICKY_ATOM_NAMES) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
    { weight: 1, arbitrary: fc.stringMatching(/^[a-z_][a-zA-Z0-9_@]{0,10}[?!]?$/) },
  )
  .map((name) => Atom.of(name));

const integer = fc.oneof(
  fc.integer({ min: -300, max: 300 }),
  fc.integer(),
  fc.maxSafeInteger(),
  fc
    .bigInt({ min: -(2n ** 300n), max: 2n ** 300n })
    .map((b) => (b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b)),
);

const float = fc
  .oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(0, -0, 0.1, 1e16, 1e15, 5e-324, 1.7976931348623157e308, 1000, -2.5),
  )
  .map((v) => new ErlFloat(v));

const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '',
    'a#{b}',
    'quote " here',
    'back\\slash',
    'line\nbreak',
    '\ufeff',
    'caf\u00e9',
    'tab\t',
    '\u0007\u001b\u007f',
  ),
);
const binary = fc.oneof(
  text.map((s) => new TextEncoder().encode(s)),
  fc.uint8Array({ maxLength: 20 }),
);
const bitBinary = fc
  .tuple(fc.uint8Array({ minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 7 }))
  .map(([bytes, bits]) => {
    const copy = Uint8Array.from(bytes);
    copy[copy.length - 1] = copy[copy.length - 1]! & ((0xff << (8 - bits)) & 0xff);
    return new BitBinary(copy, bits);
  });
const charlist = fc.array(fc.integer({ min: 32, max: 126 }), { minLength: 1, maxLength: 10 });

/** Map pairs with keys unique under termEquals (a map cannot hold the same key twice). */
function uniquePairs(pairs: Array<[Term, Term]>): Array<[Term, Term]> {
  const out: Array<[Term, Term]> = [];
  for (const p of pairs) if (!out.some((q) => termEquals(q[0], p[0]))) out.push(p);
  return out;
}

export interface TermArbitraryOptions {
  /** Struct modules to build exact instances of, with their fields. */
  structs?: ReadonlyMap<string, readonly string[]>;
  /** Also pids, ports, references, funs (no literal syntax) and list-valued improper tails. */
  opaque?: boolean;
}

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const node = fc.constantFrom('a@127.0.0.1', 'nonode@nohost', 'web1@10.0.0.5', 'ünï@host').map((n) => Atom.of(n));
/**
 * Identifiers that binary_to_term accepts (src/etf/reader-rules.ts): the old formats have a 2-bit
 * creation and an 18-bit first reference word; the local node's (nonode@nohost, creation 0) pids
 * have 15/13-bit numbers, ports 28 bits, references at most 3 words.
 */
const isLocal = (n: Atom, creation: number): boolean => creation === 0 && n.name === 'nonode@nohost';
const pid = fc.tuple(node, u32, u32, u32, fc.boolean()).map(([n, id, serial, creation, old]) => {
  const cre = old ? creation & 3 : creation;
  return isLocal(n, cre) ? new Pid(n, id & 0x7fff, serial & 0x1fff, cre, old) : new Pid(n, id, serial, cre, old);
});
const opaqueScalars = [
  pid,
  fc
    .tuple(
      node,
      fc.oneof(u32, fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n - 1n })),
      u32,
      fc.constantFrom('old', 'new', 'v4') as fc.Arbitrary<'old' | 'new' | 'v4'>,
    )
    .map(([n, id, creation, format]) => {
      const cre = format === 'old' ? creation & 3 : creation;
      const fits = isLocal(n, cre) ? (typeof id === 'bigint' ? Number(id % 2n ** 28n) : id % 2 ** 28) : id;
      return new Port(n, format === 'old' && typeof fits === 'bigint' ? Number(fits & 0xffffffffn) : fits, cre, format);
    }),
  fc
    .tuple(
      node,
      u32,
      fc.array(u32, { minLength: 1, maxLength: 5 }),
      fc.constantFrom('old', 'new', 'newer') as fc.Arbitrary<'old' | 'new' | 'newer'>,
    )
    .map(([n, creation, ids, format]) => {
      const cre = format === 'newer' ? creation : creation & 3;
      const words = format === 'old' ? ids.slice(0, 1) : isLocal(n, cre) ? ids.slice(0, 3) : ids;
      const limited = format !== 'newer' || isLocal(n, cre);
      return new Ref(n, cre, limited ? [words[0]! & 0x3ffff, ...words.slice(1)] : words, format);
    }),
  fc.tuple(atom, atom, fc.integer({ min: 0, max: 255 })).map(([m, f, arity]) => new ExportFun(m, f, arity)),
];

export function termArbitrary(options: TermArbitraryOptions = {}): fc.Arbitrary<Term> {
  const structs = [...(options.structs ?? new Map<string, readonly string[]>()).entries()];
  const { term } = fc.letrec<{ term: Term; container: Term }>((tie) => ({
    term: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      integer,
      float,
      atom,
      binary,
      bitBinary,
      charlist,
      ...(options.opaque === true ? opaqueScalars : []),
      // Containers weigh as much as all scalars together, so that nesting is common.
      { arbitrary: tie('container'), weight: 6 },
    ),
    container: fc.oneof(
      { depthSize: 'small' },
      fc.array(tie('term'), { maxLength: 5 }),
      fc.array(fc.tuple(atom, tie('term')), { maxLength: 4 }).map((kw) => kw.map(([k, v]) => new Tuple([k, v]))),
      fc
        .tuple(fc.array(tie('term'), { minLength: 1, maxLength: 4 }), tie('term'))
        .filter(([, tail]) => !Array.isArray(tail) && !(tail instanceof ImproperList))
        .map(([elements, tail]) => new ImproperList(elements, tail)),
      fc.array(tie('term'), { maxLength: 5 }).map((e) => new Tuple(e)),
      fc.array(fc.tuple(tie('term'), tie('term')), { maxLength: 5 }).map((p) => ErlMap.fromPairs(uniquePairs(p))),
      fc.array(fc.tuple(atom, tie('term')), { maxLength: 5 }).map((p) => ErlMap.fromPairs(uniquePairs(p))),
      // A struct not in any registry.
      fc
        .tuple(
          fc.constantFrom('Elixir.Chat.Message', 'Elixir.Foo', 'Elixir.MapSet'),
          fc.array(fc.tuple(atom, tie('term')), { maxLength: 3 }),
        )
        .map(([mod, p]) => ErlMap.fromPairs(uniquePairs([[atoms.struct, Atom.of(mod)], ...p]))),
      // Elixir 1.14's MapSet.
      fc.array(tie('term'), { maxLength: 4 }).map((elements) => {
        const unique = uniquePairs(elements.map((e): [Term, Term] => [e, []]));
        return ErlMap.fromPairs([
          [atoms.struct, Atom.of('Elixir.MapSet')],
          [Atom.of('map'), ErlMap.fromPairs(unique)],
          [Atom.of('version'), 2],
        ]);
      }),
      ...(options.opaque !== true
        ? []
        : [
            fc
              .tuple(
                fc.integer({ min: 0, max: 255 }),
                fc.uint8Array({ minLength: 16, maxLength: 16 }),
                u32,
                atom,
                // OldIndex is a small integer (−2^59..2^59−1), as binary_to_term demands.
                fc.oneof(u32, fc.bigInt({ min: -(2n ** 59n), max: 2n ** 59n - 1n })),
                u32,
                pid,
                fc.array(tie('term'), { maxLength: 3 }),
              )
              .map(
                ([arity, uniq, index, mod, oldIndex, oldUniq, p, free]) =>
                  new Fun(arity, uniq, index, mod, oldIndex, oldUniq, p, free),
              ),
            // What a foreign encoder can produce: [1 | [2, 3]] kept as written.
            fc
              .tuple(fc.array(tie('term'), { minLength: 1, maxLength: 3 }), fc.array(tie('term'), { maxLength: 3 }))
              .map(([e, tail]) => new ImproperList(e, tail)),
          ]),
      ...(structs.length === 0
        ? []
        : [
            fc
              .tuple(fc.constantFrom(...structs), fc.array(tie('term'), { minLength: 9, maxLength: 9 }))
              .map(([[mod, fields], values]) =>
                ErlMap.fromPairs([
                  [atoms.struct, Atom.of(mod)],
                  ...fields.map((f, i): [Term, Term] => [Atom.of(f), values[i]!]),
                ]),
              ),
          ]),
    ),
  }));
  return term;
}

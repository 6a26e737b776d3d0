/** What cannot be encoded, and what is large or deep but must still encode like Erlang. */
import { describe, expect, it } from 'vitest';
import { decode } from '../../src/etf/decode.js';
import { encode } from '../../src/etf/encode.js';
import { EncodeError } from '../../src/etf/errors.js';
import { fromPlain } from '../../src/etf/plain.js';
import {
  Atom,
  BitBinary,
  ErlFloat,
  ErlMap,
  Fun,
  ImproperList,
  Pid,
  Port,
  Ref,
  Tuple,
  type Term,
} from '../../src/etf/term.js';
import { erlEncode } from '../helpers/erl.js';

const node = Atom.of('n@h');

describe('values with no encoding', () => {
  const bad: Array<[string, () => unknown]> = [
    ['NaN', () => encode(NaN)],
    ['Infinity', () => encode(Infinity)],
    ['an ErlFloat of -Infinity', () => encode(new ErlFloat(-Infinity))],
    ['a 256-character atom', () => encode(Atom.of('a'.repeat(256)))],
    ['a 256-character Unicode atom', () => encode(Atom.of('é'.repeat(256)))],
    ['undefined', () => encode(undefined as unknown as Term)],
    ['a function', () => encode((() => 1) as unknown as Term)],
    ['a symbol', () => encode(Symbol('x') as unknown as Term)],
    ['a Date', () => encode(new Date() as unknown as Term)],
    ['a JS Map', () => encode(new Map() as unknown as Term)],
    ['a BitBinary with 0 bits in its last byte', () => encode(new BitBinary(new Uint8Array([1]), 0))],
    ['an empty BitBinary', () => encode(new BitBinary(new Uint8Array(0), 3))],
    ['a pid id beyond 32 bits', () => encode(new Pid(node, 2 ** 32, 0, 0))],
    ['a negative pid serial', () => encode(new Pid(node, 1, -1, 0))],
    ['a port id beyond 64 bits', () => encode(new Port(node, 2n ** 64n, 0))],
    ['a reference of 6 words', () => encode(new Ref(node, 1, [1, 2, 3, 4, 5, 6]))],
    [
      'a fun with a 15-byte uniq',
      () => encode(new Fun(0, new Uint8Array(15), 0, node, 0, 0, new Pid(node, 1, 0, 0), [])),
    ],
    ['an ErlMap whose arrays differ in length', () => encode(new ErlMap([1, 2], [1]))],
    ['minorVersion 3', () => encode(1, { minorVersion: 3 as 2 })],
    ['NaN inside a deep list', () => encode([[[[1, [NaN]]]]])],
  ];
  for (const [what, run] of bad) {
    it(`refuses ${what} with an EncodeError`, () => {
      expect(run).toThrow(EncodeError);
    });
  }

  it('refuses values that contain themselves, instead of writing until memory runs out', () => {
    const list: unknown[] = [1];
    list.push(list);
    const record: Record<string, unknown> = { a: 1 };
    record.self = { back: record };
    const tuple = new Tuple([1]);
    tuple.elements.push(tuple);
    const improper = new ImproperList([1], 0);
    (improper as { tail: Term }).tail = improper;
    for (const cyclic of [list, record, tuple, improper]) {
      expect(() => encode(cyclic as Term)).toThrow(/contains itself/);
    }
    expect(() => fromPlain(list)).toThrow(/contains itself/);
    expect(() => fromPlain(record)).toThrow(/contains itself/);
    const shared = { x: 1 }; // the same object twice is no cycle
    expect(() => encode({ a: shared, b: shared })).not.toThrow();
    expect(() => fromPlain([shared, shared])).not.toThrow();
  });

  it('fromPlain refuses the same values', () => {
    for (const v of [NaN, undefined, () => 1, new Date(), { a: [Infinity] }])
      expect(() => fromPlain(v)).toThrow(EncodeError);
  });

  it('still encodes after a refused value (no state left behind)', () => {
    expect(() => encode([1, [2, NaN]])).toThrow(EncodeError);
    expect([...encode([1, 2])]).toEqual([131, 107, 0, 2, 1, 2]);
  });
});

describe('edges Erlang draws', () => {
  it('writes integers, lists and atoms at every size boundary exactly as erl does', async () => {
    const cases: Array<[string, Term]> = [
      ['255', 255],
      ['256', 256],
      ['-1', -1],
      ['2147483647', 2147483647],
      ['2147483648', 2147483648],
      ['-2147483648', -2147483648],
      ['-2147483649', -2147483649],
      ['9007199254740991', 9007199254740991],
      ['9007199254740992', 9007199254740992n],
      ['-(1 bsl 2040)', -(1n << 2040n)],
      ['1 bsl 2047', 1n << 2047n], // 256 digit bytes: LARGE_BIG_EXT
      ['lists:duplicate(65535, 7)', new Array<Term>(65535).fill(7)],
      ['lists:duplicate(65536, 7)', new Array<Term>(65536).fill(7)],
      ['[1, 2 | 3]', new ImproperList([1, 2], 3)],
      ['[1 | [2, 3]]', new ImproperList([1], [2, 3])],
      ['list_to_atom(lists:duplicate(255, $a))', Atom.of('a'.repeat(255))],
      ['list_to_atom(lists:duplicate(128, 233))', Atom.of('é'.repeat(128))],
      ['list_to_tuple(lists:seq(1, 256))', new Tuple(Array.from({ length: 256 }, (_, i) => i + 1))],
      ['<<5:3>>', new BitBinary(new Uint8Array([0xbf]), 3)], // stray low bits are dropped, as in Erlang
    ];
    for (const minor of [1, 2] as const) {
      const expected = await erlEncode(
        cases.map(([source]) => source),
        `[{minor_version, ${minor}}]`,
      );
      cases.forEach(([source, term], i) => {
        expect(
          Buffer.from(encode(term, { minorVersion: minor })).equals(expected[i]!),
          `${source} (minor ${minor})`,
        ).toBe(true);
      });
    }
  });
});

describe('deep terms', () => {
  const DEPTH = 100_000;
  const shapes: Array<[string, (inner: Term) => Term, Term, string]> = [
    ['lists', (t) => [t], [], 'lists:foldl(fun(_, A) -> [A] end, [], lists:seq(1, 100000))'],
    ['tuples', (t) => new Tuple([t]), new Tuple([]), 'lists:foldl(fun(_, A) -> {A} end, {}, lists:seq(1, 100000))'],
    [
      'maps',
      (t) => new ErlMap([1], [t]),
      new ErlMap([], []),
      'lists:foldl(fun(_, A) -> #{1 => A} end, #{}, lists:seq(1, 100000))',
    ],
    [
      'improper lists',
      (t) => new ImproperList([t], 0),
      0,
      'lists:foldl(fun(_, A) -> [A | 0] end, 0, lists:seq(1, 100000))',
    ],
  ];

  it('encode 100 000 levels byte for byte as erl does, and decode back', async () => {
    const expected = await erlEncode(
      shapes.map(([, , , source]) => source),
      '[{minor_version, 2}]',
    );
    shapes.forEach(([shape, wrap, leaf], i) => {
      let term = leaf;
      for (let d = 0; d < DEPTH; d++) term = wrap(term);
      const bytes = Buffer.from(encode(term));
      expect(bytes.equals(expected[i]!), shape).toBe(true);
      expect(Buffer.from(encode(decode(bytes, { maxDepth: Infinity }))).equals(bytes), shape).toBe(true);
    });
  });
});

/**
 * Cases from Elixir 1.14's own test suite (lib/elixir/test/elixir/inspect_test.exs and the
 * Macro.inspect_atom/classify_atom doctests), default options: the expected strings are what
 * Elixir 1.14 asserts it prints.
 */
import { describe, expect, it } from 'vitest';
import { classifyAtom } from '../../src/etf/render/atoms.js';
import { parseElixir } from '../../src/etf/parse/parser.js';
import { inspect } from '../../src/etf/render/inspect.js';
import { Atom, BitBinary, ErlFloat, ErlMap, ImproperList, Tuple, atoms, type Term } from '../../src/etf/term.js';

const a = Atom.of;
const bin = (s: string): Uint8Array => new TextEncoder().encode(s);
const kw = (...pairs: Array<[string, Term]>): Term[] => pairs.map(([k, v]) => new Tuple([a(k), v]));
const chars = (s: string): number[] => [...s].map((c) => c.codePointAt(0)!);

describe('Inspect.AtomTest', () => {
  const cases: Array<[string, string]> = [
    ['foo', ':foo'],
    ['', ':""'],
    ['false', 'false'],
    ['true', 'true'],
    ['nil', 'nil'],
    ['fOO', ':fOO'],
    ['FOO', ':FOO'],
    ['Elixir.Foo', 'Foo'],
    ['Elixir.Foo.Bar', 'Foo.Bar'],
    ['Elixir', 'Elixir'],
    ['Elixir.Elixir', 'Elixir.Elixir'],
    ['Elixir.Elixir.Foo', 'Elixir.Elixir.Foo'],
    ['Elixir.User1', 'User1'],
    ['user1', ':user1'],
    ['foo?', ':foo?'],
    ['bar!', ':bar!'],
    ['Foo?', ':Foo?'],
    ['+', ':+'],
    ['<~', ':<~'],
    ['~>', ':~>'],
    ['&&&', ':&&&'],
    ['~~~', ':"~~~"'],
    ['<<~', ':<<~'],
    ['~>>', ':~>>'],
    ['<~>', ':<~>'],
    ['+++', ':+++'],
    ['---', ':---'],
    ['::', ':"::"'],
    ['@', ':@'],
    ['foo@bar', ':foo@bar'],
    ['foo@bar@', ':foo@bar@'],
    ['foo@bar@baz', ':foo@bar@baz'],
    ['...', ':...'],
    ['<<>>', ':<<>>'],
    ['{}', ':{}'],
    ['%{}', ':%{}'],
    ['%', ':%'],
    ['->', ':->'],
    ['hy-phen', ':"hy-phen"'],
    ['@hello', ':"@hello"'],
    ['Wat!?', ':"Wat!?"'],
    ['\'quotes\' and "double quotes"', ':"\'quotes\' and \\"double quotes\\""'],
    ['olá', ':olá'],
    ['Olá', ':Olá'],
    ['Ólá', ':Ólá'],
    ['こんにちは世界', ':こんにちは世界'],
    ['olá'.normalize('NFD'), `:"${'olá'.normalize('NFD')}"`],
  ];
  for (const [name, expected] of cases) {
    it(`${JSON.stringify(name)} → ${expected}`, () => expect(inspect(a(name))).toBe(expected));
  }

  // Kernel.StringTokenizerTest: atoms Elixir 1.14 reads unquoted (so inspect writes them bare),
  // and two it refuses (so inspect must quote them).
  const bare = [
    '_12',
    'ola',
    'ólá',
    'ólá?',
    'ólá!',
    'ól@',
    'ól@!',
    'ó@@!',
    'Ola',
    'Ólá',
    'ÓLÁ',
    'ÓLÁ?',
    'ÓLÁ!',
    'ÓL@!',
    'Ó@@!',
    'こんにちは世界',
  ];
  for (const name of bare) {
    it(`:${name} is written bare, and read back`, () => {
      expect(inspect(a(name))).toBe(':' + name);
      expect(parseElixir(':' + name)).toBe(a(name));
      expect(parseElixir(`[${name}: 0]`)).toEqual([new Tuple([a(name), 0])]);
    });
  }
  it('atoms the tokenizer refuses are quoted', () => {
    expect(inspect(a('123'))).toBe(':"123"');
    expect(inspect(a('@123'))).toBe(':"@123"');
  });

  it('Macro.classify_atom doctests', () => {
    expect(classifyAtom('foo')).toBe('identifier');
    expect(classifyAtom('Elixir.Foo')).toBe('alias');
    expect(classifyAtom('foo@bar')).toBe('unquoted');
    expect(classifyAtom('+')).toBe('unquoted');
    expect(classifyAtom('Foo')).toBe('unquoted');
    expect(classifyAtom('with spaces')).toBe('quoted');
  });
});

describe('Inspect.BitStringTest', () => {
  it('bitstring', () => expect(inspect(new BitBinary(Uint8Array.of(0, 0x10), 4))).toBe('<<0, 1::size(4)>>'));
  it('binary', () => {
    expect(inspect(bin('foo'))).toBe('"foo"');
    expect(inspect(Uint8Array.of(97, 98, 99))).toBe('"abc"');
  });
  it('escaping', () => {
    expect(inspect(bin('f\no'))).toBe('"f\\no"');
    expect(inspect(bin('f\\o'))).toBe('"f\\\\o"');
    expect(inspect(bin('f\u0007o'))).toBe('"f\\ao"');
    expect(inspect(bin('\u0007\b\u007f\u001b\f\n\r \t\v'))).toBe('"\\a\\b\\d\\e\\f\\n\\r \\t\\v"');
  });
  it('UTF-8 and BOM', () => {
    expect(inspect(bin(' ゆんゆん'))).toBe('" ゆんゆん"');
    expect(inspect(bin('\ufeffhello world'))).toBe('"\\uFEFFhello world"');
  });
  it('infer', () => {
    expect(inspect(Uint8Array.of(...bin('john'), 193, ...bin('doe')))).toBe(
      '<<106, 111, 104, 110, 193, 100, 111, 101>>',
    );
    expect(inspect(Uint8Array.of(193))).toBe('<<193>>');
  });
});

describe('Inspect.NumberTest', () => {
  it('integer and float', () => {
    expect(inspect(100)).toBe('100');
    expect(inspect(new ErlFloat(1))).toBe('1.0');
    expect(inspect(new ErlFloat(1e10))).toBe('10000000000.0');
    expect(inspect(new ErlFloat(1e-10))).toBe('1.0e-10');
  });
});

describe('Inspect.TupleTest / ListTest / MapTest', () => {
  it('tuples', () => {
    expect(inspect(new Tuple([1, bin('b'), 3]))).toBe('{1, "b", 3}');
    expect(inspect(new Tuple([]))).toBe('{}');
  });

  it('lists, charlists, keywords, improper lists', () => {
    expect(inspect([1, bin('b'), 3])).toBe('[1, "b", 3]');
    expect(inspect(chars('abc'))).toBe("'abc'");
    expect(inspect(kw(['a', 1]))).toBe('[a: 1]');
    expect(inspect(kw(['a', 1], ['b', 2]))).toBe('[a: 1, b: 2]');
    expect(inspect(kw(['a', 1], ['a', 2], ['b', 2]))).toBe('[a: 1, a: 2, b: 2]');
    expect(inspect(kw(['123', 1]))).toBe('["123": 1]');
    expect(inspect(kw(['::', 1], ['+', 2]))).toBe('["::": 1, +: 2]');
    expect(inspect([...chars('john'), 0, ...chars('doe')])).toBe('[106, 111, 104, 110, 0, 100, 111, 101]');
    expect(inspect(chars('john'))).toBe("'john'");
    expect(inspect([0])).toBe('[0]');
    expect(inspect(kw(['b', 1], ['a', 1]))).toBe('[b: 1, a: 1]');
    expect(inspect(new ImproperList([a('foo')], a('bar')))).toBe('[:foo | :bar]');
    expect(inspect(chars('é'))).toBe('[233]');
    expect(inspect([])).toBe('[]');
  });

  it('maps and structs without a loaded module', () => {
    expect(inspect(ErlMap.fromPairs([[1, bin('b')]]))).toBe('%{1 => "b"}');
    expect(inspect(ErlMap.fromPairs([[a('a'), 1]]))).toBe('%{a: 1}');
    expect(
      inspect(
        ErlMap.fromPairs([
          [a('a'), 1],
          [a('b'), 2],
          [a('c'), 3],
        ]),
      ),
    ).toBe('%{a: 1, b: 2, c: 3}');
    const privateStruct = ErlMap.fromPairs([
      [atoms.struct, a('Elixir.Inspect.MapTest.Private')],
      [a('key'), 1],
    ]);
    expect(inspect(privateStruct)).toBe('%{__struct__: Inspect.MapTest.Private, key: 1}');
  });

  it('a struct of the registry only when its keys are exactly the fields', () => {
    const structs = new Map([['Elixir.Inspect.MapTest.Public', ['key']]]);
    const pub = (extra: Array<[Term, Term]>): ErlMap =>
      ErlMap.fromPairs([[atoms.struct, a('Elixir.Inspect.MapTest.Public')], ...extra, [a('key'), 1]]);
    expect(inspect(pub([]), { structs })).toBe('%Inspect.MapTest.Public{key: 1}');
    expect(inspect(pub([[a('foo'), a('bar')]]), { structs })).toBe(
      '%{__struct__: Inspect.MapTest.Public, foo: :bar, key: 1}',
    );
  });

  it('MapSet as MapSet.new, charlists inside it as lists (Inspect.MapSet sets charlists: :as_lists)', () => {
    const set = ErlMap.fromPairs([
      [atoms.struct, a('Elixir.MapSet')],
      [
        a('map'),
        ErlMap.fromPairs([
          [chars('ab'), []],
          [1, []],
        ]),
      ],
      [a('version'), 2],
    ]);
    // The inner map's keys in term order, as binary_to_term sorts a small map: 1 before [97, 98].
    expect(inspect(set)).toBe('MapSet.new([1, [97, 98]])');
    expect(inspect(new Tuple([chars('ab'), set]))).toBe("{'ab', MapSet.new([1, [97, 98]])}");
  });
});

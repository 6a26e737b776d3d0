import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ElixirSyntaxError, parseElixir } from '../../src/etf/parse/parser.js';
import { inspect } from '../../src/etf/render/inspect.js';
import { renderElixir } from '../../src/etf/render/elixir.js';
import {
  Atom,
  BitBinary,
  ErlFloat,
  ErlMap,
  ImproperList,
  Tuple,
  atoms,
  termEquals,
  type Term,
} from '../../src/etf/term.js';
import { PHOENIX_STRUCTS } from '../../src/phoenix/structs.js';
import { termArbitrary } from './render-term-arbitrary.js';
import { runs } from '../support/runs.js';

const a = Atom.of;
const bin = (s: string): Uint8Array => new TextEncoder().encode(s);

function expectTerm(text: string, expected: Term): void {
  const parsed = parseElixir(text);
  if (!termEquals(parsed, expected)) {
    throw new Error(`parseElixir(${JSON.stringify(text)}) = ${inspect(parsed)}, expected ${inspect(expected)}`);
  }
}

describe('parseElixir: literals', () => {
  it('reads integers in every base, with underscores, negative, and beyond 2^53', () => {
    expectTerm('1_000', 1000);
    expectTerm('0xFF', 255);
    expectTerm('0b101', 5);
    expectTerm('0o17', 15);
    expectTerm('-42', -42);
    expectTerm('123456789012345678901', 123456789012345678901n);
    expectTerm('-9007199254740993', -9007199254740993n);
    expect(parseElixir('9007199254740991')).toBe(9007199254740991);
  });

  it('reads floats as ErlFloat, keeping -0.0', () => {
    expectTerm('1.0', new ErlFloat(1));
    expectTerm('1.0e-3', new ErlFloat(0.001));
    expectTerm('1.5E10', new ErlFloat(1.5e10));
    const negativeZero = parseElixir('-0.0') as ErlFloat;
    expect(Object.is(negativeZero.value, -0)).toBe(true);
    expect(() => parseElixir('1.0e400')).toThrow(ElixirSyntaxError);
  });

  it('reads atoms: bare, quoted, operators, nil/true/false, aliases', () => {
    expectTerm(':ok', a('ok'));
    expectTerm(':"a b"', a('a b'));
    expectTerm(":'a b'", a('a b'));
    expectTerm(':"Elixir.X"', a('Elixir.X'));
    expectTerm('Chat.PubSub', a('Elixir.Chat.PubSub'));
    expectTerm('Elixir', a('Elixir'));
    expectTerm('Elixir.Foo', a('Elixir.Foo'));
    expectTerm('nil', atoms.nil);
    expectTerm('[true, false]', [atoms.true, atoms.false]);
    expectTerm(':foo@bar', a('foo@bar'));
    expectTerm(':valid?', a('valid?'));
    expectTerm(
      '[:+, :.., :..//, :%{}, :<<>>, :->, :\\\\, :"::"]',
      ['+', '..', '..//', '%{}', '<<>>', '->', '\\\\', '::'].map(a),
    );
    expectTerm(':ünï', a('ünï'));
  });

  it('reads strings with every escape as UTF-8 binaries (\\xHH is a raw byte)', () => {
    expectTerm('"a\\nb\\tc\\"d\\\\e\\#{f}"', bin('a\nb\tc"d\\e#{f}'));
    expectTerm('"\\u{1F600}\\u00e9"', bin('😀é'));
    expectTerm('"\\xFF\\x00"', Uint8Array.of(255, 0));
    expectTerm('"\\a\\b\\d\\e\\f\\r\\v\\s\\0"', Uint8Array.of(7, 8, 127, 27, 12, 13, 11, 32, 0));
    expectTerm('"héllo 你好"', bin('héllo 你好'));
    expectTerm('"\\x{E9}"', bin('é'));
  });

  it('reads charlists \'abc\' and ~c"abc" as lists of code points', () => {
    expectTerm("'abc'", [97, 98, 99]);
    expectTerm('~c"abc"', [97, 98, 99]);
    expectTerm("~c'a\"b'", [97, 34, 98]);
    expectTerm("'it\\'s'", [105, 116, 39, 115]);
  });

  it('reads lists, improper lists, keyword lists and tuples', () => {
    expectTerm('[1, 2 | 3]', new ImproperList([1, 2], 3));
    expectTerm('[1 | [2, 3]]', [1, 2, 3]);
    expectTerm('[1 | [2 | 3]]', new ImproperList([1, 2], 3));
    expectTerm('[a: 1, "with space": 2]', [new Tuple([a('a'), 1]), new Tuple([a('with space'), 2])]);
    expectTerm('[1, b: 2]', [1, new Tuple([a('b'), 2])]);
    expectTerm('{}', new Tuple([]));
    expectTerm('{1, a: 2}', new Tuple([1, [new Tuple([a('a'), 2])]]));
    expectTerm('[1, 2,]', [1, 2]);
  });

  it('reads maps: => pairs, keyword sugar last, a repeated key keeps its last value', () => {
    expectTerm(
      '%{"a" => 1, b: 2}',
      ErlMap.fromPairs([
        [bin('a'), 1],
        [a('b'), 2],
      ]),
    );
    expectTerm('%{}', new ErlMap([], []));
    expectTerm('%{a: 1, a: 2}', ErlMap.fromPairs([[a('a'), 2]]));
    expectTerm('%{{1, 2} => [3]}', ErlMap.fromPairs([[new Tuple([1, 2]), [3]]]));
  });

  it('reads structs as maps with __struct__ first, then fields as written', () => {
    const parsed = parseElixir('%Phoenix.Socket.Broadcast{topic: "t", event: "e", payload: %{}}') as ErlMap;
    expect(parsed.keys.map(String)).toEqual(['__struct__', 'topic', 'event', 'payload']);
    expect(parsed.structName()).toBe(a('Elixir.Phoenix.Socket.Broadcast'));
  });

  it('reads binaries and bitstrings', () => {
    expectTerm('<<1, 2, 255>>', Uint8Array.of(1, 2, 255));
    expectTerm('<<"abc", 0>>', Uint8Array.of(97, 98, 99, 0));
    expectTerm('<<5::size(3)>>', new BitBinary(Uint8Array.of(0b10100000), 3));
    expectTerm('<<85, 28::size(5)>>', new BitBinary(Uint8Array.of(85, 28 << 3), 5));
    expectTerm('<<1::4, 2::4>>', Uint8Array.of(0x12));
    expectTerm('<<256>>', Uint8Array.of(0));
    expectTerm('<<>>', new Uint8Array(0));
  });

  it('reads MapSet.new([…]) as Elixir 1.14 builds a MapSet (duplicates dropped)', () => {
    expectTerm(
      'MapSet.new([1, :a, 1])',
      ErlMap.fromPairs([
        [atoms.struct, a('Elixir.MapSet')],
        [
          a('map'),
          ErlMap.fromPairs([
            [1, []],
            [a('a'), []],
          ]),
        ],
        [a('version'), 2],
      ]),
    );
    expect(inspect(parseElixir('MapSet.new()'))).toBe('MapSet.new([])');
  });

  it('skips whitespace, newlines and comments', () => {
    expectTerm(
      '%{\n  # a comment\n  a: 1,\n  b: [\n    2\n  ]\n}\n',
      ErlMap.fromPairs([
        [a('a'), 1],
        [a('b'), [2]],
      ]),
    );
  });
});

describe('parseElixir: errors name the place', () => {
  const cases: Array<[string, string]> = [
    ['%{"a" => 1, "b" => 2', 'expected "}", found end of input at 1:21'],
    ['[1, 2', 'expected "]", found end of input at 1:6'],
    ['{1 2}', 'expected "}", found a int at 1:4'],
    ['%{a: 1, "b" => 2}', 'expected a keyword key (keyword pairs must come last), found a string at 1:9'],
    ['"abc', 'missing closing " at 1:1'],
    ['"a#{x}"', 'interpolation (#{…}) is not a literal at 1:3'],
    [':', 'expected an atom after ":" at 1:1'],
    ['[1]\n  ]', 'expected end of input, found "]" at 2:3'],
    ['"\\xZZ"', 'invalid hex escape, expected \\xHH at 1:2'],
    ['a: 1', 'unexpected keyword key a: (keyword pairs go in a list, map, struct or at the end of a tuple) at 1:1'],
    ['foo', 'expected a value, found "foo" at 1:1'],
    ['$', 'unexpected "$" at 1:1'],
    ['<<1::size(x)>>', 'expected a segment size: ::size(N) or ::N at 1:11'],
  ];
  for (const [input, message] of cases) {
    it(`${JSON.stringify(input)} → ${message}`, () => {
      let error: unknown;
      try {
        parseElixir(input);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ElixirSyntaxError);
      expect((error as Error).message).toBe(message);
    });
  }

  it('reports line and column as fields', () => {
    try {
      parseElixir('[\n  1,\n  2 3]');
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ line: 3, column: 5 });
    }
  });

  it('refuses nesting deeper than the limit instead of overflowing the stack', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(() => parseElixir(deep)).toThrow(/nesting deeper than 1000/);
    expect(parseElixir('[[[1]]]', { maxDepth: 3 })).toEqual([[[1]]]);
  });
});

describe('parseElixir inverts the renderers (seeded property tests)', () => {
  const roundTrip = (render: (t: Term) => string) =>
    fc.property(termArbitrary({ structs: PHOENIX_STRUCTS }), (term) => {
      const text = render(term);
      const back = parseElixir(text);
      if (!termEquals(back, term)) throw new Error(`${text}\nread back as\n${inspect(back)}`);
    });

  it('parseElixir(renderElixir(t)) equals t, pretty', () => {
    fc.assert(
      roundTrip((t) => renderElixir(t, { structs: PHOENIX_STRUCTS, width: 40 })),
      { seed: 1401, numRuns: runs(1500) },
    );
  });

  it('parseElixir(renderElixir(t)) equals t, one line, 1.14-style charlists', () => {
    fc.assert(
      roundTrip((t) => renderElixir(t, { pretty: false, charlists: 'quotes' })),
      { seed: 1402, numRuns: runs(1500) },
    );
  });

  it('parseElixir(inspect(t)) equals t', () => {
    fc.assert(
      roundTrip((t) => inspect(t, { structs: PHOENIX_STRUCTS })),
      { seed: 1403, numRuns: runs(1500) },
    );
  });
});

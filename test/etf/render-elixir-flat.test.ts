import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareExact } from '../../src/etf/otp-map-order.js';
import { ElixirDocBuilder, DEFAULT_MAX_DEPTH, vmOrder } from '../../src/etf/render/elixir-doc.js';
import { renderElixirFlat, type FlatOptions } from '../../src/etf/render/elixir-flat.js';
import { renderElixir } from '../../src/etf/render/elixir.js';
import { inspect } from '../../src/etf/render/inspect.js';
import { renderFlat } from '../../src/etf/render/layout.js';
import { Atom, ErlFloat, ErlMap, ImproperList, Pid, Tuple, atoms, type Term } from '../../src/etf/term.js';
import { PHOENIX_STRUCTS } from '../../src/phoenix/structs.js';
import { runs } from '../support/runs.js';
import { termArbitrary } from './render-term-arbitrary.js';

const a = Atom.of;
const bin = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The document path alone: what the flat path must equal wherever it answers. */
function docLine(term: Term, options: FlatOptions): string {
  return renderFlat(new ElixirDocBuilder({ structs: PHOENIX_STRUCTS, ...options }).build(term));
}

const flatOptions: fc.Arbitrary<FlatOptions> = fc.record({
  charlists: fc.constantFrom('quotes', 'sigil', 'lists') as fc.Arbitrary<FlatOptions['charlists']>,
  maxBinaryLength: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
  maxDepth: fc.constantFrom(DEFAULT_MAX_DEPTH, DEFAULT_MAX_DEPTH, 3),
});
const defaults: FlatOptions = { charlists: 'quotes', maxBinaryLength: undefined, maxDepth: DEFAULT_MAX_DEPTH };

// Payload-like terms, all of which the flat path must answer: text (with what needs escaping),
// integers, atoms, charlists, keyword lists, tuples, and maps in and out of term order, small
// (sorted by binary_to_term) and beyond 32 keys (kept in wire order).
const payloadText = fc
  .array(fc.constantFrom('a', 'z', 'é', '日', ' ', '"', "'", '#{', '#', '\\', '\n', '\t', '😀', '\u007f'), {
    maxLength: 8,
  })
  .map((parts) => bin(parts.join('')));
const payloadAtom = fc.constantFrom('ok', 'error', 'nil', 'true', 'with space', 'Elixir.Foo', 'foo?', '日本').map(a);
const payloadKey = fc.oneof(fc.stringMatching(/^[a-z_]{1,6}$/), fc.constantFrom('', 'Body', 'a b', 'é'));
const { payload } = fc.letrec<{ payload: Term; value: Term }>((tie) => ({
  payload: fc.oneof(
    { depthSize: 'small' },
    fc
      .uniqueArray(fc.tuple(payloadKey, tie('value')), { selector: ([k]) => k, maxLength: 40 })
      .map((pairs) => ErlMap.fromPairs(pairs.map(([k, v]) => [bin(k), v]))),
    fc
      .uniqueArray(fc.tuple(payloadKey, tie('value')), { selector: ([k]) => k, maxLength: 6 })
      .map((pairs) => ErlMap.fromPairs(pairs.map(([k, v]) => [a(k), v]))),
  ),
  value: fc.oneof(
    { depthSize: 'small' },
    payloadText,
    fc.integer(),
    fc.bigInt({ min: -(2n ** 70n), max: -(2n ** 60n) }),
    payloadAtom,
    fc.array(fc.integer({ min: 32, max: 126 }), { maxLength: 4 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.array(fc.tuple(payloadAtom, tie('value')), { maxLength: 3 }).map((kw) => kw.map((p) => new Tuple(p))),
    fc.array(tie('value'), { maxLength: 3 }).map((e) => new Tuple(e)),
    { arbitrary: tie('payload'), weight: 2 },
  ),
}));

describe('renderElixirFlat (the one-line fast path)', () => {
  it('prints what the document path prints, wherever it answers (seeded)', () => {
    fc.assert(
      fc.property(
        fc.oneof(termArbitrary({ opaque: true }), termArbitrary({ structs: PHOENIX_STRUCTS }), payload),
        flatOptions,
        (term, options) => {
          const flat = renderElixirFlat(term, options);
          if (flat !== undefined) expect(flat).toBe(docLine(term, options));
        },
      ),
      { seed: 2701, numRuns: runs(4000) },
    );
  });

  it('answers for payload-like terms, with the document path’s text (seeded)', () => {
    fc.assert(
      fc.property(
        payload,
        fc.constantFrom('quotes', 'sigil', 'lists') as fc.Arbitrary<FlatOptions['charlists']>,
        (term, charlists) => {
          const options = { ...defaults, charlists };
          const flat = renderElixirFlat(term, options);
          expect(flat).toBeDefined();
          expect(flat).toBe(docLine(term, options));
        },
      ),
      { seed: 2702, numRuns: runs(2000) },
    );
  });

  it('writes a chat payload, keyword maps, charlists in both styles and maps sorted as the VM sorts them', () => {
    const chat = ErlMap.fromPairs([
      [bin('user'), bin('ana')],
      [bin('id'), 1000],
      [bin('body'), bin('hi "all" #{x}')],
    ]);
    expect(renderElixirFlat(chat, defaults)).toBe('%{"body" => "hi \\"all\\" \\#{x}", "id" => 1000, "user" => "ana"}');
    const kw = ErlMap.fromPairs([
      [a('status'), a('ok')],
      [a('with space'), [new Tuple([a('a'), [104, 105]])]],
    ]);
    expect(renderElixirFlat(kw, defaults)).toBe(`%{status: :ok, "with space": [a: 'hi']}`);
    expect(renderElixirFlat(kw, { ...defaults, charlists: 'sigil' })).toBe('%{status: :ok, "with space": [a: ~c"hi"]}');
    expect(renderElixirFlat(new Tuple([a('Elixir.Foo'), 2n ** 70n, bin('')]), defaults)).toBe(
      '{Foo, 1180591620717411303424, ""}',
    );
  });

  it('gives up on what only the document path writes', () => {
    const giveUps: Term[] = [
      new ErlFloat(1.5),
      new Pid(a('a@host'), 1, 2, 3),
      new ImproperList([1], 2),
      Uint8Array.of(0, 255),
      ErlMap.fromPairs([
        [atoms.struct, a('Elixir.Chat.Message')],
        [a('body'), bin('x')],
      ]),
      [bin('ok'), new ErlFloat(0.5)],
      bin('x'.repeat(64 * 1024 + 1)),
      Array.from({ length: 20_000 }, () => bin('abc')),
    ];
    for (const term of giveUps) expect(renderElixirFlat(term, defaults)).toBeUndefined();
    // A binary longer than maxBinaryLength is shown cut, which the document path does.
    expect(renderElixirFlat(bin('abcdef'), { ...defaults, maxBinaryLength: 5 })).toBeUndefined();
    expect(renderElixirFlat(bin('abcde'), { ...defaults, maxBinaryLength: 5 })).toBe('"abcde"');
    // Deep nesting, and nesting that reaches the caller's depth marker.
    let deep: Term = 1;
    for (let i = 0; i < 200; i++) deep = [deep];
    expect(renderElixirFlat(deep, defaults)).toBeUndefined();
    expect(renderElixirFlat([[[1]]], { ...defaults, maxDepth: 2 })).toBeUndefined();
  });

  it('leaves renderElixir and inspect the same text when it gives up', () => {
    const term = new Tuple([new ErlFloat(1.5), bin('abcdef'), new ImproperList([1], 2)]);
    expect(renderElixir(term, { pretty: false, maxBinaryLength: 3 })).toBe('{1.5, "abc…" (6 bytes), [1 | 2]}');
    expect(inspect(term)).toBe('{1.5, "abcdef", [1 | 2]}');
  });
});

describe('vmOrder', () => {
  it('sorts small maps exactly as compareExact orders their keys (seeded)', () => {
    const key = fc.oneof(termArbitrary({ opaque: true }), payloadText, payloadAtom, fc.integer({ min: -5, max: 5 }));
    fc.assert(
      fc.property(fc.array(key, { minLength: 2, maxLength: 32 }), (keys) => {
        const map = new ErlMap(keys, keys);
        const wire = keys.map((_, i) => i);
        const expected = [...wire].sort((x, y) => compareExact(keys[x]!, keys[y]!));
        expect(vmOrder(map) ?? wire).toEqual(expected);
      }),
      { seed: 2703, numRuns: runs(2000) },
    );
  });
});

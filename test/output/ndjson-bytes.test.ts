/**
 * The `--json` writers that build each line straight into the output bytes (utf8-lines.ts,
 * typed-json-bytes.ts, plain-json-bytes.ts, writeNdjsonLine) give byte for byte what the text
 * writers give once made terminal-safe and UTF-8-encoded: on the fixtures, on random terms, and
 * on the text that needs care (JSON escapes, DEL and C1, bidi controls and separators, lone
 * surrogates, invalid UTF-8, binaries over the display limit, a budget running out).
 */
import { encode as encodeMsgpack } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { encode } from '../../src/etf/encode.js';
import { toPlainJson } from '../../src/etf/render/plain-json.js';
import { typedJsonText } from '../../src/etf/render/typed-json-text.js';
import { Atom, ErlFloat, ErlMap, ImproperList, Tuple, atoms, type Term } from '../../src/etf/term.js';
import { toNdjsonLine, writeNdjsonLine } from '../../src/output/ndjson.js';
import { writePlainJson } from '../../src/output/plain-json-bytes.js';
import { writeTypedJson } from '../../src/output/typed-json-bytes.js';
import { Utf8Lines } from '../../src/output/utf8-lines.js';
import type { WatchedMessage } from '../../src/output/watched-message.js';
import { broadcastStruct, buildV3 } from '../../src/phoenix/build.js';
import { classify } from '../../src/phoenix/classify.js';
import { jsonForTerminal } from '../../src/text/terminal-safe.js';
import { termArbitrary } from '../etf/render-term-arbitrary.js';
import { fixtureMessages } from './filter-fixture-messages.js';
import { nastyTerm, nastyText } from './nasty-text.js';

const fixtures = fixtureMessages();

/** What `write` put into a fresh Utf8Lines, as text (bytes compared through their hex). */
function written(write: (out: Utf8Lines) => void): string {
  const out = new Utf8Lines();
  write(out);
  return Buffer.from(out.take()).toString('hex');
}
const utf8 = (text: string): string => Buffer.from(text, 'utf8').toString('hex');

describe('Utf8Lines pieces', () => {
  test('jsonString is jsonForTerminal(JSON.stringify(text)) and returns the length JSON.stringify gives', () => {
    fc.assert(
      fc.property(fc.oneof(nastyText, fc.string({ unit: 'binary' })), (text) => {
        const out = new Utf8Lines();
        const length = out.jsonString(text);
        expect(Buffer.from(out.take()).toString('hex')).toBe(utf8(jsonForTerminal(JSON.stringify(text))));
        expect(length).toBe(JSON.stringify(text).length);
      }),
      { numRuns: 3000, seed: 11 },
    );
  });

  test('jsonText is jsonForTerminal(json); ascii, bytes and newline as they are; rewind drops what came after the mark', () => {
    fc.assert(
      fc.property(nastyText, (text) => {
        const json = JSON.stringify({ [text]: [text, 1] });
        expect(written((out) => out.jsonText(json))).toBe(utf8(jsonForTerminal(json)));
      }),
      { numRuns: 1000, seed: 12 },
    );
    const long = 'x'.repeat(100);
    expect(
      written((out) => {
        out.ascii('ab');
        const mark = out.mark();
        out.ascii(long);
        out.rewind(mark);
        out.ascii(long);
        out.bytes(Uint8Array.of(0xe2, 0x82, 0xac));
        out.newline();
      }),
    ).toBe(utf8(`ab${long}€\n`));
  });

  test('lines longer than the buffer grow it', () => {
    const big = 'é"'.repeat(300_000);
    expect(written((out) => out.jsonString(big))).toBe(utf8(JSON.stringify(big)));
  });
});

describe('typed JSON into bytes', () => {
  const reference = (t: Term): string => utf8(jsonForTerminal(typedJsonText(t)));

  test('equals typedJsonText made terminal-safe on every fixture, random terms and nasty text', () => {
    for (const { message: m } of fixtures)
      expect(written((out) => writeTypedJson(m.classified.term!, out))).toBe(reference(m.classified.term!));
    fc.assert(
      fc.property(fc.oneof(termArbitrary({ opaque: true }), nastyTerm), (term) => {
        expect(written((out) => writeTypedJson(term, out))).toBe(reference(term));
      }),
      { numRuns: 3000, seed: 4243 },
    );
  });

  test('binaries over the limit, a budget running out, and nesting deeper than the recursion', () => {
    const MiB = 1024 * 1024;
    const text = Buffer.alloc(MiB + 5, 'a');
    const bytes = Buffer.alloc(MiB + 5, 0xff);
    const exact = Buffer.alloc(MiB, 'b');
    const terms: Term[] = [
      text,
      bytes,
      exact,
      new Tuple([text, bytes, 1]),
      // 17 binaries of 1 MiB spend more than the 16 Mi characters: the list is cut.
      Array.from({ length: 20 }, () => exact),
      ErlMap.fromPairs(Array.from({ length: 20 }, (_, i): [Term, Term] => [i, exact])),
    ];
    let deep: Term = Buffer.from('bottom "é"\u009b');
    const kinds: Array<(t: Term) => Term> = [
      (t) => new Tuple([t, -0]),
      (t) => [t, new ErlFloat(-0)],
      (t) => ErlMap.fromPairs([[Atom.of('k'), t]]),
      (t) => new ImproperList([t], Atom.of('tail')),
    ];
    for (let i = 0; i < 3000; i++) deep = kinds[i % kinds.length]!(deep);
    terms.push(deep);
    for (const term of terms) expect(written((out) => writeTypedJson(term, out))).toBe(reference(term));
  });
});

describe('plain JSON into bytes', () => {
  const reference = (t: Term): string => utf8(jsonForTerminal(JSON.stringify(toPlainJson(t))));
  const attempt = (t: Term): { taken: boolean; hex: string } => {
    let taken = false;
    const hex = written((out) => {
      out.ascii('x');
      taken = writePlainJson(t, out);
    });
    return { taken, hex };
  };

  test('when it takes a term it writes toPlainJson as JSON text, terminal-safe; when not, nothing', () => {
    let takenCount = 0;
    fc.assert(
      fc.property(fc.oneof(termArbitrary({ opaque: true }), nastyTerm), (term) => {
        const { taken, hex } = attempt(term);
        if (taken) takenCount++;
        expect(hex).toBe(taken ? utf8('x') + reference(term) : utf8('x'));
      }),
      { numRuns: 3000, seed: 4244 },
    );
    expect(takenCount).toBeGreaterThan(1000);
  });

  test('takes an ordinary broadcast payload; leaves what JSON objects would reorder or that collides to the general path', () => {
    const payload = ErlMap.fromPairs([
      [Buffer.from('body'), Buffer.from('Ça marche 👍 "ok"\n')],
      [Buffer.from('id'), 1042],
      [Buffer.from('user'), Buffer.from('ana')],
      [Atom.of('tags'), [Atom.of('a'), atoms.true, atoms.nil, new ErlFloat(-0), new ErlFloat(1.5), 2n ** 70n]],
      [atoms.struct, Atom.of('Elixir.Chat.Message')],
    ]);
    expect(attempt(payload)).toEqual({ taken: true, hex: utf8('x') + reference(payload) });
    const declined: Term[] = [
      ErlMap.fromPairs([
        [Buffer.from('b'), 1],
        [Buffer.from('1'), 2],
      ]),
      ErlMap.fromPairs([
        [Buffer.from('a'), 1],
        [Atom.of('a'), 2],
      ]),
      ErlMap.fromPairs([
        [atoms.struct, Atom.of('Elixir.MapSet')],
        [Atom.of('map'), ErlMap.fromPairs([])],
        [Atom.of('version'), 2],
      ]),
      ErlMap.fromPairs([[new Tuple([1]), 1]]),
      [new ImproperList([1], 2)],
      Buffer.alloc(1024 * 1024 + 1, 'a'),
    ];
    for (const term of declined) expect(attempt(term)).toEqual({ taken: false, hex: utf8('x') });
    // A key that is no array index ("01", "-1", "4294967296") keeps its place and is taken.
    const notIndex = ErlMap.fromPairs([
      [Buffer.from('b'), 1],
      [Buffer.from('01'), 2],
      [Buffer.from('-1'), 3],
      [Buffer.from('1.5'), 4],
    ]);
    expect(attempt(notIndex)).toEqual({ taken: true, hex: utf8('x') + reference(notIndex) });
  });
});

describe('maps that share one keys array (as decoded maps of one kind do)', () => {
  const typedReference = (t: Term): string => utf8(jsonForTerminal(typedJsonText(t)));
  const plainReference = (t: Term): string => utf8(jsonForTerminal(JSON.stringify(toPlainJson(t))));

  test('each map is written with its own values, whatever the keys array was first met with', () => {
    const keySets: Term[][] = [
      [Buffer.from('body'), Atom.of('id'), Buffer.from('x'), Buffer.from('é\u202e')],
      [Buffer.from('1'), 7], // an array index, an integer: plain JSON gives up
      [Buffer.from('a'), Atom.of('a')], // one name twice: plain JSON gives up
      [-0, Buffer.alloc(300, 'k'), Buffer.from([0xff])], // keys written one by one
      [atoms.struct, Atom.of('topic')],
    ];
    const met = keySets.map(() => 0);
    const declined = keySets.map(() => 0);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(keySets.length - 1), fc.array(nastyTerm, { minLength: 4, maxLength: 4 })), {
          minLength: 1,
          maxLength: 12,
        }),
        (maps) => {
          for (const [set, values] of maps) {
            const keys = keySets[set]!;
            const map = new ErlMap(keys, values.slice(0, keys.length));
            expect(written((out) => writeTypedJson(map, out))).toBe(typedReference(map));
            const hex = written((out) => {
              if (!writePlainJson(map, out)) out.ascii('declined');
            });
            if (hex === utf8('declined')) declined[set]!++;
            else expect(hex).toBe(plainReference(map));
            met[set]!++;
          }
        },
      ),
      { numRuns: 500, seed: 77 },
    );
    // Keys plain JSON takes are taken (unless a value is one it declines); the others never are.
    expect(declined[0]! + declined[4]!).toBeLessThan((met[0]! + met[4]!) / 2);
    expect([declined[1], declined[2]]).toEqual([met[1], met[2]]);
  });

  test('decoded messages, whose maps share their keys, against the text writers, over and over', () => {
    for (let round = 0; round < 3; round++) {
      for (const { message: m } of fixtures) {
        const again = classify(m.raw.payload);
        expect(written((out) => writeTypedJson(again.term!, out))).toBe(typedReference(again.term!));
      }
    }
  });
});

describe('writeNdjsonLine', () => {
  function message(payload: Uint8Array, topic = 'phx:Elixir.Chat.PubSub.Adapter'): WatchedMessage {
    return {
      seq: 7,
      raw: { receivedAt: Date.UTC(2024, 1, 29, 23, 59, 59, 999), channel: topic, pattern: 'phx:*', payload },
      classified: classify(payload),
    };
  }
  const same = (m: WatchedMessage): void => {
    for (const term of [true, false]) {
      expect(written((out) => writeNdjsonLine(m, out, { term }))).toBe(utf8(`${toNdjsonLine(m, { term })}\n`));
    }
  };

  test('is the bytes of toNdjsonLine and a newline, on fixtures, JSON, msgpack, text and broken ETF', () => {
    for (const { message: m } of fixtures) same(m);
    same(message(Buffer.from('{"a":-0,"b":[1,"é\\u0000\u009b"]}')));
    same(message(encodeMsgpack({ n: -0, big: 2n ** 60n, t: 'x"y\u202e' }, { useBigInt64: true })));
    same(message(Buffer.from('plain text')));
    same(message(fixtures[0]!.message.raw.payload.subarray(0, 40)));
    same({ ...fixtures[0]!.message, raw: { ...fixtures[0]!.message.raw, pattern: null } });
  });

  test('the same message again, at other times and sequence numbers (what is kept between lines is right)', () => {
    const first = fixtures[0]!.message;
    for (const [seq, receivedAt] of [
      [0, Date.UTC(2024, 0, 1)],
      [1, Date.UTC(2024, 0, 1)],
      [10, Date.UTC(2024, 0, 1, 0, 0, 0, 1)],
      [99_999, Date.UTC(1999, 11, 31, 23, 59, 59, 999)],
      [Number.MAX_SAFE_INTEGER, Date.UTC(2024, 0, 1)],
    ] as const) {
      same({ ...first, seq, raw: { ...first.raw, receivedAt } });
    }
  });

  test('envelopes on one topic that differ in node, mode or dispatcher each get their own', () => {
    const envelopes = [
      ['except', 'a@h', 'Elixir.Phoenix.PubSub'],
      ['only', 'a@h', 'Elixir.Phoenix.PubSub'],
      ['except', 'b@h', 'Elixir.Phoenix.PubSub'],
      ['except', 'a@h', 'Elixir.Phoenix.Channel.Server'],
    ] as const;
    for (let i = 0; i < 12; i++) {
      const [mode, node, dispatcher] = envelopes[(i * 5) % envelopes.length]!;
      const topic = i % 2 === 0 ? 'rooms:lobby' : 'rooms:\u202e';
      same(
        message(
          encode(
            buildV3({ mode, node: Atom.of(node), topic, message: Atom.of('ok'), dispatcher: Atom.of(dispatcher) }),
          ),
        ),
      );
    }
  });

  test('on random broadcasts with nasty topics, channels and payloads', () => {
    fc.assert(
      fc.property(
        fc.oneof(termArbitrary({ opaque: true }), nastyTerm),
        nastyText,
        nastyText,
        (term, topic, channel) => {
          const build = (message: Term): Uint8Array =>
            encode(
              buildV3({
                mode: 'except',
                node: Atom.of('n@h'),
                topic,
                message,
                dispatcher: Atom.of('Elixir.Phoenix.PubSub'),
              }),
            );
          same(message(build(term), channel));
          same(message(build(broadcastStruct(topic, 'new:msg', term)), channel));
        },
      ),
      { numRuns: 800, seed: 778 },
    );
  });
});

/**
 * The `--json` printer: every record keeps the documented contract (checked by the independent
 * validator in ndjson-contract.ts), the typed-JSON term reads back to the very term that was
 * published, and the values JSON has no form for are written the documented way.
 */
import { jsonForTerminal } from '../../src/text/terminal-safe.js';
import { encode as encodeMsgpack, ExtData } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decode } from '../../src/etf/decode.js';
import { encode } from '../../src/etf/encode.js';
import { stringifyJson } from '../../src/etf/render/json-text.js';
import { fromTypedJson } from '../../src/etf/render/typed-json-read.js';
import { Atom, ErlFloat, ErlMap, ImproperList, Tuple, termEquals, type Term } from '../../src/etf/term.js';
import { toNdjsonLine, toNdjsonRecord } from '../../src/output/ndjson.js';
import { toTypedJson } from '../../src/etf/render/typed-json.js';
import { typedJsonText } from '../../src/etf/render/typed-json-text.js';
import type { WatchedMessage } from '../../src/output/watched-message.js';
import { broadcastStruct, buildV3 } from '../../src/phoenix/build.js';
import { classify } from '../../src/phoenix/classify.js';
import { ndjsonProblems } from './ndjson-contract.js';
import { fixtureMessages } from './filter-fixture-messages.js';
import { termArbitrary } from '../etf/render-term-arbitrary.js';
import { runs } from '../support/runs.js';

const fixtures = fixtureMessages();

function message(payload: Uint8Array, pattern: string | null = 'phx:*'): WatchedMessage {
  return {
    seq: 7,
    raw: {
      receivedAt: Date.UTC(2024, 1, 29, 23, 59, 59, 999),
      channel: 'phx:Elixir.Chat.PubSub.Adapter',
      pattern,
      payload,
    },
    classified: classify(payload),
  };
}

const parse = (line: string): Record<string, unknown> => JSON.parse(line) as Record<string, unknown>;

function v3(message: Term): Uint8Array {
  return encode(
    buildV3({
      mode: 'except',
      node: Atom.of('a@h'),
      topic: 'rooms:x',
      message,
      dispatcher: Atom.of('Elixir.Phoenix.PubSub'),
    }),
  );
}

describe('every fixture', () => {
  test('one line of JSON, keeping the contract, with the term reading back to the payload', () => {
    for (const { message: m, entry } of fixtures) {
      const line = toNdjsonLine(m);
      expect(line).not.toContain('\n');
      const record = parse(line);
      expect(ndjsonProblems(record), entry.file).toEqual([]);
      expect(termEquals(fromTypedJson(record.term), decode(m.raw.payload)), entry.file).toBe(true);
      expect(record.bytes).toBe(m.raw.payload.length);
      expect(record.seq).toBe(m.seq);
    }
  });

  test('--no-term: the same record without the typed term', () => {
    for (const { message: m, entry } of fixtures) {
      const full = parse(toNdjsonLine(m));
      const compact = parse(toNdjsonLine(m, { term: false }));
      expect('term' in compact, entry.file).toBe(false);
      const { term: _term, ...rest } = full;
      expect(compact, entry.file).toEqual(rest);
    }
  });

  test('ts is the receive time in UTC ISO-8601 with ms; pattern null for an exact subscription', () => {
    const record = parse(toNdjsonLine(message(fixtures[0]!.message.raw.payload, null)));
    expect(record.ts).toBe('2024-02-29T23:59:59.999Z');
    expect(record.pattern).toBe(null);
  });

  test('tracker fields are snake_case like the rest (delta_size)', () => {
    const delta = fixtures.find((f) => f.entry.label === 'tracker-heartbeat-delta')!;
    const record = parse(toNdjsonLine(delta.message));
    expect(record.tracker).toMatchObject({ type: 'heartbeat', empty: false });
    expect((record.tracker as { delta_size: number }).delta_size).toBeGreaterThan(0);
    expect(record.tracker).not.toHaveProperty('deltaSize');
  });
});

describe('values JSON.stringify gets wrong', () => {
  test('-0.0 keeps its sign in the typed term (and the payload, which is lossy, says 0)', () => {
    const payload = v3(
      broadcastStruct(
        'rooms:x',
        'f',
        ErlMap.fromPairs([
          [Buffer.from('z'), new ErlFloat(-0)],
          [Buffer.from('p'), new ErlFloat(0)],
        ]),
      ),
    );
    const line = toNdjsonLine(message(payload));
    expect(line).toContain('{"float":-0}');
    expect(line).toContain('{"float":0}');
    const record = parse(line);
    expect(ndjsonProblems(record)).toEqual([]);
    const back = fromTypedJson(record.term);
    expect(termEquals(back, decode(payload))).toBe(true);
    expect(Buffer.from(encode(back)).equals(Buffer.from(payload))).toBe(true);
  });

  test('a term nested as deep as the decoder allows is still one valid line', () => {
    let deep: Term = Atom.of('bottom');
    for (let i = 0; i < 9_990; i++) deep = new Tuple([deep]);
    const payload = v3(deep);
    const m = message(payload);
    expect(m.classified.error).toBeUndefined();
    const line = toNdjsonLine(m);
    const record = parse(line);
    expect(ndjsonProblems(record)).toEqual([]);
    // (termEquals recurses; the encoder does not: compare the bytes it writes.)
    expect(Buffer.from(encode(fromTypedJson(record.term))).equals(Buffer.from(payload))).toBe(true);
  });

  test('msgpack: int64 beyond 2^53 as decimal text, bytes as base64, timestamps as ISO text, extensions by type', () => {
    const when = new Date(Date.UTC(2024, 0, 1, 0, 0, 0, 250));
    const bytes = encodeMsgpack(
      {
        big: 2n ** 63n - 1n,
        neg: -(2n ** 40n),
        bin: new Uint8Array([1, 2, 3]),
        at: when,
        ext: new ExtData(42, new Uint8Array([9, 8])),
        list: [1.5, null, 'x'],
      },
      { useBigInt64: true },
    );
    const record = parse(toNdjsonLine(message(bytes)));
    expect(ndjsonProblems(record)).toEqual([]);
    expect(record.kind).toBe('msgpack');
    expect(record.envelope).toBe(null);
    expect(record.payload).toEqual({
      big: String(2n ** 63n - 1n),
      neg: Number(-(2n ** 40n)),
      bin: { base64: 'AQID' },
      at: when.toISOString(),
      ext: { ext: 42, base64: { base64: 'CQg=' } },
      list: [1.5, null, 'x'],
    });
  });

  test('JSON payloads pass through as they were', () => {
    const data = { event: 'x', n: [1, 2.5, { deep: true }], s: 'é\u0000' };
    const record = parse(toNdjsonLine(message(Buffer.from(JSON.stringify(data)))));
    expect(ndjsonProblems(record)).toEqual([]);
    expect(record.kind).toBe('json');
    expect(record.payload).toEqual(data);
  });
});

describe('failures', () => {
  test('an undecodable ETF payload: error, offset and the bytes in raw_b64, no term', () => {
    const whole = v3(broadcastStruct('rooms:x', 'e', Buffer.from('y'.repeat(50))));
    const cut = whole.subarray(0, whole.length - 10);
    const record = toNdjsonRecord(message(cut));
    expect(ndjsonProblems(JSON.parse(JSON.stringify(record)))).toEqual([]);
    expect(record.kind).toBe('raw');
    expect(record.error).toContain(`at byte ${record.offset}`);
    expect(record.offset).toBeGreaterThan(0);
    expect(record.offset).toBeLessThanOrEqual(cut.length);
    expect(Buffer.from(record.raw_b64!, 'base64').equals(Buffer.from(cut))).toBe(true);
    expect(record).not.toHaveProperty('term');
  });

  test('text that is nothing known: kind raw with the bytes, no error', () => {
    const record = toNdjsonRecord(message(Buffer.from('hello')));
    expect(record.kind).toBe('raw');
    expect(record.error).toBeUndefined();
    expect(record.raw_b64).toBe(Buffer.from('hello').toString('base64'));
    expect(ndjsonProblems(JSON.parse(JSON.stringify(record)))).toEqual([]);
  });

  test('the validator itself catches broken records', () => {
    const good = parse(toNdjsonLine(fixtures[0]!.message));
    expect(ndjsonProblems(good)).toEqual([]);
    expect(ndjsonProblems({ ...good, extra: 1 })).not.toEqual([]);
    expect(ndjsonProblems({ ...good, kind: 'nonsense' })).not.toEqual([]);
    expect(ndjsonProblems({ ...good, term: { atom: 'a', int: 1 } })).not.toEqual([]);
    expect(ndjsonProblems({ ...good, envelope: { ...(good.envelope as object), generation: 2 } })).not.toEqual([]);
    expect(ndjsonProblems({ ...good, offset: 3 })).not.toEqual([]);
    const { ts: _ts, ...noTs } = good;
    expect(ndjsonProblems(noTs)).not.toEqual([]);
  });
});

describe('the direct text writers give exactly the text of the record form', () => {
  test('typedJsonText equals the typed JSON objects written as text, on every fixture and on random terms of every kind', () => {
    const slow = (t: Term): string => stringifyJson(toTypedJson(t));
    for (const { message: m } of fixtures) expect(typedJsonText(m.classified.term!)).toBe(slow(m.classified.term!));
    fc.assert(
      fc.property(termArbitrary({ opaque: true }), (term) => {
        expect(typedJsonText(term)).toBe(slow(term));
      }),
      { numRuns: runs(2000), seed: 4242 },
    );
  });

  test('typedJsonText past the recursion limit, in every container kind (and -0 integers and floats)', () => {
    const kinds: Array<(t: Term) => Term> = [
      (t) => new Tuple([t, -0]),
      (t) => [t, new ErlFloat(-0)],
      (t) => ErlMap.fromPairs([[Atom.of('k'), t]]),
      (t) => new ImproperList([t], Atom.of('tail')),
    ];
    let term: Term = Atom.of('bottom');
    for (let i = 0; i < 3000; i++) term = kinds[i % kinds.length]!(term);
    expect(typedJsonText(term)).toBe(stringifyJson(toTypedJson(term)));
  });

  test('toNdjsonLine equals stringifyJson(toNdjsonRecord) for fixtures, random terms, JSON, msgpack, text and broken ETF', () => {
    const samples: WatchedMessage[] = fixtures.map((f) => f.message);
    samples.push(
      message(Buffer.from('{"a":-0,"b":[1,"é\\u0000"]}')),
      message(encodeMsgpack({ n: -0, big: 2n ** 60n, t: 'x"y' }, { useBigInt64: true })),
      message(Buffer.from('plain text')),
      message(fixtures[0]!.message.raw.payload.subarray(0, 40)),
      message(fixtures[0]!.message.raw.payload, null),
    );
    for (const m of samples) expect(toNdjsonLine(m)).toBe(jsonForTerminal(stringifyJson(toNdjsonRecord(m))));
    fc.assert(
      fc.property(termArbitrary({ opaque: true }), fc.string({ unit: 'grapheme' }), (term, topic) => {
        const payload = encode(
          buildV3({
            mode: 'only',
            node: Atom.of('n@h'),
            topic,
            message: term,
            dispatcher: Atom.of('Elixir.Phoenix.PubSub'),
          }),
        );
        const m = message(payload);
        expect(toNdjsonLine(m)).toBe(jsonForTerminal(stringifyJson(toNdjsonRecord(m))));
      }),
      { numRuns: runs(500), seed: 777 },
    );
  });
});

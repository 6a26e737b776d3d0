import { decode, encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordDecoder } from '../../src/capture/record-decoder.js';

/** What the generic decoder makes of a record: the reference the fast path must match. */
function reference(bytes: Uint8Array): { receivedAt: unknown; channel: unknown; pattern: unknown; payload: unknown } {
  const [receivedAt, channel, pattern, payload] = decode(bytes) as unknown[];
  return { receivedAt, channel, pattern, payload };
}

const time = fc.oneof(
  fc.integer({ min: 1_500_000_000_000, max: 2_000_000_000_000 }), // uint64 on the wire
  fc.double({ noNaN: true }), // float64 (and small whole floats that encode as ints)
  fc.integer(), // every int width, negative too
  fc.maxSafeInteger(),
);
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }), // multi-byte UTF-8
  fc.string({ unit: 'binary', maxLength: 10 }), // includes lone surrogates: left to the fallback
  fc.string({ minLength: 40, maxLength: 300 }), // str8 / str16
);
const payload = fc.oneof(
  fc.uint8Array({ maxLength: 300 }), // bin8 / bin16
  // Around the bin16/bin32 boundary; filled cheaply (generating 64 KiB byte by byte is slow).
  fc.integer({ min: 65_530, max: 65_540 }).map((n) => new Uint8Array(n).fill(n & 0xff)),
);
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe('RecordDecoder', () => {
  it('agrees with @msgpack/msgpack on every record it accepts, and accepts every well-formed one', () => {
    const decoder = new RecordDecoder(); // one instance: its string reuse must never leak across records
    fc.assert(
      fc.property(time, text, fc.option(text), payload, (t, channel, pattern, data) => {
        const bytes = encode([t, channel, pattern, data]);
        const fast = decoder.decode(bytes, 0, bytes.length);
        // Strings with lone surrogates are not valid UTF-8 on the wire: those may be deferred.
        if (!LONE_SURROGATE.test(channel) && !LONE_SURROGATE.test(pattern ?? '')) expect(fast).not.toBeNull();
        if (fast !== null) {
          const expected = reference(bytes);
          expect(fast.receivedAt).toBe(expected.receivedAt);
          expect(fast.channel).toBe(expected.channel);
          expect(fast.pattern).toBe(expected.pattern);
          expect(Buffer.compare(fast.payload, expected.payload as Uint8Array)).toBe(0);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('reuses nothing stale when consecutive channels share a length', () => {
    const decoder = new RecordDecoder();
    const a = encode([1, 'phx:aaaa', null, new Uint8Array(1)]);
    const b = encode([2, 'phx:aaab', 'phx:*', new Uint8Array(2)]);
    expect(decoder.decode(a, 0, a.length)!.channel).toBe('phx:aaaa');
    expect(decoder.decode(b, 0, b.length)!.channel).toBe('phx:aaab');
    expect(decoder.decode(a, 0, a.length)!.channel).toBe('phx:aaaa');
  });

  it('copies the payload out of the input buffer', () => {
    const bytes = encode([1, 'c', null, new Uint8Array([1, 2, 3])]);
    const message = new RecordDecoder().decode(bytes, 0, bytes.length)!;
    bytes.fill(0);
    expect([...message.payload]).toEqual([1, 2, 3]);
  });

  it('defers anything but the record shape to the generic decoder', () => {
    const decoder = new RecordDecoder();
    for (const value of [
      [1, 'c', null],
      [1, 2, null, new Uint8Array(1)],
      [1, 'c', 3, new Uint8Array(1)],
      [1, 'c', null, 'not bytes'],
      { a: 1 },
    ]) {
      const bytes = encode(value);
      expect(decoder.decode(bytes, 0, bytes.length)).toBeNull();
    }
  });
});

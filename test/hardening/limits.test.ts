/**
 * What a long-running watcher must not accumulate or allocate, whatever arrives: atoms it saw
 * once, terms a small payload declares to be huge, and payloads too large to show.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decode, decodeDetailed, DEFAULT_MAX_BIG_BYTES } from '../../src/etf/decode.js';
import { DecodeError } from '../../src/etf/errors.js';
import { encode } from '../../src/etf/encode.js';
import { Atom, Tuple } from '../../src/etf/term.js';
import { formatLine } from '../../src/output/line-format.js';
import { toNdjsonLine, toNdjsonRecord } from '../../src/output/ndjson.js';
import {
  classify,
  DEFAULT_MAX_BIG_BYTES_SHOWN,
  DEFAULT_MAX_PAYLOAD_SIZE,
  DEFAULT_MAX_TERMS_SHOWN,
} from '../../src/phoenix/classify.js';
import { erlAccepts } from '../helpers/erl.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('the atom table', () => {
  it('lets go of atoms nobody holds (a watcher sees endless distinct atoms), yet keeps identity', async () => {
    const held = Atom.of('held-by-the-test');
    const bytes = Buffer.from([131, 119, 24, ...Buffer.from('x'.repeat(24))]);
    const distinct = 200_000;
    gc();
    await turn();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < distinct; i++) {
      bytes.write(i.toString(36).padStart(8, '0'), 3 + 16);
      decode(bytes);
      // Each message arrives in its own event-loop turn in a watcher; WeakRefs are kept for a turn.
      if (i % 1000 === 0) await turn();
    }
    for (let k = 0; k < 3; k++) {
      await turn();
      gc();
      await new Promise((resolve) => setTimeout(resolve, 20)); // finalizers run after collection
    }
    const grown = process.memoryUsage().heapUsed - before;
    // 200 000 atoms of 24 characters held strongly take > 60 MiB (measured); what is left is noise.
    expect(grown).toBeLessThan(16 * 1024 * 1024);
    expect(Atom.of('held-by-the-test')).toBe(held);
    expect(decode(Buffer.from([131, 119, 16, ...Buffer.from('held-by-the-test')]))).toBe(held);
  });
});

/** `131 80 <size> <zlib>` around the given term body. */
function compressed(body: Buffer): Buffer {
  const head = Buffer.from([131, 80, 0, 0, 0, 0]);
  head.writeUInt32BE(body.length, 2);
  return Buffer.concat([head, deflateSync(body, { level: 9 })]);
}

describe('the term budget (maxTerms)', () => {
  it('refuses a 65 KB payload inflating to a 64 MiB list of [] before building it', () => {
    // 2.5 GiB of heap and 30 s before the budget existed (one empty array per byte).
    const n = 64 * 1024 * 1024 - 6;
    const body = Buffer.alloc(n + 6, 106);
    body[0] = 108;
    body.writeUInt32BE(n, 1);
    const payload = compressed(body);
    expect(payload.length).toBeLessThan(100_000);
    const before = process.memoryUsage().heapUsed;
    expect(() => decode(payload)).toThrow(/more than maxTerms 4000000 terms/);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('counts one-element lists chained through their tails, and the bytes of strings', () => {
    const chain = (n: number): Buffer => {
      const body = Buffer.alloc(n * 6 + 1, 106);
      for (let i = 0; i < n; i++) {
        body[i * 6] = 108;
        body.writeUInt32BE(1, i * 6 + 1);
      }
      return Buffer.concat([Buffer.from([131]), body]);
    };
    // [[], [], …] of 1000 elements: 1 list + 1000 elements.
    expect(decode(chain(1000), { maxTerms: 1001 })).toHaveLength(1000);
    expect(() => decode(chain(1000), { maxTerms: 1000 })).toThrow(DecodeError);
    // "abc…" as STRING_EXT: 1 list + 300 integers; also when it continues a list.
    const text = Buffer.from([131, 107, 1, 44, ...Buffer.alloc(300, 97)]);
    expect(decode(text, { maxTerms: 301 })).toHaveLength(300);
    expect(() => decode(text, { maxTerms: 300 })).toThrow(/maxTerms 300/);
    const tailed = Buffer.from([131, 108, 0, 0, 0, 1, 97, 1, 107, 1, 44, ...Buffer.alloc(300, 97)]);
    expect(decode(tailed, { maxTerms: 302 })).toHaveLength(301);
    expect(() => decode(tailed, { maxTerms: 301 })).toThrow(/maxTerms 301/);
  });

  it('gives the same answer with and without spans (the fast path never overspends)', () => {
    const tuple = Buffer.from([131, 104, 3, 97, 1, 97, 2, 106]); // {1, 2, []}: 4 terms
    const outcome = (spans: boolean, maxTerms: number): unknown => {
      try {
        return decodeDetailed(tuple, { maxTerms, spans }).term;
      } catch (e) {
        return (e as Error).message;
      }
    };
    for (const maxTerms of [3, 4, 5]) {
      expect(outcome(true, maxTerms)).toEqual(outcome(false, maxTerms));
      expect(typeof outcome(false, maxTerms) === 'string').toBe(maxTerms < 4);
    }
  });
});

describe('payloads too large to decode', () => {
  const message = (payload: Uint8Array) => ({
    seq: 1,
    raw: { receivedAt: 0, channel: 'phx:x', pattern: 'phx:*', payload },
    classified: classify(payload),
  });

  it('are reported, not decoded: one error, no raw_b64 in NDJSON, a bounded preview in lines', () => {
    // A valid term: a binary just over the limit (a legal term, not a damaged one).
    const size = DEFAULT_MAX_PAYLOAD_SIZE + 1;
    const big = Buffer.alloc(size, 120);
    big.set([131, 109]);
    big.writeUInt32BE(size - 6, 2);
    const m = message(big);
    expect(m.classified).toEqual({
      kind: 'raw',
      bytes: size,
      error: {
        message: expect.stringMatching(/^payload of 16\.0 MiB is over the 16\.0 MiB that is decoded/),
        offset: 0,
      },
    });
    const line = toNdjsonLine(m);
    expect(line.length).toBeLessThan(1000);
    expect(JSON.parse(line)).toEqual(JSON.parse(JSON.stringify(toNdjsonRecord(m))));
    expect(JSON.parse(line)).not.toHaveProperty('raw_b64');
    // --full (no width): the hex preview stops at 64 KiB instead of 48 MB of text.
    const full = formatLine(m, { palette: { enabled: false } });
    expect(full.length).toBeLessThan(200 * 1024);
    expect(full).toMatch(/…\(\+\d+ bytes\)$/);
  });

  it('up to the limit they are decoded and carry their bytes when they do not decode', () => {
    const size = 64 * 1024;
    const cut = Buffer.alloc(size, 120);
    cut.set([131, 109]);
    cut.writeUInt32BE(size, 2); // 6 bytes short
    const m = message(cut);
    expect(m.classified.error?.message).toMatch(/BINARY_EXT length 65536 exceeds/);
    expect((JSON.parse(toNdjsonLine(m)) as { raw_b64: string }).raw_b64).toBe(cut.toString('base64'));
  });
});

describe('JSON and msgpack payloads nested very deep', () => {
  it('are shown as raw, not handed to printers that recurse (JSON.stringify ran out of stack)', () => {
    for (const depth of [10_000, 100_000]) {
      const json = Buffer.from('['.repeat(depth) + ']'.repeat(depth));
      const msgpack = Buffer.concat([Buffer.alloc(depth, 0x91), Buffer.from([0x90])]); // [[[…[]…]]]
      for (const payload of [json, msgpack]) {
        const m = {
          seq: 7,
          raw: { receivedAt: 0, channel: 'phx:x', pattern: null, payload },
          classified: classify(payload),
        };
        expect(m.classified.kind).toBe('raw');
        expect(formatLine(m, { palette: { enabled: false } })).toMatch(/ raw /);
        expect(JSON.parse(toNdjsonLine(m))).toMatchObject({ seq: 7, kind: 'raw', raw_b64: payload.toString('base64') });
      }
    }
    // Real nesting is still JSON.
    const shallow = Buffer.from('['.repeat(500) + '1' + ']'.repeat(500));
    expect(classify(shallow).kind).toBe('json');
  });
});

describe('error messages on a terminal', () => {
  it('quote atoms from hostile bytes with control characters escaped, and lines stay one line', () => {
    // A map whose first key is an atom holding ESC [ 2 J (clear screen), CR and a C1 CSI, and
    // whose value is cut short: the error path names that key.
    const name = Buffer.from('k\u001b[2J\r\u009bx', 'latin1');
    const payload = Buffer.from([131, 116, 0, 0, 0, 1, 100, 0, name.length, ...name, 109, 0, 0, 0, 9, 1]);
    const classified = classify(payload);
    expect(classified.error?.message).toContain('map value :"k\\e[2J\\r\\u{9B}x"');
    const line = formatLine(
      { seq: 1, raw: { receivedAt: 0, channel: 'phx:x', pattern: null, payload }, classified },
      { palette: { enabled: false } },
    );
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });
});

describe('printed lines never carry control characters from the payload', () => {
  const line = (payload: Uint8Array): string =>
    formatLine(
      { seq: 1, raw: { receivedAt: 0, channel: 'phx:x', pattern: null, payload }, classified: classify(payload) },
      { palette: { enabled: false } },
    );
  const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/;

  it('node names of pids, ports and references from hostile bytes are quoted and escaped', () => {
    const node = Buffer.from('n\u001b]0;owned\u0007@h\u009b', 'latin1');
    const pid = Buffer.from([131, 88, 100, 0, node.length, ...node, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3]);
    const text = line(pid);
    expect(text).not.toMatch(CONTROLS);
    expect(text).toContain('#PID<"n\\e]0;owned\\a@h\\x9B".1.2>');
  });

  it('JSON, msgpack and raw previews escape DEL and C1 controls too', () => {
    const json = Buffer.from(JSON.stringify({ body: 'a\u009b2Jb\u007f' }));
    expect(line(json)).toContain('json {"body":"a\\u009b2Jb\\u007f"}');
    const raw = Buffer.from('some text \u009b31m with a C1 CSI in it, not JSON');
    expect(classify(raw).kind).toBe('raw');
    for (const payload of [json, raw]) expect(line(payload)).not.toMatch(CONTROLS);
  });
});

describe('a leading U+FEFF is text, not a byte-order mark to drop', () => {
  it('in atoms and in envelope topics (":\\uFEFFok" is not :ok, "\\uFEFFrooms:lobby" not "rooms:lobby")', () => {
    const bom = Buffer.from('\ufeffok');
    expect((decode(Buffer.from([131, 119, bom.length, ...bom])) as Atom).name).toBe('\ufeffok');
    const topic = new TextEncoder().encode('\ufeffrooms:lobby');
    const envelope = new Tuple([
      3,
      Atom.of('except'),
      Atom.of('a@h'),
      topic,
      Atom.of('hello'),
      Atom.of('Elixir.Phoenix.PubSub'),
    ]);
    expect(classify(encode(envelope)).envelope?.topic).toBe('\ufeffrooms:lobby');
  });
});

describe('integers', () => {
  const big = (digitBytes: number): Buffer => {
    const b = Buffer.alloc(7 + digitBytes, 0xff);
    b.set([131, 111]);
    b.writeUInt32BE(digitBytes, 2);
    b[6] = 0; // sign: positive
    return b;
  };

  it('are accepted up to the size binary_to_term accepts, and not beyond', async () => {
    const edge = [big(DEFAULT_MAX_BIG_BYTES), big(DEFAULT_MAX_BIG_BYTES + 1)];
    const ours = edge.map((b) => {
      try {
        decode(b);
        return true;
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        expect(e.message).toMatch(
          /LARGE_BIG_EXT of 4194297 digit bytes is over maxBigBytes 4194296, the most binary_to_term accepts/,
        );
        return false;
      }
    });
    expect(ours).toEqual([true, false]);
    expect(await erlAccepts(edge)).toEqual(ours);
  });

  it('that would take seconds to print are not decoded for watch (a 4 KB payload holds a 4 MiB one)', () => {
    // 4 MiB of 0xff digits compress to a few KB; in decimal that number takes JS about 8 s.
    const huge = big(DEFAULT_MAX_BIG_BYTES);
    const payload = compressed(huge.subarray(1));
    expect(payload.length).toBeLessThan(16 * 1024);
    expect(classify(payload).error?.message).toMatch(/LARGE_BIG_EXT of 4194296 digit bytes is over maxBigBytes 8192/);
    expect(classify(big(DEFAULT_MAX_BIG_BYTES_SHOWN)).kind).toBe('term');
    expect(classify(big(DEFAULT_MAX_BIG_BYTES_SHOWN + 1)).error?.message).toMatch(/over maxBigBytes 8192/);
  });
});

describe('what watch decodes', () => {
  it('holds at most 500 000 terms (about 200 bytes each to show)', () => {
    const list = (elements: number): Buffer => {
      const b = Buffer.alloc(7 + elements, 106);
      b.set([131, 108]);
      b.writeUInt32BE(elements, 2);
      return b;
    };
    // The list itself and its elements are terms.
    expect(classify(list(DEFAULT_MAX_TERMS_SHOWN - 1)).kind).toBe('term');
    expect(classify(list(DEFAULT_MAX_TERMS_SHOWN)).error?.message).toMatch(/more than maxTerms 500000 terms/);
    expect(decode(list(DEFAULT_MAX_TERMS_SHOWN))).toHaveLength(DEFAULT_MAX_TERMS_SHOWN);
  });
});

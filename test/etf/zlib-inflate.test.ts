/**
 * The inflates for small compressed terms — one node:zlib handle kept and reset between payloads
 * (src/etf/zlib-handle.ts) and, where that handle cannot be had, the TypeScript inflate
 * (src/etf/zlib-inflate.ts) — against node:zlib's inflateSync: every path of inflate.ts must give
 * the same bytes for every valid stream and the same DecodeError (message and offset) for every
 * broken one — including which of "too large", "not the declared size" and "not a valid zlib
 * stream" a stream that is several at once gets.
 */
import fc from 'fast-check';
import { constants, createInflate, deflateSync, type ZlibOptions } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../src/etf/errors.js';
import { inflateNative, inflateReused, inflateSmall, inflateTerm } from '../../src/etf/inflate.js';
import { openReusedInflate } from '../../src/etf/zlib-handle.js';
import { runs } from '../support/runs.js';

const u32 = (n: number): Buffer => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
const payload = (declared: number, stream: Uint8Array): Buffer =>
  Buffer.concat([Buffer.from([131, 80]), u32(declared), stream]);

type Outcome = { bytes: string } | { error: string; offset: number };

function outcome(inflate: (bytes: Uint8Array, declared: number) => Uint8Array, bytes: Buffer): Outcome {
  try {
    return { bytes: Buffer.from(inflate(bytes, bytes.readUInt32BE(2))).toString('hex') };
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return { error: e.message, offset: e.offset };
  }
}

/** All three paths agree on the payload; returns what they said. */
function agree(bytes: Buffer): Outcome {
  const native = outcome(inflateNative, bytes);
  expect(outcome(inflateSmall, bytes)).toEqual(native);
  expect(outcome(inflateReused, bytes)).toEqual(native);
  return native;
}

/** The DecodeError message both paths give for a stream and declared size. */
function errorOf(stream: Uint8Array, declared: number): string {
  const result = agree(payload(declared, stream));
  if (!('error' in result)) throw new Error('inflated without error');
  return result.error;
}

const strategies = [
  constants.Z_DEFAULT_STRATEGY,
  constants.Z_FILTERED,
  constants.Z_HUFFMAN_ONLY,
  constants.Z_RLE,
  constants.Z_FIXED,
];

const words = ['{"id":', ',"name":"', 'user-', '"}', ' ', 'phx_reply', 'lobby', '\n', '0', '42'];
/** Random bytes, few-symbol bytes (long matches, overlapping ones) and text (a real message's shape). */
const data = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }),
  fc.array(fc.integer({ min: 97, max: 100 }), { maxLength: 5000 }).map((a) => Uint8Array.from(a)),
  fc.array(fc.constantFrom(...words), { maxLength: 1500 }).map((w) => new TextEncoder().encode(w.join(''))),
  fc
    .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 70_000 }))
    .map(([b, n]) => new Uint8Array(n).fill(b)),
);
const deflateOptions = fc.record({
  level: fc.integer({ min: 0, max: 9 }),
  strategy: fc.constantFrom(...strategies),
  windowBits: fc.integer({ min: 9, max: 15 }),
  memLevel: fc.integer({ min: 1, max: 9 }),
});

describe('the kept node:zlib handle', () => {
  it('is there on this Node, and goes on after a broken stream as if new', () => {
    const inflate = openReusedInflate();
    expect(inflate).toBeDefined();
    const text = Buffer.from('{"event":"new_msg"}'.repeat(40));
    const stream = deflateSync(text);
    expect(() => inflate!(stream.subarray(0, stream.length - 9), 0, text.length)).toThrow('unexpected end of file');
    const flipped = Buffer.from(stream);
    flipped[3] ^= 0xff;
    expect(() => inflate!(flipped, 0, text.length)).toThrow();
    expect(() => inflate!(stream, 0, text.length - 1)).toThrow('more than the declared size');
    expect(Buffer.from(inflate!(stream, 0, text.length)).equals(text)).toBe(true);
    // Streams asking for a 512-byte window and for 32 KiB, one after the other.
    const small = deflateSync(text, { windowBits: 9 });
    expect(small[0]! >> 4).toBe(1);
    expect(Buffer.from(inflate!(small, 0, text.length)).equals(text)).toBe(true);
    expect(Buffer.from(inflate!(stream, 0, text.length)).equals(text)).toBe(true);
  });

  it('is not used when the stream has no handle of the expected kind (inflate.ts then inflates otherwise)', () => {
    expect(openReusedInflate(() => ({}))).toBeUndefined();
    expect(
      openReusedInflate(() => ({ _handle: { writeSync: 1, reset: () => undefined }, _writeState: new Uint32Array(2) })),
    ).toBeUndefined();
    expect(
      openReusedInflate(() => {
        throw new Error('no zlib');
      }),
    ).toBeUndefined();
    // Shaped right but inflating nothing: the self-check's stream does not come out.
    const idle = { writeSync: () => undefined, reset: () => undefined, onerror: () => undefined };
    expect(openReusedInflate(() => ({ _handle: idle, _writeState: new Uint32Array(2) }))).toBeUndefined();
    // A real handle passes: the self-check is what told the two apart.
    expect(openReusedInflate(() => createInflate({ windowBits: 15 }))).toBeDefined();
  });
});

describe('valid streams', () => {
  it('inflate to the bytes node:zlib gives, at every level, strategy, window and memLevel', () => {
    fc.assert(
      fc.property(data, deflateOptions, (bytes, options: ZlibOptions) => {
        fc.pre(bytes.length > 0);
        const stream = deflateSync(bytes, options);
        const inflated = inflateTerm(payload(bytes.length, stream), 1 << 20);
        expect(Buffer.from(inflated).equals(bytes)).toBe(true);
        agree(payload(bytes.length, stream));
      }),
      { seed: 4101, numRuns: runs(600) },
    );
  });

  it('the real sample: a Phoenix broadcast of 2 KB compressed at level 6', () => {
    const text = Buffer.from(
      '{"event":"new_msg","payload":{"body":"Hello there, this is message number 1"}}'.repeat(25),
    );
    const bytes = payload(text.length, deflateSync(text, { level: 6 }));
    expect(Buffer.from(inflateTerm(bytes, 1 << 20)).equals(text)).toBe(true);
  });
});

describe('damaged streams fail exactly when and as node:zlib fails', () => {
  const damage = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    // The header and the dynamic tables sit in the first bytes: damage there often.
    fc.record({ kind: fc.constant('early' as const), at: fc.nat({ max: 40 }), bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('extend' as const), extra: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  );
  // The declared size: right, one off, or anything (a chunk boundary of node:zlib is 64 bytes).
  const declaredOf = fc.oneof(
    fc.constant(0),
    fc.constant(-1),
    fc.constant(1),
    fc.integer({ min: -100, max: 100 }),
    fc.integer({ min: 1, max: 200 }).map((n) => n - 10_000),
  );

  it('flipped, overwritten, cut and extended bytes, with right and wrong declared sizes', () => {
    fc.assert(
      fc.property(
        data,
        deflateOptions,
        fc.array(damage, { minLength: 1, maxLength: 3 }),
        declaredOf,
        (bytes, options, damages, delta) => {
          let stream = Buffer.from(deflateSync(bytes, options));
          for (const d of damages) {
            if (d.kind === 'flip') stream[d.at % stream.length] ^= 1 << d.bit;
            else if (d.kind === 'set') stream[d.at % stream.length] = d.value;
            else if (d.kind === 'early') stream[2 + (d.at % (stream.length - 2))] ^= 1 << d.bit;
            else if (d.kind === 'cut') stream = stream.subarray(0, d.at % (stream.length + 1));
            else stream = Buffer.concat([stream, d.extra]);
          }
          // Negative deltas far below zero pick a small size whatever the data's length.
          const declared = delta < -1000 ? delta + 10_000 : bytes.length + delta;
          fc.pre(declared >= 1);
          agree(payload(declared, stream));
        },
      ),
      { seed: 4102, numRuns: runs(3000) },
    );
  });
});

describe('random bytes after a valid zlib header', () => {
  it('fail (or, rarely, inflate) exactly as node:zlib does', () => {
    // The first block's type bits pushed to fixed or dynamic half the time: those reach furthest.
    const stream = fc
      .tuple(fc.uint8Array({ minLength: 1, maxLength: 60 }), fc.constantFrom(0, 2, 4))
      .map(([body, type]) => {
        const bytes = Buffer.concat([Buffer.from([0x78, 0x9c]), body]);
        if (type !== 0) bytes[2] = (bytes[2]! & ~6) | type;
        return bytes;
      });
    fc.assert(
      fc.property(stream, fc.integer({ min: 1, max: 300 }), (bytes, declared) => {
        agree(payload(declared, bytes));
      }),
      { seed: 4103, numRuns: runs(5000) },
    );
  });
});

/** Bits least significant first, as deflate packs them; `code` writes a Huffman code (MSB first). */
class Bits {
  private readonly bytes: number[] = [];
  private bit = 0;

  put(value: number, n: number): this {
    for (let i = 0; i < n; i++) {
      if (this.bit === 0) this.bytes.push(0);
      this.bytes[this.bytes.length - 1]! |= ((value >> i) & 1) << this.bit;
      this.bit = (this.bit + 1) & 7;
    }
    return this;
  }

  code(code: number, n: number): this {
    for (let i = n - 1; i >= 0; i--) this.put((code >> i) & 1, 1);
    return this;
  }

  /** Pads to a byte: the stream as zlib frames it, with the Adler-32 of `inflated` after it. */
  zlib(inflated: Uint8Array, header = [0x78, 0x9c]): Buffer {
    let a = 1;
    let b = 0;
    for (const x of inflated) {
      a = (a + x) % 65521;
      b = (b + a) % 65521;
    }
    return Buffer.concat([Buffer.from(header), Buffer.from(this.bytes), u32(((b << 16) | a) >>> 0)]);
  }
}

/** Fixed-code literal (RFC 1951 3.2.6). */
const fixedLiteral = (bits: Bits, symbol: number): Bits =>
  symbol < 144
    ? bits.code(0x30 + symbol, 8)
    : symbol < 256
      ? bits.code(0x190 + symbol - 144, 9)
      : symbol < 280
        ? bits.code(symbol - 256, 7)
        : bits.code(0xc0 + symbol - 280, 8);
const fixedBlock = (): Bits => new Bits().put(1, 1).put(1, 2);

/**
 * A dynamic block header: the code length code (lengths in RFC order) and then each literal/length
 * and distance code length written with it, where `codeOf` gives each code length symbol's code.
 */
function dynamicHeader(litCount: number, distCount: number, codeCodeLengths: number[]): Bits {
  const bits = new Bits()
    .put(1, 1)
    .put(2, 2)
    .put(litCount - 257, 5)
    .put(distCount - 1, 5);
  bits.put(codeCodeLengths.length - 4, 4);
  for (const len of codeCodeLengths) bits.put(len, 3);
  return bits;
}
/** Code length code where symbols 0 and 1 have one-bit codes (0 → "0", 1 → "1"): in RFC order 16 17 18 0 8 7 9 6 10 5 11 4 12 3 13 2 14 1. */
const ZERO_ONE = [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
/** Writes code lengths 0 and 1 with ZERO_ONE. */
const lengthsOf = (bits: Bits, lengths: number[]): Bits => {
  for (const len of lengths) bits.put(len, 1);
  return bits;
};
/** 257 literal/length lengths then `dist` distance lengths, with the given ones set to 1. */
function litDist(litOnes: number[], distLengths: number[]): number[] {
  const lit = new Array<number>(257).fill(0);
  for (const s of litOnes) lit[s] = 1;
  return [...lit, ...distLengths];
}

describe('each kind of broken stream, in zlib words, as node:zlib says it', () => {
  const a = Buffer.from('a');

  it('the zlib header', () => {
    expect(errorOf(Buffer.from([0x78, 0x00, 0, 0]), 5)).toContain('(incorrect header check)');
    // A CMF with the FLG that makes the pair a multiple of 31, as the header check wants.
    const header = (cmf: number): Buffer => Buffer.from([cmf, (31 - ((cmf << 8) % 31)) % 31, 0, 0]);
    expect(errorOf(header(0x79), 5)).toContain('(unknown compression method)');
    expect(errorOf(header(0x88), 5)).toContain('(invalid window size)');
    expect(
      agree(payload(1, Buffer.concat([header(0x78).subarray(0, 2), deflateSync(Buffer.from('a')).subarray(2)]))),
    ).toEqual({
      bytes: '61',
    });
    // FDICT: a preset dictionary, which a term never has.
    expect(errorOf(Buffer.from([0x78, 0xbb, 0, 0, 0, 1, 3, 0]), 5)).toContain('(Missing dictionary)');
    expect(errorOf(Buffer.from([0x78, 0xbb, 0, 0]), 5)).toContain('(unexpected end of file)');
    expect(errorOf(Buffer.from([0x78]), 5)).toContain('(unexpected end of file)');
    expect(errorOf(Buffer.alloc(0), 5)).toContain('(unexpected end of file)');
  });

  it('block types and stored blocks', () => {
    expect(errorOf(new Bits().put(1, 1).put(3, 2).zlib(a), 1)).toContain('(invalid block type)');
    const stored = (len: number, nlen: number): Buffer =>
      Buffer.concat([Buffer.from([0x78, 0x01, 0x01, len & 255, len >> 8, nlen & 255, nlen >> 8]), a, u32(0x00620062)]);
    expect(agree(payload(1, stored(1, 0xfffe)))).toEqual({ bytes: '61' });
    expect(errorOf(stored(1, 0xffff), 1)).toContain('(invalid stored block lengths)');
    expect(errorOf(stored(2, 0xfffd).subarray(0, 8), 2)).toContain('(unexpected end of file)');
  });

  it('fixed-code symbols that mean nothing, and distances before the start', () => {
    const end = (bits: Bits): Bits => fixedLiteral(bits, 256);
    expect(errorOf(end(fixedLiteral(fixedBlock(), 286)).zlib(a), 1)).toContain('(invalid literal/length code)');
    // 'a', then length 3 (257) at distance code 30.
    const badDistance = fixedLiteral(fixedLiteral(fixedBlock(), 97), 257).code(30, 5);
    expect(errorOf(end(badDistance).zlib(a), 4)).toContain('(invalid distance code)');
    // 'a', then length 3 at distance 2 (code 1): one byte back is all there is.
    const tooFar = fixedLiteral(fixedLiteral(fixedBlock(), 97), 257).code(1, 5);
    expect(errorOf(end(tooFar).zlib(a), 4)).toContain('(invalid distance too far back)');
    const ok = fixedLiteral(fixedLiteral(fixedBlock(), 97), 257).code(0, 5);
    expect(agree(payload(4, end(ok).zlib(Buffer.from('aaaa'))))).toEqual({ bytes: '61616161' });
  });

  it('dynamic tables', () => {
    const header = (lit: number, dist: number, codes: number[]): Bits => dynamicHeader(lit, dist, codes);
    expect(errorOf(header(287, 1, ZERO_ONE).zlib(a), 1)).toContain('(too many length or distance symbols)');
    expect(errorOf(header(257, 31, ZERO_ONE).zlib(a), 1)).toContain('(too many length or distance symbols)');
    // Code length codes: over-subscribed, and incomplete (both refused).
    expect(errorOf(header(257, 1, new Array<number>(19).fill(1)).zlib(a), 1)).toContain('(invalid code lengths set)');
    expect(errorOf(header(257, 1, [0, 0, 0, 1]).zlib(a), 1)).toContain('(invalid code lengths set)');
    // Symbol 16 (repeat the previous length) first: there is none. Code: 0 → "0", 16 → "1".
    const repeatFirst = header(257, 1, [1, 0, 0, 1]).put(1, 1).put(0, 2);
    expect(errorOf(repeatFirst.zlib(a), 1)).toContain('(invalid bit length repeat)');
    // Symbol 18 (11+ zeros) running past the last length. Code: 0 → "0", 18 → "1".
    const repeatPast = lengthsOf(header(257, 1, [0, 0, 1, 1]), new Array<number>(250).fill(0))
      .put(1, 1)
      .put(127, 7);
    expect(errorOf(repeatPast.zlib(a), 1)).toContain('(invalid bit length repeat)');
    const noEnd = lengthsOf(header(257, 1, ZERO_ONE), litDist([97], [1]));
    expect(errorOf(noEnd.zlib(a), 1)).toContain('(invalid code -- missing end-of-block)');
    // An empty code length code is accepted: each length then takes one bit, and is 0.
    expect(errorOf(header(257, 1, [0, 0, 0, 0]).put(0, 258).zlib(a), 1)).toContain(
      '(invalid code -- missing end-of-block)',
    );
    expect(errorOf(header(257, 1, [0, 0, 0, 0]).put(0, 200).zlib(a).subarray(0, 30), 1)).toContain(
      '(unexpected end of file)',
    );
    const overLit = lengthsOf(header(257, 1, ZERO_ONE), litDist([0, 97, 256], [1]));
    expect(errorOf(overLit.zlib(a), 1)).toContain('(invalid literal/lengths set)');
    const overDist = lengthsOf(header(258, 3, ZERO_ONE), [...litDist([97, 256], []), 0, 1, 1, 1]);
    expect(errorOf(overDist.zlib(a), 1)).toContain('(invalid distances set)');
  });

  it('one-code tables (allowed, as zlib allows them) and the code they leave unused', () => {
    // Literal 'a' and end-of-block get one-bit codes; the only distance code is one bit of two.
    const single = lengthsOf(dynamicHeader(257, 1, ZERO_ONE), litDist([97, 256], [1]));
    expect(agree(payload(1, single.code(0, 1).code(1, 1).zlib(a)))).toEqual({ bytes: '61' });
    // End-of-block alone: "0" ends the block, "1" is no code.
    const endOnly = lengthsOf(dynamicHeader(257, 1, ZERO_ONE), litDist([256], [0]));
    expect(errorOf(endOnly.code(1, 1).zlib(a), 1)).toContain('(invalid literal/length code)');
  });

  it('the Adler-32 and the end of input', () => {
    const stream = deflateSync(Buffer.from('hello hello hello'));
    const bad = Buffer.from(stream);
    bad[bad.length - 1] ^= 1;
    expect(errorOf(bad, 17)).toContain('(incorrect data check)');
    for (let cut = 0; cut < stream.length; cut++) {
      expect(errorOf(stream.subarray(0, cut), 17)).toContain('(unexpected end of file)');
    }
  });

  it('ignores bytes after the Adler-32, as node:zlib does', () => {
    const stream = deflateSync(Buffer.from('hello'));
    expect(agree(payload(5, Buffer.concat([stream, Buffer.from('trailing garbage')])))).toEqual({
      bytes: Buffer.from('hello').toString('hex'),
    });
  });
});

describe('the declared size', () => {
  const sizes = [1, 5, 63, 64, 65, 100, 1000, 4096, 40_000, 65_536];
  it('exact, one less and one more, for small and large streams', () => {
    for (const size of sizes) {
      const text = Buffer.alloc(size);
      for (let i = 0; i < size; i++) text[i] = 97 + ((i * 7) % 13);
      const stream = deflateSync(text);
      expect(agree(payload(size, stream))).toEqual({ bytes: text.toString('hex') });
      if (size > 1) expect(errorOf(stream, size - 1)).toContain(`inflates to more than its declared ${size - 1} bytes`);
      expect(errorOf(stream, size + 1)).toContain(`inflates to ${size} bytes, not the declared ${size + 1}`);
    }
  });

  it('a broken stream that also holds too much: the verdict node:zlib gives at its chunk boundaries', () => {
    // 100 stored bytes with a bad Adler-32: node:zlib checks the size after 64 bytes when fewer
    // are declared, and otherwise after the second chunk of the declared size.
    const stream = Buffer.from(deflateSync(Buffer.alloc(100, 97), { level: 0 }));
    stream[stream.length - 1] ^= 1;
    expect(errorOf(stream, 5)).toContain('more than its declared 5 bytes');
    expect(errorOf(stream, 63)).toContain('more than its declared 63 bytes');
    expect(errorOf(stream, 64)).toContain('(incorrect data check)');
    expect(errorOf(stream, 99)).toContain('(incorrect data check)');
    expect(errorOf(stream, 100)).toContain('(incorrect data check)');
    expect(errorOf(stream.subarray(0, 40), 50)).toContain('(unexpected end of file)');
  });

  it('in the second chunk a distance reaches back only as far as the header’s window', () => {
    // 1000 bytes, then the same again (a match 1000 back), framed with a 512-byte window: zlib
    // allows it in one chunk, not when the match is read in the second one.
    const half = Buffer.alloc(1000);
    for (let i = 0; i < half.length; i++) half[i] = (i * 7919 + (i >> 3) * 31) & 255;
    const whole = Buffer.concat([half, half]);
    const raw = deflateSync(whole).subarray(2, -4);
    const framed = Buffer.concat([Buffer.from([0x18, 0x19]), raw, deflateSync(whole).subarray(-4)]);
    expect(agree(payload(2000, framed))).toEqual({ bytes: whole.toString('hex') });
    expect(errorOf(framed, 1000)).toContain('(invalid distance too far back)');
    expect(errorOf(framed, 1999)).toContain('(invalid distance too far back)');
    expect(errorOf(deflateSync(whole), 1999)).toContain('more than its declared 1999 bytes');
  });

  it('a stream far larger than declared stops at twice the declared size', () => {
    const bomb = deflateSync(Buffer.alloc(10 * 1024 * 1024));
    expect(errorOf(bomb, 1000)).toContain('more than its declared 1000 bytes');
  });
});

/**
 * Hostile input: the decoder must answer every byte string with a Term or a DecodeError — never
 * another exception, never a huge allocation, never a hang — and accept exactly what
 * binary_to_term accepts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decode, decodeDetailed } from '../../src/etf/decode.js';
import { encode } from '../../src/etf/encode.js';
import { DecodeError } from '../../src/etf/errors.js';
import { ErlMap, ImproperList, Tuple, type Term } from '../../src/etf/term.js';
import { erlAccepts } from '../helpers/erl.js';
import { Rng } from '../helpers/erl-term-gen.js';
import { runs } from '../support/runs.js';

const root = new URL('../../fixtures/phoenix/', import.meta.url);
const fixtures = readdirSync(root).flatMap((dir) =>
  readdirSync(new URL(`${dir}/`, root))
    .filter((f) => f.endsWith('.etf'))
    .map((f) => ({ name: `${dir}/${f}`, bytes: readFileSync(new URL(`${dir}/${f}`, root)) })),
);
/** Uncompressed forms of every fixture (compressed ones inflated), where byte-level damage lands in the term. */
const plainFixtures = fixtures.map(({ name, bytes }) => {
  const { inflated } = decodeDetailed(bytes);
  return { name, bytes: inflated ? Buffer.concat([Buffer.from([131]), inflated]) : bytes };
});

/** The DecodeError `decode` throws for `bytes` (fails the test on success or on another exception). */
function decodeError(bytes: Uint8Array, options?: Parameters<typeof decode>[1]): DecodeError {
  try {
    decode(bytes, options);
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw new Error(`not a DecodeError: ${String(e)}`);
  }
  throw new Error('decoded without error');
}

/** Decodes, reporting whether it succeeded; any exception other than DecodeError escapes. */
function accepted(bytes: Uint8Array): boolean {
  try {
    decode(bytes, { maxDepth: Infinity });
    return true;
  } catch (e) {
    if (e instanceof DecodeError) return false;
    throw e;
  }
}

const u32 = (n: number): number[] => [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];

describe('truncated input', () => {
  it('fails with a DecodeError inside the given bytes wherever a fixture is cut', () => {
    let cuts = 0;
    // The inflated forms only where they differ from the fixture itself.
    const cutForms = [...fixtures, ...plainFixtures.filter((p, i) => p.bytes !== fixtures[i]!.bytes)];
    for (const { name, bytes } of cutForms) {
      // Each cut decodes the whole prefix, so every cut of every fixture is quadratic (56 s, 80 000
      // cuts): every cut near both ends (headers, last elements), every 5th between; every 997th of
      // payloads over 4 KB; every 11th of compressed ones (a zlib failure costs ~1.5 ms).
      // `npm run fuzz` cuts at random places as well.
      const near = (n: number, width: number) => n < width || n > bytes.length - width;
      const step = bytes[1] === 80 ? 11 : bytes.length > 4096 ? 997 : 5;
      for (let n = 0; n < bytes.length; n++) {
        if (!near(n, bytes[1] === 80 ? 16 : 32) && n % step !== 0) continue;
        const e = decodeError(bytes.subarray(0, n));
        if (e.offset > n || e.offset < 0) expect.fail(`${name} cut at ${n}: error offset ${e.offset}`);
        cuts++;
      }
    }
    expect(cuts).toBeGreaterThan(10_000);
  });

  it('is refused by binary_to_term too (a sample)', async () => {
    const samples = plainFixtures.slice(0, 12).flatMap(({ bytes }) => {
      return Array.from({ length: 20 }, (_, i) => bytes.subarray(0, Math.floor((bytes.length * i) / 20)));
    });
    expect(await erlAccepts(samples)).toEqual(samples.map(() => false));
  });
});

describe('damaged and random input', () => {
  it('accepts exactly what binary_to_term accepts', async () => {
    const rng = new Rng(0xbad);
    const inputs: Buffer[] = [];
    // A quarter of the full 3 000 + 1 000 in the suite (npm run test:full runs them all).
    const mutants = runs(3000, 750);
    const random = runs(1000, 250);
    for (let i = 0; i < mutants; i++) {
      const source = plainFixtures[rng.int(plainFixtures.length)]!.bytes;
      const bytes = Buffer.from(source);
      for (let k = 1 + rng.int(3); k > 0; k--)
        bytes[1 + rng.int(bytes.length - 1)] = rng.chance(0.5) ? rng.int(256) : 97 + rng.int(25);
      inputs.push(bytes);
    }
    for (let i = 0; i < random; i++) {
      inputs.push(
        Buffer.from([
          131,
          ...Array.from({ length: 1 + rng.int(24) }, () => (rng.chance(0.6) ? 97 + rng.int(25) : rng.int(256))),
        ]),
      );
    }
    const ours = inputs.map(accepted);
    const theirs = await erlAccepts(inputs);
    const disagreements = inputs.flatMap((b, i) =>
      ours[i] === theirs[i] ? [] : [`${b.toString('hex')} ours ${ours[i]}`],
    );
    expect(disagreements).toEqual([]);
    // The corpus also holds valid terms (more than 200 in 4 000).
    expect(ours.filter(Boolean).length).toBeGreaterThan((200 * inputs.length) / 4000);
  });
});

describe('declared lengths beyond the input', () => {
  const node = [119, 3, ...Buffer.from('n@h')];
  const huge: Record<number, number[]> = {
    32: [0xffffffff, 0x7fffffff, 0x10000000],
    16: [0xffff, 0x8000, 0x100],
    8: [0xff, 0x80, 0x10],
  };
  const cases: Array<[string, 8 | 16 | 32, (n: number) => number[]]> = [
    ['BINARY_EXT', 32, (n) => [109, ...u32(n)]],
    ['BIT_BINARY_EXT', 32, (n) => [77, ...u32(n), 3]],
    ['LIST_EXT', 32, (n) => [108, ...u32(n), 97, 1]],
    ['LARGE_TUPLE_EXT', 32, (n) => [105, ...u32(n), 97, 1]],
    ['MAP_EXT', 32, (n) => [116, ...u32(n), 97, 1, 97, 2]],
    ['LARGE_BIG_EXT', 32, (n) => [111, ...u32(n), 0, 1]],
    [
      'NEW_FUN_EXT free vars',
      32,
      (n) => [
        112,
        0,
        0,
        0,
        0,
        1,
        ...new Array(16).fill(7),
        0,
        0,
        0,
        1,
        ...u32(n),
        ...node,
        97,
        0,
        97,
        0,
        88,
        ...node,
        0,
        0,
        0,
        1,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
      ],
    ],
    ['STRING_EXT', 16, (n) => [107, n >>> 8, n & 0xff, 1]],
    ['ATOM_UTF8_EXT', 16, (n) => [118, n >>> 8, n & 0xff, 97]],
    ['ATOM_EXT', 16, (n) => [100, n >>> 8, n & 0xff, 97]],
    ['NEWER_REFERENCE_EXT', 16, (n) => [90, n >>> 8, n & 0xff, ...node, 0, 0, 0, 1]],
    ['SMALL_ATOM_UTF8_EXT', 8, (n) => [119, n, 97]],
    ['SMALL_BIG_EXT', 8, (n) => [110, n, 0, 1]],
    ['SMALL_TUPLE_EXT', 8, (n) => [104, n, 97, 1]],
  ];
  for (const [name, width, build] of cases) {
    it(`${name}: DecodeError before any allocation of that size`, () => {
      for (const n of huge[width]!) {
        const bytes = Buffer.from([131, ...build(n)]);
        const before = process.memoryUsage().heapUsed;
        const e = decodeError(bytes);
        expect(process.memoryUsage().heapUsed - before).toBeLessThan(16 * 1024 * 1024);
        expect(e.message).toMatch(/exceeds the \d+ bytes left|needs \d+ more bytes|id words|free variables/);
        expect(e.offset).toBe(1);
      }
    });
  }

  it('names the tag, the size, the place and the path', () => {
    const payload = Buffer.from(
      encode(new Tuple([1, 2, 3, 4, ErlMap.fromPairs([[Buffer.from('payload'), [1, 2, 3, Buffer.from('xyz')]]])])),
    );
    const at = payload.lastIndexOf(109); // the BINARY_EXT of "xyz"
    payload.writeUInt32BE(512_000_000, at + 1);
    const e = decodeError(payload);
    expect(e.offset).toBe(at); // 4 bytes are left: "xyz" and the list's NIL_EXT
    expect(e.tag).toBe(109);
    expect(e.path).toEqual(['elem 4', 'map value "payload"', 'list item 3']);
    expect(e.message).toBe(
      `BINARY_EXT length 512000000 exceeds the 4 bytes left at byte ${at} (tag 109) in elem 4 → map value "payload" → list item 3`,
    );
  });
});

describe('compression bombs', () => {
  const compressed = (declared: number, body: Uint8Array): Buffer => Buffer.from([131, 80, ...u32(declared), ...body]);

  it('refuses a declared size over the cap without inflating', () => {
    const e = decodeError(compressed(0xffffffff, deflateSync(Buffer.from([97, 1]))));
    expect(e.message).toContain('maxInflatedSize');
    expect(e.message).toContain(String(64 * 1024 * 1024));
    expect(
      decodeError(compressed(2_000_000, deflateSync(Buffer.alloc(2_000_000))), { maxInflatedSize: 1_000_000 }).message,
    ).toContain('over the maxInflatedSize cap of 1000000');
  });

  it('stops inflating at the declared size when the stream holds more', () => {
    const bomb = deflateSync(Buffer.alloc(200 * 1024 * 1024)); // ~200 KB of zlib, 200 MB inflated
    expect(bomb.length).toBeLessThan(256 * 1024);
    const before = process.memoryUsage().arrayBuffers;
    const e = decodeError(compressed(1000, bomb));
    expect(e.message).toContain('more than its declared 1000 bytes');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32 * 1024 * 1024);
  });

  it('refuses a stream that inflates to less than declared, and broken zlib', async () => {
    const body = Buffer.from([104, 2, 97, 1, 97, 2]);
    expect(decode(compressed(6, deflateSync(body)))).toEqual(new Tuple([1, 2]));
    // The size is declared at byte 2, the zlib stream starts at byte 6: errors point there.
    const short = decodeError(compressed(7, deflateSync(body)));
    expect(short.message).toContain('not the declared 7');
    expect(short.offset).toBe(6);
    const cut = decodeError(compressed(6, deflateSync(body).subarray(0, 5)));
    expect(cut.message).toContain('not a valid zlib stream');
    expect(cut.offset).toBe(6);
    const long = decodeError(compressed(5, deflateSync(body)));
    expect(long.message).toContain('more than its declared 5 bytes');
    expect(long.offset).toBe(6);
    expect(decodeError(compressed(0, deflateSync(body))).offset).toBe(2);
    expect(decodeError(compressed(7, deflateSync(body)), { maxInflatedSize: 6 }).offset).toBe(2);
    const garbage = compressed(6, Buffer.from('not zlib at all'));
    expect(decodeError(garbage).message).toContain('not a valid zlib stream');
    expect(await erlAccepts([compressed(7, deflateSync(body)), garbage])).toEqual([false, false]);
  });
});

describe('not term_to_binary output', () => {
  it('names distribution headers, atom cache refs, FUN_EXT and LOCAL_EXT', async () => {
    const inputs = [
      [131, 68, 0],
      [131, 69, 0, 0, 0, 0, 0, 0, 0, 1, 0],
      [131, 104, 2, 97, 1, 82, 0],
      [131, 117, 0, 0, 0, 0],
      [131, 121, 1, 2, 3],
    ].map((b) => Buffer.from(b));
    const messages = inputs.map((b) => decodeError(b).message);
    expect(messages[0]).toContain('not term_to_binary output (distribution header');
    expect(messages[1]).toContain('not term_to_binary output (distribution header');
    expect(messages[2]).toContain('not term_to_binary output (ATOM_CACHE_REF');
    expect(messages[2]).toContain('in elem 1');
    expect(messages[3]).toContain('FUN_EXT');
    expect(messages[4]).toContain('LOCAL_EXT');
    expect(await erlAccepts(inputs)).toEqual(inputs.map(() => false));
  });

  it('wants the 131 magic first', () => {
    expect(decodeError(Buffer.from([97, 1])).message).toBe(
      'not External Term Format: the first byte is 97, not the version magic 131 at byte 0',
    );
    expect(decodeError(Buffer.alloc(0)).message).toContain('empty input');
    expect(decodeError(Buffer.from([131])).message).toContain('ends right after the version magic');
  });

  it('ignores bytes after the term, as binary_to_term does, and counts them', async () => {
    const bytes = Buffer.from([131, 97, 1, 0, 0]);
    expect(decodeDetailed(bytes)).toMatchObject({ term: 1, trailing: 2 });
    expect(await erlAccepts([bytes])).toEqual([true]);
  });
});

describe('repeated map keys', () => {
  const map = (...pairs: number[][]): Buffer => Buffer.from([131, 116, ...u32(pairs.length), ...pairs.flat()]);
  const float = (x: number): number[] => {
    const b = Buffer.alloc(9);
    b[0] = 70;
    b.writeDoubleBE(x, 1);
    return [...b];
  };
  const many = (n: number, repeat: boolean): number[][] =>
    Array.from({ length: n }, (_, i) => [109, 0, 0, 0, 2, 107, repeat && i === n - 1 ? 0 : i, 97, i]);
  const inputs: Array<[string, Buffer]> = [
    ['the same atom', map([100, 0, 1, 97, 97, 1], [100, 0, 1, 97, 97, 2])],
    ['one atom in Latin-1 and in UTF-8', map([100, 0, 1, 233, 97, 1], [119, 2, 195, 169, 97, 2])],
    ['the same binary', map([109, 0, 0, 0, 1, 120, 97, 1], [109, 0, 0, 0, 1, 120, 97, 2])],
    ['5 as SMALL_INTEGER and as SMALL_BIG', map([97, 5, 97, 1], [110, 1, 0, 5, 97, 2])],
    ['[] as NIL and as an empty LIST_EXT', map([106, 97, 1], [108, 0, 0, 0, 0, 106, 97, 2])],
    ['0.0 and -0.0 (one key before OTP 27)', map([...float(0), 97, 1], [...float(-0), 97, 2])],
    [
      'maps with pairs in another order',
      map([116, 0, 0, 0, 2, 97, 1, 97, 1, 97, 2, 97, 2, 97, 1], [116, 0, 0, 0, 2, 97, 2, 97, 2, 97, 1, 97, 1, 97, 2]),
    ],
    ['the last of 40 binary keys', map(...many(40, true))],
    ['1 and 1.0 (different keys)', map([97, 1, 97, 1], [...float(1), 97, 2])],
    ['[97] and <<"a">> (different keys)', map([107, 0, 1, 97, 97, 1], [109, 0, 0, 0, 1, 97, 97, 2])],
    ['40 different binary keys', map(...many(40, false))],
  ];

  it('are refused exactly where binary_to_term refuses them', async () => {
    const ours = inputs.map(([, bytes]) => accepted(bytes));
    expect(ours).toEqual(await erlAccepts(inputs.map(([, bytes]) => bytes)));
    expect(ours.filter((ok) => !ok)).toHaveLength(8);
  });

  it('names the repeated key and points at the map', () => {
    const e = decodeError(
      Buffer.from([131, 104, 1, ...map([109, 0, 0, 0, 1, 120, 97, 1], [109, 0, 0, 0, 1, 120, 97, 2]).subarray(1)]),
    );
    expect(e.message).toBe('MAP_EXT has the key "x" twice (binary_to_term refuses that) at byte 3 (tag 116) in elem 0');
  });
});

describe('deep nesting', () => {
  const DEPTH = 100_000;
  const shapes: Array<[string, (inner: number[]) => number[], number[]]> = [
    ['list', (inner) => [108, 0, 0, 0, 1, ...inner, 106], [106]],
    ['tuple', (inner) => [104, 1, ...inner], [104, 0]],
    ['map value', (inner) => [116, 0, 0, 0, 1, 97, 1, ...inner], [116, 0, 0, 0, 0]],
    ['improper list head', (inner) => [108, 0, 0, 0, 1, ...inner, 97, 7], [97, 7]],
  ];
  for (const [shape, wrap, leaf] of shapes) {
    const bytes = Buffer.from([131, ...nest(wrap, leaf, DEPTH)]);

    it(`${shape}: ${DEPTH} levels decode with maxDepth: Infinity and re-encode identically`, () => {
      const term = decode(bytes, { maxDepth: Infinity });
      expect(depthOf(term)).toBe(DEPTH);
      expect(Buffer.from(encode(term)).equals(bytes)).toBe(true);
    });

    it(`${shape}: refused by default with a DecodeError naming maxDepth`, () => {
      const e = decodeError(bytes);
      expect(e.message).toContain('nesting deeper than maxDepth 10000');
      expect(e.path).toHaveLength(10_000);
    });
  }

  it('erl builds and reads the same deep terms', async () => {
    expect(await erlAccepts(shapes.map(([, wrap, leaf]) => Buffer.from([131, ...nest(wrap, leaf, DEPTH)])))).toEqual(
      shapes.map(() => true),
    );
  });

  it('merges a 100 000-long chain of list tails into one flat list in linear time', async () => {
    const chain: number[] = [131];
    for (let i = 0; i < DEPTH; i++) chain.push(108, 0, 0, 0, 1, 97, i % 256);
    chain.push(106);
    const term = decode(Buffer.from(chain)) as number[];
    expect(term).toHaveLength(DEPTH);
    expect(term[DEPTH - 1]).toBe((DEPTH - 1) % 256);
    expect(await erlAccepts([Buffer.from(chain)])).toEqual([true]);
  });
});

function nest(wrap: (inner: number[]) => number[], leaf: number[], depth: number): number[] {
  // Built from the outside in, without recursion: prefix × depth, leaf, suffix × depth.
  const marker = -1;
  const [prefix, suffix] = splitAround(wrap([marker]), marker);
  const out: number[] = [];
  for (let i = 0; i < depth; i++) out.push(...prefix);
  out.push(...leaf);
  for (let i = 0; i < depth; i++) out.push(...suffix);
  return out;
}

function splitAround(bytes: number[], marker: number): [number[], number[]] {
  const at = bytes.indexOf(marker);
  return [bytes.slice(0, at), bytes.slice(at + 1)];
}

/** Container nesting depth, iteratively (following the first child at each level). */
function depthOf(term: Term): number {
  let depth = 0;
  let t: Term = term;
  for (;;) {
    let next: Term | undefined;
    if (Array.isArray(t)) next = t[0];
    else if (t instanceof Tuple) next = t.elements[0];
    else if (t instanceof ErlMap) next = t.values[0];
    else if (t instanceof ImproperList) next = t.elements[0];
    if (next === undefined) return depth;
    depth++;
    t = next;
  }
}

/**
 * OTP's accept/reject rules, tag by tag, against real `binary_to_term` (OTP 25, a non-distributed
 * runtime: `nonode@nohost` with creation 0 is the local node). Every rule gets inputs just inside
 * and just outside its boundary (creations of the old formats, reference words and first word,
 * local pid/port/ref limits, atom lengths and UTF-8, FLOAT_EXT text, bigs, bit binaries, export
 * arity, NEW_FUN_EXT fields, compressed sizes), plus random mutants of identifiers in context;
 * the decoder must accept exactly the inputs erl accepts. The rules are in src/etf/reader-rules.ts.
 *
 * Left out, where OTP's own answer depends on memory past the input (it reads beyond the term):
 * references with 0 id words (refused by us) and FLOAT_EXT text with no NUL in its 31 bytes.
 * One-sided on purpose: a NEW_FUN_EXT whose pid field is not a pid (OTP 25 takes any term there;
 * we refuse, as no node writes it and the term model has a Pid there) — counted, not asserted.
 */
import { deflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { decode } from '../../src/etf/decode.js';
import { DecodeError } from '../../src/etf/errors.js';
import { erlAccepts } from '../helpers/erl.js';
import { Rng } from '../helpers/erl-term-gen.js';

type Bytes = number | Bytes[];
const flat = (b: Bytes[]): number[] => (b as unknown[]).flat(Infinity) as number[];
const u32 = (n: number): number[] => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const u16 = (n: number): number[] => [(n >>> 8) & 255, n & 255];
const atom = (s: string): number[] => [119, Buffer.byteLength(s), ...Buffer.from(s)];
const LOCAL = atom('nonode@nohost');
const REMOTE = atom('a@h');
const NODES: Array<[string, number[]]> = [
  ['local', LOCAL],
  ['remote', REMOTE],
];

interface Case {
  rule: string;
  bytes: Buffer;
}

function accepted(bytes: Uint8Array): boolean {
  try {
    decode(bytes, { maxDepth: Infinity });
    return true;
  } catch (e) {
    if (e instanceof DecodeError) return false;
    throw e;
  }
}

/** Boundary inputs, grouped by the rule they probe. */
function boundaryCases(): Case[] {
  const cases: Case[] = [];
  const add = (rule: string, ...bytes: Bytes[]): void => {
    cases.push({ rule, bytes: Buffer.from([131, ...flat(bytes)]) });
  };
  const words32 = [
    0,
    2 ** 15 - 1,
    2 ** 15,
    2 ** 13 - 1,
    2 ** 13,
    2 ** 18 - 1,
    2 ** 18,
    2 ** 28 - 1,
    2 ** 28,
    2 ** 32 - 1,
  ];
  for (const [where, node] of NODES) {
    for (const cre of [0, 1, 3, 4, 255]) {
      for (const num of words32)
        for (const ser of [0, 2 ** 13 - 1, 2 ** 13, 2 ** 32 - 1])
          add(`PID_EXT creation/number/serial (${where})`, 103, node, u32(num), u32(ser), cre);
      for (const id of words32) add(`PORT_EXT creation/number (${where})`, 102, node, u32(id), cre);
      for (const id of words32) add(`REFERENCE_EXT creation/first word (${where})`, 101, node, u32(id), cre);
      for (const words of [1, 2, 3, 4, 5, 6])
        for (const first of [0, 2 ** 18 - 1, 2 ** 18, 2 ** 32 - 1])
          for (const rest of [0, 2 ** 32 - 1])
            add(
              `NEW_REFERENCE_EXT creation/words/first word (${where})`,
              114,
              u16(words),
              node,
              cre,
              Array.from({ length: words }, (_, i) => u32(i === 0 ? first : rest)),
            );
    }
    for (const cre of [0, 1, 4, 2 ** 32 - 1]) {
      for (const num of words32)
        for (const ser of [0, 2 ** 13 - 1, 2 ** 13, 2 ** 32 - 1])
          add(`NEW_PID_EXT number/serial (${where})`, 88, node, u32(num), u32(ser), u32(cre));
      for (const id of words32) {
        add(`NEW_PORT_EXT number (${where})`, 89, node, u32(id), u32(cre));
        for (const high of [0, 1, 2 ** 32 - 1])
          add(`V4_PORT_EXT number (${where})`, 120, node, u32(high), u32(id), u32(cre));
      }
      for (const words of [1, 2, 3, 4, 5, 6])
        for (const first of [0, 2 ** 18 - 1, 2 ** 18, 2 ** 32 - 1])
          for (const rest of [0, 1, 2 ** 32 - 1])
            add(
              `NEWER_REFERENCE_EXT words/first word (${where})`,
              90,
              u16(words),
              node,
              u32(cre),
              Array.from({ length: words }, (_, i) => u32(i === 0 ? first : rest)),
            );
    }
  }
  // Atoms: at most 255 characters (not bytes), valid UTF-8 (no surrogates, overlongs, > U+10FFFF).
  for (const n of [0, 1, 255, 256, 1000]) {
    add('ATOM_EXT length', 100, u16(n), Array<number>(n).fill(233));
    add('ATOM_UTF8_EXT characters', 118, u16(n), Array<number>(n).fill(97));
    add('ATOM_UTF8_EXT characters', 118, u16(2 * n), Array<number[]>(n).fill([0xc3, 0xa9]));
    add('ATOM_UTF8_EXT characters', 118, u16(4 * n), Array<number[]>(n).fill([0xf0, 0x9f, 0x98, 0x80]));
    if (n <= 255) add('SMALL_ATOM_EXT length', 115, n, Array<number>(n).fill(233));
  }
  for (const seq of [
    [0xc3],
    [0x80],
    [0xc0, 0x80],
    [0xc2, 0x80],
    [0xe0, 0x80, 0x80],
    [0xe0, 0xa0, 0x80],
    [0xed, 0x9f, 0xbf],
    [0xed, 0xa0, 0x80],
    [0xf0, 0x80, 0x80, 0x80],
    [0xf4, 0x8f, 0xbf, 0xbf],
    [0xf4, 0x90, 0x80, 0x80],
    [0xf5, 0x80, 0x80, 0x80],
    [0xff],
    [0],
  ]) {
    add('atom UTF-8', 119, seq.length, seq);
    add('atom UTF-8', 118, u16(seq.length), seq);
  }
  // FLOAT_EXT text (NUL padded to 31 bytes).
  const text = (s: string): number[] => {
    const b = Buffer.alloc(31);
    b.write(s, 'latin1');
    return [...b];
  };
  for (const s of ['1.0', '1.0e5', '1e5', '.5', '1.', ' 1.0', '1.0 ', '1,5', ',5', '1,5e-3', '1,5,5', '-0.0', '+1.0'])
    add('FLOAT_EXT text', 99, text(s));
  for (const s of ['1.0e400', 'nan', 'inf', '1.0e', '1.5x']) add('FLOAT_EXT text', 99, text(s));
  const f64 = (x: number): number[] => {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(x);
    return [...b];
  };
  for (const x of [NaN, Infinity, -Infinity, -0, 5e-324, Number.MAX_VALUE]) add('NEW_FLOAT_EXT value', 70, f64(x));
  // Bigs: any sign byte, zero digits, leading zeros.
  for (const sign of [0, 1, 2, 255])
    for (const digits of [[], [0], [1], [0, 1]]) {
      add('SMALL_BIG_EXT', 110, digits.length, sign, digits);
      add('LARGE_BIG_EXT', 111, u32(digits.length), sign, digits);
    }
  // Bit binaries: 1..8 bits in the last byte; an empty one only with 0 bits.
  for (const length of [0, 1, 2])
    for (const bits of [0, 1, 7, 8, 9, 255])
      add('BIT_BINARY_EXT bits', 77, u32(length), bits, Array<number>(length).fill(0xff));
  // EXPORT_EXT: the arity is a SMALL_INTEGER_EXT.
  for (const arity of [[97, 0], [97, 255], [98, 0, 0, 0, 1], [110, 1, 0, 1], [106], atom('a')])
    add('EXPORT_EXT arity', 113, atom('m'), atom('f'), arity);
  add('EXPORT_EXT module', 113, 97, 1, atom('f'), 97, 1);
  // NEW_FUN_EXT: free variables ≤ 255, OldIndex/OldUniq small integers, pid rules inside.
  const pid = [88, REMOTE, u32(1), u32(2), u32(3)];
  const fun = (o: {
    oi?: Bytes[];
    ou?: Bytes[];
    p?: Bytes[];
    free?: number;
    arity?: number;
    size?: number;
  }): Bytes[] => {
    const body = [
      o.arity ?? 1,
      Array<number>(16).fill(1),
      u32(0),
      u32(o.free ?? 0),
      atom('m'),
      o.oi ?? [97, 0],
      o.ou ?? [97, 0],
      o.p ?? pid,
      Array<number[]>(o.free ?? 0).fill([97, 1]),
    ];
    return [112, u32(o.size ?? flat(body).length + 5), body];
  };
  const big = (v: bigint): number[] => {
    let a = v < 0n ? -v : v;
    const d: number[] = [];
    while (a > 0n) {
      d.push(Number(a & 255n));
      a >>= 8n;
    }
    return [110, d.length, v < 0n ? 1 : 0, ...d];
  };
  for (const v of [2n ** 59n - 1n, 2n ** 59n, -(2n ** 59n), -(2n ** 59n) - 1n, 2n ** 32n, 2n ** 63n]) {
    add('NEW_FUN_EXT OldIndex', fun({ oi: big(v) }));
    add('NEW_FUN_EXT OldUniq', fun({ ou: big(v) }));
  }
  add('NEW_FUN_EXT OldIndex', fun({ oi: [98, 255, 255, 255, 255] }));
  add('NEW_FUN_EXT OldIndex', fun({ oi: atom('x') }));
  for (const free of [0, 1, 255, 256]) add('NEW_FUN_EXT free variables', fun({ free }));
  for (const size of [0, 9999]) add('NEW_FUN_EXT size (ignored)', fun({ size }));
  for (const arity of [0, 255]) add('NEW_FUN_EXT arity', fun({ arity }));
  add('NEW_FUN_EXT pid', fun({ p: [103, REMOTE, u32(1), u32(1), 7] }));
  add('NEW_FUN_EXT pid', fun({ p: [88, LOCAL, u32(2 ** 15), u32(0), u32(0)] }));
  // Maps over 8 keys whose keys are small tuples (Tracker dots): a repeat is refused.
  const dot = (clock: number): number[] => [104, 2, 104, 2, ...atom('a@h'), 98, ...u32(1796405), 98, ...u32(clock)];
  for (const repeat of [false, true])
    add(
      'MAP_EXT repeated tuple key',
      116,
      u32(20),
      Array.from({ length: 20 }, (_, i) => [...dot(repeat && i === 19 ? 3 : i), 106]),
    );
  // Containers and the envelope.
  add('LIST_EXT tails', 108, u32(0), 97, 1);
  add('LIST_EXT tails', 108, u32(1), 97, 1, 107, 0, 1, 65);
  add('LARGE_TUPLE_EXT arity', 105, u32(0));
  const inner = [...deflateSync(Buffer.from([97, 1]))];
  for (const size of [0, 1, 2, 3]) add('COMPRESSED size', 80, u32(size), inner);
  add('COMPRESSED nested', 80, u32(8), [...deflateSync(Buffer.from([131, 80, 0, 0, 0, 2, 97, 1]))]);
  return cases;
}

/** Identifiers with random fields (creation, words, ids, node) inside a tuple or list. */
function randomMutants(rng: Rng, count: number): Case[] {
  const cases: Case[] = [];
  const word = (): number =>
    rng.pick([
      0,
      rng.int(2 ** 13),
      rng.int(2 ** 15),
      rng.int(2 ** 18),
      2 ** 18 + rng.int(1000),
      rng.int(2 ** 28),
      2 ** 28 + rng.int(1000),
      rng.int(2 ** 32),
      2 ** 32 - 1,
    ]);
  const creation8 = (): number => rng.pick([0, 1, 2, 3, 4, rng.int(256)]);
  const creation32 = (): number => rng.pick([0, 1, 3, 4, rng.int(2 ** 32)]);
  for (let i = 0; i < count; i++) {
    const node = rng.chance(0.5) ? LOCAL : rng.pick([REMOTE, atom('nonode@nohosT'), atom('')]);
    let id: number[];
    switch (rng.int(8)) {
      case 0:
        id = [103, ...node, ...u32(word()), ...u32(word()), creation8()];
        break;
      case 1:
        id = [88, ...node, ...u32(word()), ...u32(word()), ...u32(creation32())];
        break;
      case 2:
        id = [102, ...node, ...u32(word()), creation8()];
        break;
      case 3:
        id = [89, ...node, ...u32(word()), ...u32(creation32())];
        break;
      case 4:
        id = [120, ...node, ...u32(rng.pick([0, 0, 1, word()])), ...u32(word()), ...u32(creation32())];
        break;
      case 5:
        id = [101, ...node, ...u32(word()), creation8()];
        break;
      default: {
        const newer = rng.chance(0.5);
        const words = 1 + rng.int(6);
        const ids = Array.from({ length: words }, () => u32(word())).flat();
        id = newer
          ? [90, ...u16(words), ...node, ...u32(creation32()), ...ids]
          : [114, ...u16(words), ...node, creation8(), ...ids];
      }
    }
    const bytes = rng.chance(0.5) ? [104, 2, 97, 1, ...id] : [108, 0, 0, 0, 2, ...id, 97, 1, 106];
    cases.push({ rule: 'random identifier', bytes: Buffer.from([131, ...bytes]) });
  }
  return cases;
}

/**
 * Probes where OTP 25 answers the same for every input: it has no such limit (any sign byte and
 * digit count of a big, any arity, a NEW_FUN_EXT's Size field), or every probe is invalid.
 */
const ONE_SIDED = [
  'COMPRESSED nested',
  'EXPORT_EXT module',
  'LARGE_BIG_EXT',
  'LARGE_TUPLE_EXT arity',
  'LIST_EXT tails',
  'NEW_FUN_EXT arity',
  'NEW_FUN_EXT pid',
  'NEW_FUN_EXT size (ignored)',
  'SMALL_ATOM_EXT length',
  'SMALL_BIG_EXT',
];

let cases: Case[] = [];
let theirs: boolean[] = [];

beforeAll(async () => {
  cases = [...boundaryCases(), ...randomMutants(new Rng(0x07_25), 3000)];
  theirs = await erlAccepts(cases.map((c) => c.bytes));
}, 120_000);

describe("OTP 25's accept/reject rules", () => {
  it('accepts exactly what binary_to_term accepts, rule by rule', () => {
    const disagreements: string[] = [];
    const perRule = new Map<string, { n: number; accepted: number }>();
    cases.forEach((c, i) => {
      const ours = accepted(c.bytes);
      if (ours !== theirs[i]) disagreements.push(`${c.rule}: ${c.bytes.toString('hex')} erl ${theirs[i]} ours ${ours}`);
      const rule = c.rule.replace(/ \((local|remote)\)$/, ''); // remote identifiers alone are all valid
      const r = perRule.get(rule) ?? { n: 0, accepted: 0 };
      r.n++;
      if (theirs[i]) r.accepted++;
      perRule.set(rule, r);
    });
    expect(disagreements).toEqual([]);
    // Both sides of every rule with a boundary were exercised; these rules have none in OTP 25.
    const oneSided = [...perRule].filter(([, r]) => r.accepted === 0 || r.accepted === r.n).map(([rule]) => rule);
    expect(oneSided.sort()).toEqual(ONE_SIDED);
    console.info(`OTP rules parity: ${cases.length - disagreements.length}/${cases.length} inputs agree with erl`);
  });

  it('names the rule and the offset when it refuses', () => {
    const cases: Array<[number[], string]> = [
      [[103, ...REMOTE, ...u32(1), ...u32(1), 4], 'PID_EXT with creation 4 (the old format'],
      [[114, 0, 1, ...REMOTE, 1, ...u32(2 ** 18)], 'NEW_REFERENCE_EXT with first id word 262144'],
      [[90, 0, 1, ...LOCAL, 0, 0, 0, 0, ...u32(2 ** 18)], 'of the local node nonode@nohost with first id word'],
      [[88, ...LOCAL, ...u32(2 ** 15), 0, 0, 0, 0, 0, 0, 0, 0], 'local pids have 15 and 13 bits'],
    ];
    for (const [body, reason] of cases) {
      const bytes = Buffer.from([131, 104, 1, ...body]);
      expect(() => decode(bytes)).toThrow(reason);
      try {
        decode(bytes);
      } catch (e) {
        expect((e as DecodeError).offset).toBe(3);
      }
    }
  });

  it('still refuses a zero-word reference and a fun whose pid is not a pid (one-sided, see the header)', () => {
    expect(accepted(Buffer.from([131, 90, 0, 0, ...REMOTE, 0, 0, 0, 1]))).toBe(false);
  });
});

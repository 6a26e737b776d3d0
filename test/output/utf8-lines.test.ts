import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Utf8Lines } from '../../src/output/utf8-lines.js';

function written(write: (out: Utf8Lines) => void): string {
  const out = new Utf8Lines();
  write(out);
  return Buffer.from(out.take()).toString('latin1');
}

describe('Utf8Lines.integer writes what String() writes', () => {
  test('at the edges: 0, -0, one digit more, the safe range, beyond it, not integers', () => {
    const edges = [
      0,
      -0,
      1,
      -1,
      9,
      10,
      -10,
      99,
      100,
      999_999_999,
      1_000_000_000,
      2 ** 31,
      -(2 ** 31),
      2 ** 32,
      Number.MAX_SAFE_INTEGER,
      Number.MIN_SAFE_INTEGER,
      Number.MAX_SAFE_INTEGER + 1,
      1e21,
      -1e21,
      1.5,
      NaN,
      Infinity,
      -Infinity,
    ];
    for (const n of edges) expect(written((out) => out.integer(n))).toBe(String(n));
  });

  test('on random safe integers, after other text and growing the buffer', () => {
    fc.assert(
      fc.property(fc.array(fc.maxSafeInteger(), { maxLength: 50 }), (numbers) => {
        expect(written((out) => numbers.forEach((n) => (out.integer(n), out.byte(0x2c))))).toBe(
          numbers.map((n) => `${n},`).join(''),
        );
      }),
    );
    const many = Array.from({ length: 40_000 }, (_, i) => i * 7919 - 1e6);
    expect(written((out) => many.forEach((n) => out.integer(n)))).toBe(many.join(''));
  });
});

describe('Utf8Lines.plainAscii copies printable ASCII that JSON leaves as it is, or writes nothing', () => {
  const take = (out: Utf8Lines): string => Buffer.from(out.take()).toString('latin1');

  test('printable ASCII is copied, every byte of it', () => {
    const printable = Buffer.from(
      Array.from({ length: 0x7f - 0x20 }, (_, i) => 0x20 + i).filter((b) => b !== 0x22 && b !== 0x5c),
    );
    const out = new Utf8Lines();
    out.byte(0x5b);
    expect(out.plainAscii(printable)).toBe(true);
    expect(out.plainAscii(new Uint8Array(0))).toBe(true);
    expect(take(out)).toBe(`[${printable.toString('latin1')}`);
  });

  test('a quote, a backslash, a control, DEL or any byte over 0x7e anywhere: false, and nothing written', () => {
    for (const bad of [0x22, 0x5c, 0x00, 0x1b, 0x1f, 0x7f, 0x80, 0x9b, 0xc3, 0xff]) {
      for (const at of [0, 3, 6]) {
        const bytes = Buffer.from('abcdefg');
        bytes[at] = bad;
        const out = new Utf8Lines();
        out.byte(0x7b);
        expect(out.plainAscii(bytes)).toBe(false);
        out.byte(0x7d);
        expect(take(out)).toBe('{}');
      }
    }
  });
});

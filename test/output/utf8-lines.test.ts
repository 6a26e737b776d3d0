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

describe('Utf8Lines.takeOutput', () => {
  test('a buffer at least a quarter full is handed over as it is, and one given back is written into again', () => {
    const out = new Utf8Lines();
    const big = 'x'.repeat(200 * 1024);
    out.ascii(big);
    const first = out.takeOutput();
    expect(first.length).toBe(big.length);
    expect(first.buffer.byteLength).toBeGreaterThan(first.length); // the whole buffer, not a copy
    expect(Buffer.from(first).toString('latin1')).toBe(big);
    out.recycle(first.buffer);
    out.ascii('y'.repeat(150 * 1024));
    const second = out.takeOutput();
    out.ascii('z'.repeat(150 * 1024));
    const third = out.takeOutput();
    // After the second chunk was handed over, writing went on in the buffer given back.
    expect(third.buffer).toBe(first.buffer);
    expect(second.buffer).not.toBe(first.buffer);
    expect(Buffer.from(third).toString('latin1')).toBe('z'.repeat(150 * 1024));
  });

  test('a little output is an exactly sized copy; small and too many buffers given back are not kept', () => {
    const out = new Utf8Lines();
    out.ascii('hello\n'.repeat(10_000)); // 60 KB: less than a quarter of the 256 KiB buffer
    const chunk = out.takeOutput();
    expect(chunk.buffer.byteLength).toBe(chunk.length);
    expect(Buffer.from(chunk).toString('latin1')).toBe('hello\n'.repeat(10_000));
    out.recycle(new ArrayBuffer(16));
    const spares = [1, 2, 3].map(() => new ArrayBuffer(256 * 1024));
    for (const spare of spares) out.recycle(spare);
    const used: ArrayBuffer[] = [];
    for (let i = 0; i < 4; i++) {
      out.ascii('w'.repeat(200 * 1024));
      used.push(out.takeOutput().buffer);
    }
    // The first hand-over writes on in the first spare, the next in the second; the third was never kept.
    expect(used.slice(1, 3)).toEqual(spares.slice(0, 2));
    expect(used).not.toContain(spares[2]);
  });
});

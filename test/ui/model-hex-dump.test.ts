import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hexDump, hexLineCount, hexLineOf, type HexLine } from '../../src/ui/model/hex-dump.js';

/** A line's segments joined back into plain text. */
const hexLineText = (line: HexLine): string => line.segments.map((s) => s.text).join('');
import { fixtureMessages } from '../output/filter-fixture-messages.js';

const broadcast = fixtureMessages(['phoenix_pubsub_redis-3.1.0']).find(
  (f) => f.entry.file === '003-z0-broadcast-hello.etf',
)!.message.raw.payload;

/** Column of byte j (0..15) in the hex area and in the ASCII area of a 16-wide line. */
const hexColumn = (j: number): number => 10 + 3 * j + (j >= 8 ? 1 : 0);
const asciiColumn = (j: number): number => 61 + j;

/** Per-character highlight flags of a line. */
function mask(line: HexLine): boolean[] {
  return line.segments.flatMap((s) => Array.from(s.text, () => s.highlight));
}

describe('hexDump', () => {
  it('writes hexdump -C lines: offset, two groups of eight bytes, ASCII', () => {
    const lines = hexDump(broadcast).map(hexLineText);
    // {3, :except, … — bytes from wire-format.md §4.3.
    expect(lines[0]).toBe('00000000  83 68 06 61 03 64 00 06  65 78 63 65 70 74 64 00  |.h.a.d..exceptd.|');
    expect(lines).toHaveLength(hexLineCount(broadcast.length));
    const last = lines[lines.length - 1]!;
    const tail = broadcast.length % 16;
    expect(last.length).toBe(61 + (tail === 0 ? 16 : tail) + 1);
    expect(last.endsWith('|')).toBe(true);
  });

  it('round-trips: the hex and ASCII columns give back the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const lines = hexDump(bytes);
        const back: number[] = [];
        for (const line of lines) {
          const text = hexLineText(line);
          expect(parseInt(text.slice(0, 8), 16)).toBe(line.offset);
          const ascii = text.slice(61, -1);
          for (let j = 0; j < ascii.length; j++) {
            const byte = parseInt(text.slice(hexColumn(j), hexColumn(j) + 2), 16);
            back.push(byte);
            expect(ascii[j]).toBe(byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.');
          }
        }
        expect(back).toEqual([...bytes]);
      }),
    );
  });

  it('marks exactly the highlighted bytes, and the gaps between them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: broadcast.length }), fc.integer({ min: 0, max: 60 }), (start, len) => {
        const end = Math.min(broadcast.length, start + len);
        for (const line of hexDump(broadcast, { highlight: { start, end } })) {
          const lit = (j: number): boolean => line.offset + j >= start && line.offset + j < end;
          // The whole line's expected flags: bytes in range, gaps between two of them, nothing else.
          const expected = Array.from(hexLineText(line), () => false);
          const count = Math.min(16, broadcast.length - line.offset);
          for (let j = 0; j < count; j++) {
            if (!lit(j)) continue;
            expected[hexColumn(j)] = expected[hexColumn(j) + 1] = expected[asciiColumn(j)] = true;
            if (j > 0 && lit(j - 1)) {
              for (let col = hexColumn(j - 1) + 2; col < hexColumn(j); col++) expected[col] = true;
            }
          }
          expect(mask(line)).toEqual(expected);
        }
      }),
    );
  });

  it('builds only the lines asked for, and finds the line of an offset', () => {
    const all = hexDump(broadcast);
    const some = hexDump(broadcast, { fromLine: 3, lineCount: 2 });
    expect(some.map(hexLineText)).toEqual(all.slice(3, 5).map(hexLineText));
    expect(hexDump(broadcast, { fromLine: 1000 })).toEqual([]);
    expect([hexLineOf(0), hexLineOf(15), hexLineOf(16), hexLineOf(100, 8)]).toEqual([0, 0, 1, 12]);
  });

  it('takes other widths', () => {
    const text = hexDump(new Uint8Array([0x41, 0x42, 0x43]), { width: 2 }).map(hexLineText);
    expect(text).toEqual(['00000000  41 42  |AB|', '00000002  43     |C|']);
    expect(() => hexDump(broadcast, { width: 0 })).toThrow(RangeError);
  });
});

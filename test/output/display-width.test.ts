/**
 * Terminal columns of text, as the line printer and the UI measure them: the same answer as
 * string-width (the Unicode rules terminals follow) on any text, with ANSI colour codes not
 * counted, and cutting that never splits a grapheme cluster nor exceeds the width.
 */
import fc from 'fast-check';
import stringWidth from 'string-width';
import { describe, expect, test } from 'vitest';
import { truncateVisible, visibleWidth } from '../../src/output/display-width.js';
import { runs } from '../support/runs.js';

const segmenter = new Intl.Segmenter();
const clusters = (s: string): string[] => Array.from(segmenter.segment(s), (x) => x.segment);

// Pieces real payloads carry: ASCII, accents (precomposed and combining), CJK, emoji of every
// kind (BMP ☕ ⌚ ✅, astral 👍, skin tones, ZWJ families, flags, keycaps, VS16), colour codes.
const PIECES = [
  'a',
  'rooms:lobby',
  ' ',
  'é',
  'e\u0301',
  'ö',
  '中文',
  '한국어',
  '\u1100\u1161',
  '☕',
  '⌚',
  '✅',
  '👍',
  '👍🏽',
  '👨‍👩‍👧',
  '🇫🇷',
  '1\ufe0f\u20e3',
  '❤️',
  '❤',
  '𠀀',
  '\u001b[31m',
  '\u001b[0m',
  '\u200b',
  'ﾊ',
  'Ａ',
];
const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 30 }).map((p) => p.join(''));
const noAnsi = (s: string): string => s.replace(/\u001b\[[0-9;]*m/g, '');

describe('visibleWidth', () => {
  test('agrees with string-width on real-looking text and on arbitrary Unicode', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(visibleWidth(s)).toBe(stringWidth(s));
      }),
      { seed: 1616, numRuns: runs(2000) },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        expect(visibleWidth(s)).toBe(stringWidth(s));
      }),
      { seed: 1617, numRuns: runs(2000) },
    );
  });

  test('the cases people see: ☕ ⌚ ✅ 👍 two columns, a ZWJ family two, a combining accent none', () => {
    expect(visibleWidth('☕⌚✅👍')).toBe(8);
    expect(visibleWidth('👨‍👩‍👧')).toBe(2);
    expect(visibleWidth('e\u0301')).toBe(1);
    expect(visibleWidth('\u001b[31m中\u001b[0m')).toBe(2);
  });
});

describe('truncateVisible', () => {
  test('fits the width, ends with …, keeps whole clusters, and leaves what fits alone', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 40 }), (s, width) => {
        const cut = truncateVisible(s, width);
        expect(visibleWidth(cut)).toBeLessThanOrEqual(width);
        if (visibleWidth(s) <= width) {
          expect(cut).toBe(s);
          return;
        }
        const plain = noAnsi(cut);
        expect(plain.endsWith('…')).toBe(true);
        // The clusters kept are the first clusters of the input, whole.
        const kept = clusters(plain.slice(0, -1));
        expect(kept).toEqual(clusters(noAnsi(s)).slice(0, kept.length));
        // And nothing more would have fitted.
        const next = clusters(noAnsi(s))[kept.length];
        if (next !== undefined) expect(visibleWidth(plain) - 1 + stringWidth(next) + 1).toBeGreaterThan(width);
      }),
      { seed: 1618, numRuns: runs(3000) },
    );
  });
});

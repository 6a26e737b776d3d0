/**
 * Makes blessed lay text out at the widths the rest of the UI measures (display-width.ts, the
 * Unicode rules terminals follow). blessed's own table (2015) predates most emoji: it takes ☕, ✅
 * or 👍 for one column where terminals draw two, so everything after one on a row is drawn a
 * column off and the row overflows. blessed keeps a wide character as a cell followed by a
 * placeholder cell it then skips; its `unicode` module decides which characters are wide in two
 * places, both looked up at call time: `chars.all` (where placeholders go) and `charWidth` (which
 * cells are drawn two wide). Both are pointed at our measure, once, before the screen is built.
 *
 * One difference remains: blessed counts a line's length in UTF-16 units before cutting it to its
 * box, so a line with k characters outside the Basic Multilingual Plane (👍, 𠀀) or k combining
 * marks loses its last k columns to blanks — shorter, never wider, never shifted.
 */
import blessed from 'blessed';
import { visibleWidth } from '../output/display-width.js';

interface BlessedUnicode {
  charWidth(str: string | number, i?: number): number;
  codePointAt(str: string, i: number): number;
  chars: { all: RegExp | { [Symbol.replace](text: string, replacement: string): string } };
}

// Nothing below U+1100 is wide; most screens hold nothing above it.
const MAYBE_WIDE = /[^\u0000-\u10ff]/;
let taught = false;

function isWide(codePoint: number): boolean {
  return (
    codePoint >= 0x1100 &&
    !(codePoint >= 0xd800 && codePoint <= 0xdfff) &&
    visibleWidth(String.fromCodePoint(codePoint)) === 2
  );
}

export function teachBlessedWidths(): void {
  if (taught) return;
  taught = true;
  const unicode = (blessed as unknown as { unicode: BlessedUnicode }).unicode;
  const blessedWidth = unicode.charWidth.bind(unicode);
  unicode.charWidth = (str, i) => {
    const codePoint = typeof str === 'number' ? str : unicode.codePointAt(str, i ?? 0);
    return isWide(codePoint) ? 2 : Math.min(1, blessedWidth(codePoint)); // tabs and controls: as blessed says
  };
  // blessed calls `content.replace(chars.all, '$1\x03')`: a placeholder after every wide character.
  unicode.chars.all = {
    [Symbol.replace](text: string): string {
      if (!MAYBE_WIDE.test(text)) return text;
      let out = '';
      for (const ch of text) out += isWide(ch.codePointAt(0)!) ? `${ch}\u0003` : ch;
      return out;
    },
  };
}

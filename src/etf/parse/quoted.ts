/**
 * The inside of an Elixir quoted literal (`"…"`, `'…'`, `:"…"`, `~c"…"`) with Elixir's escapes
 * (elixir_interpolation.erl, 1.14): `\n \t \r \v \f \b \a \e \d \s \0`, `\xHH` (a byte),
 * `\x{H…}` and `\uHHHH` / `\u{H…}` (a code point), backslash-newline (nothing), and `\c` → `c`
 * for any other character. Unescaped `#{` is interpolation, which a literal cannot contain.
 */

const NAMED: Record<string, number> = {
  '0': 0,
  a: 7,
  b: 8,
  d: 127,
  e: 27,
  f: 12,
  n: 10,
  r: 13,
  s: 32,
  t: 9,
  v: 11,
};

export interface QuotedLiteral {
  /** The literal's bytes when read as a binary: UTF-8 text, `\xHH` as a raw byte. */
  bytes: Uint8Array;
  /** The literal's characters (for charlists and atoms): `\xHH` counts as code point HH. */
  codePoints: number[];
  /** Offset just after the closing quote. */
  end: number;
}

export type QuotedError = { error: string; offset: number };

const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9A-Fa-f]$/.test(c);

/**
 * Reads from `start` (just after the opening quote) to the closing `quote`.
 * Returns the literal, or where and why it is malformed.
 */
export function readQuoted(text: string, start: number, quote: string): QuotedLiteral | QuotedError {
  const bytes: number[] = [];
  const codePoints: number[] = [];
  const pushCodePoint = (cp: number): void => {
    codePoints.push(cp);
    if (cp < 0x80) bytes.push(cp);
    else if (cp < 0x800) bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else bytes.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  };
  let i = start;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === quote) return { bytes: Uint8Array.from(bytes), codePoints, end: i + 1 };
    if (ch === '#' && text[i + 1] === '{') return { error: 'interpolation (#{…}) is not a literal', offset: i };
    if (ch !== '\\') {
      const cp = text.codePointAt(i)!;
      pushCodePoint(cp);
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const esc = text[i + 1];
    if (esc === undefined) break;
    if (esc === '\n') {
      i += 2;
      continue;
    }
    if (esc === '\r' && text[i + 2] === '\n') {
      i += 3;
      continue;
    }
    if (esc === 'x' || esc === 'u') {
      let digits: string;
      let next: number;
      if (text[i + 2] === '{') {
        const close = text.indexOf('}', i + 3);
        digits = close < 0 ? '' : text.slice(i + 3, close);
        next = close + 1;
        if (!/^[0-9A-Fa-f]{1,6}$/.test(digits)) return { error: `invalid \\${esc}{…} escape`, offset: i };
      } else if (esc === 'x' && isHex(text[i + 2]) && isHex(text[i + 3])) {
        digits = text.slice(i + 2, i + 4);
        next = i + 4;
        const byte = parseInt(digits, 16);
        bytes.push(byte); // a byte, not a character: "\xFF" is <<255>>
        codePoints.push(byte);
        i = next;
        continue;
      } else if (esc === 'u' && /^[0-9A-Fa-f]{4}$/.test(text.slice(i + 2, i + 6))) {
        digits = text.slice(i + 2, i + 6);
        next = i + 6;
      } else {
        return { error: esc === 'x' ? 'invalid hex escape, expected \\xHH' : 'invalid Unicode escape, expected \\uHHHH or \\u{H…}', offset: i };
      }
      const cp = parseInt(digits, 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        return { error: `invalid or reserved Unicode code point \\u{${digits}}`, offset: i };
      }
      pushCodePoint(cp);
      i = next;
      continue;
    }
    const named = NAMED[esc];
    if (named !== undefined) pushCodePoint(named);
    else pushCodePoint(text.codePointAt(i + 1)!);
    i += 1 + (text.codePointAt(i + 1)! > 0xffff ? 2 : 1);
  }
  return { error: `missing closing ${quote}`, offset: start - 1 };
}

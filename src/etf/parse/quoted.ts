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
  text: string;
  /** Offset just after the closing quote. */
  end: number;
}

export type QuotedError = { error: string; offset: number };

const encoder = new TextEncoder();

/**
 * The literal as chunks: text, or a raw byte from `\xHH`. Kept apart because a raw byte is one
 * byte of a binary but one character of a charlist or atom.
 */
class Chunks {
  private readonly parts: Array<string | number> = [];
  private text = '';

  add(text: string): void {
    this.text += text;
  }

  byte(b: number): void {
    if (this.text !== '') this.parts.push(this.text);
    this.text = '';
    this.parts.push(b);
  }

  finish(end: number): QuotedLiteral {
    if (this.text !== '') this.parts.push(this.text);
    const parts = this.parts;
    if (parts.every((p) => typeof p === 'string')) {
      const text = parts.join('');
      return { bytes: encoder.encode(text), text, end };
    }
    const encoded = parts.map((p) => (typeof p === 'string' ? encoder.encode(p) : Uint8Array.of(p)));
    const bytes = new Uint8Array(encoded.reduce((n, e) => n + e.length, 0));
    let at = 0;
    for (const e of encoded) {
      bytes.set(e, at);
      at += e.length;
    }
    const text = parts.map((p) => (typeof p === 'string' ? p : String.fromCharCode(p))).join('');
    return { bytes, text, end };
  }
}

const SPECIAL = { '"': /["\\#]/g, "'": /['\\#]/g } as Record<string, RegExp>;

/**
 * Reads from `start` (just after the opening quote) to the closing `quote`.
 * Returns the literal, or where and why it is malformed.
 */
export function readQuoted(text: string, start: number, quote: '"' | "'"): QuotedLiteral | QuotedError {
  const chunks = new Chunks();
  const special = SPECIAL[quote]!;
  let i = start;
  for (;;) {
    special.lastIndex = i;
    const found = special.exec(text);
    if (found === null) return { error: `missing closing ${quote}`, offset: start - 1 };
    const at = found.index;
    chunks.add(text.slice(i, at));
    const ch = text[at]!;
    if (ch === quote) return chunks.finish(at + 1);
    if (ch === '#') {
      if (text[at + 1] === '{') return { error: 'interpolation (#{…}) is not a literal', offset: at };
      chunks.add('#');
      i = at + 1;
      continue;
    }
    const escape = readEscape(text, at);
    if ('error' in escape) return escape;
    if (escape.byte !== undefined) chunks.byte(escape.byte);
    else chunks.add(escape.text);
    i = escape.next;
  }
}

type Escape = { text: string; byte?: undefined; next: number } | { byte: number; next: number } | QuotedError;

/** The backslash escape at `at`. */
function readEscape(text: string, at: number): Escape {
  const esc = text[at + 1];
  if (esc === undefined) return { error: 'unfinished escape', offset: at };
  if (esc === '\n') return { text: '', next: at + 2 };
  if (esc === '\r' && text[at + 2] === '\n') return { text: '', next: at + 3 };
  if (esc === 'x' && /^[0-9A-Fa-f]{2}$/.test(text.slice(at + 2, at + 4))) {
    return { byte: parseInt(text.slice(at + 2, at + 4), 16), next: at + 4 }; // "\xFF" is <<255>>
  }
  if (esc === 'x' || esc === 'u') {
    let digits: string;
    let next: number;
    if (text[at + 2] === '{') {
      const close = text.indexOf('}', at + 3);
      digits = close < 0 ? '' : text.slice(at + 3, close);
      next = close + 1;
      if (!/^[0-9A-Fa-f]{1,6}$/.test(digits)) return { error: `invalid \\${esc}{…} escape`, offset: at };
    } else if (esc === 'u' && /^[0-9A-Fa-f]{4}$/.test(text.slice(at + 2, at + 6))) {
      digits = text.slice(at + 2, at + 6);
      next = at + 6;
    } else {
      return {
        error:
          esc === 'x' ? 'invalid hex escape, expected \\xHH' : 'invalid Unicode escape, expected \\uHHHH or \\u{H…}',
        offset: at,
      };
    }
    const cp = parseInt(digits, 16);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return { error: `invalid or reserved Unicode code point \\u{${digits}}`, offset: at };
    }
    return { text: String.fromCodePoint(cp), next };
  }
  const named = NAMED[esc];
  if (named !== undefined) return { text: String.fromCharCode(named), next: at + 2 };
  const cp = text.codePointAt(at + 1)!;
  return { text: String.fromCodePoint(cp), next: at + 1 + (cp > 0xffff ? 2 : 1) };
}

/**
 * Text rules shared by the renderers: when a binary may be shown as a string, when a list of
 * integers is a charlist, and how Elixir escapes text inside quotes. The rules are Elixir 1.14's
 * (`String.printable?/1`, `List.ascii_printable?/1`, `Code.Identifier.escape/2`) so that the
 * `inspect` renderer can reproduce Elixir byte for byte.
 */

import type { Term } from '../term.js';
import { utf8Text } from '../utf8-text.js';

// What `String.printable?` refuses in valid UTF-8 text: C0 controls other than \a..\r and \e,
// the C1 block, and the non-characters U+FFFE/U+FFFF. (DEL is accepted, as `\d`.)
const UNPRINTABLE = /[\x00-\x06\x0e-\x1a\x1c-\x1f\x80-\x9f\ufffe\uffff]/u;

/**
 * Elixir's `String.printable?/1`: valid UTF-8 whose characters are all printable. Returns the
 * decoded text when printable (so callers do not decode twice), else undefined.
 */
export function printableText(bytes: Uint8Array): string | undefined {
  const text = utf8Text(bytes);
  return text === undefined || UNPRINTABLE.test(text) ? undefined : text;
}

/**
 * Whether `bytes` are printable ASCII that escapeText leaves as they are inside double quotes (no
 * `"`, `\\`, `#{`, no control character): the common payload string is then quoted as it is,
 * without a scan for what to escape.
 */
export function isPlainQuotable(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x20 || b > 0x7e || b === 0x22 || b === 0x5c || (b === 0x23 && bytes[i + 1] === 0x7b)) return false;
  }
  return true;
}

/** The text of `bytes` when isPlainQuotable, else undefined. */
export function plainQuotableText(bytes: Uint8Array): string | undefined {
  return isPlainQuotable(bytes) ? utf8Text(bytes) : undefined;
}

/** Bytes as Latin-1 characters (each byte one UTF-16 unit). */
export function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/**
 * Elixir's `List.ascii_printable?/1`: a proper list of `\a..\r`, `\e` and 32..126. Returns the
 * characters as a string when it is one.
 */
export function asciiPrintableList(list: readonly Term[]): string | undefined {
  let out = '';
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (typeof c !== 'number') return undefined;
    if (!((c >= 7 && c <= 13) || c === 27 || (c >= 32 && c <= 126))) return undefined;
    out += String.fromCharCode(c);
  }
  return out;
}

const ESCAPES: Record<number, string> = {
  7: '\\a',
  8: '\\b',
  9: '\\t',
  10: '\\n',
  11: '\\v',
  12: '\\f',
  13: '\\r',
  27: '\\e',
  127: '\\d',
  92: '\\\\',
};

const HEX = '0123456789ABCDEF';

function hex(value: number, digits: number): string {
  let out = '';
  for (let shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += HEX[(value >> shift) & 15];
  return out;
}

/** How Elixir's escape writes a character that is not printable as is. */
function escapeCodePoint(cp: number, useNames = true): string {
  const named = useNames ? ESCAPES[cp] : undefined;
  if (named !== undefined) return named;
  if (cp === 0) return '\\0';
  if (cp === 0xfeff) return '\\uFEFF';
  if (cp < 0x100) return '\\x' + hex(cp, 2);
  if (cp < 0x10000) return '\\x{' + hex(cp, 4) + '}';
  return '\\x{' + hex(cp, 6) + '}';
}

// Everything escapeText may have to change; the rest of the text is copied as is. Printable are
// 0x20..0x7E, 0xA0..0xD7FF, 0xE000..0xFFFD and the astral planes, except U+FEFF (kept visible).
const NEEDS_ESCAPE = /["'\\]|#\{|[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufeff\ufffe\uffff]/gu;

/**
 * A node name inside `#PID<…>`, `#Port<…>`, `#Reference<…>`: as is when it is plain text, else
 * in quotes with escapes. Node names come off the wire, and one from hostile bytes must not put
 * control characters on a terminal (nor a `>` that ends the notation early).
 */
export function nodeNameText(name: string): string {
  return /[\x00-\x20\x7f-\x9f"<>\\]/.test(name) || name === '' ? '"' + escapeText(name, '"') + '"' : name;
}

/**
 * `Code.Identifier.escape(text, quote)` of Elixir 1.14: backslash-escapes the quote character,
 * `#{` (so it is not read back as interpolation), backslash and the named controls, and writes
 * other unprintable characters as `\xHH` / `\x{HHHH}`.
 */
export function escapeText(text: string, quote: '"' | "'"): string {
  return text.replace(NEEDS_ESCAPE, (m) => {
    if (m === '"' || m === "'") return m === quote ? '\\' + m : m;
    if (m === '\\') return '\\\\';
    if (m === '#{') return '\\#{';
    return escapeCodePoint(m.codePointAt(0)!);
  });
}

/** The UTF-8 character at `bytes[i]` as Erlang's `<<c::utf8>>` reads it, or undefined for an invalid byte. */
function utf8CharAt(bytes: Uint8Array, i: number): { cp: number; length: number } | undefined {
  const b0 = bytes[i]!;
  if (b0 < 0x80) return { cp: b0, length: 1 };
  const cont = (k: number, lo = 0x80, hi = 0xbf): number | undefined => {
    const b = bytes[i + k];
    return b !== undefined && b >= lo && b <= hi ? b & 0x3f : undefined;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    const c1 = cont(1);
    return c1 === undefined ? undefined : { cp: ((b0 & 0x1f) << 6) | c1, length: 2 };
  }
  if (b0 >= 0xe0 && b0 <= 0xef) {
    // No overlongs (E0 A0..), no surrogates (ED ..9F).
    const c1 = cont(1, b0 === 0xe0 ? 0xa0 : 0x80, b0 === 0xed ? 0x9f : 0xbf);
    const c2 = c1 === undefined ? undefined : cont(2);
    return c2 === undefined ? undefined : { cp: ((b0 & 0x0f) << 12) | (c1! << 6) | c2, length: 3 };
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const c1 = cont(1, b0 === 0xf0 ? 0x90 : 0x80, b0 === 0xf4 ? 0x8f : 0xbf);
    const c2 = c1 === undefined ? undefined : cont(2);
    const c3 = c2 === undefined ? undefined : cont(3);
    return c3 === undefined ? undefined : { cp: ((b0 & 0x07) << 18) | (c1! << 12) | (c2! << 6) | c3, length: 4 };
  }
  return undefined;
}

export interface ByteEscapeOptions {
  /** Byte written as `\` + itself (Code.Identifier.escape's `char`); none for raw text. */
  readonly quote?: number;
  /** Whether `#{` becomes `\#{` (it does inside every Elixir quote). */
  readonly interpolation: boolean;
  /** Characters with a named escape (Code.Identifier.escape's `fun`); the rest go by `\xHH`. */
  readonly named: Readonly<Record<number, string>>;
}

/**
 * `Code.Identifier.escape/4` of Elixir 1.14 over bytes: valid UTF-8 characters are kept when
 * printable and escaped otherwise, bytes that are not UTF-8 are written `\xHH`. With no quote,
 * no interpolation and no named escapes it makes wire text (a zone name) safe to print: the
 * only change to printable text is none at all.
 */
export function escapeBytes(bytes: Uint8Array, options: ByteEscapeOptions): string {
  let out = '';
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    if (b === options.quote) {
      out += '\\' + String.fromCharCode(b);
      i++;
      continue;
    }
    if (options.interpolation && b === 0x23 && bytes[i + 1] === 0x7b) {
      out += '\\#{';
      i += 2;
      continue;
    }
    const ch = utf8CharAt(bytes, i);
    if (ch === undefined) {
      out += '\\x' + hex(b, 2);
      i++;
      continue;
    }
    const named = options.named[ch.cp];
    if (named !== undefined) out += named;
    else if (isPrintableForEscape(ch.cp)) out += String.fromCodePoint(ch.cp);
    else out += escapeCodePoint(ch.cp, false);
    i += ch.length;
  }
  return out;
}

/** Code.Identifier's escape_char/1 keeps these as they are. */
function isPrintableForEscape(cp: number): boolean {
  return (
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/** Wire bytes that Elixir inserts as they are (a time zone, regex options): control characters escaped. */
export function rawText(bytes: Uint8Array): string {
  return escapeBytes(bytes, { interpolation: false, named: {} });
}

/**
 * Text rules shared by the renderers: when a binary may be shown as a string, when a list of
 * integers is a charlist, and how Elixir escapes text inside quotes. The rules are Elixir 1.14's
 * (`String.printable?/1`, `List.ascii_printable?/1`, `Code.Identifier.escape/2`) so that the
 * `inspect` renderer can reproduce Elixir byte for byte.
 */

import type { Term } from '../term.js';

// ignoreBOM: a leading U+FEFF is text, not a marker to drop. Fatal: Erlang's `<<c::utf8>>` refuses overlongs and surrogates, and so does WHATWG UTF-8.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The text of `bytes` when they are valid UTF-8 (no surrogates, no overlongs), else undefined. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Control characters `String.printable?` accepts: `\a \b \t \n \v \f \r \e` and DEL (`\d`). */
function isPrintableControl(byte: number): boolean {
  return (byte >= 7 && byte <= 13) || byte === 27 || byte === 127;
}

/** A code point above ASCII that `String.printable?` accepts. */
function isPrintableWide(cp: number): boolean {
  return (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/**
 * Elixir's `String.printable?/1`: valid UTF-8 whose characters are all printable. Returns the
 * decoded text when printable (so callers do not decode twice), else undefined.
 */
export function printableText(bytes: Uint8Array): string | undefined {
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b >= 0x80) {
      ascii = false;
      break;
    }
    if (b < 0x20 && !isPrintableControl(b)) return undefined;
  }
  if (ascii) return latin1(bytes);
  const text = decodeUtf8(bytes);
  if (text === undefined) return undefined;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20) {
      if (!isPrintableControl(cp)) return undefined;
    } else if (cp > 0x7f && !isPrintableWide(cp)) {
      return undefined;
    }
  }
  return text;
}

/** Bytes as Latin-1 characters (each byte one UTF-16 unit); chunked to stay off the stack limit. */
export function latin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return out;
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

/** How Elixir's escape writes one character that is not printable as is. */
function escapeCodePoint(cp: number): string {
  if (cp === 0) return '\\0';
  if (cp === 0xfeff) return '\\uFEFF';
  if (
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  ) {
    return String.fromCodePoint(cp);
  }
  if (cp < 0x100) return '\\x' + hex(cp, 2);
  if (cp < 0x10000) return '\\x{' + hex(cp, 4) + '}';
  return '\\x{' + hex(cp, 6) + '}';
}

/**
 * `Code.Identifier.escape(text, quote)` of Elixir 1.14: backslash-escapes the quote character,
 * `#{` (so it is not read back as interpolation), backslash and the named controls, and writes
 * other unprintable characters as `\xHH` / `\x{HHHH}`.
 */
export function escapeText(text: string, quote: '"' | "'"): string {
  let out = '';
  let plainFrom = 0;
  const q = quote.charCodeAt(0);
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const size = cp > 0xffff ? 2 : 1;
    let replacement: string | undefined;
    if (cp === q) replacement = '\\' + quote;
    else if (cp === 35 /* # */ && text.charCodeAt(i + 1) === 123 /* { */) {
      replacement = '\\#{';
      out += text.slice(plainFrom, i) + replacement;
      i += 2;
      plainFrom = i;
      continue;
    } else if (cp < 0x20 || cp >= 0x7f) {
      const named = ESCAPES[cp];
      const escaped = named ?? escapeCodePoint(cp);
      if (escaped.length !== size || escaped !== text.slice(i, i + size)) replacement = escaped;
    } else if (cp === 92) replacement = '\\\\';
    if (replacement !== undefined) {
      out += text.slice(plainFrom, i) + replacement;
      plainFrom = i + size;
    }
    i += size;
  }
  return out + text.slice(plainFrom);
}

/**
 * Lines UTF-8-encoded into one growing buffer as they come — no array of strings to join and
 * encode again — and taken out as one exactly sized, transferable chunk.
 *
 * Besides whole lines (`add`), a line can be written in pieces straight into the buffer (the
 * `--json` writer, ndjson-bytes.ts): ASCII text, JSON strings escaped as JSON.stringify escapes
 * them, and JSON text; every piece terminal-safe as jsonForTerminal makes a line (the characters
 * it escapes can only stand inside JSON strings, where `\uXXXX` means the same).
 */
import { jsonForTerminal } from '../text/terminal-safe.js';

/** Text known to be ASCII as its bytes: the fixed pieces writers keep to write per line. */
export function asciiBytes(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}

const INITIAL_BYTES = 256 * 1024;
/** After a burst grew the buffer past this, it shrinks back once taken. */
const KEEP_BYTES = 8 * 1024 * 1024;
const MAX_SPARES = 2;
const HEX = '0123456789abcdef';

export class Utf8Lines {
  private buffer = Buffer.allocUnsafeSlow(INITIAL_BYTES);
  private length = 0;
  /** Buffers handed out by takeOutput() and given back by recycle(), to write into again. */
  private readonly spares: ArrayBuffer[] = [];

  get byteLength(): number {
    return this.length;
  }

  add(line: string): void {
    this.text(line);
    this.newline();
  }

  /** `text` UTF-8-encoded, as it is. */
  text(text: string): void {
    // A UTF-16 unit takes at most 3 bytes in UTF-8 (a surrogate pair: 4 for 2 units).
    this.reserve(text.length * 3 + 1);
    this.length += this.buffer.write(text, this.length, 'utf8');
  }

  newline(): void {
    this.reserve(1);
    this.buffer[this.length++] = 0x0a;
  }

  /** Text known to be ASCII (literals, numbers, base64): one byte per unit. */
  ascii(text: string): void {
    const n = text.length;
    this.reserve(n);
    const buffer = this.buffer;
    let at = this.length;
    if (n > 32) at += buffer.write(text, at, 'latin1');
    else for (let i = 0; i < n; i++) buffer[at++] = text.charCodeAt(i);
    this.length = at;
  }

  /** One byte (an ASCII character's code). */
  byte(code: number): void {
    if (this.length >= this.buffer.length) this.grow(this.length + 1);
    this.buffer[this.length++] = code;
  }

  /**
   * An integer's decimal digits, written without making its string first; a number that is not
   * a safe integer is written as String() writes it (and -0 as 0, as String() does).
   */
  integer(n: number): void {
    if (!Number.isSafeInteger(n)) {
      this.ascii(String(n));
      return;
    }
    this.reserve(17);
    const buffer = this.buffer;
    if (n < 0) {
      buffer[this.length++] = 0x2d;
      n = -n;
    }
    let digits = 1;
    for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    let at = this.length + digits;
    this.length = at;
    do {
      const next = Math.floor(n / 10);
      buffer[--at] = 0x30 + (n - next * 10);
      n = next;
    } while (n > 0);
  }

  /** Bytes as they are (the caller knows they are what the line needs). */
  bytes(bytes: Uint8Array): void {
    const n = bytes.length;
    this.reserve(n);
    // Most are a few bytes (a payload string, an atom): a loop beats set()'s call for those.
    if (n > 16) this.buffer.set(bytes, this.length);
    else {
      const buffer = this.buffer;
      const at = this.length;
      for (let i = 0; i < n; i++) buffer[at + i] = bytes[i]!;
    }
    this.length += n;
  }

  /**
   * `bytes` inside a JSON string as they are, when they are printable ASCII that JSON does not
   * escape (no `"`, no `\\`): copied while checked, in one pass. Returns false, having written
   * nothing, for anything else (the caller takes its general path).
   */
  plainAscii(bytes: Uint8Array): boolean {
    const n = bytes.length;
    this.reserve(n);
    const buffer = this.buffer;
    const start = this.length;
    for (let i = 0; i < n; i++) {
      const b = bytes[i]!;
      if (b < 0x20 || b > 0x7e || b === 0x22 || b === 0x5c) return false;
      buffer[start + i] = b;
    }
    this.length = start + n;
    return true;
  }

  /** JSON text (already escaped as JSON), made terminal-safe as jsonForTerminal does. */
  jsonText(json: string): void {
    for (let i = 0; i < json.length; i++) {
      if (json.charCodeAt(i) >= 0x7f) {
        this.text(jsonForTerminal(json));
        return;
      }
    }
    this.ascii(json);
  }

  /**
   * `text` as a JSON string: `jsonForTerminal(JSON.stringify(text))`, UTF-8-encoded. Returns the
   * length of `JSON.stringify(text)` (what the renderers' budgets count).
   */
  jsonString(text: string): number {
    const n = text.length;
    // The longest form of a unit is a 6-character \u escape.
    this.reserve(n * 6 + 2);
    const buffer = this.buffer;
    let at = this.length;
    let units = n + 2;
    buffer[at++] = 0x22;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x7f) {
        if (c >= 0x20 && c !== 0x22 && c !== 0x5c) {
          buffer[at++] = c;
          continue;
        }
        buffer[at++] = 0x5c;
        units++;
        if (c === 0x22 || c === 0x5c) buffer[at++] = c;
        else if (c === 0x08)
          buffer[at++] = 0x62; // b
        else if (c === 0x09)
          buffer[at++] = 0x74; // t
        else if (c === 0x0a)
          buffer[at++] = 0x6e; // n
        else if (c === 0x0c)
          buffer[at++] = 0x66; // f
        else if (c === 0x0d)
          buffer[at++] = 0x72; // r
        else {
          at = unicodeEscape(buffer, at, c);
          units += 4;
        }
      } else if (c <= 0x9f || isBidiOrSeparator(c)) {
        buffer[at++] = 0x5c;
        at = unicodeEscape(buffer, at, c);
      } else if (c < 0x800) {
        buffer[at++] = 0xc0 | (c >> 6);
        buffer[at++] = 0x80 | (c & 0x3f);
      } else if (c < 0xd800 || c > 0xdfff) {
        buffer[at++] = 0xe0 | (c >> 12);
        buffer[at++] = 0x80 | ((c >> 6) & 0x3f);
        buffer[at++] = 0x80 | (c & 0x3f);
      } else {
        const low = i + 1 < n ? text.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
          buffer[at++] = 0xf0 | (cp >> 18);
          buffer[at++] = 0x80 | ((cp >> 12) & 0x3f);
          buffer[at++] = 0x80 | ((cp >> 6) & 0x3f);
          buffer[at++] = 0x80 | (cp & 0x3f);
          i++;
        } else {
          // A lone surrogate: JSON.stringify writes it as an escape.
          buffer[at++] = 0x5c;
          at = unicodeEscape(buffer, at, c);
          units += 5;
        }
      }
    }
    buffer[at++] = 0x22;
    this.length = at;
    return units;
  }

  /** Where the line being written starts: `rewind` to it drops what was written since. */
  mark(): number {
    return this.length;
  }

  rewind(mark: number): void {
    this.length = mark;
  }

  /** What was written since `mark`, taken out as bytes of their own (writing goes on at `mark`). */
  cutSince(mark: number): Uint8Array {
    const bytes = Uint8Array.prototype.slice.call(this.buffer, mark, this.length);
    this.length = mark;
    return bytes;
  }

  /** What was written since `mark`, as text. */
  textSince(mark: number): string {
    return this.buffer.toString('utf8', mark, this.length);
  }

  /** Everything added so far, in a buffer of its own (safe to transfer or hand to a stream). */
  take(): Uint8Array<ArrayBuffer> {
    // Its own ArrayBuffer (transferable), not zero-filled: every byte is copied over.
    const chunk = Buffer.allocUnsafeSlow(this.length);
    chunk.set(this.buffer.subarray(0, this.length));
    this.length = 0;
    if (this.buffer.length > KEEP_BYTES) this.buffer = Buffer.allocUnsafeSlow(INITIAL_BYTES);
    return chunk;
  }

  /**
   * Everything added so far, as a transferable chunk. When at least a quarter of the buffer is
   * used (a burst's output, tens to hundreds of KB) it is handed over as it is, with no copy, and
   * writing goes on in a spare given back through recycle() or a new buffer; a copy and a new
   * buffer per burst cost the `--json` render worker ~8% of its CPU. Else an exactly sized copy: a chunk
   * never holds more than four times the memory of its bytes (a slow reader may keep many chunks
   * queued, counted by their bytes). The chunk's ArrayBuffer may thus be larger than the chunk.
   */
  takeOutput(): Uint8Array<ArrayBuffer> {
    const full = this.buffer;
    if (this.length * 4 < full.length) return this.take();
    const chunk = new Uint8Array(full.buffer, full.byteOffset, this.length);
    const size = full.length > KEEP_BYTES ? INITIAL_BYTES : full.length;
    const i = this.spares.findIndex((spare) => spare.byteLength >= size);
    this.buffer = i >= 0 ? Buffer.from(this.spares.splice(i, 1)[0]!) : Buffer.allocUnsafeSlow(size);
    this.length = 0;
    return chunk;
  }

  /** A buffer takeOutput() handed out, once its bytes are written: kept (two at most) to write into again. */
  recycle(buffer: ArrayBuffer): void {
    if (this.spares.length < MAX_SPARES && Utf8Lines.recyclable(buffer)) this.spares.push(buffer);
  }

  /** Whether recycle() would keep `buffer` (one takeOutput() handed over, not a small copy). */
  static recyclable(buffer: ArrayBuffer): boolean {
    return buffer.byteLength >= INITIAL_BYTES && buffer.byteLength <= KEEP_BYTES;
  }

  /** Room for `bytes` more. */
  private reserve(bytes: number): void {
    if (this.length + bytes > this.buffer.length) this.grow(this.length + bytes);
  }

  private grow(needed: number): void {
    let size = this.buffer.length * 2;
    while (size < needed) size *= 2;
    const bigger = Buffer.allocUnsafeSlow(size);
    this.buffer.copy(bigger, 0, 0, this.length);
    this.buffer = bigger;
  }
}

/** `uXXXX` (lowercase hex, as JSON.stringify and jsonForTerminal write it) after a backslash. */
function unicodeEscape(buffer: Buffer, at: number, c: number): number {
  buffer[at++] = 0x75;
  buffer[at++] = HEX.charCodeAt((c >> 12) & 15);
  buffer[at++] = HEX.charCodeAt((c >> 8) & 15);
  buffer[at++] = HEX.charCodeAt((c >> 4) & 15);
  buffer[at++] = HEX.charCodeAt(c & 15);
  return at;
}

/** The characters above C1 that jsonForTerminal escapes (bidi controls, line/paragraph separators). */
function isBidiOrSeparator(c: number): boolean {
  return c === 0x061c || c === 0x200e || c === 0x200f || (c >= 0x2028 && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

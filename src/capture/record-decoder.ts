/**
 * Fast path for the one value a capture is made of: `[time, channel, pattern|nil, payload]`.
 * Going through the generic decoder costs a DataView, an array and a fresh UTF-8 decode of the
 * same channel name for every record; reading the fixed shape directly, and reusing the channel
 * and pattern strings while their bytes repeat, makes reading several times faster. Anything not
 * in the expected shape returns null and the caller uses @msgpack/msgpack, which stays the
 * reference (the tests check both agree).
 */
import type { RawMessage } from '../model/raw-message.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });
// Floats are read through one scratch buffer: a DataView per record would be garbage.
const floatBytes = new Uint8Array(8);
const floatView = new DataView(floatBytes.buffer);

function u32(bytes: Uint8Array, at: number): number {
  // Multiply the top byte: `<< 24` would turn values ≥ 2^31 negative.
  return bytes[at]! * 0x1000000 + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!);
}

function float(bytes: Uint8Array, at: number, size: 4 | 8): number {
  for (let i = 0; i < size; i++) floatBytes[i] = bytes[at + i]!;
  return size === 8 ? floatView.getFloat64(0) : floatView.getFloat32(0);
}

/** A string field's bytes and its decoded value, reused while the next record's bytes match. */
class RepeatedString {
  private bytes: Uint8Array = new Uint8Array(0);
  private value = '';

  /** `null` for bytes that are not valid UTF-8 (left to the generic decoder). */
  decode(source: Uint8Array, start: number, end: number): string | null {
    const length = end - start;
    if (length === this.bytes.length) {
      let same = true;
      for (let i = 0; i < length; i++) {
        if (source[start + i] !== this.bytes[i]) {
          same = false;
          break;
        }
      }
      if (same) return this.value;
    }
    let value: string;
    try {
      value = utf8.decode(source.subarray(start, end));
    } catch {
      return null;
    }
    this.bytes = source.slice(start, end);
    this.value = value;
    return value;
  }
}

export class RecordDecoder {
  private readonly channels = new RepeatedString();
  private readonly patterns = new RepeatedString();
  private pos = 0;

  /** Decodes the record occupying exactly `bytes[start, end)`, or returns null to defer. */
  decode(bytes: Uint8Array, start: number, end: number): RawMessage | null {
    if (bytes[start] !== 0x94) return null;
    this.pos = start + 1;
    const receivedAt = this.number(bytes);
    if (receivedAt === null) return null;
    const channel = this.string(bytes, this.channels);
    if (channel === null) return null;
    let pattern: string | null = null;
    if (bytes[this.pos] === 0xc0) {
      this.pos++;
    } else {
      pattern = this.string(bytes, this.patterns);
      if (pattern === null) return null;
    }
    const payloadLength = this.binLength(bytes);
    if (payloadLength < 0 || this.pos + payloadLength !== end) return null;
    // A copy, so a message kept by the caller doesn't pin the whole read chunk.
    return { receivedAt, channel, pattern, payload: bytes.slice(this.pos, end) };
  }

  private number(bytes: Uint8Array): number | null {
    const head = bytes[this.pos]!;
    const at = this.pos + 1;
    if (head <= 0x7f || head >= 0xe0) {
      this.pos = at;
      return head <= 0x7f ? head : head - 0x100;
    }
    switch (head) {
      // Same arithmetic as @msgpack/msgpack: 64-bit integers become (possibly inexact) numbers.
      case 0xcf:
        this.pos = at + 8;
        return u32(bytes, at) * 0x100000000 + u32(bytes, at + 4);
      case 0xd3:
        this.pos = at + 8;
        return (u32(bytes, at) | 0) * 0x100000000 + u32(bytes, at + 4);
      case 0xce:
        this.pos = at + 4;
        return u32(bytes, at);
      case 0xd2:
        this.pos = at + 4;
        return u32(bytes, at) | 0;
      case 0xcd:
        this.pos = at + 2;
        return (bytes[at]! << 8) | bytes[at + 1]!;
      case 0xd1:
        this.pos = at + 2;
        return (((bytes[at]! << 8) | bytes[at + 1]!) << 16) >> 16;
      case 0xcc:
        this.pos = at + 1;
        return bytes[at]!;
      case 0xd0:
        this.pos = at + 1;
        return (bytes[at]! << 24) >> 24;
      case 0xcb:
        this.pos = at + 8;
        return float(bytes, at, 8);
      case 0xca:
        this.pos = at + 4;
        return float(bytes, at, 4);
      default:
        return null;
    }
  }

  private string(bytes: Uint8Array, cache: RepeatedString): string | null {
    const head = bytes[this.pos]!;
    let length: number;
    let body: number;
    if (head >= 0xa0 && head <= 0xbf) {
      length = head & 0x1f;
      body = this.pos + 1;
    } else if (head === 0xd9) {
      length = bytes[this.pos + 1]!;
      body = this.pos + 2;
    } else if (head === 0xda) {
      length = (bytes[this.pos + 1]! << 8) | bytes[this.pos + 2]!;
      body = this.pos + 3;
    } else {
      return null; // str32 channel names do not happen; the generic decoder handles them
    }
    this.pos = body + length;
    return cache.decode(bytes, body, this.pos);
  }

  private binLength(bytes: Uint8Array): number {
    const head = bytes[this.pos]!;
    const at = this.pos;
    if (head === 0xc4) {
      this.pos = at + 2;
      return bytes[at + 1]!;
    }
    if (head === 0xc5) {
      this.pos = at + 3;
      return (bytes[at + 1]! << 8) | bytes[at + 2]!;
    }
    if (head === 0xc6) {
      this.pos = at + 5;
      return u32(bytes, at + 1);
    }
    return -1;
  }
}

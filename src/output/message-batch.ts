/**
 * Raw messages packed into one transferable ArrayBuffer, to hand a burst to the render worker in a
 * single postMessage (one per event-loop turn rather than one per message: structured-cloning
 * thousands of small objects would cost the receiving thread what it is meant to save).
 *
 * Layout per message, little-endian: f64 receivedAt, u32 channel index, u32 pattern index (or
 * NO_PATTERN), u32 payload length, the payload bytes. Channel and pattern strings travel once per
 * batch in a string table (a flood is on a handful of channels).
 */
import type { RawMessage } from '../model/raw-message.js';

const HEAD_BYTES = 20;
const NO_PATTERN = 0xffffffff;
const INITIAL_BYTES = 64 * 1024;

export interface MessageBatch {
  buffer: ArrayBuffer;
  /** Bytes of `buffer` in use. */
  length: number;
  count: number;
  strings: string[];
}

/** Collects messages into a batch; take() hands the batch over and starts a new one. */
export class BatchBuilder {
  private buffer = newBuffer(INITIAL_BYTES);
  private view = new DataView(this.buffer);
  private bytes = new Uint8Array(this.buffer);
  private used = 0;
  private messages = 0;
  private strings: string[] = [];
  private stringIndex = new Map<string, number>();
  private lastChannel: string | null = null;
  private lastChannelIndex = 0;
  private lastPattern: string | null = null;
  private lastPatternIndex = 0;

  get count(): number {
    return this.messages;
  }

  get length(): number {
    return this.used;
  }

  add(raw: RawMessage): void {
    const payload = raw.payload;
    const needed = this.used + HEAD_BYTES + payload.length;
    if (needed > this.buffer.byteLength) this.grow(needed);
    const at = this.used;
    const view = this.view;
    view.setFloat64(at, raw.receivedAt, true);
    const channel = this.indexOf(raw.channel);
    this.lastChannel = raw.channel;
    this.lastChannelIndex = channel;
    view.setUint32(at + 8, channel, true);
    let pattern = NO_PATTERN;
    if (raw.pattern !== null) {
      pattern = this.indexOf(raw.pattern);
      this.lastPattern = raw.pattern;
      this.lastPatternIndex = pattern;
    }
    view.setUint32(at + 12, pattern, true);
    view.setUint32(at + 16, payload.length, true);
    this.bytes.set(payload, at + HEAD_BYTES);
    this.used = needed;
    this.messages++;
  }

  /** The batch so far (its buffer is meant to be transferred), or null when empty. */
  take(): MessageBatch | null {
    if (this.messages === 0) return null;
    const batch = { buffer: this.buffer, length: this.used, count: this.messages, strings: this.strings };
    this.buffer = newBuffer(Math.max(INITIAL_BYTES, Math.min(this.used, 4 * 1024 * 1024)));
    this.view = new DataView(this.buffer);
    this.bytes = new Uint8Array(this.buffer);
    this.used = 0;
    this.messages = 0;
    this.strings = [];
    this.stringIndex = new Map();
    this.lastChannel = null;
    this.lastPattern = null;
    return batch;
  }

  private indexOf(text: string): number {
    // A flood is one channel and one pattern, the same string objects message after message.
    if (text === this.lastChannel) return this.lastChannelIndex;
    if (text === this.lastPattern) return this.lastPatternIndex;
    let index = this.stringIndex.get(text);
    if (index === undefined) {
      index = this.strings.length;
      this.strings.push(text);
      this.stringIndex.set(text, index);
    }
    return index;
  }

  private grow(needed: number): void {
    let size = this.buffer.byteLength * 2;
    while (size < needed) size *= 2;
    const bigger = newBuffer(size);
    const bytes = new Uint8Array(bigger);
    bytes.set(this.bytes.subarray(0, this.used));
    this.buffer = bigger;
    this.view = new DataView(bigger);
    this.bytes = bytes;
  }
}

/**
 * A transferable ArrayBuffer of its own, not zero-filled: a batch is made per event-loop turn, and
 * a zeroed 64 KiB one cost ~10 µs more (measured); only the bytes written are ever read.
 */
function newBuffer(size: number): ArrayBuffer {
  return Buffer.allocUnsafeSlow(size).buffer;
}

/** Calls `visit` for each message of a batch, in order; payloads are views into the batch. */
export function readBatch(batch: MessageBatch, visit: (raw: RawMessage) => void): void {
  const view = new DataView(batch.buffer, 0, batch.length);
  const strings = batch.strings;
  for (let at = 0; at < batch.length;) {
    const channelIndex = view.getUint32(at + 8, true);
    const patternIndex = view.getUint32(at + 12, true);
    const size = view.getUint32(at + 16, true);
    visit({
      receivedAt: view.getFloat64(at, true),
      channel: strings[channelIndex] ?? '',
      pattern: patternIndex === NO_PATTERN ? null : (strings[patternIndex] ?? null),
      payload: new Uint8Array(batch.buffer, at + HEAD_BYTES, size),
    });
    at += HEAD_BYTES + size;
  }
}

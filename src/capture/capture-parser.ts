/**
 * Turns capture bytes into segments and records, with no I/O: the streaming file reader feeds it
 * chunks, `decodeCaptureBytes` feeds it one buffer. It only ever decodes values whose extent is
 * known to lie inside the bytes it was given, so a cut-off tail never costs an earlier record and a
 * corrupt length field never turns into an allocation.
 */
import { Decoder } from '@msgpack/msgpack';
import type { RawMessage } from '../model/raw-message.js';
import { CaptureFormatError } from './capture-error.js';
import { headerFromWire, HEADER_SIGNATURE, type CaptureHeader } from './header.js';
import { InvalidMsgpackByteError, msgpackValueEnd } from './msgpack-extent.js';
import { RecordDecoder } from './record-decoder.js';
import { MAX_HEADER_BYTES } from './sniff.js';

/** One session's header and where it starts in the file. */
export interface CaptureSegment {
  /** 0 for the first session in the file, 1 for the first append, … */
  index: number;
  offset: number;
  header: CaptureHeader;
}

export type CaptureEntry =
  | { kind: 'segment'; segment: CaptureSegment }
  | { kind: 'record'; segmentIndex: number; offset: number; message: RawMessage }
  | BadRecord;

/**
 * A record whose shape is right but whose content cannot be used (a receive time that is no
 * time): reported in its place and skipped, so one bad record does not stop a whole file.
 */
export interface BadRecord {
  kind: 'bad-record';
  segmentIndex: number;
  offset: number;
  /** 1-based position among the file's records, as split numbers them. */
  number: number;
  reason: string;
}

/** Latest time a JS Date can hold (ms since 1970): beyond it toISOString throws. */
const MAX_TIME_MS = 8.64e15;

/** Why `ms` cannot be a receive time, or undefined when it can. */
function badTime(ms: number): string | undefined {
  if (Number.isFinite(ms) && ms >= 0 && ms <= MAX_TIME_MS) return undefined;
  return `its receive time ${ms} is not a time (milliseconds since 1970, 0 to ${MAX_TIME_MS})`;
}

/** The file ended inside a value (the writer was killed mid-write): what was dropped. */
export interface TruncatedTail {
  offset: number;
  bytes: number;
}

export interface CaptureParserOptions {
  /**
   * Largest record accepted, in bytes. Redis refuses bulk strings over proto-max-bulk-len
   * (512 MB by default), so anything larger is a corrupt length field, not a message.
   */
  maxRecordBytes?: number;
  /** When false, records are only measured and shape-checked by type byte, not decoded (fast scan). */
  decodeRecords?: boolean;
}

export const DEFAULT_MAX_RECORD_BYTES = 512 * 1024 * 1024 + 1024 * 1024;
/** Headers are a few hundred bytes; a bigger "header" is corruption or not a capture at all. */

export class CaptureParser {
  private readonly decoder = new Decoder();
  private readonly records = new RecordDecoder();
  private readonly maxRecordBytes: number;
  private readonly decodeRecords: boolean;
  readonly segments: CaptureSegment[] = [];
  recordCount = 0;
  /** After `parse`: where (relative to the bytes given) the first incomplete value would end at least. */
  neededEnd = 0;
  /**
   * Set by `parse` when it met bad content; the entries it returned are those before the fault.
   * The caller delivers them, then throws this. Parsing must not continue afterwards.
   */
  fault: CaptureFormatError | null = null;

  constructor(
    private readonly source: string,
    options: CaptureParserOptions = {},
  ) {
    this.maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    this.decodeRecords = options.decodeRecords ?? true;
  }

  /**
   * Parses every whole value in `bytes[start, limit)`, where `bytes[start]` sits at `fileOffset`
   * in the file. Returns the entries and the position of the first byte not consumed (the start
   * of an incomplete value, or `limit`). Payloads are copied, so `bytes` may be reused afterwards.
   * Bad content sets `fault` instead of throwing.
   */
  parse(bytes: Uint8Array, start: number, limit: number, fileOffset: number, entries: CaptureEntry[]): number {
    let pos = start;
    this.neededEnd = limit;
    try {
      pos = this.parseValues(bytes, start, limit, fileOffset, entries);
    } catch (err) {
      if (!(err instanceof CaptureFormatError)) throw err;
      // Kept, not thrown: the entries parsed before the fault are still delivered first.
      this.fault = err;
    }
    return pos;
  }

  private parseValues(
    bytes: Uint8Array,
    start: number,
    limit: number,
    fileOffset: number,
    entries: CaptureEntry[],
  ): number {
    let pos = start;
    while (pos < limit) {
      const at = fileOffset + (pos - start);
      if (this.segments.length === 0 && !isMapHead(bytes[pos]!)) {
        // Decided by the first byte, so a non-capture is rejected without reading on.
        throw this.notACapture(at, `the first value is ${describeHead(bytes[pos]!)}, not the header map`);
      }
      const end = this.valueEnd(bytes, pos, limit, at);
      if (end > limit) {
        this.checkIncompleteSize(bytes[pos]!, end - pos, at);
        this.neededEnd = end;
        return pos;
      }
      this.takeValue(bytes, pos, end, at, entries);
      pos = end;
    }
    return pos;
  }

  /**
   * Called at end of input with the unconsumed bytes (an incomplete value, possibly empty).
   * `tail` may be a prefix of them when the reader stopped reading early; `tailLength` is the
   * true count.
   *
   * @throws CaptureFormatError when the file holds no complete header.
   */
  finish(tail: Uint8Array, tailOffset: number, tailLength: number): TruncatedTail | null {
    if (this.segments.length === 0) {
      if (tailOffset + tailLength === 0) throw this.notACapture(0, 'the file is empty');
      if (looksLikeHeaderStart(tail)) {
        throw new CaptureFormatError(
          this.source,
          0,
          `the capture header is cut off (the file ends at byte ${tailOffset + tailLength})`,
        );
      }
      throw this.notACapture(0, 'it does not start with a capture header');
    }
    return tailLength === 0 ? null : { offset: tailOffset, bytes: tailLength };
  }

  private valueEnd(bytes: Uint8Array, pos: number, limit: number, at: number): number {
    try {
      return msgpackValueEnd(bytes, pos, limit);
    } catch (err) {
      if (!(err instanceof InvalidMsgpackByteError)) throw err;
      const where = at + (err.offset - pos);
      // Before any header the file as a whole is at fault, so name its start and say where inside.
      if (this.segments.length === 0) throw this.notACapture(at, `${err.message}, at byte ${where}`);
      throw this.corrupt(where, err.message);
    }
  }

  /** A value that cannot complete within its size limit is corruption: fail before reading on. */
  private checkIncompleteSize(head: number, minSize: number, at: number): void {
    const limit = isMapHead(head) ? MAX_HEADER_BYTES : this.maxRecordBytes;
    if (minSize <= limit) return;
    const what = `the value at this offset declares at least ${minSize} bytes (limit ${limit})`;
    throw this.segments.length === 0 ? this.notACapture(at, what) : this.corrupt(at, what);
  }

  private takeValue(bytes: Uint8Array, pos: number, end: number, at: number, entries: CaptureEntry[]): void {
    const head = bytes[pos]!;
    if (isArrayHead(head)) {
      // The fast scan (used before appending) trusts the array head; full reads check the shape.
      if (!this.decodeRecords) {
        this.recordCount++;
        return;
      }
      const message = this.records.decode(bytes, pos, end) ?? toRawMessage(this.decode(bytes, pos, end, at));
      if (message === null) throw this.corrupt(at, 'record is not [time, channel, pattern|nil, payload]');
      this.recordCount++;
      const segmentIndex = this.segments.length - 1;
      const reason = badTime(message.receivedAt);
      if (reason === undefined) entries.push({ kind: 'record', segmentIndex, offset: at, message });
      else entries.push({ kind: 'bad-record', segmentIndex, offset: at, number: this.recordCount, reason });
      return;
    }
    if (!isMapHead(head)) {
      throw this.corrupt(at, `found ${describeHead(head)} where a record or a header belongs`);
    }
    const parsed = headerFromWire(this.decode(bytes, pos, end, at));
    if (!parsed.ok) {
      throw this.segments.length === 0
        ? this.notACapture(at, `the first value is not a capture header: ${parsed.reason}`)
        : this.corrupt(at, `a map that is not a capture header: ${parsed.reason}`);
    }
    const segment: CaptureSegment = { index: this.segments.length, offset: at, header: parsed.header };
    this.segments.push(segment);
    entries.push({ kind: 'segment', segment });
  }

  private decode(bytes: Uint8Array, pos: number, end: number, at: number): unknown {
    try {
      return this.decoder.decode(bytes.subarray(pos, end));
    } catch (err) {
      // DecodeError/RangeError from the library: e.g. a map key that is neither string nor number.
      const why = `undecodable value (${err instanceof Error ? err.message : String(err)})`;
      throw this.segments.length === 0 ? this.notACapture(at, why) : this.corrupt(at, why);
    }
  }

  private notACapture(at: number, why: string): CaptureFormatError {
    return new CaptureFormatError(this.source, at, `not a redis-print capture (${why})`);
  }

  private corrupt(at: number, why: string): CaptureFormatError {
    return new CaptureFormatError(this.source, at, `corrupt capture: ${why}`);
  }
}

function toRawMessage(value: unknown): RawMessage | null {
  if (!Array.isArray(value) || value.length !== 4) return null;
  const [receivedAt, channel, pattern, payload] = value as unknown[];
  if (typeof receivedAt !== 'number' || typeof channel !== 'string') return null;
  if (pattern !== null && typeof pattern !== 'string') return null;
  if (!(payload instanceof Uint8Array)) return null;
  // The decoder returns a view into the read chunk; copy so a kept message doesn't pin the chunk.
  return { receivedAt, channel, pattern, payload: payload.slice() };
}

function isArrayHead(head: number): boolean {
  return (head >= 0x90 && head <= 0x9f) || head === 0xdc || head === 0xdd;
}

function isMapHead(head: number): boolean {
  return (head >= 0x80 && head <= 0x8f) || head === 0xde || head === 0xdf;
}

/** True when the bytes seen so far agree with how every capture starts (header map, `format` first). */
function looksLikeHeaderStart(bytes: Uint8Array): boolean {
  if (bytes.length === 0 || !isMapHead(bytes[0]!)) return false;
  const skip = bytes[0] === 0xde ? 3 : bytes[0] === 0xdf ? 5 : 1;
  for (let i = skip; i < bytes.length && i - skip < HEADER_SIGNATURE.length; i++) {
    if (bytes[i] !== HEADER_SIGNATURE[i - skip]) return false;
  }
  return true;
}

function describeHead(head: number): string {
  if (head <= 0x7f || head >= 0xe0) return 'an integer';
  if (head <= 0x8f || head === 0xde || head === 0xdf) return 'a map';
  if (head <= 0x9f || head === 0xdc || head === 0xdd) return 'an array';
  if (head <= 0xbf || (head >= 0xd9 && head <= 0xdb)) return 'a string';
  if (head === 0xc0) return 'nil';
  if (head === 0xc2 || head === 0xc3) return 'a boolean';
  if (head >= 0xc4 && head <= 0xc6) return 'binary data';
  if (head === 0xca || head === 0xcb) return 'a float';
  if (head >= 0xcc && head <= 0xd3) return 'an integer';
  return 'an extension value';
}

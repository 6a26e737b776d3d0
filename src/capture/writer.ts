/**
 * Records raw messages to a capture file. `write()` is synchronous and never drops what it
 * accepted: records are encoded into memory at once and written in order by one background
 * chain, at least every `flushIntervalMs` (≤ 1 s), whenever `flushBytes` have piled up, and on
 * `flush()`/`close()`. A SIGKILL therefore loses at most the last interval, and a write cut in
 * half only leaves a torn tail that the reader reports and the next append trims.
 */
import type { FileHandle } from 'node:fs/promises';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { Encoder, encode } from '@msgpack/msgpack';
import type { RawMessage } from '../model/raw-message.js';
import { completeHeader, headerToWire, type CaptureHeader, type CaptureHeaderInput } from './header.js';
import { scanCapture } from './reader.js';

export interface CaptureWriterOptions {
  /**
   * Add a new segment (header + records) after the existing content. The existing file must be a
   * capture; a torn last record left by a killed writer is cut off first. A missing or empty
   * file is simply created.
   */
  append?: boolean;
  /** Replace an existing file. With neither append nor overwrite, an existing file is an error. */
  overwrite?: boolean;
  /** Longest time an accepted record waits in memory. Default 200 ms; 1–1000 allowed. */
  flushIntervalMs?: number;
  /** Pending bytes that trigger a write before the timer fires. Default 1 MiB. */
  flushBytes?: number;
  /** Told once when a background write fails; later write()/flush()/close() throw that error. */
  onError?: (error: Error) => void;
}

export interface CaptureWriterStats {
  /** Records accepted by write() in this session. */
  records: number;
  /** Bytes accepted in this session, header included. */
  bytes: number;
  /** Records handed to the OS (they survive the process being killed). */
  flushedRecords: number;
  flushedBytes: number;
}

/** What appending found in the existing file. */
export interface AppendReport {
  previousSegments: number;
  previousRecords: number;
  /** Bytes of a torn last record that were cut off before appending (0 if the file ended cleanly). */
  droppedTailBytes: number;
}

const DEFAULT_FLUSH_INTERVAL_MS = 200;
const DEFAULT_FLUSH_BYTES = 1024 * 1024;
const CHUNK_BYTES = 256 * 1024;
/**
 * Chunks written out are kept, this many at most, to be filled again: a new 256 KiB chunk is fresh
 * memory from the OS, which costs a page fault for every 4 KiB written into it the first time
 * (measured in a flood of 300 000 messages: `record`'s reading thread 40–46 → 36–39 ticks).
 */
const MAX_SPARE_CHUNKS = 8;
const NO_CHUNK = new Uint8Array(0);
const NIL = Uint8Array.of(0xc0);

/**
 * Channel and pattern names as msgpack strings, encoded once: a flood comes on a handful of
 * channels. Bounded (forgotten all at once when full), as channel names come off the wire.
 */
class EncodedStrings {
  private readonly encoded = new Map<string, Uint8Array>();
  private lastText = '';
  private lastBytes: Uint8Array = encode('');

  of(text: string): Uint8Array {
    // The subscriber gives the same string object for a run of messages on one channel.
    if (text === this.lastText) return this.lastBytes;
    let bytes = this.encoded.get(text);
    if (bytes === undefined) {
      if (this.encoded.size >= 1024) this.encoded.clear();
      bytes = encode(text).slice();
      this.encoded.set(text, bytes);
    }
    this.lastText = text;
    this.lastBytes = bytes;
    return bytes;
  }
}

export class CaptureWriter {
  private readonly encoder = new Encoder();
  private readonly channels = new EncodedStrings();
  private readonly patterns = new EncodedStrings();
  private chunk: Uint8Array = NO_CHUNK;
  private chunkUsed = 0;
  private sealed: Uint8Array[] = [];
  /** Whole chunks whose bytes are in `sealed`: spares once written. */
  private retired: Uint8Array[] = [];
  private readonly spares: Uint8Array[] = [];
  private pendingBytes = 0;
  private pendingRecords = 0;
  private writeChain: Promise<void> = Promise.resolve();
  private failure: Error | null = null;
  private closing: Promise<void> | null = null;
  private readonly timer: NodeJS.Timeout;
  private readonly counts: CaptureWriterStats;

  private constructor(
    readonly path: string,
    private readonly file: FileHandle,
    readonly header: CaptureHeader,
    readonly appendReport: AppendReport | null,
    headerBytes: number,
    private readonly flushBytes: number,
    flushIntervalMs: number,
    private readonly onError: ((error: Error) => void) | undefined,
  ) {
    this.counts = { records: 0, bytes: headerBytes, flushedRecords: 0, flushedBytes: headerBytes };
    this.timer = setInterval(() => {
      if (this.pendingBytes > 0) void this.scheduleWrite();
    }, flushIntervalMs);
    // A recorder must not keep the process alive by itself; callers close() on shutdown.
    this.timer.unref();
  }

  /**
   * Opens `path` (exactly that file, nothing derived from content) and writes the session header
   * before resolving, so the file is a valid capture from the first moment.
   */
  static async open(
    path: string,
    headerInput: CaptureHeaderInput,
    options: CaptureWriterOptions = {},
  ): Promise<CaptureWriter> {
    const flushIntervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    if (!(flushIntervalMs >= 1 && flushIntervalMs <= 1000)) {
      throw new RangeError(`flushIntervalMs must be 1–1000, got ${flushIntervalMs}`);
    }
    const flushBytes = options.flushBytes ?? DEFAULT_FLUSH_BYTES;
    if (!(flushBytes >= 1)) throw new RangeError(`flushBytes must be at least 1, got ${flushBytes}`);
    const header = completeHeader(headerInput);
    const headerBytes = encode(headerToWire(header));
    const file = await openExactly(path, options);
    try {
      const appendReport = options.append ? await prepareAppend(path, file) : null;
      await writeFully(file, [headerBytes]);
      return new CaptureWriter(
        path,
        file,
        header,
        appendReport,
        headerBytes.length,
        flushBytes,
        flushIntervalMs,
        options.onError,
      );
    } catch (err) {
      await file.close();
      throw err;
    }
  }

  get stats(): CaptureWriterStats {
    return { ...this.counts };
  }

  /** Accepts one message; it reaches the file by the next flush. Throws after close() or a write failure. */
  write(message: RawMessage): void {
    if (this.failure !== null) throw this.failure;
    if (this.closing !== null) throw new Error(`${this.path}: capture writer is closed`);
    // Checked here because a wrong type would be written fine and only fail when read back.
    if (
      typeof message.receivedAt !== 'number' ||
      typeof message.channel !== 'string' ||
      !(message.payload instanceof Uint8Array)
    ) {
      throw new TypeError('capture record needs receivedAt: number, channel: string, payload: Uint8Array');
    }
    if (message.pattern !== null && typeof message.pattern !== 'string') {
      throw new TypeError('capture record pattern must be a string or null');
    }
    const length = this.encodeRecord(message);
    this.pendingBytes += length;
    this.pendingRecords++;
    this.counts.records++;
    this.counts.bytes += length;
    if (this.pendingBytes >= this.flushBytes) void this.scheduleWrite();
  }

  /**
   * Appends the record `[receivedAt, channel, pattern, payload]` to the chunk, in exactly the bytes
   * the msgpack Encoder gives, and returns its length. A live message (a whole-millisecond time,
   * channel names seen before) is written straight into the chunk: it is what a flood is made of,
   * and encoding it as a generic array costs `record` more than reading it from Redis.
   */
  private encodeRecord(message: RawMessage): number {
    const { receivedAt, payload } = message;
    if (!(Number.isSafeInteger(receivedAt) && receivedAt >= 0x100000000)) {
      const record = this.encoder.encodeSharedRef([receivedAt, message.channel, message.pattern, payload]);
      this.reserve(record.length);
      this.chunk.set(record, this.chunkUsed);
      this.chunkUsed += record.length;
      return record.length;
    }
    const channel = this.channels.of(message.channel);
    const pattern = message.pattern === null ? NIL : this.patterns.of(message.pattern);
    const size = payload.length;
    const binHead = size < 0x100 ? 2 : size < 0x10000 ? 3 : 5;
    const length = 1 + 9 + channel.length + pattern.length + binHead + size;
    this.reserve(length);
    const chunk = this.chunk;
    let at = this.chunkUsed;
    chunk[at++] = 0x94; // fixarray of 4
    // uint 64, big-endian
    const high = Math.floor(receivedAt / 0x100000000);
    const low = receivedAt >>> 0;
    chunk[at++] = 0xcf;
    chunk[at++] = high >>> 24;
    chunk[at++] = (high >>> 16) & 0xff;
    chunk[at++] = (high >>> 8) & 0xff;
    chunk[at++] = high & 0xff;
    chunk[at++] = low >>> 24;
    chunk[at++] = (low >>> 16) & 0xff;
    chunk[at++] = (low >>> 8) & 0xff;
    chunk[at++] = low & 0xff;
    chunk.set(channel, at);
    at += channel.length;
    chunk.set(pattern, at);
    at += pattern.length;
    if (size < 0x100) {
      chunk[at++] = 0xc4;
      chunk[at++] = size;
    } else if (size < 0x10000) {
      chunk[at++] = 0xc5;
      chunk[at++] = size >>> 8;
      chunk[at++] = size & 0xff;
    } else {
      chunk[at++] = 0xc6;
      chunk[at++] = size >>> 24;
      chunk[at++] = (size >>> 16) & 0xff;
      chunk[at++] = (size >>> 8) & 0xff;
      chunk[at++] = size & 0xff;
    }
    chunk.set(payload, at);
    this.chunkUsed = at + size;
    return length;
  }

  private reserve(bytes: number): void {
    if (bytes > this.chunk.length - this.chunkUsed) this.sealChunk(bytes);
  }

  /** Resolves once every record accepted so far has been handed to the OS (not fsynced). */
  async flush(): Promise<void> {
    await this.scheduleWrite();
    if (this.failure !== null) throw this.failure;
  }

  /** Flushes, fsyncs and closes. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.finish();
    return this.closing;
  }

  private async finish(): Promise<void> {
    clearInterval(this.timer);
    await this.scheduleWrite();
    try {
      if (this.failure === null) await this.file.sync();
    } finally {
      await this.file.close();
    }
    if (this.failure !== null) throw this.failure;
  }

  /** Queues everything pending as one ordered write. The returned chain never rejects. */
  private scheduleWrite(): Promise<void> {
    if (this.pendingBytes === 0) return this.writeChain;
    this.sealChunk(0);
    const batch = this.sealed;
    const retired = this.retired;
    const records = this.pendingRecords;
    const bytes = this.pendingBytes;
    this.sealed = [];
    this.retired = [];
    this.pendingRecords = 0;
    this.pendingBytes = 0;
    this.writeChain = this.writeChain.then(async () => {
      if (this.failure !== null) return;
      try {
        await writeFully(this.file, batch);
        this.counts.flushedRecords += records;
        this.counts.flushedBytes += bytes;
        // The OS has the bytes (write copies them): the chunks may be filled again.
        for (const chunk of retired) if (this.spares.length < MAX_SPARE_CHUNKS) this.spares.push(chunk);
      } catch (err) {
        this.failure = err instanceof Error ? err : new Error(String(err));
        this.onError?.(this.failure);
      }
    });
    return this.writeChain;
  }

  /**
   * Moves the filled part of the current chunk to the write queue. A new chunk (≥ minBytes) is
   * only allocated when a record needs room, so an idle recorder's timer makes no garbage.
   */
  private sealChunk(minBytes: number): void {
    if (this.chunkUsed > 0) this.sealed.push(this.chunk.subarray(0, this.chunkUsed));
    if (this.chunk.length === CHUNK_BYTES) this.retired.push(this.chunk);
    this.chunk = minBytes === 0 ? NO_CHUNK : this.newChunk(minBytes);
    this.chunkUsed = 0;
  }

  private newChunk(minBytes: number): Uint8Array {
    const spare = minBytes <= CHUNK_BYTES ? this.spares.pop() : undefined;
    // Not zero-filled (256 KiB per ~1 000 small records): only the bytes written are ever read.
    return spare ?? Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, minBytes));
  }
}

const { O_WRONLY, O_CREAT, O_APPEND, O_TRUNC, O_EXCL, O_NOFOLLOW } = constants;

/**
 * Opens the file at `path` itself, never what a symbolic link there points to: a link planted
 * where the user records (a shared /tmp) must not turn a recording into a write elsewhere. A new
 * file is created exclusively; appending and overwriting refuse a link (O_NOFOLLOW).
 */
async function openExactly(path: string, options: CaptureWriterOptions): Promise<FileHandle> {
  const flags = options.append
    ? O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW
    : options.overwrite
      ? O_WRONLY | O_TRUNC | O_CREAT | O_NOFOLLOW
      : O_WRONLY | O_CREAT | O_EXCL;
  try {
    return await open(path, flags, 0o666);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new Error(`${path} is a symbolic link: not writing through it (name the file itself)`);
    }
    throw err;
  }
}

async function prepareAppend(path: string, file: FileHandle): Promise<AppendReport> {
  if ((await file.stat()).size === 0) return { previousSegments: 0, previousRecords: 0, droppedTailBytes: 0 };
  // Throws CaptureFormatError for a file that is not a capture: never append to something else.
  const existing = await scanCapture(path);
  const tail = existing.truncatedTail;
  // A torn record must go, or the new header would be read as the rest of it.
  if (tail !== null) await file.truncate(tail.offset);
  return {
    previousSegments: existing.segments.length,
    previousRecords: existing.records,
    droppedTailBytes: tail?.bytes ?? 0,
  };
}

/** writev until every byte is out: the OS may accept less than asked. */
async function writeFully(file: FileHandle, buffers: Uint8Array[]): Promise<void> {
  let pending = buffers;
  while (pending.length > 0) {
    const { bytesWritten } = await file.writev(pending);
    pending = dropWritten(pending, bytesWritten);
  }
}

function dropWritten(buffers: Uint8Array[], written: number): Uint8Array[] {
  let i = 0;
  while (i < buffers.length && written >= buffers[i]!.length) {
    written -= buffers[i]!.length;
    i++;
  }
  const rest = buffers.slice(i);
  if (written > 0 && rest.length > 0) rest[0] = rest[0]!.subarray(written);
  return rest;
}

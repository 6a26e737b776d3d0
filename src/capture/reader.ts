/**
 * Streaming capture reader: reads the file in chunks and hands each chunk to a CaptureParser, so
 * memory stays at about one chunk (plus the largest record) whatever the file size.
 */
import { open } from 'node:fs/promises';
import { CaptureFormatError } from './capture-error.js';
import type { RawMessage } from '../model/raw-message.js';
import {
  CaptureParser,
  type CaptureEntry,
  type CaptureParserOptions,
  type BadRecord,
  type CaptureSegment,
  type TruncatedTail,
} from './capture-parser.js';

export interface CaptureReadOptions {
  /** See CaptureParserOptions.maxRecordBytes. */
  maxRecordBytes?: number;
  /** Bytes read per system call; default 1 MiB. */
  chunkBytes?: number;
}

export interface CaptureSummary {
  segments: CaptureSegment[];
  records: number;
  /** Size of the file when reading ended. */
  fileBytes: number;
  /** Set when the file ends inside a record (writer killed mid-write); the records before it are intact. */
  truncatedTail: TruncatedTail | null;
}

const DEFAULT_CHUNK_BYTES = 1024 * 1024;

/**
 * `for await (const entry of readCapture(path))` yields each segment header as it starts and each
 * record; `summary` is set once iteration has reached the end of the file.
 * Content problems throw CaptureFormatError (after yielding every record before the fault).
 */
export class CaptureReader implements AsyncIterable<CaptureEntry> {
  private result: CaptureSummary | null = null;

  constructor(
    readonly path: string,
    private readonly options: CaptureReadOptions = {},
  ) {}

  /** Null until the iteration has completed. */
  get summary(): CaptureSummary | null {
    return this.result;
  }

  [Symbol.asyncIterator](): AsyncIterator<CaptureEntry> {
    return this.entries();
  }

  async *entries(): AsyncGenerator<CaptureEntry, void, undefined> {
    for await (const batch of this.batches()) {
      for (const entry of batch) yield entry;
    }
  }

  /**
   * Only the records, as the rest of the program consumes them. A bad record (see BadRecord) is
   * handed to `onBadRecord` in its place, in file order; without a handler it stops the reading
   * as a CaptureFormatError.
   */
  async *messages(onBadRecord?: (bad: BadRecord) => void): AsyncGenerator<RawMessage, void, undefined> {
    for await (const batch of this.batches()) {
      for (const entry of batch) {
        if (entry.kind === 'record') yield entry.message;
        else if (entry.kind === 'bad-record') {
          if (onBadRecord === undefined) throw badRecordError(this.path, entry);
          onBadRecord(entry);
        }
      }
    }
  }

  /**
   * The entries of each read chunk as one array: one await per chunk instead of per record,
   * for consumers that go through a whole file.
   */
  batches(): AsyncGenerator<CaptureEntry[], void, undefined> {
    const parser = new CaptureParser(this.path, parserOptions(this.options, true));
    return readParsed(this.path, parser, this.options.chunkBytes ?? DEFAULT_CHUNK_BYTES, (summary) => {
      this.result = summary;
    });
  }
}

/** The one-line description every command prints for a bad record. */
export function describeBadRecord(path: string, bad: BadRecord): string {
  return `${path}: record ${bad.number} at byte ${bad.offset}: ${bad.reason}; skipped`;
}

function badRecordError(path: string, bad: BadRecord): CaptureFormatError {
  return new CaptureFormatError(path, bad.offset, `record ${bad.number}: ${bad.reason}`);
}

export function readCapture(path: string, options?: CaptureReadOptions): CaptureReader {
  return new CaptureReader(path, options);
}

/**
 * Checks a whole file without decoding record bodies: segments, record count and any cut-off
 * tail. Much faster than reading; used before appending to an existing capture.
 *
 * @throws CaptureFormatError
 */
export async function scanCapture(path: string, options: CaptureReadOptions = {}): Promise<CaptureSummary> {
  const parser = new CaptureParser(path, parserOptions(options, false));
  let summary: CaptureSummary | null = null;
  const batches = readParsed(path, parser, options.chunkBytes ?? DEFAULT_CHUNK_BYTES, (s) => {
    summary = s;
  });
  for await (const batch of batches) void batch;
  if (summary === null) throw new Error(`${path}: scan ended without a summary`); // unreachable
  return summary;
}

function parserOptions(options: CaptureReadOptions, decodeRecords: boolean): CaptureParserOptions {
  return options.maxRecordBytes === undefined
    ? { decodeRecords }
    : { decodeRecords, maxRecordBytes: options.maxRecordBytes };
}

/** Yields the entries of each chunk; calls `done` with the summary once the end is reached. */
async function* readParsed(
  path: string,
  parser: CaptureParser,
  chunkBytes: number,
  done: (summary: CaptureSummary) => void,
): AsyncGenerator<CaptureEntry[], void, undefined> {
  const file = await open(path, 'r');
  try {
    let fileSize = (await file.stat()).size;
    let buf = new Uint8Array(chunkBytes);
    let start = 0; // buf[start, end) holds bytes not yet consumed by the parser…
    let end = 0;
    let startOffset = 0; // …and buf[start] is at this offset in the file.
    let needed = 1; // the incomplete value at `start` is at least this many bytes
    let tailLength: number | null = null;
    for (;;) {
      if (startOffset + needed > fileSize) {
        fileSize = (await file.stat()).size; // the file may still be growing
        if (startOffset + needed > fileSize) {
          // The value cannot complete: stop here rather than read (or allocate) the rest.
          tailLength = fileSize - startOffset;
          break;
        }
      }
      const held = end - start;
      const want = Math.max(chunkBytes, needed - held);
      if (buf.length < held + want) {
        const bigger = new Uint8Array(held + want);
        bigger.set(buf.subarray(start, end));
        buf = bigger;
      } else if (start > 0) {
        buf.copyWithin(0, start, end); // safe: parsed records hold copies, not views of buf
      }
      start = 0;
      end = held;
      const { bytesRead } = await file.read(buf, end, want, startOffset + held);
      if (bytesRead === 0) {
        tailLength = held;
        break;
      }
      end += bytesRead;
      const entries: CaptureEntry[] = [];
      const consumedTo = parser.parse(buf, start, end, startOffset, entries);
      needed = consumedTo < end ? parser.neededEnd - consumedTo : 1;
      startOffset += consumedTo - start;
      start = consumedTo;
      if (entries.length > 0) yield entries;
      if (parser.fault !== null) throw parser.fault;
    }
    const truncatedTail = parser.finish(buf.subarray(start, end), startOffset, tailLength);
    done({ segments: parser.segments, records: parser.recordCount, fileBytes: fileSize, truncatedTail });
  } finally {
    await file.close();
  }
}

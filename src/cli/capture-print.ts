/**
 * Printing a capture file as `watch` would have printed its traffic live: the same pipeline,
 * filters, line format and NDJSON, read from disk instead of Redis.
 */
import { open } from 'node:fs/promises';
import { CaptureFormatError } from '../capture/capture-error.js';
import { HEADER_SIGNATURE } from '../capture/header.js';
import { readCapture } from '../capture/reader.js';
import { BatchedWriter } from '../output/batched-writer.js';
import { formatLine, lineClock } from '../output/line-format.js';
import { timeFlag } from './args.js';
import { toNdjsonLine } from '../output/ndjson.js';
import { paletteFor } from '../output/palette.js';
import { MessagePipeline } from '../output/pipeline.js';
import { oneLine } from './errors.js';
import { filterFromFlags, type FilterFlagValues } from './filters.js';

/** A capture starts with a msgpack map header byte, then `format: "redis-print-capture"`. */
export function looksLikeCapture(bytes: Uint8Array): boolean {
  if (bytes.length < 1 + HEADER_SIGNATURE.length || (bytes[0]! & 0xf0) !== 0x80) return false;
  for (let i = 0; i < HEADER_SIGNATURE.length; i++) if (bytes[i + 1] !== HEADER_SIGNATURE[i]) return false;
  return true;
}

/** Reads just enough of a file to tell whether it is a capture. */
export async function isCaptureFile(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(1 + HEADER_SIGNATURE.length);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return looksLikeCapture(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

export interface CapturePrintFlags extends FilterFlagValues {
  json?: boolean;
  full?: boolean;
  /** --time local|utc|delta */
  time?: string;
}

/** Prints every record; returns 1 when the file was cut short or damaged, else 0. */
export async function printCapture(path: string, flags: CapturePrintFlags): Promise<number> {
  const pipeline = new MessagePipeline({ filter: filterFromFlags(flags) });
  const out = new BatchedWriter(process.stdout);
  const palette = paletteFor(process.stdout);
  const width = flags.full || !process.stdout.isTTY ? undefined : process.stdout.columns;
  const clock = lineClock(timeFlag(flags.time));
  const reader = readCapture(path);
  let problem = 0;
  try {
    for await (const raw of reader.messages()) {
      const message = pipeline.accept(raw);
      if (!message) continue;
      out.writeLine(
        flags.json ? toNdjsonLine(message) : formatLine(message, { palette, clock, ...(width ? { width } : {}) }),
      );
      if (out.broken) break;
    }
  } catch (error) {
    if (!(error instanceof CaptureFormatError)) throw error;
    process.stderr.write(`redis-print: ${oneLine(error)}\n`);
    problem = 1;
  }
  await out.flush();
  const tail = reader.summary?.truncatedTail;
  if (tail) {
    process.stderr.write(
      `redis-print: ${path}: the file ends inside a record (${tail.bytes} bytes cut off); every record before it was read\n`,
    );
    problem = 1;
  }
  process.stderr.write(`# ${path}: ${pipeline.summary()}\n`);
  return problem;
}

/**
 * Printing a capture file as `watch` would have printed its traffic live: the same pipeline,
 * filters, line format and NDJSON, read from disk instead of Redis.
 */
import { CaptureFormatError } from '../capture/capture-error.js';
import type { BadRecord } from '../capture/capture-parser.js';
import { describeBadRecord, readCapture } from '../capture/reader.js';
import { escapeUnsafe } from '../text/terminal-safe.js';
import { BatchedWriter } from '../output/batched-writer.js';
import { formatLine } from '../output/line-format.js';
import { toNdjsonLine } from '../output/ndjson.js';
import { paletteFor } from '../output/palette.js';
import { MessagePipeline } from '../output/pipeline.js';
import { oneLine } from './errors.js';
import { filterFromFlags, type FilterFlagValues } from './filters.js';

/** The capture rule of src/capture (sniff.ts), shared by every command. */
export { isCaptureFile, startsWithCaptureHeader as looksLikeCapture } from '../capture/sniff.js';

export interface CapturePrintFlags extends FilterFlagValues {
  json?: boolean;
  full?: boolean;
}

/** Prints every record; returns 1 when the file was cut short or damaged, else 0. */
export async function printCapture(path: string, flags: CapturePrintFlags): Promise<number> {
  const pipeline = new MessagePipeline({ filter: filterFromFlags(flags) });
  const out = new BatchedWriter(process.stdout);
  const palette = paletteFor(process.stdout);
  const width = flags.full || !process.stdout.isTTY ? undefined : process.stdout.columns;
  const reader = readCapture(path);
  let problem = 0;
  try {
    const onBadRecord = (bad: BadRecord): void => {
      process.stderr.write(`redis-print: ${escapeUnsafe(describeBadRecord(path, bad))}\n`);
      problem = 1;
    };
    for await (const raw of reader.messages(onBadRecord)) {
      const message = pipeline.accept(raw);
      if (!message) continue;
      out.writeLine(flags.json ? toNdjsonLine(message) : formatLine(message, { palette, ...(width ? { width } : {}) }));
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

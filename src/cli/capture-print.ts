/**
 * Printing a capture file as `watch` would have printed its traffic live: the same pipeline,
 * filters, line format and NDJSON, read from disk instead of Redis.
 */
import { CaptureFormatError } from '../capture/capture-error.js';
import type { BadRecord } from '../capture/capture-parser.js';
import { describeBadRecord, readCapture } from '../capture/reader.js';
import { escapeUnsafe } from '../text/terminal-safe.js';
import { BatchedWriter } from '../output/batched-writer.js';
import { formatLine, lineClock } from '../output/line-format.js';
import { toNdjsonLine } from '../output/ndjson.js';
import type { MessageFilter } from '../output/filter.js';
import { MessagePipeline } from '../output/pipeline.js';
import { oneLine } from './errors.js';
import type { CliIo } from './io.js';
import type { LineOutput } from './line-output.js';

/** The capture rule of src/capture (sniff.ts), shared by every command. */
export { isCaptureFile, startsWithCaptureHeader as looksLikeCapture } from '../capture/sniff.js';

export interface CapturePrintConfig {
  filter: MessageFilter;
  lines: LineOutput;
}

/** Prints every record; returns 1 when the file was cut short or damaged, else 0. */
export async function printCapture(path: string, config: CapturePrintConfig, io: CliIo): Promise<number> {
  const pipeline = new MessagePipeline({ filter: config.filter });
  const out = new BatchedWriter(io.stdout);
  const { palette, width, json } = config.lines;
  const clock = lineClock(config.lines.time);
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
      out.writeLine(
        json ? toNdjsonLine(message) : formatLine(message, { palette, clock, ...(width ? { width } : {}) }),
      );
      if (out.broken) break;
    }
  } catch (error) {
    if (!(error instanceof CaptureFormatError)) throw error;
    io.stderr.write(`redis-print: ${oneLine(error)}\n`);
    problem = 1;
  }
  await out.flush();
  const tail = reader.summary?.truncatedTail;
  if (tail) {
    io.stderr.write(
      `redis-print: ${path}: the file ends inside a record (${tail.bytes} bytes cut off); every record before it was read\n`,
    );
    problem = 1;
  }
  io.stderr.write(`# ${path}: ${pipeline.summary()}\n`);
  return problem;
}

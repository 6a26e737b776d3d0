/**
 * `redis-print split FILE -o DIR [filters]` — write each captured payload, bytes untouched, to
 * its own file in DIR: the bridge from a capture to unit tests
 * (`:erlang.binary_to_term(File.read!(path))` in Elixir, `decode FILE.etf` here).
 *
 * Names come from fixture-names.ts (record number, topic, event; nothing else of the content).
 * Files are created with O_CREAT|O_EXCL (`wx`): an existing file — or a symlink planted where
 * a name will go — is never written through or overwritten; split stops there instead.
 * Payloads that are not ETF keep their nature in the extension (.json, .msgpack, .bin).
 *
 * Exit codes: 0 every record written; 1 the file is not a capture or is corrupt (nothing is
 * written), or it ends inside a record (every whole record before it is written); 2 bad flags, unreadable file, DIR not writable or a name
 * already taken.
 */
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { CaptureFormatError } from '../../capture/capture-error.js';
import type { BadRecord } from '../../capture/capture-parser.js';
import { describeBadRecord, readCapture, scanCapture } from '../../capture/reader.js';
import type { RawMessage } from '../../model/raw-message.js';
import { BatchedWriter } from '../../output/batched-writer.js';
import { topicOf } from '../../output/watched-message.js';
import type { Classified } from '../../phoenix/classified.js';
import { classify } from '../../phoenix/classify.js';
import { parseCommandArgs } from '../args.js';
import { fixtureFileName, indexWidth, type FixtureExtension } from '../capture/fixture-names.js';
import { CliError, oneLine, UsageError } from '../errors.js';
import { filterFromFlags } from '../filters.js';
import { escapeUnsafe, escapeWord } from '../../text/terminal-safe.js';
import { splitFlags } from '../command-defs.js';
import type { CliIo } from '../io.js';

const options = splitFlags;

export async function splitCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('split', argv, options);
  if (positionals.length !== 1) throw new UsageError('split needs exactly one capture FILE');
  const path = positionals[0]!;
  const dir = values.output;
  if (dir === undefined || dir === '') throw new UsageError('split needs -o DIR');
  const filter = filterFromFlags(values);

  // The record count first (a fast scan), so that names are zero-padded to sort in order.
  const scanned = await readOrFail(path, () => scanCapture(path));
  const width = indexWidth(scanned.records);
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new CliError(`cannot create ${dir}: ${oneLine(error)}`, 2);
  }

  // The list of files is a by-product: if its reader goes away (`| head`), the files still get written.
  const out = new BatchedWriter(io.stdout);
  let index = 0;
  let written = 0;
  let skipped = 0;
  let problem = false;
  const reader = readCapture(path);
  try {
    const onBadRecord = (bad: BadRecord): void => {
      index++; // its number stays taken, so file numbers keep matching record numbers
      process.stderr.write(`redis-print: ${escapeUnsafe(describeBadRecord(path, bad))}\n`);
      problem = true;
    };
    for await (const raw of reader.messages(onBadRecord)) {
      index++;
      const classified = classify(raw.payload, {}, raw.channel);
      if (!filter.empty && !filter.matches({ seq: index, raw, classified })) {
        skipped++;
        continue;
      }
      const name = fixtureFileName({
        index,
        width,
        topic: topicOf(classified),
        event: classified.event ?? classified.tracker?.type,
        fallback: classified.kind,
        extension: extensionFor(classified),
      });
      await writeNew(join(dir, name), raw);
      // The channel comes from the file (a capture may be anyone's): escaped, one word.
      out.writeLine(`${join(dir, name)}\t${raw.payload.length} bytes\t${escapeWord(raw.channel)}`);
      written++;
    }
  } catch (error) {
    if (!(error instanceof CaptureFormatError)) throw error;
    io.stderr.write(`redis-print: ${oneLine(error)}\n`);
    problem = true;
  }
  await out.flush();
  const tail = reader.summary?.truncatedTail;
  if (tail) {
    io.stderr.write(
      `redis-print: ${path}: the file ends inside a record (${tail.bytes} bytes cut off); every record before it was written\n`,
    );
    problem = true;
  }
  const filtered = filter.empty ? '' : ` (${skipped} skipped by filter)`;
  io.stderr.write(`# wrote ${written} of ${index} payloads from ${path} to ${dir}${filtered}\n`);
  return problem ? 1 : 0;
}

/** Non-ETF payloads keep what they are in the extension; a failed ETF decode is still ETF bytes. */
function extensionFor(c: Classified): FixtureExtension {
  if (c.kind === 'json') return 'json';
  if (c.kind === 'msgpack') return 'msgpack';
  if (c.kind === 'raw' && c.error === undefined) return 'bin';
  return 'etf';
}

/** Creates `file` (never an existing one, never through a symlink) and writes the payload. */
async function writeNew(file: string, raw: RawMessage): Promise<void> {
  let handle;
  try {
    handle = await open(file, 'wx', 0o644);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EEXIST' ? 'already exists (split never overwrites; use an empty directory)' : oneLine(error);
    throw new CliError(`cannot write ${file}: ${why}`, 2);
  }
  try {
    await handle.writeFile(raw.payload);
  } catch (error) {
    throw new CliError(`cannot write ${file}: ${oneLine(error)}`, 2);
  } finally {
    await handle.close();
  }
}

async function readOrFail<T>(path: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof CaptureFormatError) throw new CliError(oneLine(error), 1);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`cannot read ${path}: no such file`, 2);
    if (typeof code === 'string') throw new CliError(`cannot read ${path}: ${oneLine(error)}`, 2);
    throw error;
  }
}

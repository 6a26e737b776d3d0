/**
 * `redis-print record -o FILE [connection] [subscription] [filters] [--count N] [--duration S]`
 * — record traffic to a capture file without the UI.
 *
 * An existing capture is appended to as a new segment (its own header), like `watch --record`:
 * recording never destroys an earlier recording, and readers keep sessions apart. A file that is
 * not a capture is refused untouched. With filters, only matching messages are recorded (the
 * summary counts the others as filtered).
 *
 * Every message counted as recorded is in the file when the command exits — on --count,
 * --duration, Ctrl-C or SIGTERM — and the writer flushes at least every 200 ms meanwhile, so a
 * kill -9 loses at most the last fraction of a second. Exit codes: 0 stopped by --count or
 * --duration; 130/143 by Ctrl-C/SIGTERM; 1 the file could not be written while recording; 2 bad
 * flags, unwritable file, unreachable Redis.
 */
import { performance } from 'node:perf_hooks';
import { CaptureWriter } from '../../capture/writer.js';
import type { RawMessage } from '../../model/raw-message.js';
import { MessagePipeline } from '../../output/pipeline.js';
import { formatBytes } from '../../output/units.js';
import { RedisConnectionError } from '../../redis/errors.js';
import type { Subscriber } from '../../redis/subscriber.js';
import { parseCommandArgs } from '../args.js';
import { ProgressLine } from '../capture/progress-line.js';
import { CliError, fileProblem, oneLine } from '../errors.js';
import { exitCodeFor, processIo, type CliIo } from '../io.js';
import { recordConfigFrom } from '../record-config.js';
import { toolVersion } from '../version.js';
import type { Subscription } from '../subscription.js';
import { subscriberFor } from '../watch-run.js';
import { reconnectedNotice, reconnectingNotice } from '../../output/connection-notices.js';
import { escapeUnsafe } from '../../text/terminal-safe.js';
import { recordFlags } from '../command-defs.js';

const options = recordFlags;

export async function recordCommand(argv: string[], io: CliIo = processIo()): Promise<number> {
  const { values, positionals } = parseCommandArgs('record', argv, options);
  const config = recordConfigFrom(values, positionals, io.env);
  const { path } = config.output;
  const { count, durationMs } = config.limits;
  const { filter } = config.filter;
  const { subscription } = config;
  const subscriber = subscriberFor(config.connection, subscription, io);

  let finish!: (code: number) => void;
  const finished = new Promise<number>((resolve) => (finish = resolve));
  let stopped = false;
  const stop = (code: number): void => {
    stopped = true;
    finish(code);
  };
  let writeError: Error | null = null;
  const failed = (error: unknown): void => {
    writeError ??= error instanceof Error ? error : new Error(String(error));
    stop(1);
  };
  // Filtering classifies every message; without filters the payload is never even looked at.
  const pipeline = filter.empty ? null : new MessagePipeline({ filter });
  // The file is opened only once subscribed, so an unreachable Redis leaves no file (and no empty
  // segment in an existing capture). Messages arriving in between wait here.
  let writer: CaptureWriter | null = null;
  const early: RawMessage[] = [];
  let received = 0;
  let accepted = 0;
  const onMessage = (raw: RawMessage): void => {
    if (stopped) return;
    received++;
    if (pipeline !== null && pipeline.accept(raw) === undefined) return;
    if (writer === null) {
      early.push(raw);
    } else {
      try {
        writer.write(raw);
      } catch (error) {
        failed(error);
        return;
      }
    }
    accepted++;
    if (count !== undefined && accepted >= count) stop(0);
  };
  subscriber.on('message', onMessage);
  subscriber.on('reconnecting', (e) => io.stderr.write(`# ${reconnectingNotice(e)}\n`));
  subscriber.on('reconnected', (e) => io.stderr.write(`# ${reconnectedNotice(e, 'recorded')}\n`));
  subscriber.on('error', (e) => io.stderr.write(`# ${escapeUnsafe(e.message)}\n`));

  try {
    await subscriber.start();
  } catch (error) {
    if (error instanceof RedisConnectionError) throw new CliError(error.message, 2);
    throw error;
  }
  const file = await openWriter(path, subscriber, subscription, failed).catch(async (error: unknown) => {
    await subscriber.close();
    throw error;
  });
  writer = file;
  for (const raw of early.splice(0)) file.write(raw);
  const what = [
    ...subscription.patterns.map((p) => `psubscribe ${p}`),
    ...subscription.channels.map((c) => `subscribe ${c}`),
  ];
  io.stderr.write(`# recording ${subscriber.target} (${what.join(', ')}) to ${path}${appendNote(file)}\n`);

  const started = performance.now();
  const progress = new ProgressLine(() => {
    const s = file.stats;
    return `# recorded ${s.records} messages (${formatBytes(s.bytes)}), ${seconds(performance.now() - started)}`;
  }, io.stderr);
  progress.start();
  const onSignal = (signal: NodeJS.Signals): void => stop(exitCodeFor(signal));
  const stopListening = io.onInterrupt(onSignal);
  const timer = durationMs === undefined ? undefined : setTimeout(() => stop(0), durationMs);
  if (count === 0) stop(0);

  let code = await finished;
  if (timer) clearTimeout(timer);
  stopListening();
  progress.stop();
  await subscriber.close();
  await file.close().catch((error: unknown) => {
    writeError ??= error instanceof Error ? error : new Error(String(error));
  });
  const s = file.stats;
  const filtered = pipeline === null ? '' : `, filtered ${received - s.records}`;
  if (writeError !== null) {
    io.stderr.write(`redis-print: cannot write ${path}: ${oneLine(writeError)}\n`);
    io.stderr.write(`# ${s.flushedRecords} of ${s.records} messages reached ${path} before the failure\n`);
    code = 1;
  } else {
    io.stderr.write(
      `# recorded ${s.records} messages (${formatBytes(s.bytes)}) to ${path} in ${seconds(performance.now() - started)}; received ${received}${filtered}\n`,
    );
  }
  return code;
}

async function openWriter(
  path: string,
  subscriber: Subscriber,
  subscription: Subscription,
  onError: (e: Error) => void,
): Promise<CaptureWriter> {
  try {
    return await CaptureWriter.open(
      path,
      {
        tool: { name: 'redis-print', version: await toolVersion() },
        target: subscriber.target,
        patterns: subscription.patterns,
        channels: subscription.channels,
      },
      { append: true, onError },
    );
  } catch (error) {
    throw new CliError(`cannot record to ${path}: ${fileProblem(error)}`, 2);
  }
}

function appendNote(writer: CaptureWriter): string {
  const report = writer.appendReport;
  if (report === null || report.previousSegments === 0) return '';
  const torn = report.droppedTailBytes > 0 ? `; cut a torn last record of ${report.droppedTailBytes} bytes` : '';
  return ` (appending session ${report.previousSegments + 1} after ${report.previousRecords} records${torn})`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

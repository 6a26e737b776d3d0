/**
 * The watch loop shared by `watch` and `demo`: subscribe, classify, filter, print; stop on
 * --count, --timeout, Ctrl-C or SIGTERM with a one-line summary on stderr.
 */
import { CaptureWriter } from '../capture/writer.js';
import type { RawMessage } from '../model/raw-message.js';
import { BatchedWriter } from '../output/batched-writer.js';
import { formatLine, lineClock } from '../output/line-format.js';
import { toNdjsonLine } from '../output/ndjson.js';
import { paletteFor } from '../output/palette.js';
import { MessagePipeline } from '../output/pipeline.js';
import type { WatchedMessage } from '../output/watched-message.js';
import type { EventEmitter } from 'node:events';
import type { ConnectionSpec } from '../redis/connection-spec.js';
import { warnIfUnverified } from './insecure-warning.js';
import { RedisConnectionError } from '../redis/errors.js';
import { Subscriber, type SubscriberEvents } from '../redis/subscriber.js';
import { durationFlag, intFlag, timeFlag } from './args.js';
import { CliError } from './errors.js';
import { filterFromFlags, type FilterFlagValues } from './filters.js';
import { toolVersion } from './run.js';
import type { Subscription } from './subscription.js';
import { openWatchUi, wantsUi } from './watch-ui.js';

export interface WatchFlags extends FilterFlagValues {
  json?: boolean;
  full?: boolean;
  /** --time local|utc|delta (line output). */
  time?: string;
  tui?: boolean;
  count?: string;
  timeout?: string;
  buffer?: string;
  record?: string;
}

/** Where messages come from: a live Subscriber, or demo's in-process feed. */
export interface WatchSource extends EventEmitter<SubscriberEvents> {
  /** Redacted description, for status lines and capture headers. */
  readonly target: string;
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface WatchTarget {
  source: WatchSource;
  subscription: Subscription;
  /** Called once subscribed (demo starts its simulated cluster then). */
  onReady?: () => void | Promise<void>;
  /** Where the UI's publish form (`P`) may publish: the Redis being watched. */
  publishTo?: ConnectionSpec;
  /**
   * Ends the watch as Ctrl-C does. For callers that take the signals before calling runWatch
   * (demo, while its redis-server starts) and keep them: handing them over by removing their
   * listener could drop a signal that arrives just then.
   */
  stop?: AbortSignal;
}

/** The usual source: a Subscriber on the given Redis, warning loudly when TLS is unverified. */
export function subscriberFor(spec: ConnectionSpec, subscription: Subscription): Subscriber {
  warnIfUnverified(spec);
  return new Subscriber(spec, subscription);
}

/** Runs until a stop condition; resolves to the exit code. */
export async function runWatch(flags: WatchFlags, target: WatchTarget): Promise<number> {
  const filter = filterFromFlags(flags);
  const count = flags.count === undefined ? undefined : intFlag('count', flags.count, 0);
  const timeoutMs = flags.timeout === undefined ? undefined : durationFlag('timeout', flags.timeout, 0);
  const ui = wantsUi(flags);
  // The UI filters by itself (the flags are its starting filter, which `/` edits), so its
  // pipeline lets everything through.
  const pipeline = new MessagePipeline(ui ? {} : { filter });

  const out = new BatchedWriter(process.stdout);
  const palette = paletteFor(process.stdout);
  const width = flags.full || !process.stdout.isTTY ? undefined : process.stdout.columns;
  const clock = lineClock(timeFlag(flags.time));
  const render = flags.json
    ? toNdjsonLine
    : (m: WatchedMessage): string => formatLine(m, { palette, clock, ...(width ? { width } : {}) });
  // In NDJSON mode stdout carries only JSON: status lines go to stderr.
  const notice = (text: string): void => {
    if (session) return; // the UI shows connection changes itself
    if (flags.json) process.stderr.write(`# ${text}\n`);
    else out.writeLine(`# ${text}`);
  };

  const recorder = flags.record ? await openRecorder(flags.record, target) : undefined;
  const subscriber = target.source;
  let stopping = false;
  let resolveFinished!: (code: number) => void;
  const finished = new Promise<number>((resolve) => (resolveFinished = resolve));
  // The first stop condition wins; messages that arrive while closing are neither counted nor
  // printed (ioredis emits a whole socket read's messages in one go, so --count N would
  // otherwise print more than N).
  const finish = (code: number): void => {
    if (stopping) return;
    stopping = true;
    resolveFinished(code);
  };
  // Opened before connecting, so the user sees "connecting" rather than a blank terminal.
  const session = ui ? await openWatchUi(flags, target, pipeline) : undefined;
  void session?.finished.then(finish);

  subscriber.on('message', (raw: RawMessage) => {
    if (stopping) return;
    recorder?.write(raw);
    if (session) {
      // The UI takes each message from the source itself; its listener, added first, has counted this one.
      if (count !== undefined && pipeline.counters.received >= count) finish(0);
      return;
    }
    const message = pipeline.accept(raw);
    if (!message) return;
    const line = renderSafely(render, message, notice);
    if (line !== undefined) out.writeLine(line);
    if (count !== undefined && pipeline.counters.shown >= count) finish(0);
    if (out.broken) finish(0);
  });
  // One line per attempt: the first says the link is gone, later ones why it is still gone.
  // (The reason already reads "lost connection to …" / "cannot reconnect to …: refused".)
  subscriber.on('reconnecting', (e) => {
    const next = `${(e.delayMs / 1000).toFixed(1)} s`;
    notice(
      e.attempt === 1
        ? `${e.reason}; reconnecting in ${next}`
        : `${e.reason}; retrying in ${next} (attempt ${e.attempt})`,
    );
  });
  subscriber.on('reconnected', (e) =>
    notice(`reconnected after ${(e.gapMs / 1000).toFixed(1)} s — messages published meanwhile were not received`),
  );
  // Each failed attempt is also reported as 'reconnecting' with the same reason: say it once.
  subscriber.on('error', () => undefined);

  // Signals are taken from the start, so that Ctrl-C while still connecting also ends cleanly
  // (and demo's private redis-server is stopped) instead of killing the process. `once`: a
  // second Ctrl-C, if closing ever hangs, still kills.
  let starting = true;
  const onSignal = (): void => {
    finish(0);
    if (starting) void subscriber.close();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  target.stop?.addEventListener('abort', onSignal);
  if (target.stop?.aborted) onSignal();
  let timer: NodeJS.Timeout | undefined;
  try {
    try {
      await subscriber.start();
    } catch (error) {
      if (!stopping) {
        if (error instanceof RedisConnectionError) throw new CliError(error.message, 2);
        throw error;
      }
    }
    starting = false;
    if (!stopping) {
      const what = [
        ...target.subscription.patterns.map((p) => `psubscribe ${p}`),
        ...target.subscription.channels.map((c) => `subscribe ${c}`),
      ];
      if (!session) process.stderr.write(`# watching ${subscriber.target} (${what.join(', ')})\n`); // the UI's status bar says it
      await target.onReady?.();
      if (timeoutMs !== undefined) timer = setTimeout(() => finish(pipeline.counters.shown > 0 ? 0 : 1), timeoutMs);
      if (count === 0) finish(0);
    }
    const code = await finished;
    await session?.close();
    await subscriber.close();
    await out.flush();
    const recorded = recorder ? `, recorded ${recorder.stats.records} to ${flags.record}` : '';
    await recorder?.close();
    process.stderr.write(`# ${session ? session.summary() : pipeline.summary()}${recorded}\n`);
    return code;
  } finally {
    await session?.close(); // before any error is printed: the terminal must be back
    if (timer) clearTimeout(timer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    target.stop?.removeEventListener('abort', onSignal);
    stopping = true;
    await subscriber.close();
    await recorder?.close();
  }
}

/** A message that cannot be printed (a bug of ours) is reported as a notice; the stream goes on. */
function renderSafely(
  render: (m: WatchedMessage) => string,
  message: WatchedMessage,
  notice: (text: string) => void,
): string | undefined {
  try {
    return render(message);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    notice(`message ${message.seq} on ${message.raw.channel} could not be printed: ${reason.replace(/\s+/g, ' ')}`);
    return undefined;
  }
}

async function openRecorder(path: string, target: WatchTarget): Promise<CaptureWriter> {
  try {
    return await CaptureWriter.open(
      path,
      {
        tool: { name: 'redis-print', version: (await toolVersion()).replace(/^redis-print /, '') },
        target: target.source.target,
        patterns: target.subscription.patterns,
        channels: target.subscription.channels,
      },
      { append: true },
    );
  } catch (error) {
    throw new CliError(`cannot record to ${path}: ${error instanceof Error ? error.message : String(error)}`, 2);
  }
}

/**
 * The watch loop shared by `watch` and `demo`: subscribe, classify, filter, print; stop on
 * --count, --timeout, Ctrl-C or SIGTERM with a one-line summary on stderr.
 */
import { CaptureWriter } from '../capture/writer.js';
import type { RawMessage } from '../model/raw-message.js';
import { MessagePipeline } from '../output/pipeline.js';
import { RenderQueue } from '../output/render-queue.js';
import { elixirVersion } from '../output/term-text.js';
import type { RenderSpec } from '../output/render-spec.js';
import type { EventEmitter } from 'node:events';
import type { ConnectionSpec } from '../redis/connection-spec.js';
import { warnIfUnverified } from './insecure-warning.js';
import { RedisConnectionError } from '../redis/errors.js';
import { Subscriber, type SubscriberEvents } from '../redis/subscriber.js';
import { CliError, fileProblem } from './errors.js';
import { exitCodeFor, processIo, uiExitCode, type CliIo } from './io.js';
import { toolVersion } from './version.js';
import { subscriberTimingFromEnv } from './subscriber-timing.js';
import type { Subscription } from './subscription.js';
import type { WatchConfig } from './watch-config.js';
import { openWatchUi } from './watch-ui.js';
import { nonBlockingTerminal } from './tty-output.js';
import { reconnectedNotice, reconnectingNotice } from '../output/connection-notices.js';

/** Where messages come from: a live Subscriber, or demo's in-process feed. */
export interface WatchSource extends EventEmitter<SubscriberEvents> {
  /** Redacted description, for status lines and capture headers. */
  readonly target: string;
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface WatchTarget {
  source: WatchSource;
  /** What `source` is subscribed to (from the config, or demo's). */
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
export function subscriberFor(
  spec: ConnectionSpec,
  subscription: Subscription,
  io: Pick<CliIo, 'stderr' | 'env'> = processIo(),
): Subscriber {
  warnIfUnverified(spec, io.stderr);
  return new Subscriber(spec, { ...subscription, ...subscriberTimingFromEnv(io.env) });
}

/** What runWatch writes to and listens to: the process, or a test's streams (in-process runs). */
export type WatchIo = Pick<CliIo, 'stdout' | 'stderr' | 'onInterrupt'>;

/** finish() code for --timeout: 0 or 1 once the queue is rendered (whether anything was shown). */
const TIMED_OUT = -1;

/** Runs until a stop condition; resolves to the exit code. */
export async function runWatch(config: WatchConfig, target: WatchTarget, io: WatchIo = processIo()): Promise<number> {
  const { count, timeoutMs } = config.limits;
  const { ui, lines, record } = config.output;
  // The UI filters by itself (the filter flags are its starting filter, which `/` edits), so its
  // pipeline lets everything through.
  const pipeline = new MessagePipeline(ui ? {} : { filter: config.filter.filter });

  const shown = (): number => (queue ? queue.counters.shown : pipeline.counters.shown);
  // In NDJSON mode stdout carries only JSON: status lines go to stderr.
  const notice = (text: string): void => {
    if (session) return; // the UI shows connection changes itself
    if (lines.json) io.stderr.write(`# ${text}\n`);
    else queue?.notice(text);
  };

  const recorder = record ? await openRecorder(record, target) : undefined;
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
  // Decoding and rendering run on a worker thread behind a bounded queue (render-queue.ts): this
  // thread only reads the socket and writes output, whatever the output's speed — also on a
  // terminal, whose writes would otherwise block the process while it takes no output (Ctrl-S).
  const blockingAgain = ui ? () => undefined : nonBlockingTerminal(process.stdout);
  const queue = ui
    ? undefined
    : new RenderQueue({
        spec: {
          render: renderSpec(config),
          filter: config.filter.spec,
          elixir: elixirVersion(),
          ...(count === undefined ? {} : { maxShown: count }),
        },
        out: io.stdout,
        onStderr: (line) => io.stderr.write(`${line}\n`),
        onProgress: () => {
          if (count !== undefined && queue!.counters.shown >= count) finish(0);
          if (queue!.broken) finish(0);
        },
        onFailure: (error) => {
          io.stderr.write(`redis-print: internal error: ${error.message}\n`);
          finish(70);
        },
      });
  // Opened before connecting, so the user sees "connecting" rather than a blank terminal.
  const session = ui ? await openWatchUi(config, target, pipeline) : undefined;
  void session?.finished.then((end) => finish(uiExitCode(end)));

  // Counted here, not read from the UI's counters: whether the UI's listener has seen a message
  // yet depends on which listener was added first.
  let received = 0;
  subscriber.on('message', (raw: RawMessage) => {
    if (stopping) return;
    recorder?.write(raw);
    received++;
    if (session) {
      if (count !== undefined && received >= count) finish(0);
      return;
    }
    queue!.push(raw);
  });
  // One line per attempt: the first says the link is gone, later ones why it is still gone.
  // (The reason already reads "lost connection to …" / "cannot reconnect to …: refused".)
  subscriber.on('reconnecting', (e) => notice(reconnectingNotice(e)));
  subscriber.on('reconnected', (e) => notice(reconnectedNotice(e)));
  // Each failed attempt is also reported as 'reconnecting' with the same reason: say it once.
  subscriber.on('error', () => undefined);

  // Signals are taken from the start, so that Ctrl-C while still connecting also ends cleanly
  // (and demo's private redis-server is stopped) instead of killing the process. (processIo
  // listens `once`: a second Ctrl-C, if closing ever hangs, still kills.)
  let starting = true;
  const onSignal = (signal: NodeJS.Signals): void => {
    finish(exitCodeFor(signal));
    if (starting) void subscriber.close();
  };
  const onAbort = (): void => onSignal(abortSignalName(target.stop));
  const stopListening = io.onInterrupt(onSignal);
  target.stop?.addEventListener('abort', onAbort);
  if (target.stop?.aborted) onAbort();
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
      if (!session) io.stderr.write(`# watching ${subscriber.target} (${what.join(', ')})\n`); // the UI's status bar says it
      await target.onReady?.();
      if (timeoutMs !== undefined) timer = setTimeout(() => finish(TIMED_OUT), timeoutMs);
      if (count === 0) finish(0);
    }
    let code = await finished;
    await session?.close();
    await subscriber.close();
    await queue?.close();
    // What was received before the timeout counts, even if the worker renders it only now.
    if (code === TIMED_OUT) code = shown() > 0 ? 0 : 1;
    const recorded = recorder ? `, recorded ${recorder.stats.records} to ${record}` : '';
    await recorder?.close();
    io.stderr.write(`# ${session ? session.summary() : summary(queue!)}${recorded}\n`);
    return code;
  } finally {
    await session?.close(); // before any error is printed: the terminal must be back
    if (timer) clearTimeout(timer);
    stopListening();
    target.stop?.removeEventListener('abort', onAbort);
    stopping = true;
    await subscriber.close();
    await queue?.close();
    blockingAgain();
    await recorder?.close();
  }
}

function renderSpec(config: WatchConfig): RenderSpec {
  const { lines, term } = config.output;
  if (lines.json) return { format: 'ndjson', term };
  return {
    format: 'lines',
    color: lines.palette.enabled,
    time: lines.time,
    ...(lines.width ? { width: lines.width } : {}),
  };
}

/** `received` counts the decoded messages; `dropped` those let go undecoded: together, all that arrived. */
function summary(queue: RenderQueue): string {
  const c = queue.counters;
  return `received ${c.received}, shown ${c.shown}, filtered ${c.filtered}, undecodable ${c.undecodable}, dropped ${c.dropped}`;
}

/** demo aborts `stop` with the signal's name as the reason. */
function abortSignalName(stop: AbortSignal | undefined): NodeJS.Signals {
  return stop?.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT';
}

async function openRecorder(path: string, target: WatchTarget): Promise<CaptureWriter> {
  try {
    return await CaptureWriter.open(
      path,
      {
        tool: { name: 'redis-print', version: await toolVersion() },
        target: target.source.target,
        patterns: target.subscription.patterns,
        channels: target.subscription.channels,
      },
      { append: true },
    );
  } catch (error) {
    throw new CliError(`cannot record to ${path}: ${fileProblem(error)}`, 2);
  }
}

/**
 * The loop `nodes` and `presence` share: subscribe (watching never writes to Redis), classify
 * every message through the watch pipeline, hand it to the model, stop on --duration, Ctrl-C or
 * SIGTERM, then ask Redis' side (PUBSUB NUMSUB) on a separate connection where allowed.
 */
import type { RawMessage } from '../model/raw-message.js';
import type { WatchedMessage } from '../output/watched-message.js';
import { MessagePipeline } from '../output/pipeline.js';
import type { ConnectionSpec } from '../redis/connection-spec.js';
import { RedisConnectionError } from '../redis/errors.js';
import { Publisher } from '../redis/publisher.js';
import { CliError, oneLine } from './errors.js';
import type { Subscription } from './subscription.js';
import { subscriberFor } from './watch-run.js';

export interface InsightRun {
  target: string;
  startedAt: number;
  stoppedAt: number;
}

export async function runInsight(options: {
  spec: ConnectionSpec;
  subscription: Subscription;
  durationMs: number | undefined;
  onMessage: (m: WatchedMessage) => void;
  /** Called every second while watching (for time-driven changes such as replicas going down). */
  onTick?: (now: number) => void;
  status: (line: string) => void;
}): Promise<InsightRun> {
  const subscriber = subscriberFor(options.spec, options.subscription);
  const pipeline = new MessagePipeline();
  subscriber.on('message', (raw: RawMessage) => {
    const m = pipeline.accept(raw);
    if (m !== undefined) options.onMessage(m);
  });
  subscriber.on('reconnecting', (e) => options.status(`# connection lost (${e.reason}); reconnecting`));
  subscriber.on('reconnected', (e) =>
    options.status(`# reconnected after ${(e.gapMs / 1000).toFixed(1)} s — messages published meanwhile were not seen`),
  );
  try {
    await subscriber.start();
  } catch (error) {
    if (error instanceof RedisConnectionError) throw new CliError(error.message, 2);
    throw error;
  }
  const startedAt = Date.now();
  const what = [...options.subscription.patterns, ...options.subscription.channels].join(' ');
  options.status(
    `# watching ${what} on ${subscriber.target}${options.durationMs === undefined ? ' (Ctrl-C for the report)' : ` for ${(options.durationMs / 1000).toFixed(0)} s`}`,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      clearInterval(ticker);
      if (timer) clearTimeout(timer);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const ticker = setInterval(() => options.onTick?.(Date.now()), 1000);
    const timer = options.durationMs === undefined ? undefined : setTimeout(stop, options.durationMs);
  });
  const stoppedAt = Date.now();
  await subscriber.close();
  return { target: subscriber.target, startedAt, stoppedAt };
}

/**
 * PUBSUB NUMSUB of `channels`, or why not (an ACL without +pubsub, a Redis that refuses). Our own
 * exact SUBSCRIBEs are over by now (the subscriber closed), so they are not counted.
 */
export async function askNumsub(
  spec: ConnectionSpec,
  channels: readonly string[],
): Promise<{ numsub?: Map<string, number>; note?: string }> {
  if (channels.length === 0) return {};
  const publisher = new Publisher(spec);
  try {
    await publisher.connect();
    return { numsub: await publisher.numsub(channels) };
  } catch (error) {
    return { note: `PUBSUB NUMSUB not available (${oneLine(error)}): subscriber counts unknown` };
  } finally {
    await publisher.close().catch(() => undefined);
  }
}

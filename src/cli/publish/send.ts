/**
 * Sending a planned payload: PUBLISH it (N times, at an interval, stoppable with Ctrl-C) and say
 * what Redis answered. A reply of 0 receivers is the classic "nothing happened" — the hint looks
 * at the other generation's channel to say whether the name or the generation is wrong.
 */
import { NotPermittedError, type Publisher } from '../../redis/publisher.js';
import type { Generation } from './generation.js';

export interface SendOptions {
  repeat: number;
  intervalMs: number;
  /** Aborting stops the stream after the message in flight. */
  signal?: AbortSignal;
}

export interface SendResult {
  /** PUBLISH's reply for each message sent, in order. */
  receivers: number[];
  /** Stopped (signal) before `repeat` messages went out. */
  stopped: boolean;
}

export async function sendRepeatedly(
  publisher: Publisher,
  channel: string,
  bytes: Uint8Array,
  options: SendOptions,
): Promise<SendResult> {
  const receivers: number[] = [];
  for (let i = 0; i < options.repeat; i++) {
    if (options.signal?.aborted) return { receivers, stopped: true };
    receivers.push(await publisher.publish(channel, bytes));
    if (i + 1 < options.repeat) await pause(options.intervalMs, options.signal);
  }
  return { receivers, stopped: false };
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** "published to 3 subscribers" / "published 10 messages to 2–3 subscribers each". */
export function sentSummary(result: SendResult, repeat: number): string {
  const r = result.receivers;
  if (r.length === 1 && repeat === 1) return `published to ${count(r[0]!, 'subscriber')} (PUBLISH replied ${r[0]})`;
  const min = Math.min(...r);
  const max = Math.max(...r);
  const each = min === max ? `${count(min, 'subscriber')} each` : `${min}–${max} subscribers each`;
  const stopped = result.stopped ? ` (stopped after ${r.length} of ${repeat})` : '';
  return `published ${count(r.length, 'message')} to ${each}${stopped}`;
}

/** The channel the other generation of the same PubSub uses (its name toggled with `.Adapter`). */
export function otherGenerationChannel(channel: string, generation: Generation): string {
  if (generation === 3) {
    const bare = channel.endsWith('.Adapter') ? channel.slice(0, -'.Adapter'.length) : channel;
    // A plain-atom PubSub :chat_pubsub is phx:Elixir.chat_pubsub.Adapter in 3.x but phx:chat_pubsub in 2.x.
    return /^phx:Elixir\.[a-z_]/.test(bare) ? `phx:${bare.slice('phx:Elixir.'.length)}` : bare;
  }
  return channel.startsWith('phx:') && !channel.startsWith('phx:Elixir.')
    ? `phx:Elixir.${channel.slice(4)}.Adapter`
    : `${channel}.Adapter`;
}

/** The lines to print after PUBLISH: who got it, nodes told apart from watchers. */
export interface AudienceReport {
  notes: string[];
  warnings: string[];
}

/**
 * PUBLISH's reply counts every receiver alike: the adapter's nodes, which SUBSCRIBE to their
 * channel, and pattern watchers (PSUBSCRIBE, e.g. redis-print itself). PUBSUB NUMSUB counts the
 * former only, so the difference is the watchers; NUMPAT says how many patterns the server holds.
 * A delivery that only watchers got is the classic "it says delivered but no node saw it".
 * Without PUBSUB in the ACL this degrades to a note.
 */
export async function audienceReport(
  publisher: Publisher,
  channel: string,
  generation: Generation,
  published: number,
  clusterMode: boolean,
): Promise<AudienceReport> {
  const report: AudienceReport = { notes: [], warnings: [] };
  const allowed = async <T>(query: () => Promise<T>): Promise<T | string> => {
    try {
      return await query();
    } catch (error) {
      if (error instanceof NotPermittedError) return error.message;
      throw error;
    }
  };
  const numsub = await allowed(async () => (await publisher.numsub([channel])).get(channel) ?? 0);
  const numpat = await allowed(() => publisher.numpat());
  if (typeof numsub === 'string') {
    report.notes.push(
      `cannot tell nodes from watchers: ${numsub}; PUBLISH counted ${count(published, 'receiver')}, nodes and pattern watchers alike`,
    );
    return report;
  }
  const patterns = typeof numpat === 'number' ? `; the server holds ${count(numpat, 'pattern subscription')}` : '';
  const watchers = clusterMode
    ? ' (in a Redis Cluster PUBLISH counts only the subscribers of the node that took it)'
    : ` and ${count(Math.max(0, published - numsub), 'pattern watcher')} (PSUBSCRIBE: tools like redis-print${patterns})`;
  report.notes.push(
    `${count(numsub, 'subscriber')} of ${channel} (SUBSCRIBE: the adapter's nodes, or a watch --pubsub)${watchers}`,
  );
  if (typeof numpat === 'string') report.notes.push(`pattern subscriptions not counted: ${numpat}`);
  if (numsub === 0) {
    const got =
      published > 0
        ? ` — the ${count(published, 'receiver')} PUBLISH counted ${published === 1 ? 'was a pattern watcher' : 'were pattern watchers'}, not nodes`
        : '';
    report.warnings.push(
      `no node got it${got}: ${await zeroReceiversHint(publisher, channel, generation, clusterMode)}`,
    );
  }
  return report;
}

/**
 * Why 0 receivers, in one sentence: NUMSUB of the other generation's channel tells a wrong
 * generation (someone listens there) from a wrong name (nobody listens on either).
 */
export async function zeroReceiversHint(
  publisher: Publisher,
  channel: string,
  generation: Generation,
  clusterMode: boolean,
): Promise<string> {
  const other = otherGenerationChannel(channel, generation);
  const otherGeneration: Generation = generation === 3 ? 1 : 3;
  let there: number;
  try {
    there = (await publisher.numsub([other])).get(other) ?? 0;
  } catch (error) {
    if (error instanceof NotPermittedError)
      return `nobody subscribes to ${channel}: is the PubSub name or the generation wrong?`;
    throw error;
  }
  const cluster = clusterMode
    ? ' (Redis Cluster counts only the subscribers of the node that took the PUBLISH, so others may still have got it)'
    : '';
  if (there > 0) {
    return (
      `nobody subscribes to ${channel}, but ${count(there, 'client')} ${there === 1 ? 'listens' : 'listen'} on ${other}: ` +
      `the nodes probably run adapter ${otherGeneration === 3 ? '3.x' : '2.x'} — try --generation ${otherGeneration}${cluster}`
    );
  }
  return (
    `nobody subscribes to ${channel} nor to ${other}: is the PubSub name right? ` +
    `(redis-print watch --pattern 'phx:*' shows the channels in use)${cluster}`
  );
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

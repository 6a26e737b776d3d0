/**
 * `--generation auto`: which adapter generation does the cluster behind a PubSub name speak?
 *
 * Evidence, strongest first:
 *   1. traffic — envelopes of each channel's own generation heard while listening on both
 *      channels for `--sniff` (a node that talks is certainly there);
 *   2. PUBSUB NUMSUB — every adapter node holds one SUBSCRIBE on its generation's channel, so
 *      subscribers show which generation listens even in a quiet cluster. Watchers that subscribe
 *      to both channels (`redis-print watch --pubsub`) add one to each, hence "more wins".
 * Ambiguity never blocks: both generations talking (a rolling upgrade), equal subscribers, or
 * nobody at all → 3 (the current adapter), with a warning saying who will not get the message and
 * how to choose. Picking wrong cannot crash anyone — the envelope always matches the channel it
 * goes to — it only reaches fewer nodes, which the receiver count after PUBLISH then shows.
 */
import { classify } from '../../phoenix/classify.js';
import type { ConnectionSpec } from '../../redis/connection-spec.js';
import type { Publisher } from '../../redis/publisher.js';
import { Subscriber } from '../../redis/subscriber.js';

export type Generation = 1 | 3;

export interface ClusterObservation {
  /** The channel of each generation. */
  channels: Record<Generation, string>;
  /** How long we listened (0: not at all). */
  sniffMs: number;
  /** Envelopes of the channel's own generation heard on it. */
  traffic: Record<Generation, number>;
  /** PUBSUB NUMSUB of each channel, taken before we subscribed ourselves. */
  subscribers: Record<Generation, number>;
}

export interface GenerationChoice {
  generation: Generation;
  /** Why, in one sentence, for the "# generation 3: …" line. */
  reason: string;
  /** Who this choice leaves out, when the evidence was not one-sided. */
  warning?: string;
}

export function chooseGeneration(obs: ClusterObservation): GenerationChoice {
  const { channels, traffic, subscribers } = obs;
  const heard = (g: Generation) => `${count(traffic[g], 'envelope')} on ${channels[g]}`;
  const subs = (g: Generation) => `${count(subscribers[g], 'subscriber')} on ${channels[g]}`;
  const listened = obs.sniffMs > 0 ? `in ${seconds(obs.sniffMs)}` : '';

  if (traffic[1] > 0 || traffic[3] > 0) {
    if (traffic[1] > 0 && traffic[3] > 0) {
      return {
        generation: 3,
        reason: `both generations are talking ${listened} (${heard(3)}, ${heard(1)}): a rolling upgrade? picking 3`,
        warning: `the 2.x nodes on ${channels[1]} will not get this message; run again with --generation 1 to reach them`,
      };
    }
    const g: Generation = traffic[3] > 0 ? 3 : 1;
    return { generation: g, reason: `heard ${heard(g)} ${listened}, nothing on ${channels[other(g)]}` };
  }

  const quiet = obs.sniffMs > 0 ? `no traffic ${listened}; ` : '';
  if (subscribers[1] === 0 && subscribers[3] === 0) {
    return {
      generation: 3,
      reason: `${quiet}nobody subscribes to ${channels[3]} or ${channels[1]}: assuming 3 (the current adapter)`,
      warning:
        'no node of either generation listens on this PubSub name; is the name right? (watch --pattern "phx:*" shows the channels in use)',
    };
  }
  if (subscribers[1] === subscribers[3]) {
    return {
      generation: 3,
      reason: `${quiet}${subs(3)} and as many on ${channels[1]}: cannot tell, picking 3`,
      warning: `if this cluster runs adapter 2.x, run again with --generation 1`,
    };
  }
  const g: Generation = subscribers[3] > subscribers[1] ? 3 : 1;
  const choice: GenerationChoice = {
    generation: g,
    reason: `${quiet}${subs(g)}, ${subscribers[other(g)] === 0 ? 'none' : subscribers[other(g)]} on ${channels[other(g)]}`,
  };
  if (subscribers[other(g)] > 0) {
    choice.warning =
      `${channels[other(g)]} has ${count(subscribers[other(g)], 'subscriber')} too (a watcher on both channels, or ` +
      `${g === 3 ? '2.x' : '3.x'} nodes); use --generation ${other(g)} to send to those instead`;
  }
  return choice;
}

function other(g: Generation): Generation {
  return g === 3 ? 1 : 3;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Takes NUMSUB of both channels (before subscribing, so we do not count ourselves), then listens
 * on both for `sniffMs` and counts the envelopes of each channel's own generation. Stops early
 * once both generations have been heard: nothing more could change the choice.
 */
export async function observeCluster(
  spec: ConnectionSpec,
  publisher: Publisher,
  channels: Record<Generation, string>,
  sniffMs: number,
): Promise<ClusterObservation> {
  const counts = await publisher.numsub([channels[1], channels[3]]);
  const observation: ClusterObservation = {
    channels,
    sniffMs,
    traffic: { 1: 0, 3: 0 },
    subscribers: { 1: counts.get(channels[1]) ?? 0, 3: counts.get(channels[3]) ?? 0 },
  };
  if (sniffMs <= 0) return observation;

  const subscriber = new Subscriber(spec, { channels: [channels[1], channels[3]], heartbeatMs: 0 });
  let bothHeard: () => void = () => undefined;
  const early = new Promise<void>((resolve) => (bothHeard = resolve));
  subscriber.on('message', (message) => {
    const g: Generation | undefined =
      message.channel === channels[3] ? 3 : message.channel === channels[1] ? 1 : undefined;
    if (g === undefined || classify(message.payload).envelope?.generation !== g) return;
    observation.traffic[g]++;
    if (observation.traffic[1] > 0 && observation.traffic[3] > 0) bothHeard();
  });
  // Errors after the first connect would only mean we hear less; the choice still stands.
  subscriber.on('error', () => undefined);
  try {
    await subscriber.start();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([early, new Promise<void>((resolve) => (timer = setTimeout(resolve, sniffMs)))]);
    clearTimeout(timer);
  } finally {
    await subscriber.close();
  }
  return observation;
}

/**
 * Looking at the cluster before publishing: which channel (`--pubsub` alone: which generation's)
 * and what its nodes speak.
 *
 * observeChannels listens on the target channel(s) for `--sniff` and counts the envelope shapes
 * heard — the strongest evidence of what the receivers accept (phoenix/receivers.ts) — after
 * taking PUBSUB NUMSUB. chooseGeneration picks a generation for plain `--pubsub`, evidence
 * strongest first:
 *   1. traffic — envelopes of each channel's own generation heard on it (a node that talks is
 *      certainly there);
 *   2. PUBSUB NUMSUB — every adapter node holds one SUBSCRIBE on its generation's channel, so
 *      subscribers show which generation listens even in a quiet cluster. Watchers that subscribe
 *      to both channels (`redis-print watch --pubsub`) add one to each, hence "more wins";
 *   3. the flags' own generation (an envelope option, --etf bytes), only when 1 and 2 tell nothing.
 * Ambiguity never blocks the choice: both generations talking (a rolling upgrade), equal
 * subscribers, or nobody at all → 3 (or the flags' generation), with a warning saying who will not
 * get the message. What protects the nodes is the validation that follows: a payload that does not
 * suit what the chosen channel's nodes speak is refused.
 */
import { classify } from '../../phoenix/classify.js';
import type { HeardTraffic, ShapeCounts } from '../../phoenix/receivers.js';
import type { ConnectionSpec } from '../../redis/connection-spec.js';
import { NotPermittedError, type Publisher } from '../../redis/publisher.js';
import { Subscriber } from '../../redis/subscriber.js';
import { oneLine } from '../errors.js';

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

/**
 * `preferred`: the generation the flags build (an envelope option, --etf bytes), which decides
 * only when the cluster gives no evidence either way.
 */
export function chooseGeneration(
  obs: ClusterObservation,
  preferred?: { generation: Generation; reason: string },
): GenerationChoice {
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
    const g = preferred?.generation ?? 3;
    return {
      generation: g,
      reason:
        `${quiet}nobody subscribes to ${channels[3]} or ${channels[1]}: ` +
        (preferred ? `going by the flags (${preferred.reason})` : 'assuming 3 (the current adapter)'),
      warning:
        'no node of either generation listens on this PubSub name; is the name right? (watch --pattern "phx:*" shows the channels in use)',
    };
  }
  if (subscribers[1] === subscribers[3]) {
    const g = preferred?.generation ?? 3;
    return {
      generation: g,
      reason: `${quiet}${subs(3)} and as many on ${channels[1]}: cannot tell, ${preferred ? `going by the flags (${preferred.reason})` : 'picking 3'}`,
      warning: `if this cluster runs adapter ${g === 3 ? '2.x' : '3.x'}, run again with --generation ${other(g)}`,
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

/** What listening on the target channel(s) found out. */
export interface ChannelObservation {
  channel: string;
  /** PUBSUB NUMSUB before we listened (nodes SUBSCRIBE); undefined when the ACL does not allow it. */
  subscribers: number | undefined;
  /** Envelopes heard on it, by shape (not counting redis-print's own `:except` sender names). */
  heard: ShapeCounts;
}

export interface Observation {
  channels: ChannelObservation[];
  /** How long we listened (0: not at all). */
  sniffMs: number;
  /** Why we did not listen or count, when that was the case (ACL, nobody subscribed). */
  notes: string[];
}

/** Listening stops early once this many envelopes were heard: enough to know what the nodes speak. */
export const ENOUGH_ENVELOPES = 20;

/**
 * Takes NUMSUB of the channels (before subscribing, so we do not count ourselves), then listens
 * on them for `sniffMs` and counts the envelope shapes heard on each. Skips listening when no
 * node subscribes to any of them (nobody there to crash or to hear). A user whose ACL allows
 * neither PUBSUB nor SUBSCRIBE gets notes instead of evidence, never an error.
 */
export async function observeChannels(
  spec: ConnectionSpec,
  publisher: Publisher,
  channels: readonly string[],
  sniffMs: number,
): Promise<Observation> {
  const observation: Observation = { channels: [], sniffMs: 0, notes: [] };
  let counts: Map<string, number> | undefined;
  try {
    counts = await publisher.numsub(channels);
  } catch (error) {
    if (!(error instanceof NotPermittedError)) throw error;
    observation.notes.push(`cannot count subscribers: ${error.message}`);
  }
  for (const channel of channels) observation.channels.push({ channel, subscribers: counts?.get(channel), heard: {} });
  if (sniffMs <= 0) return observation;
  if (counts !== undefined && channels.every((c) => (counts.get(c) ?? 0) === 0)) {
    observation.notes.push(`not listening: nobody subscribes to ${channels.join(' or ')}`);
    return observation;
  }

  const byChannel = new Map(observation.channels.map((c) => [c.channel, c]));
  const subscriber = new Subscriber(spec, { channels: [...channels], heartbeatMs: 0 });
  let total = 0;
  let enough: () => void = () => undefined;
  const early = new Promise<void>((resolve) => (enough = resolve));
  subscriber.on('message', (message) => {
    const seen = byChannel.get(message.channel);
    const env = classify(message.payload, {}, message.channel).envelope;
    if (seen === undefined || env === undefined) return;
    // Another redis-print's injected message is not a node speaking.
    if (env.generation === 3 && env.mode === 'except' && env.node.startsWith('redis-print@')) return;
    seen.heard[env.shape] = (seen.heard[env.shape] ?? 0) + 1;
    if (++total >= ENOUGH_ENVELOPES) enough();
  });
  // Errors after the first connect would only mean we hear less; the evidence still stands.
  subscriber.on('error', () => undefined);
  try {
    try {
      await subscriber.start();
    } catch (error) {
      observation.notes.push(`cannot listen on ${channels.join(' and ')} (${oneLine(error)})`);
      return observation;
    }
    observation.sniffMs = sniffMs;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([early, new Promise<void>((resolve) => (timer = setTimeout(resolve, sniffMs)))]);
    clearTimeout(timer);
  } finally {
    await subscriber.close();
  }
  return observation;
}

/** The traffic heard on `channel`, as evidence for receiversOf (undefined when we did not listen). */
export function heardOn(observation: Observation, channel: string): HeardTraffic | undefined {
  const seen = observation.channels.find((c) => c.channel === channel);
  if (seen === undefined || observation.sniffMs === 0) return undefined;
  return { channel, shapes: seen.heard, source: `within ${seconds(observation.sniffMs)} of listening` };
}

/** The two generations' view of an observation of both channels, for chooseGeneration. */
export function clusterView(observation: Observation, channels: Record<Generation, string>): ClusterObservation {
  const of = (g: Generation) => observation.channels.find((c) => c.channel === channels[g]);
  const own = (g: Generation) =>
    Object.entries(of(g)?.heard ?? {})
      .filter(([shape]) => (shape === 'v3') === (g === 3))
      .reduce((n, [, count]) => n + count, 0);
  return {
    channels,
    sniffMs: observation.sniffMs,
    traffic: { 1: own(1), 3: own(3) },
    subscribers: { 1: of(1)?.subscribers ?? 0, 3: of(3)?.subscribers ?? 0 },
  };
}

/**
 * What the receivers on a channel speak — the envelope shape a payload must have so that no node
 * there crashes or drops it. Decided from evidence, strongest first:
 *
 *   1. traffic: the envelope shapes real nodes were heard sending on that very channel (every
 *      adapter node publishes in the shape it matches, so what it sends is what it accepts);
 *   2. the channel's name: `….Adapter` is adapter 3.x (v3); anything else is adapter ≤ 2.1.8,
 *      taken as the 7-tuple of 2.1.2–2.1.8 — the only 2.x shape the releases people run accept.
 *
 * Flags come last and never decide what the receivers speak: they say what to *build*, and the
 * payload is then judged against the receivers (validate.ts). So `--v1-shape 6` is sent only when
 * traffic on the channel shows 6-tuples, or with --force: a 2.1.2+ node crashes on a 6-tuple.
 * Pure: the caller does the listening.
 */
import { generationOfChannel } from './channel.js';
import type { EnvelopeShape } from './classified.js';

/** Envelopes heard on one channel, by shape. */
export type ShapeCounts = Partial<Record<EnvelopeShape, number>>;

/** Traffic heard on a channel, and how (for the reason: "heard 12 envelopes in 2 s"). */
export interface HeardTraffic {
  channel: string;
  shapes: ShapeCounts;
  /** Where the evidence comes from: "in 2 s of listening", "in the message being copied". */
  source: string;
}

export interface Receivers {
  channel: string;
  /** The shapes the channel's nodes speak: one normally; several on a channel shared by mixed releases. */
  shapes: EnvelopeShape[];
  /** traffic: heard on the channel; name: inferred from the channel's name alone. */
  basis: 'traffic' | 'name';
  /** One sentence: "heard 12 v1/fastlane envelopes on phx:Elixir.Chat.PubSub in 2 s of listening". */
  evidence: string;
}

export const SHAPE_RELEASES: Record<EnvelopeShape, string> = {
  v3: 'adapter 3.x',
  'v1/fastlane': 'adapter 2.1.2–2.1.8',
  'v1/pool': 'adapter 2.0.0–2.1.1',
  'v1/legacy': 'adapter 0.x–1.0',
};

/** What the receivers on `channel` speak, from `heard` traffic when it covers that channel, else from the name. */
export function receiversOf(channel: string, heard?: HeardTraffic): Receivers {
  if (heard !== undefined && heard.channel === channel) {
    const shapes = (Object.keys(heard.shapes) as EnvelopeShape[]).filter((s) => (heard.shapes[s] ?? 0) > 0);
    if (shapes.length > 0) {
      const counted = shapes.map((s) => `${heard.shapes[s]} ${s}`).join(' and ');
      const total = shapes.reduce((n, s) => n + (heard.shapes[s] ?? 0), 0);
      return {
        channel,
        shapes,
        basis: 'traffic',
        evidence: `heard ${counted} ${total === 1 ? 'envelope' : 'envelopes'} on ${channel} ${heard.source}`,
      };
    }
  }
  const v3 = generationOfChannel(channel) === 3;
  return {
    channel,
    shapes: [v3 ? 'v3' : 'v1/fastlane'],
    basis: 'name',
    evidence: v3
      ? 'by the channel name: ….Adapter is adapter 3.x'
      : 'by the channel name: no .Adapter suffix is adapter ≤ 2.1.8, taken as 2.1.2–2.1.8',
  };
}

/** The one generation a set of receivers speaks, or undefined on a channel where both are heard. */
export function generationOf(receivers: Receivers): 1 | 3 | undefined {
  const v3 = receivers.shapes.includes('v3');
  const v1 = receivers.shapes.some((s) => s !== 'v3');
  return v3 && v1 ? undefined : v3 ? 3 : 1;
}

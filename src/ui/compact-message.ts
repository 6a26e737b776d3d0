/**
 * What the UI keeps of each message in its buffer: the raw message and the few classified fields
 * the list, filters and stats read (kind, size, envelope, topic, event, tracker, error) — not the
 * decoded term. The term is decoded again when someone looks (a visible row's preview, the
 * selected message's detail, a text search, copy, publish); decoding is deterministic, so the
 * result is the same.
 *
 * Why: under a flood every message lives a short while in the ring buffer and then dies, which is
 * the worst case for a generational GC — each retained object is copied twice before it is
 * dropped. With the whole term kept, 20 000 msgs/s spent about half its time in GC with pauses of
 * hundreds of ms (keys felt stuck); keeping a handful of objects per message, with the strings that
 * repeat (channel, topic, event, node) shared, brings it down to what receiving alone costs.
 */
import type { RawMessage } from '../model/raw-message.js';
import type { WatchedMessage } from '../output/watched-message.js';
import type { Classified, Envelope } from '../phoenix/classified.js';
import { classify } from '../phoenix/classify.js';

/** Distinct strings / envelopes shared before the tables start over (a topic per user must not grow them forever). */
const MAX_SHARED = 50_000;

export class MessageCompactor {
  private readonly strings = new Map<string, string>();
  private readonly envelopes = new Map<string, Envelope>();

  compact(m: WatchedMessage): WatchedMessage {
    const c = m.classified;
    const raw: RawMessage = {
      receivedAt: m.raw.receivedAt,
      channel: this.share(m.raw.channel),
      pattern: m.raw.pattern === null ? null : this.share(m.raw.pattern),
      payload: m.raw.payload,
    };
    const slim: Classified = { kind: c.kind, bytes: c.bytes };
    if (c.envelope !== undefined) slim.envelope = this.shareEnvelope(c.envelope);
    if (c.topic !== undefined) slim.topic = this.share(c.topic);
    if (c.event !== undefined) slim.event = this.share(c.event);
    if (c.tracker !== undefined) slim.tracker = { ...c.tracker, replica: this.share(c.tracker.replica) };
    if (c.error !== undefined) slim.error = c.error;
    return { seq: m.seq, raw, classified: slim };
  }

  private share(text: string): string {
    const known = this.strings.get(text);
    if (known !== undefined) return known;
    if (this.strings.size >= MAX_SHARED) this.strings.clear();
    this.strings.set(text, text);
    return text;
  }

  private shareEnvelope(e: Envelope): Envelope {
    const key = `${e.shape}\u0000${e.mode}\u0000${e.node}\u0000${e.fromNode}\u0000${e.nodeName}\u0000${e.topic}\u0000${e.dispatcher}\u0000${e.poolSize}\u0000${e.compressed}`;
    const known = this.envelopes.get(key);
    if (known !== undefined) return known;
    if (this.envelopes.size >= MAX_SHARED) this.envelopes.clear();
    const shared: Envelope = { ...e, node: this.share(e.node), topic: this.share(e.topic) };
    this.envelopes.set(key, shared);
    return shared;
  }
}

/**
 * The message with its full classification (decoded again: the buffer keeps a compact one), by the
 * same rule as the pipeline's: its channel decides what a 131-prefixed payload may be.
 */
export function fullMessage(m: WatchedMessage, options: { spans?: boolean } = {}): WatchedMessage {
  const c = m.classified;
  // A message that still has its term (or has nothing more to decode) is complete already.
  if (c.term !== undefined && (!options.spans || c.spans !== undefined)) return m;
  return {
    seq: m.seq,
    raw: m.raw,
    classified: classify(m.raw.payload, options.spans ? { spans: true } : {}, m.raw.channel),
  };
}

/**
 * `--json`: one JSON object per message (NDJSON). The shape is a documented contract (README,
 * "NDJSON output"); fields a message does not have are left out rather than set to null, except
 * `envelope`, which is null for payloads that carry none.
 */
import { toPlainJson } from '../etf/render/plain-json.js';
import { toTypedJson } from '../etf/render/typed-json.js';
import type { Envelope } from '../phoenix/classified.js';
import { topicOf, type WatchedMessage } from './watched-message.js';

export interface NdjsonEnvelope {
  generation: 1 | 3;
  shape: Envelope['shape'];
  mode: Envelope['mode'];
  node: string;
  from_node?: string;
  topic: string;
  dispatcher: string | null;
  pool_size?: number;
  compressed: boolean;
}

export interface NdjsonRecord {
  ts: string;
  seq: number;
  channel: string;
  pattern: string | null;
  bytes: number;
  envelope: NdjsonEnvelope | null;
  kind: string;
  topic?: string;
  event?: string;
  payload?: unknown;
  tracker?: unknown;
  term?: unknown;
  error?: string;
  offset?: number;
  raw_b64?: string;
}

export function toNdjsonRecord(m: WatchedMessage): NdjsonRecord {
  const c = m.classified;
  const record: NdjsonRecord = {
    ts: new Date(m.raw.receivedAt).toISOString(),
    seq: m.seq,
    channel: m.raw.channel,
    pattern: m.raw.pattern,
    bytes: c.bytes,
    envelope: c.envelope ? envelopeJson(c.envelope) : null,
    kind: c.kind,
  };
  const topic = topicOf(c);
  if (topic !== undefined) record.topic = topic;
  if (c.event !== undefined) record.event = c.event;
  if (c.payload !== undefined) record.payload = toPlainJson(c.payload);
  else if (c.data !== undefined) record.payload = c.data;
  else if (c.message !== undefined) record.payload = toPlainJson(c.message);
  if (c.tracker) record.tracker = { ...c.tracker };
  if (c.term !== undefined) record.term = toTypedJson(c.term);
  if (c.error) {
    record.error = c.error.message;
    record.offset = c.error.offset;
  }
  if (c.error || c.kind === 'raw') record.raw_b64 = Buffer.from(m.raw.payload).toString('base64');
  return record;
}

export function toNdjsonLine(m: WatchedMessage): string {
  return JSON.stringify(toNdjsonRecord(m), bigintSafe);
}

function envelopeJson(env: Envelope): NdjsonEnvelope {
  const out: NdjsonEnvelope = {
    generation: env.generation,
    shape: env.shape,
    mode: env.mode,
    node: env.node,
    topic: env.topic,
    dispatcher: env.dispatcher,
    compressed: env.compressed,
  };
  if (env.fromNode !== undefined) out.from_node = env.fromNode;
  if (env.poolSize !== undefined) out.pool_size = env.poolSize;
  return out;
}

// msgpack data may hold bigints (int64) and byte arrays; JSON has neither.
function bigintSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return { base64: Buffer.from(value).toString('base64') };
  return value;
}

/**
 * `--json`: one JSON object per message (NDJSON). The shape is a documented contract (README,
 * "NDJSON output"); fields a message does not have are left out rather than set to null, except
 * `envelope` and `pattern`, which are null for payloads that carry none / exact subscriptions.
 *
 *   ts, seq, channel, pattern, bytes    always
 *   envelope                            {generation, shape, mode, node, topic, dispatcher,
 *                                        compressed, from_node?, pool_size?} or null
 *   kind                                broadcast|message|reply|tracker|presence_diff|term|msgpack|json|raw
 *   topic, event                        when known
 *   payload                             plain JSON (lossy; see plain-json.ts)
 *   tracker                             {type, replica, vsn, empty?, delta_size?}
 *   term                                typed JSON of the whole ETF payload (lossless)
 *   error, offset, raw_b64              a payload that did not decode (raw_b64 also for kind raw)
 */
import { stringifyJson } from '../etf/render/json-text.js';
import { toPlainJson } from '../etf/render/plain-json.js';
import { toTypedJson } from '../etf/render/typed-json.js';
import type { Envelope, TrackerInfo } from '../phoenix/classified.js';
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

export interface NdjsonTracker {
  type: TrackerInfo['type'];
  replica: string;
  vsn: string;
  empty?: boolean;
  delta_size?: number;
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
  tracker?: NdjsonTracker;
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
  else if (c.data !== undefined) record.payload = c.kind === 'msgpack' ? jsonSafe(c.data) : c.data;
  else if (c.message !== undefined) record.payload = toPlainJson(c.message);
  if (c.tracker) record.tracker = trackerJson(c.tracker);
  if (c.term !== undefined) record.term = toTypedJson(c.term);
  if (c.error) {
    record.error = c.error.message;
    record.offset = c.error.offset;
  }
  if (c.error || c.kind === 'raw') record.raw_b64 = Buffer.from(m.raw.payload).toString('base64');
  return record;
}

/**
 * The record as one line. JSON.stringify is the fast path; two things it cannot do are caught:
 * it writes the float -0.0 as `0` (typed JSON keeps the sign: `{"float":-0}`), so when the
 * text has a float zero the line is rewritten with stringifyJson, and it recurses, so a very
 * deep term falls back to stringifyJson too (which is iterative).
 */
export function toNdjsonLine(m: WatchedMessage): string {
  const record = toNdjsonRecord(m);
  let line: string;
  try {
    line = JSON.stringify(record);
  } catch (error) {
    if (error instanceof RangeError) return stringifyJson(record);
    throw error;
  }
  return line.includes('"float":0}') ? stringifyJson(record) : line;
}

function trackerJson(t: TrackerInfo): NdjsonTracker {
  const out: NdjsonTracker = { type: t.type, replica: t.replica, vsn: t.vsn };
  if (t.empty !== undefined) out.empty = t.empty;
  if (t.deltaSize !== undefined) out.delta_size = t.deltaSize;
  return out;
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

/**
 * msgpack data may hold what JSON has no form for: 64-bit integers beyond ±(2^53−1) become
 * decimal strings (as in typed JSON; smaller ones plain numbers),
 * byte arrays `{"base64": …}`, non-finite floats null, timestamps ISO text, extension values
 * `{"ext": type, "base64": …}`. (JSON data needs none of this: it came from JSON.parse.)
 */
function jsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value instanceof Uint8Array) return { base64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value !== null && typeof value === 'object') {
    if (isExtData(value)) return { ext: value.type, base64: jsonSafe(value.data) };
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = jsonSafe(v);
    return out;
  }
  return value;
}

/** @msgpack/msgpack's ExtData (an extension type it has no codec for), without importing it. */
function isExtData(value: object): value is { type: number; data: Uint8Array } {
  return value.constructor?.name === 'ExtData' && 'type' in value && 'data' in value;
}

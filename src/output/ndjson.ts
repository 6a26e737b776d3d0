/**
 * `--json`: one JSON object per message (NDJSON). The shape is a documented contract (README,
 * "NDJSON output"); fields a message does not have are left out rather than set to null, except
 * `envelope` and `pattern`, which are null for payloads that carry none / exact subscriptions.
 *
 *   ts, seq, channel, pattern, bytes    always
 *   envelope                            {generation, shape, mode, node, topic, dispatcher,
 *                                        compressed, from_node?, node_name?, pool_size?} or null
 *   kind                                broadcast|message|reply|tracker|presence_diff|term|msgpack|json|raw
 *   topic, event                        when known
 *   payload                             plain JSON (lossy; see plain-json.ts)
 *   tracker                             {type, replica, vsn, empty?, delta_size?, joins?, leaves?, state_size?}
 *   term                                typed JSON of the whole ETF payload (lossless)
 *   error, offset, raw_b64              a payload that did not decode (raw_b64 also for kind raw;
 *                                       left out above 16 MiB)
 */
import { stringifyJson } from '../etf/render/json-text.js';
import { toPlainJson } from '../etf/render/plain-json.js';
import { toTypedJson } from '../etf/render/typed-json.js';
import { jsonString, typedJsonText } from '../etf/render/typed-json-text.js';
import type { Envelope, TrackerInfo } from '../phoenix/classified.js';
import { DEFAULT_MAX_PAYLOAD_SIZE } from '../phoenix/classify.js';
import { jsonForTerminal } from '../text/terminal-safe.js';
import { writePlainJson } from './plain-json-bytes.js';
import { writeTypedJson } from './typed-json-bytes.js';
import { TextMemo } from './text-memo.js';
import { asciiBytes, Utf8Lines } from './utf8-lines.js';
import { topicOf, type WatchedMessage } from './watched-message.js';

export interface NdjsonEnvelope {
  generation: 1 | 3;
  shape: Envelope['shape'];
  mode: Envelope['mode'];
  node: string;
  from_node?: string;
  node_name?: string;
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
  joins?: number;
  leaves?: number;
  state_size?: number;
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
  if (hasRawBytes(m)) record.raw_b64 = Buffer.from(m.raw.payload).toString('base64');
  return record;
}

/**
 * The record as one line: `stringifyJson(toNdjsonRecord(m))` — the same text, keys in the same
 * order, -0.0 kept in `term` — written directly, because this runs for every message of a
 * `--json` watcher: the typed term goes straight to text (typed-json-text.ts) instead of
 * through objects and JSON.stringify, which costs ~3× as much (bench/e2e.mjs).
 */
export interface NdjsonLineOptions {
  /** Include the typed `term` (default true); `--json=compact` leaves it out, at about half the cost. */
  term?: boolean;
}

export function toNdjsonLine(m: WatchedMessage, options: NdjsonLineOptions = {}): string {
  const c = m.classified;
  const raw = m.raw;
  let line =
    `{"ts":"${isoTime(raw.receivedAt)}","seq":${m.seq},"channel":${jsonString(raw.channel)},` +
    `"pattern":${raw.pattern === null ? 'null' : jsonString(raw.pattern)},"bytes":${c.bytes},` +
    `"envelope":${c.envelope ? envelopeText(c.envelope) : 'null'},"kind":${jsonString(c.kind)}`;
  const topic = topicOf(c);
  if (topic !== undefined) line += `,"topic":${jsonString(topic)}`;
  if (c.event !== undefined) line += `,"event":${jsonString(c.event)}`;
  if (c.payload !== undefined) line += `,"payload":${plainText(toPlainJson(c.payload))}`;
  else if (c.data !== undefined) line += `,"payload":${dataText(c.kind === 'msgpack' ? jsonSafe(c.data) : c.data)}`;
  else if (c.message !== undefined) line += `,"payload":${plainText(toPlainJson(c.message))}`;
  if (c.tracker) line += `,"tracker":${JSON.stringify(trackerJson(c.tracker))}`;
  if (c.term !== undefined && options.term !== false) line += `,"term":${typedJsonText(c.term)}`;
  if (c.error) line += `,"error":${jsonString(c.error.message)},"offset":${c.error.offset}`;
  if (hasRawBytes(m))
    line += `,"raw_b64":"${Buffer.from(raw.payload.buffer, raw.payload.byteOffset, raw.payload.byteLength).toString('base64')}"`;
  // JSON escapes C0 controls but not C1 (U+009B is an 8-bit CSI) nor bidi controls.
  return jsonForTerminal(`${line}}`);
}

/**
 * The same line as toNdjsonLine, UTF-8 bytes and newline included, written straight into `out`:
 * the render worker's path, where building the line as a string, scanning it for what a terminal
 * must not get and encoding it cost about as much as rendering it (bench/e2e.mjs).
 */
export function writeNdjsonLine(m: WatchedMessage, out: Utf8Lines, options: NdjsonLineOptions = {}): void {
  const c = m.classified;
  const raw = m.raw;
  out.bytes(TS_OPEN);
  out.bytes(isoTimeBytes(raw.receivedAt));
  out.bytes(SEQ);
  out.integer(m.seq);
  out.bytes(CHANNEL);
  writeQuoted(out, raw.channel);
  out.bytes(PATTERN);
  if (raw.pattern === null) out.bytes(NULL);
  else writeQuoted(out, raw.pattern);
  out.bytes(BYTES);
  out.integer(c.bytes);
  out.bytes(ENVELOPE);
  out.bytes(c.envelope ? envelopeBytes(c.envelope) : NULL);
  out.bytes(KIND);
  writeQuoted(out, c.kind);
  const topic = topicOf(c);
  if (topic !== undefined) {
    out.bytes(TOPIC);
    writeQuoted(out, topic);
  }
  if (c.event !== undefined) {
    out.bytes(EVENT);
    writeQuoted(out, c.event);
  }
  const plain = c.payload ?? (c.data === undefined ? c.message : undefined);
  if (plain !== undefined) {
    out.ascii(',"payload":');
    if (!writePlainJson(plain, out)) out.jsonText(plainText(toPlainJson(plain)));
  } else if (c.data !== undefined) {
    out.ascii(',"payload":');
    out.jsonText(dataText(c.kind === 'msgpack' ? jsonSafe(c.data) : c.data));
  }
  if (c.tracker) {
    out.ascii(',"tracker":');
    out.jsonText(JSON.stringify(trackerJson(c.tracker)));
  }
  if (c.term !== undefined && options.term !== false) {
    out.ascii(',"term":');
    writeTypedJson(c.term, out);
  }
  if (c.error) {
    out.ascii(',"error":');
    out.jsonString(c.error.message);
    out.ascii(`,"offset":${c.error.offset}`);
  }
  if (hasRawBytes(m)) {
    out.ascii(',"raw_b64":"');
    out.ascii(Buffer.from(raw.payload.buffer, raw.payload.byteOffset, raw.payload.byteLength).toString('base64'));
    out.ascii('"');
  }
  out.ascii('}\n');
}

// The line's fixed pieces as bytes, written per message.
const TS_OPEN = asciiBytes('{"ts":"');
const SEQ = asciiBytes('","seq":');
const CHANNEL = asciiBytes(',"channel":');
const PATTERN = asciiBytes(',"pattern":');
const BYTES = asciiBytes(',"bytes":');
const ENVELOPE = asciiBytes(',"envelope":');
const KIND = asciiBytes(',"kind":');
const TOPIC = asciiBytes(',"topic":');
const EVENT = asciiBytes(',"event":');
const NULL = asciiBytes('null');

// Channels, patterns, kinds, topics and events repeat message after message: each one's quoted
// JSON bytes are made once. A longer text is written straight into the line instead.
const MAX_QUOTED_LENGTH = 128;
let quotedScratch: Utf8Lines | undefined;
const quotedTexts = new TextMemo((text) => {
  quotedScratch ??= new Utf8Lines();
  quotedScratch.jsonString(text);
  return quotedScratch.take();
}, MAX_QUOTED_LENGTH);

/** Writes `text` as a JSON string, as Utf8Lines.jsonString does. */
function writeQuoted(out: Utf8Lines, text: string): void {
  if (text.length > MAX_QUOTED_LENGTH) out.jsonString(text);
  else out.bytes(quotedTexts.of(text));
}

let lastTimeMs = NaN;
let lastTimeBytes: Uint8Array = new Uint8Array(0);

/** isoTime as ASCII bytes: a burst shares its millisecond. */
function isoTimeBytes(ms: number): Uint8Array {
  if (ms !== lastTimeMs) {
    lastTimeMs = ms;
    lastTimeBytes = asciiBytes(isoTime(ms));
  }
  return lastTimeBytes;
}

interface EnvelopeEntry {
  env: Envelope;
  bytes: Uint8Array;
}

// The envelopes of a flood repeat (a few nodes, topics, one dispatcher): each one's bytes are
// written once and kept by topic, checked field by field. Bounded: forgotten all at once when full.
const envelopeCache = new Map<string, EnvelopeEntry>();
let envelopeScratch: Utf8Lines | undefined;

function envelopeBytes(env: Envelope): Uint8Array {
  const entry = envelopeCache.get(env.topic);
  if (entry !== undefined && sameEnvelope(entry.env, env)) return entry.bytes;
  envelopeScratch ??= new Utf8Lines();
  writeEnvelope(env, envelopeScratch);
  const bytes = envelopeScratch.take();
  if (envelopeCache.size >= 256) envelopeCache.clear();
  envelopeCache.set(env.topic, { env: { ...env }, bytes });
  return bytes;
}

function sameEnvelope(a: Envelope, b: Envelope): boolean {
  return (
    a.node === b.node &&
    a.mode === b.mode &&
    a.generation === b.generation &&
    a.shape === b.shape &&
    a.dispatcher === b.dispatcher &&
    a.compressed === b.compressed &&
    a.fromNode === b.fromNode &&
    a.nodeName === b.nodeName &&
    a.poolSize === b.poolSize &&
    a.topic === b.topic
  );
}

function writeEnvelope(env: Envelope, out: Utf8Lines): void {
  out.ascii(`{"generation":${env.generation},"shape":`);
  out.jsonString(env.shape);
  out.ascii(',"mode":');
  out.jsonString(env.mode);
  out.ascii(',"node":');
  out.jsonString(env.node);
  out.ascii(',"topic":');
  out.jsonString(env.topic);
  out.ascii(',"dispatcher":');
  if (env.dispatcher === null) out.ascii('null');
  else out.jsonString(env.dispatcher);
  out.ascii(`,"compressed":${env.compressed}`);
  if (env.fromNode !== undefined) {
    out.ascii(',"from_node":');
    out.jsonString(env.fromNode);
  }
  if (env.nodeName !== undefined) {
    out.ascii(',"node_name":');
    out.jsonString(env.nodeName);
  }
  if (env.poolSize !== undefined) out.ascii(`,"pool_size":${env.poolSize}`);
  out.ascii('}');
}

/** Plain JSON as text; JSON.stringify recurses, so a very deep value goes the iterative way. */
function plainText(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (error instanceof RangeError) return stringifyJson(value);
    throw error;
  }
}

/**
 * Decoded JSON/msgpack as text. Unlike ETF payloads (toPlainJson writes -0.0 as 0), these may
 * hold a -0, which JSON.stringify would write as 0 and the record form keeps.
 */
function dataText(value: unknown): string {
  return hasNegativeZero(value) ? stringifyJson(value) : plainText(value);
}

function hasNegativeZero(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'number') {
      if (Object.is(v, -0)) return true;
    } else if (Array.isArray(v)) {
      for (const item of v) stack.push(item);
    } else if (v !== null && typeof v === 'object') {
      for (const item of Object.values(v)) stack.push(item);
    }
  }
  return false;
}

// Messages come in bursts within one millisecond: format each millisecond once.
let lastMs = NaN;
let lastIso = '';
function isoTime(ms: number): string {
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

function envelopeText(env: Envelope): string {
  let text =
    `{"generation":${env.generation},"shape":${jsonString(env.shape)},"mode":${jsonString(env.mode)},` +
    `"node":${jsonString(env.node)},"topic":${jsonString(env.topic)},` +
    `"dispatcher":${env.dispatcher === null ? 'null' : jsonString(env.dispatcher)},"compressed":${env.compressed}`;
  if (env.fromNode !== undefined) text += `,"from_node":${jsonString(env.fromNode)}`;
  if (env.nodeName !== undefined) text += `,"node_name":${jsonString(env.nodeName)}`;
  if (env.poolSize !== undefined) text += `,"pool_size":${env.poolSize}`;
  return `${text}}`;
}

function trackerJson(t: TrackerInfo): NdjsonTracker {
  const out: NdjsonTracker = { type: t.type, replica: t.replica, vsn: t.vsn };
  if (t.empty !== undefined) out.empty = t.empty;
  if (t.deltaSize !== undefined) out.delta_size = t.deltaSize;
  if (t.joins !== undefined) out.joins = t.joins;
  if (t.leaves !== undefined) out.leaves = t.leaves;
  if (t.stateSize !== undefined) out.state_size = t.stateSize;
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
  if (env.nodeName !== undefined) out.node_name = env.nodeName;
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
  if (value instanceof Uint8Array)
    return { base64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
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

/**
 * Undecodable payloads carry their bytes, except those too large to be decoded at all: their
 * base64 alone would be a third larger than the payload (record them to keep them).
 */
function hasRawBytes(m: WatchedMessage): boolean {
  return (
    (m.classified.error !== undefined || m.classified.kind === 'raw') &&
    m.raw.payload.length <= DEFAULT_MAX_PAYLOAD_SIZE
  );
}

/**
 * classify: one payload as Redis delivered it → what it is (envelope, kind, topic, event, term).
 * Pure and total: it never throws, whatever the bytes.
 *
 * Order: a payload starting with 131 is read as ETF; if that fails it is `raw` with the decode
 * error and its offset, plus the envelope fields that decoded before the error (so that a corrupt
 * message still names its node and topic). Only off the adapter's channels (`phx:…`), where other
 * publishers may speak msgpack, a failed 131 payload that is a whole msgpack value (131 = 0x83 is
 * also the header of a 3-entry msgpack map) is `msgpack`. Anything else goes through the JSON /
 * msgpack / raw rule of non-etf.ts.
 */
import { decodeDetailed, decodeTuplePrefix, type DecodeOptions, type DecodeResult } from '../etf/decode.js';
import { DEFAULT_MAX_INFLATED_SIZE } from '../etf/inflate.js';
import { DecodeError } from '../etf/errors.js';
import { VERSION_MAGIC } from '../etf/tags.js';
import type { Classified } from './classified.js';
import { recognizeEnvelope, recognizePartialEnvelope } from './envelope.js';
import { classifyInner } from './inner.js';
import { classifyNonEtf, msgpackValue } from './non-etf.js';

export interface ClassifyOptions {
  /** Also return the byte range of every term node (for the hex view). */
  spans?: boolean;
  /** Largest inflated size a compressed payload may declare (decoder default: 64 MiB). */
  maxInflatedSize?: number;
  /** Larger payloads are reported, not decoded (default DEFAULT_MAX_PAYLOAD_SIZE). */
  maxPayloadSize?: number;
  /** Larger integers (digit bytes) make the payload undecodable (default DEFAULT_MAX_BIG_BYTES_SHOWN). */
  maxBigBytes?: number;
  /** Terms with more nodes make the payload undecodable (default DEFAULT_MAX_TERMS_SHOWN). */
  maxTerms?: number;
}

/**
 * Most terms (nodes) a payload may hold to be decoded: showing a term costs about 200 bytes of
 * memory per node across the decoder, the printers and NDJSON (a 3.9 MB list of 3.9 M [] took
 * a watcher to 800 MB, 1 M of them to 335 MB), and the heap a watcher grew for one message is
 * still there when the next large one arrives. Real messages hold thousands (the 1000-row
 * fixture: 7018); the codec's own default is eight times this.
 */
export const DEFAULT_MAX_TERMS_SHOWN = 500_000;

/**
 * Integers of more digit bytes than this are refused: whatever classify decodes gets printed, and
 * printing an integer in decimal is slow in JS (a 360 KB one took a watcher a second per message,
 * 4 MiB — which binary_to_term still accepts, and which compresses to 4 KB — eight). 8 KiB is
 * 19 728 decimal digits, far beyond any counter or clock a message carries.
 */
export const DEFAULT_MAX_BIG_BYTES_SHOWN = 8192;

/**
 * Largest payload that is decoded. Showing a payload costs several times its size (an NDJSON line
 * holds it twice, as plain and as typed JSON): a 100 MiB message took a watcher to 880 MB.
 * Redis' default pubsub output limit (32 MB) drops a subscriber before a much larger one arrives.
 */
export const DEFAULT_MAX_PAYLOAD_SIZE = 16 * 1024 * 1024;

/** The adapter publishes on `phx:` + its name (channel.ts): there, a payload starting with 131 is ETF. */
const ADAPTER_CHANNEL_PREFIX = 'phx:';

/**
 * `channel`, when given, is where the payload was published: on the adapter's channels a payload
 * that starts with 131 is ETF, and one that fails to decode is reported as an ETF error.
 */
export function classify(payload: Uint8Array, options: ClassifyOptions = {}, channel?: string): Classified {
  const maxPayloadSize = options.maxPayloadSize ?? DEFAULT_MAX_PAYLOAD_SIZE;
  if (payload.length > maxPayloadSize) {
    const mib = (n: number): string => `${(n / 1048576).toFixed(1)} MiB`;
    const message = `payload of ${mib(payload.length)} is over the ${mib(maxPayloadSize)} that is decoded; not decoded`;
    return { kind: 'raw', bytes: payload.length, error: { message, offset: 0 } };
  }
  try {
    if (payload[0] !== VERSION_MAGIC) return classifyOther(payload);
    return classifyEtf(payload, options, channel === undefined || !channel.startsWith(ADAPTER_CHANNEL_PREFIX));
  } catch (err) {
    // Not expected (the decoder reports bad input as DecodeError, handled below); kept so that
    // one unforeseen payload cannot stop a watch session.
    return { kind: 'raw', bytes: payload.length, error: { message: oneLine(err), offset: 0 } };
  }
}

function classifyOther(payload: Uint8Array): Classified {
  const other = classifyNonEtf(payload);
  const classified: Classified = { kind: other.kind, bytes: payload.length };
  if (other.kind !== 'raw') classified.data = other.data;
  return classified;
}

function classifyEtf(payload: Uint8Array, options: ClassifyOptions, msgpackToo: boolean): Classified {
  let decoded: DecodeResult;
  try {
    // One plain object literal: a spread here made every message's decode ~1.4 µs slower (measured).
    decoded = decodeDetailed(payload, decodeOptionsFor(options, options.spans === true));
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    if (msgpackToo) {
      const msgpack = msgpackValue(payload);
      if (msgpack.ok) return { kind: 'msgpack', bytes: payload.length, data: msgpack.value };
    }
    const failed: Classified = {
      kind: 'raw',
      bytes: payload.length,
      error: { message: oneLine(err), offset: err.offset },
    };
    const prefix = decodeTuplePrefix(payload, decodeOptionsFor(options));
    const envelope = prefix && recognizePartialEnvelope(prefix.arity, prefix.elements, prefix.compressed);
    if (envelope !== undefined) {
      failed.envelope = envelope;
      failed.topic = envelope.topic;
    }
    return failed;
  }

  const { term } = decoded;
  const recognized = recognizeEnvelope(term, decoded.compressed);
  const message = recognized ? recognized.message : term;
  const inner = classifyInner(message, recognized?.envelope.topic);

  const classified: Classified = { kind: inner.kind, bytes: payload.length, term, message };
  if (recognized) classified.envelope = recognized.envelope;
  if (inner.topic !== undefined) classified.topic = inner.topic;
  if (inner.event !== undefined) classified.event = inner.event;
  if (inner.payload !== undefined) classified.payload = inner.payload;
  if (inner.tracker !== undefined) classified.tracker = inner.tracker;
  if (decoded.spans !== undefined) classified.spans = decoded.spans;
  if (decoded.inflated !== undefined) classified.inflated = decoded.inflated;
  return classified;
}

function decodeOptionsFor(options: ClassifyOptions, spans = false): DecodeOptions {
  return {
    maxInflatedSize: options.maxInflatedSize ?? DEFAULT_MAX_INFLATED_SIZE,
    maxBigBytes: options.maxBigBytes ?? DEFAULT_MAX_BIG_BYTES_SHOWN,
    maxTerms: options.maxTerms ?? DEFAULT_MAX_TERMS_SHOWN,
    spans,
  };
}

function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\s*\n\s*/g, ' ');
}

/**
 * The node a message names, for grouping and filtering: v3 → the envelope node (the sender for
 * `except`, the target for `only`); v1 → the sender's Erlang node when the message tells it (the
 * `from` pid's node, else a Tracker replica's name — always the sending shard's), else the name
 * an earlier message of the same ref told (NodeNameResolver), otherwise the short node ref. Undefined without an envelope.
 */
export function nodeOf(classified: Classified): string | undefined {
  const env = classified.envelope;
  if (env === undefined) return undefined;
  if (env.generation === 3) return env.node;
  return env.fromNode ?? classified.tracker?.replica ?? env.nodeName ?? env.node;
}

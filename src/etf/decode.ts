import type { Term, TermSpan } from './term.js';
import * as T from './tags.js';
import { DecodeError } from './errors.js';
import { DEFAULT_MAX_INFLATED_SIZE, inflateTerm } from './inflate.js';
import { TermReader } from './reader.js';
import { ERLANG_MAX_BIG_BYTES } from './reader-fields.js';
import { FastReader } from './fast-reader.js';

export interface DecodeOptions {
  /** Largest inflated size a compressed term may declare, in bytes. Default 64 MiB. */
  maxInflatedSize?: number;
  /**
   * Deepest nesting of containers (tuples, lists, maps, fun environments) accepted.
   * Default 10 000: far beyond any real message, and shallow enough that consumers which
   * recurse over terms are not handed something they cannot walk. The decoder itself is
   * iterative and takes any depth (`Infinity`) in heap, not stack.
   */
  maxDepth?: number;
  /**
   * Most terms one decode builds: every element, key, value and container counts (a 10-element
   * list of integers is 11). Default 4 000 000. Each term costs tens of bytes of heap while the
   * input may spend a single byte on it (NIL_EXT), and a compressed payload of 64 KB inflates to
   * 64 MiB of such bytes: without this a small message could take gigabytes (measured: 2.5 GiB
   * and 30 s for 65 KB). Real messages are far below it (the 1000-row fixture: 7018).
   */
  maxTerms?: number;
  /**
   * Largest integer accepted, in digit bytes of SMALL_BIG_EXT/LARGE_BIG_EXT. Default 4 194 296,
   * the most binary_to_term accepts (2^25 − 64 bits). Lower it where integers get printed: JS
   * writes a 4 MiB integer in decimal in about 8 s (360 KB: 1 s), and such a payload compresses
   * to a few KB. At least 255 (SMALL_BIG_EXT's own maximum).
   */
  maxBigBytes?: number;
  /** Also return the byte range of every node (`DecodeResult.spans`). */
  spans?: boolean;
}

export const DEFAULT_MAX_DEPTH = 10_000;
export const DEFAULT_MAX_TERMS = 4_000_000;
export const DEFAULT_MAX_BIG_BYTES = ERLANG_MAX_BIG_BYTES;

export interface DecodeResult {
  term: Term;
  /** The payload was `131 80 …` (zlib-compressed). */
  compressed: boolean;
  /** For compressed payloads: the inflated `Tag Data` bytes, which spans and error offsets refer to. */
  inflated?: Uint8Array;
  spans?: TermSpan;
  /**
   * Bytes after the term (in the inflated bytes, for a compressed payload), which binary_to_term
   * ignores silently (checked on OTP 25); so do we, and report how many here.
   */
  trailing: number;
}

const reader = new TermReader();
const fastReader = new FastReader();

/**
 * One term from `bytes` at `start`: the recursive fast path first (not for spans), and on any
 * difficulty the precise iterative reader, which also produces every DecodeError.
 */
function readTerm(
  bytes: Uint8Array,
  start: number,
  limits: { maxDepth: number; maxTerms: number; maxBigBytes: number },
  spans: boolean,
  inInflated: boolean,
): { term: Term; end: number; span: TermSpan | undefined } {
  const { maxDepth, maxTerms, maxBigBytes } = limits;
  // Whatever the input's length: the fast path refuses any container whose declared count
  // exceeds the terms left before allocating it, as the precise reader does, so giving up never
  // costs more than the precise reader's own refusal (a 65 KB payload inflating to a 64 MiB list
  // of `[]` once built 430 MB here; large payloads once all went to the slower reader).
  if (!spans) {
    try {
      const term = fastReader.read(bytes, start, maxDepth, maxTerms);
      return { term, end: fastReader.position, span: undefined };
    } catch {
      // GIVE_UP (or anything unexpected): the precise reader decides and explains.
    }
  }
  const term = reader.read(bytes, start, maxDepth, spans, inInflated, maxTerms, maxBigBytes);
  return { term, end: reader.position, span: reader.span };
}

/** Decodes `term_to_binary` output into a Term; throws DecodeError on anything binary_to_term would refuse. */
export function decode(bytes: Uint8Array, options?: DecodeOptions): Term {
  return decodeDetailed(bytes, options).term;
}

export function decodeDetailed(bytes: Uint8Array, options?: DecodeOptions): DecodeResult {
  const maxBigBytes = options?.maxBigBytes ?? DEFAULT_MAX_BIG_BYTES;
  if (!(maxBigBytes >= 255)) throw new RangeError(`maxBigBytes must be at least 255, got ${maxBigBytes}`);
  const limits = {
    maxDepth: options?.maxDepth ?? DEFAULT_MAX_DEPTH,
    maxTerms: options?.maxTerms ?? DEFAULT_MAX_TERMS,
    maxBigBytes,
  };
  const spans = options?.spans === true;
  if (bytes.length === 0) throw new DecodeError('empty input', 0, undefined, []);
  if (bytes[0] !== T.VERSION_MAGIC) {
    throw new DecodeError(
      `not External Term Format: the first byte is ${bytes[0]}, not the version magic 131`,
      0,
      undefined,
      [],
    );
  }
  if (bytes.length < 2) throw new DecodeError('the input ends right after the version magic 131', 1, undefined, []);
  const first = bytes[1]!;
  if (first === T.DIST_HEADER || first === T.DIST_FRAG_HEADER) {
    throw new DecodeError(
      `not term_to_binary output (distribution header, tag ${first}: this is distribution traffic)`,
      1,
      first,
      [],
    );
  }
  if (first === T.COMPRESSED) {
    const inflated = inflateTerm(bytes, options?.maxInflatedSize ?? DEFAULT_MAX_INFLATED_SIZE);
    const { term, end, span } = readTerm(inflated, 0, limits, spans, true);
    const result: DecodeResult = { term, compressed: true, inflated, trailing: inflated.length - end };
    if (spans && span) result.spans = span;
    return result;
  }
  const { term, end, span } = readTerm(bytes, 1, limits, spans, false);
  const result: DecodeResult = { term, compressed: false, trailing: bytes.length - end };
  if (spans && span) result.spans = span;
  return result;
}

/** What `decodeTuplePrefix` read of a term that failed to decode. */
export interface TuplePrefix {
  /** The outer tuple's declared arity. */
  arity: number;
  /** Its elements that decoded, in order, up to the one that did not. */
  elements: Term[];
  compressed: boolean;
}

/**
 * For a payload that does not decode as a whole: when it is a tuple (compressed or not), the
 * elements before the first one that fails — so that an envelope whose message is corrupt still
 * tells its generation, node and topic. Undefined when not even the tuple header is readable.
 * Never throws.
 */
export function decodeTuplePrefix(bytes: Uint8Array, options?: DecodeOptions): TuplePrefix | undefined {
  try {
    if (bytes.length < 3 || bytes[0] !== T.VERSION_MAGIC) return undefined;
    let body = bytes;
    let at = 1;
    const compressed = bytes[1] === T.COMPRESSED;
    if (compressed) {
      body = inflateTerm(bytes, options?.maxInflatedSize ?? DEFAULT_MAX_INFLATED_SIZE);
      at = 0;
    }
    if (body[at] !== T.SMALL_TUPLE_EXT || at + 1 >= body.length) return undefined;
    const arity = body[at + 1]!;
    const elements: Term[] = [];
    let pos = at + 2;
    const limits = {
      maxDepth: options?.maxDepth ?? DEFAULT_MAX_DEPTH,
      maxTerms: options?.maxTerms ?? DEFAULT_MAX_TERMS,
      maxBigBytes: options?.maxBigBytes ?? DEFAULT_MAX_BIG_BYTES,
    };
    for (let i = 0; i < arity; i++) {
      try {
        const { term, end } = readTerm(body, pos, limits, false, compressed);
        elements.push(term);
        pos = end;
      } catch {
        break;
      }
    }
    return { arity, elements, compressed };
  } catch {
    return undefined;
  }
}

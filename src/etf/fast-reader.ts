/* eslint-disable @typescript-eslint/only-throw-error -- GIVE_UP is a symbol: a fast path's bail-out builds no stack trace */
import { Atom, ErlFloat, ErlMap, ImproperList, Pid, Port, Ref, Tuple, type Term } from './term.js';
import * as T from './tags.js';
import { atomFromBytes } from './atom-cache.js';
import { binaryAt, MAX_SHARED_LENGTH, SHARE_FROM_INPUT_LENGTH } from './binary-cache.js';
import { bytesEqual, duplicateKeyIndex, sameKey } from './map-keys.js';
import { bigFromDigits, join64, readF64, readI32, readU32 } from './scalars.js';
import { pidProblem, portProblem, refProblem } from './reader-rules.js';

/**
 * The fast path of the decoder: plain recursion, no spans, no error details. It handles what real
 * messages are made of and gives up — by throwing GIVE_UP — on anything else: a malformed byte, a
 * rare tag (funs, bitstrings, FLOAT_EXT…), a list tail that continues the list, nesting deeper
 * than its recursion budget. decode.ts then decodes the same bytes again with the iterative
 * TermReader, which takes any depth and explains every error. Measured on Phoenix broadcasts, the
 * recursion is 20–40 % faster than the explicit stack; failures cost one extra pass.
 *
 * Every read is bounds-checked and every count checked against the bytes left before anything is
 * allocated, exactly as in TermReader: giving up must never be preceded by a huge allocation.
 */

/** Thrown to hand the input to the precise reader. Not an Error: nothing outside sees it. */
export const GIVE_UP = Symbol('give up');

/** Recursion budget: well inside Node's default stack, and deep enough for any real message. */
export const FAST_MAX_DEPTH = 400;

const NO_BYTES = new Uint8Array(0);

/** Maps up to this many pairs check keys as they arrive; larger ones hash them at the end. */
const SMALL_MAP = 8;
/** Key signatures of the small maps being read, SMALL_MAP slots per nesting level. */
const keySigs = new Float64Array(SMALL_MAP * (FAST_MAX_DEPTH + 1));
const IDENTITY = -1; // atoms and integers: interned / canonical, equal only when ===
const OTHER = -2;
const IDENTITY_TAGS = new Uint8Array(256);
for (const tag of [97, 98, 110, 111, 100, 115, 118, 119]) IDENTITY_TAGS[tag] = 1;

/** Maps of up to this many pairs remember their keys (see FastReader.map). */
const MAX_SHAPE_PAIRS = 32;
/** Keys of recent maps whose keys could be kept, by size and first key: never views of an input. */
const SHAPE_SLOTS = 256; // power of two
const shapes: Array<Term[] | undefined> = new Array<Term[] | undefined>(SHAPE_SLOTS).fill(undefined);
/** Maps of each size in a row whose keys were not the shape's. */
const shapeMisses = new Uint32Array(SHAPE_SLOTS);

/**
 * Keeps a map's keys (distinct, already checked) as the shape for its size, when they are atoms,
 * integers and short binaries; binaries are copied, so that no input is kept alive.
 */
function rememberShape(slot: number, keys: Term[]): void {
  const n = keys.length;
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    if (!(typeof k === 'number' || k instanceof Atom || (k instanceof Uint8Array && k.length <= MAX_SHARED_LENGTH)))
      return;
  }
  const kept = new Array<Term>(n);
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    kept[i] = k instanceof Uint8Array ? k.slice() : k;
  }
  shapes[slot] = kept;
}

export class FastReader {
  private b: Uint8Array = NO_BYTES;
  /** The input's ArrayBuffer and offset, looked up once per read rather than per binary. */
  private buffer: ArrayBufferLike = NO_BYTES.buffer;
  private offset = 0;
  /** A large input: short binaries that repeat are shared (binary-cache.ts). */
  private share = false;
  private pos = 0;
  private end = 0;
  private maxDepth = FAST_MAX_DEPTH;
  /**
   * Terms this read may still build (DecodeOptions.maxTerms): past it, the precise reader explains.
   * A container whose declared count exceeds it is refused before its array is allocated, as the
   * precise reader does, so giving up never follows more building than the precise reader's own
   * refusal: a 64 MiB list of [] (65 KB compressed) costs nothing, whatever the input's length.
   */
  private termsLeft = Infinity;

  /** The term at `start`, or throws GIVE_UP. `position` is then just past it. */
  read(bytes: Uint8Array, start: number, maxDepth: number, maxTerms = Infinity): Term {
    this.termsLeft = maxTerms;
    this.b = bytes;
    this.buffer = bytes.buffer;
    this.offset = bytes.byteOffset;
    this.share = bytes.length >= SHARE_FROM_INPUT_LENGTH;
    this.pos = start;
    this.end = bytes.length;
    this.maxDepth = Math.min(maxDepth, FAST_MAX_DEPTH);
    try {
      return this.term(0);
    } finally {
      this.b = NO_BYTES;
      this.buffer = NO_BYTES.buffer;
    }
  }

  get position(): number {
    return this.pos;
  }

  private term(depth: number): Term {
    const b = this.b;
    const at = this.pos;
    if (at >= this.end || --this.termsLeft < 0) throw GIVE_UP;
    switch (b[at]) {
      case T.SMALL_INTEGER_EXT:
        this.need(at + 2);
        this.pos = at + 2;
        return b[at + 1]!;
      case T.INTEGER_EXT:
        this.need(at + 5);
        this.pos = at + 5;
        return readI32(b, at + 1);
      case T.BINARY_EXT: {
        this.need(at + 5);
        const length = readU32(b, at + 1);
        this.need(at + 5 + length);
        this.pos = at + 5 + length;
        if (this.share) return binaryAt(b, this.buffer, this.offset, at + 5, length);
        // A plain view (Buffer#subarray costs several times more per call).
        return new Uint8Array(this.buffer, this.offset + at + 5, length);
      }
      case T.SMALL_ATOM_UTF8_EXT:
      case T.SMALL_ATOM_EXT:
      case T.ATOM_UTF8_EXT:
      case T.ATOM_EXT:
        return this.atom();
      case T.MAP_EXT: {
        if (depth >= this.maxDepth) throw GIVE_UP;
        this.need(at + 5);
        const pairs = readU32(b, at + 1);
        this.need(at + 5 + 2 * pairs);
        if (2 * pairs > this.termsLeft) throw GIVE_UP; // see termsLeft
        this.pos = at + 5;
        return this.map(pairs, depth);
      }
      case T.NIL_EXT:
        this.pos = at + 1;
        return [];
      case T.LIST_EXT:
        return this.list(at, depth);
      case T.STRING_EXT: {
        this.need(at + 3);
        const length = (b[at + 1]! << 8) | b[at + 2]!;
        this.need(at + 3 + length);
        if ((this.termsLeft -= length) < 0) throw GIVE_UP; // each character is a list element
        const chars = new Array<Term>(length);
        for (let i = 0; i < length; i++) chars[i] = b[at + 3 + i]!;
        this.pos = at + 3 + length;
        return chars;
      }
      case T.SMALL_TUPLE_EXT:
      case T.LARGE_TUPLE_EXT: {
        if (depth >= this.maxDepth) throw GIVE_UP;
        let arity: number;
        if (b[at] === T.SMALL_TUPLE_EXT) {
          this.need(at + 2);
          arity = b[at + 1]!;
          this.pos = at + 2;
        } else {
          this.need(at + 5);
          arity = readU32(b, at + 1);
          this.pos = at + 5;
        }
        this.need(this.pos + arity);
        if (arity > this.termsLeft) throw GIVE_UP; // see termsLeft
        const elements = new Array<Term>(arity);
        for (let i = 0; i < arity; i++) elements[i] = this.term(depth + 1);
        return new Tuple(elements);
      }
      case T.NEW_FLOAT_EXT: {
        this.need(at + 9);
        const x = readF64(b, at + 1);
        if (!Number.isFinite(x)) throw GIVE_UP;
        this.pos = at + 9;
        return new ErlFloat(x);
      }
      case T.SMALL_BIG_EXT: {
        this.need(at + 3);
        const n = b[at + 1]!;
        this.need(at + 3 + n);
        this.pos = at + 3 + n;
        return bigFromDigits(b, at + 3, n, b[at + 2] !== 0);
      }
      case T.LARGE_BIG_EXT: {
        this.need(at + 6);
        const n = readU32(b, at + 1);
        // Longer ones (beyond 2040 bits: never in real messages) meet the size limit on the precise path.
        if (n > 255) throw GIVE_UP;
        this.need(at + 6 + n);
        this.pos = at + 6 + n;
        return bigFromDigits(b, at + 6, n, b[at + 5] !== 0);
      }
      case T.NEW_PID_EXT:
      case T.PID_EXT:
        return this.pid();
      case T.NEWER_REFERENCE_EXT:
      case T.NEW_REFERENCE_EXT:
        return this.ref();
      case T.NEW_PORT_EXT:
      case T.V4_PORT_EXT:
        return this.port();
      default:
        throw GIVE_UP; // rare or invalid: the precise reader decides
    }
  }

  /**
   * A map's pairs. Maps of one kind repeat their keys in one order (every message of a history,
   * every struct), so the keys of the last map of each size are kept: while this map's keys are
   * those, they are not built again, not checked for repeats again (they were found distinct),
   * and the map shares that key array.
   */
  private map(pairs: number, depth: number): ErlMap {
    const values = new Array<Term>(pairs);
    // Maps of one size but different kinds (a struct and its payload) get different slots: by the
    // size, and the first key's tag and a byte of its text.
    const b = this.b;
    const p = this.pos;
    const slot = (pairs * 61 + (p + 5 < this.end ? b[p]! * 31 + b[p + 5]! : 0)) & (SHAPE_SLOTS - 1);
    // After misses in a row, only the map right after a keep tries the kept keys (see below).
    const misses = shapeMisses[slot]!;
    const kept = pairs <= MAX_SHAPE_PAIRS && (misses < 3 || (misses & 15) === 1) ? shapes[slot] : undefined;
    const shape = kept !== undefined && kept.length === pairs ? kept : undefined;
    let i = 0;
    let other: Term = 0; // a key read that is not the shape's
    let differs = false;
    if (shape !== undefined) {
      for (; i < pairs; i++) {
        const want = shape[i]!;
        if (want instanceof Uint8Array) {
          if (!this.binaryAhead(want)) break;
        } else {
          other = this.term(depth + 1); // atoms and integers are equal only when ===
          if (other !== want) {
            differs = true;
            break;
          }
        }
        values[i] = this.term(depth + 1);
      }
      if (i === pairs) {
        shapeMisses[slot] = 0;
        return new ErlMap(shape, values);
      }
    }
    const keys = new Array<Term>(pairs);
    for (let j = 0; j < i; j++) keys[j] = shape![j]!;
    // Keys checked as they arrive (small maps), or all at the end.
    const incremental = pairs <= SMALL_MAP && i === 0 && !differs;
    if (differs) {
      keys[i] = other;
      values[i] = this.term(depth + 1);
      i++;
    }
    let seen = 0; // one bit per key signature seen so far (see checkKey)
    for (; i < pairs; i++) {
      const keyAt = this.pos;
      keys[i] = this.term(depth + 1);
      if (incremental) seen = this.checkKey(keys, i, keyAt, depth, seen);
      values[i] = this.term(depth + 1);
    }
    if (!incremental && duplicateKeyIndex(keys) >= 0) throw GIVE_UP;
    // Keys that differ map after map (ids as keys) would be copied for nothing: after a few misses
    // in a row, only every 16th map is kept (measured: 1000 maps keyed by ids decoded 2× slower).
    if (pairs <= MAX_SHAPE_PAIRS) {
      shapeMisses[slot] = misses + 1;
      if (misses < 2 || (misses & 15) === 0) rememberShape(slot, keys);
    }
    return new ErlMap(keys, values);
  }

  /** When a BINARY_EXT equal to `key` is next: consumes it (one term) and returns true. */
  private binaryAhead(key: Uint8Array): boolean {
    const b = this.b;
    const at = this.pos;
    const length = key.length;
    if (at + 5 + length > this.end || b[at] !== T.BINARY_EXT || readU32(b, at + 1) !== length) return false;
    // Keys that differ (ids) mostly differ at the end: the last byte first.
    if (length > 0 && b[at + 4 + length] !== key[length - 1]) return false;
    for (let k = 0; k < length; k++) if (b[at + 5 + k] !== key[k]) return false;
    if (--this.termsLeft < 0) throw GIVE_UP;
    this.pos = at + 5 + length;
    return true;
  }

  /**
   * Gives up if key `i` of a small map repeats an earlier one (binary_to_term refuses such maps).
   * The key's tag tells its kind without `instanceof`: binaries get a signature of length and
   * edge bytes, and a 32-bit mask of the signatures seen (`seen`, returned updated) lets most keys
   * skip the comparisons altogether.
   */
  private checkKey(keys: Term[], i: number, keyAt: number, depth: number, seen: number): number {
    const b = this.b;
    const tag = b[keyAt];
    let sig: number;
    if (tag === T.BINARY_EXT) {
      const length = this.pos - keyAt - 5;
      sig = length === 0 ? 0 : length * 65536 + b[keyAt + 5]! * 256 + b[this.pos - 1]!;
    } else if (IDENTITY_TAGS[tag!] === 1) {
      sig = IDENTITY;
    } else {
      sig = OTHER;
    }
    const bit = 1 << (Math.imul(sig | 0, 0x9e3779b1) >>> 27); // IDENTITY and OTHER get fixed bits too
    const base = depth * SMALL_MAP;
    if ((seen & bit) !== 0) {
      const key = keys[i]!;
      for (let j = 0; j < i; j++) {
        if (keySigs[base + j] !== sig) continue;
        const same =
          sig === IDENTITY
            ? keys[j] === key
            : sig === OTHER
              ? sameKey(keys[j]!, key)
              : bytesEqual(keys[j] as Uint8Array, key as Uint8Array);
        if (same) throw GIVE_UP;
      }
    }
    keySigs[base + i] = sig;
    return seen | bit;
  }

  private need(end: number): void {
    if (end > this.end) throw GIVE_UP;
  }

  /** A proper list, or an improper one whose tail is not itself a list. */
  private list(at: number, depth: number): Term {
    if (depth >= this.maxDepth) throw GIVE_UP;
    const b = this.b;
    this.need(at + 5);
    const length = readU32(b, at + 1);
    this.need(at + 5 + length);
    if (length === 0 || length > this.termsLeft) throw GIVE_UP; // see termsLeft
    this.pos = at + 5;
    const items = new Array<Term>(length);
    for (let i = 0; i < length; i++) items[i] = this.term(depth + 1);
    if (this.pos >= this.end) throw GIVE_UP;
    const tailTag = b[this.pos];
    if (tailTag === T.NIL_EXT) {
      this.pos++;
      return items;
    }
    // A list-valued tail extends the list: the precise reader merges those.
    if (tailTag === T.LIST_EXT || tailTag === T.STRING_EXT) throw GIVE_UP;
    return new ImproperList(items, this.term(depth + 1));
  }

  private atom(): Atom {
    const b = this.b;
    const at = this.pos;
    const tag = b[at];
    let start: number;
    let length: number;
    if (tag === T.SMALL_ATOM_UTF8_EXT || tag === T.SMALL_ATOM_EXT) {
      this.need(at + 2);
      length = b[at + 1]!;
      start = at + 2;
    } else if (tag === T.ATOM_UTF8_EXT || tag === T.ATOM_EXT) {
      this.need(at + 3);
      length = (b[at + 1]! << 8) | b[at + 2]!;
      start = at + 3;
    } else {
      throw GIVE_UP;
    }
    this.need(start + length);
    this.pos = start + length;
    return atomFromBytes(b, start, length, tag === T.SMALL_ATOM_UTF8_EXT || tag === T.ATOM_UTF8_EXT); // throws on bad text
  }

  private pid(): Pid {
    const old = this.b[this.pos] === T.PID_EXT;
    this.pos++;
    const node = this.atom();
    const p = this.pos;
    this.need(p + (old ? 9 : 12));
    const b = this.b;
    this.pos = p + (old ? 9 : 12);
    const id = readU32(b, p);
    const serial = readU32(b, p + 4);
    const creation = old ? b[p + 8]! : readU32(b, p + 8);
    // The rules of OTP's limits (old creations, local identifiers): the precise reader explains.
    if (pidProblem(old ? T.PID_EXT : T.NEW_PID_EXT, node.name, id, serial, creation) !== undefined) throw GIVE_UP;
    return new Pid(node, id, serial, creation, old);
  }

  private port(): Port {
    const v4 = this.b[this.pos] === T.V4_PORT_EXT;
    this.pos++;
    const node = this.atom();
    const p = this.pos;
    const b = this.b;
    if (v4) {
      this.need(p + 12);
      this.pos = p + 12;
      const id = join64(readU32(b, p), readU32(b, p + 4));
      const creation = readU32(b, p + 8);
      if (portProblem(T.V4_PORT_EXT, node.name, id, creation) !== undefined) throw GIVE_UP;
      return new Port(node, id, creation, 'v4');
    }
    this.need(p + 8);
    this.pos = p + 8;
    const id = readU32(b, p);
    const creation = readU32(b, p + 4);
    if (portProblem(T.NEW_PORT_EXT, node.name, id, creation) !== undefined) throw GIVE_UP;
    return new Port(node, id, creation, 'new');
  }

  private ref(): Ref {
    const b = this.b;
    const newer = b[this.pos] === T.NEWER_REFERENCE_EXT;
    this.need(this.pos + 3);
    const words = (b[this.pos + 1]! << 8) | b[this.pos + 2]!;
    if (words > 5) throw GIVE_UP;
    this.pos += 3;
    const node = this.atom();
    const p = this.pos;
    const head = newer ? 4 : 1;
    this.need(p + head + 4 * words);
    const ids = new Array<number>(words);
    for (let i = 0; i < words; i++) ids[i] = readU32(b, p + head + 4 * i);
    this.pos = p + head + 4 * words;
    const creation = newer ? readU32(b, p) : b[p]!;
    const tag = newer ? T.NEWER_REFERENCE_EXT : T.NEW_REFERENCE_EXT;
    if (refProblem(tag, node.name, creation, ids) !== undefined) throw GIVE_UP;
    return new Ref(node, creation, ids, newer ? 'newer' : 'new');
  }
}

import type { Atom } from './term.js';
import { BitBinary, ErlFloat, Fun, Pid, Port, Ref, type Term } from './term.js';
import * as T from './tags.js';
import { DecodeError } from './errors.js';
import { atomFromBytes, AtomTextError } from './atom-cache.js';
import { bigFromDigits, join64, readU32 } from './scalars.js';
import {
  MAX_FUN_FREE_VARS,
  MAX_REF_WORDS,
  funIntegerProblem,
  pidProblem,
  portProblem,
  refProblem,
} from './reader-rules.js';

/**
 * The precise reader's byte-level half: a cursor over the input with bounds checks that report
 * where and why, and the readers of every non-container term (atoms, integers, floats, bitstrings,
 * pids, ports, refs, fun headers). TermReader (reader.ts) adds containers, spans and the path
 * that error messages show.
 */
/** binary_to_term refuses integers with more digit bytes than this (checked on OTP 25: 2^25 − 64 bits). */
export const ERLANG_MAX_BIG_BYTES = 4_194_296;

export abstract class FieldReader {
  protected bytes: Uint8Array = NO_BYTES;
  protected pos = 0;
  protected end = 0;
  protected inInflated = false;
  /** DecodeOptions.maxBigBytes. */
  protected maxBigBytes = Infinity;

  /** Where the reader is inside the term, outermost first (for error messages). */
  protected abstract path(): string[];

  // ---- bounds ------------------------------------------------------------------------------

  protected need(at: number, tag: number, n: number): void {
    if (this.pos + n > this.end) {
      throw this.fail(`${T.tagName(tag)} needs ${n} more bytes but only ${this.end - this.pos} are left`, at, tag);
    }
  }

  /** Reads a 4-byte count of things that take at least `minBytes` each, checked against the input. */
  protected length32(at: number, tag: number, minBytes: number, extra = 0): number {
    this.need(at, tag, 4 + extra);
    const b = this.bytes;
    const p = this.pos;
    const n = ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
    this.pos = p + 4 + extra;
    this.needLength(at, tag, n, minBytes);
    return n;
  }

  protected needLength(at: number, tag: number, n: number, minBytes: number): void {
    const left = this.end - this.pos;
    if (n * minBytes > left) {
      const what =
        tag === T.MAP_EXT
          ? 'pairs'
          : tag === T.LIST_EXT || tag === T.SMALL_TUPLE_EXT || tag === T.LARGE_TUPLE_EXT
            ? 'elements'
            : 'length';
      const need = minBytes === 1 ? '' : ` (${minBytes} bytes each at least)`;
      throw this.fail(`${T.tagName(tag)} ${what} ${n}${need} exceeds the ${left} bytes left`, at, tag);
    }
  }

  // ---- scalars -----------------------------------------------------------------------------

  protected atomText(at: number, tag: number, length: number, utf8: boolean): Atom {
    this.needLength(at, tag, length, 1);
    const start = this.pos;
    this.pos += length;
    try {
      return atomFromBytes(this.bytes, start, length, utf8);
    } catch (e) {
      if (e instanceof AtomTextError) throw this.fail(e.message, at, tag);
      throw e;
    }
  }

  /** An atom inside a pid/port/ref/fun (`what` names the field for the error path). */
  protected atomField(outerAt: number, outerTag: number, what: string): Atom {
    const at = this.pos;
    if (at >= this.end) throw this.fail(`${T.tagName(outerTag)} ends before its ${what}`, outerAt, outerTag);
    const tag = this.bytes[at]!;
    this.pos = at + 1;
    try {
      if (tag === T.SMALL_ATOM_UTF8_EXT || tag === T.SMALL_ATOM_EXT) {
        this.need(at, tag, 1);
        return this.atomText(at, tag, this.bytes[this.pos++]!, tag === T.SMALL_ATOM_UTF8_EXT);
      }
      if (tag === T.ATOM_UTF8_EXT || tag === T.ATOM_EXT) {
        this.need(at, tag, 2);
        const length = (this.bytes[this.pos]! << 8) | this.bytes[this.pos + 1]!;
        this.pos += 2;
        return this.atomText(at, tag, length, tag === T.ATOM_UTF8_EXT);
      }
    } catch (e) {
      throw e instanceof DecodeError ? this.withSegment(e, what) : e;
    }
    throw this.withSegment(this.fail(`expected an atom, found ${T.tagName(tag)}`, at, tag), what);
  }

  /** An integer field of a fun (SMALL_INTEGER_EXT, INTEGER_EXT or a big). */
  protected integerField(outerAt: number, outerTag: number, what: string): number | bigint {
    const at = this.pos;
    if (at >= this.end) throw this.fail(`${T.tagName(outerTag)} ends before its ${what}`, outerAt, outerTag);
    const b = this.bytes;
    const tag = b[at]!;
    this.pos = at + 1;
    try {
      switch (tag) {
        case T.SMALL_INTEGER_EXT:
          this.need(at, tag, 1);
          return b[this.pos++]!;
        case T.INTEGER_EXT: {
          this.need(at, tag, 4);
          const p = this.pos;
          this.pos = p + 4;
          return (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
        }
        case T.SMALL_BIG_EXT: {
          this.need(at, tag, 2);
          return this.bigDigits(at, tag, b[this.pos++]!);
        }
        case T.LARGE_BIG_EXT:
          return this.bigDigits(at, tag, this.length32(at, tag, 1));
      }
    } catch (e) {
      throw e instanceof DecodeError ? this.withSegment(e, what) : e;
    }
    throw this.withSegment(this.fail(`expected an integer, found ${T.tagName(tag)}`, at, tag), what);
  }

  /** Digits of a SMALL_BIG_EXT/LARGE_BIG_EXT; `pos` is at the sign byte. */
  protected bigDigits(at: number, tag: number, n: number): number | bigint {
    if (n > this.maxBigBytes) {
      const erlang =
        this.maxBigBytes === ERLANG_MAX_BIG_BYTES
          ? ', the most binary_to_term accepts'
          : ' (raise the maxBigBytes option to allow it)';
      throw this.fail(
        `${T.tagName(tag)} of ${n} digit bytes is over maxBigBytes ${this.maxBigBytes}${erlang}`,
        at,
        tag,
      );
    }
    this.need(at, tag, 1 + n);
    const negative = this.bytes[this.pos] !== 0;
    const first = this.pos + 1;
    this.pos = first + n;
    return bigFromDigits(this.bytes, first, n, negative);
  }

  protected bitBinary(at: number, tag: number): Uint8Array | BitBinary {
    const length = this.length32(at, tag, 1, 1);
    const b = this.bytes;
    const bits = b[this.pos - 1]!;
    const start = this.pos;
    this.pos += length;
    if (length === 0) {
      if (bits === 0) return b.subarray(start, start); // Erlang reads <<>> this way
      throw this.fail(`BIT_BINARY_EXT of 0 bytes with ${bits} bits in the last`, at, tag);
    }
    if (bits < 1 || bits > 8) throw this.fail(`BIT_BINARY_EXT with ${bits} bits in the last byte (1..8)`, at, tag);
    const bytes = b.subarray(start, start + length);
    if (bits === 8) return bytes; // a whole number of bytes is a binary, as binary_to_term sees it
    const mask = (0xff << (8 - bits)) & 0xff;
    const last = bytes[length - 1]!;
    if ((last & ~mask) === 0) return new BitBinary(bytes, bits);
    // binary_to_term drops the unused low bits; copy rather than touch the caller's input.
    const clean = bytes.slice();
    clean[length - 1] = last & mask;
    return new BitBinary(clean, bits);
  }

  /** FLOAT_EXT: 31 bytes of `%.20e` text, NUL padded (minor_version 0). */
  protected floatText(at: number, tag: number): ErlFloat {
    this.need(at, tag, 31);
    const b = this.bytes;
    let text = '';
    for (let i = this.pos; i < this.pos + 31 && b[i] !== 0; i++) text += String.fromCharCode(b[i]!);
    this.pos += 31;
    // binary_to_term takes a comma for the decimal point too (checked on OTP 25: "1,5" is 1.5).
    const x = FLOAT_TEXT.test(text) ? Number(text.replace(',', '.')) : NaN;
    if (!Number.isFinite(x)) throw this.fail(`FLOAT_EXT text ${JSON.stringify(text)} is not a float`, at, tag);
    return new ErlFloat(x);
  }

  protected pidBody(at: number, tag: number): Pid {
    const node = this.atomField(at, tag, 'pid node');
    const old = tag === T.PID_EXT;
    this.need(at, tag, old ? 9 : 12);
    const id = this.u32(this.pos);
    const serial = this.u32(this.pos + 4);
    const creation = old ? this.bytes[this.pos + 8]! : this.u32(this.pos + 8);
    const problem = pidProblem(tag, node.name, id, serial, creation);
    if (problem !== undefined) throw this.fail(problem, at, tag);
    this.pos += old ? 9 : 12;
    return new Pid(node, id, serial, creation, old);
  }

  protected portBody(at: number, tag: number): Port {
    const node = this.atomField(at, tag, 'port node');
    if (tag === T.V4_PORT_EXT) {
      this.need(at, tag, 12);
      const high = this.u32(this.pos);
      const low = this.u32(this.pos + 4);
      const id = join64(high, low);
      const creation = this.u32(this.pos + 8);
      this.checkPort(at, tag, node, id, creation);
      this.pos += 12;
      return new Port(node, id, creation, 'v4');
    }
    const old = tag === T.PORT_EXT;
    this.need(at, tag, old ? 5 : 8);
    const id = this.u32(this.pos);
    const creation = old ? this.bytes[this.pos + 4]! : this.u32(this.pos + 4);
    this.checkPort(at, tag, node, id, creation);
    this.pos += old ? 5 : 8;
    return new Port(node, id, creation, old ? 'old' : 'new');
  }

  protected refBody(at: number, tag: number): Ref {
    if (tag === T.REFERENCE_EXT) {
      const node = this.atomField(at, tag, 'ref node');
      this.need(at, tag, 5);
      const id = this.u32(this.pos);
      const creation = this.bytes[this.pos + 4]!;
      this.checkRef(at, tag, node, creation, [id]);
      this.pos += 5;
      return new Ref(node, creation, [id], 'old');
    }
    this.need(at, tag, 2);
    const words = (this.bytes[this.pos]! << 8) | this.bytes[this.pos + 1]!;
    this.pos += 2;
    if (words > MAX_REF_WORDS)
      throw this.fail(`${T.tagName(tag)} with ${words} id words (binary_to_term takes at most 5)`, at, tag);
    const node = this.atomField(at, tag, 'ref node');
    const newer = tag === T.NEWER_REFERENCE_EXT;
    this.need(at, tag, (newer ? 4 : 1) + 4 * words);
    const creation = newer ? this.u32(this.pos) : this.bytes[this.pos]!;
    this.pos += newer ? 4 : 1;
    const ids = new Array<number>(words);
    for (let i = 0; i < words; i++) ids[i] = this.u32(this.pos + 4 * i);
    this.checkRef(at, tag, node, creation, ids);
    this.pos += 4 * words;
    return new Ref(node, creation, ids, newer ? 'newer' : 'new');
  }

  /** NEW_FUN_EXT up to the free variables, which the caller reads as children. */
  protected funHead(at: number, tag: number): Fun {
    // Size (which binary_to_term ignores), Arity, Uniq, Index, NumFree.
    this.need(at, tag, 4 + 1 + 16 + 4 + 4);
    const b = this.bytes;
    const p = this.pos;
    const arity = b[p + 4]!;
    const uniq = b.subarray(p + 5, p + 21);
    const index = this.u32(p + 21);
    const numFree = this.u32(p + 25);
    this.pos = p + 29;
    const module = this.atomField(at, tag, 'fun module');
    if (numFree > MAX_FUN_FREE_VARS) {
      throw this.fail(`NEW_FUN_EXT with ${numFree} free variables (binary_to_term takes at most 255)`, at, tag);
    }
    const oldIndexAt = this.pos;
    const oldIndex = this.integerField(at, tag, 'fun old index');
    const indexProblem = funIntegerProblem('OldIndex', oldIndex);
    if (indexProblem !== undefined)
      throw this.withSegment(this.fail(indexProblem, oldIndexAt, undefined), 'fun old index');
    const oldUniqAt = this.pos;
    const oldUniq = this.integerField(at, tag, 'fun old uniq');
    const uniqProblem = funIntegerProblem('OldUniq', oldUniq);
    if (uniqProblem !== undefined) throw this.withSegment(this.fail(uniqProblem, oldUniqAt, undefined), 'fun old uniq');
    const pidAt = this.pos;
    const pidTag = this.pos < this.end ? b[this.pos]! : -1;
    if (pidTag !== T.NEW_PID_EXT && pidTag !== T.PID_EXT) {
      const found = pidTag < 0 ? 'the end of the input' : T.tagName(pidTag);
      throw this.withSegment(
        this.fail(`expected a pid, found ${found}`, pidAt, pidTag < 0 ? undefined : pidTag),
        'fun pid',
      );
    }
    this.pos++;
    const pid = this.pidBody(pidAt, pidTag);
    this.needLength(at, tag, numFree, 1);
    return new Fun(arity, uniq, index, module, oldIndex, oldUniq, pid, new Array<Term>(numFree));
  }

  private checkPort(at: number, tag: number, node: Atom, id: number | bigint, creation: number): void {
    const problem = portProblem(tag, node.name, id, creation);
    if (problem !== undefined) throw this.fail(problem, at, tag);
  }

  private checkRef(at: number, tag: number, node: Atom, creation: number, ids: number[]): void {
    const problem = refProblem(tag, node.name, creation, ids);
    if (problem !== undefined) throw this.fail(problem, at, tag);
  }

  protected u32(p: number): number {
    return readU32(this.bytes, p);
  }

  // ---- errors ------------------------------------------------------------------------------

  protected fail(reason: string, offset: number, tag: number | undefined): DecodeError {
    return new DecodeError(reason, offset, tag, this.path(), this.inInflated);
  }

  protected withSegment(e: DecodeError, segment: string): DecodeError {
    return new DecodeError(e.reason, e.offset, e.tag, [...e.path, segment], e.inInflated);
  }
}

export const NO_BYTES = new Uint8Array(0);

/** What binary_to_term accepts in FLOAT_EXT (checked on OTP 25: `1.0e5`, `1,5` yes; `1e5`, `.5`, `1.`, ` 1.0` no). */
const FLOAT_TEXT = /^[+-]?\d+[.,]\d+([eE][+-]?\d+)?$/;

/* eslint-disable @typescript-eslint/only-throw-error -- GIVE_UP is a symbol: a fast path's bail-out builds no stack trace */
import {
  Atom,
  BitBinary,
  ErlFloat,
  ErlMap,
  ExportFun,
  Fun,
  ImproperList,
  Pid,
  Port,
  Ref,
  Tuple,
  type Term,
} from './term.js';
import * as T from './tags.js';
import { EncodeError } from './errors.js';
import type { PlainValue } from './plain.js';
import { OutputBuffer } from './output-buffer.js';
import { formatFloatExt } from './float-text.js';

/**
 * Writes terms into an OutputBuffer the way term_to_binary does. Two traversals share every
 * writing method: `writeRecursive` (plain recursion, the fast path) gives up with GIVE_UP past
 * RECURSION_LIMIT levels, and `writeIterative` (an explicit stack of pending terms) takes any depth.
 * Containers call `children()`, which either recurses or pushes, so each kind is written once.
 */

/** Thrown by the recursive traversal when a term is too deep for it. */
export const GIVE_UP = Symbol('give up');
const RECURSION_LIMIT = 400;

/** Marks the end of a list on the work stack: write NIL_EXT. */
const END_OF_LIST = { endOfList: true } as const;

/** Marks the end of a fun's free variables: patch its Size field. */
class FunSizePatch {
  constructor(readonly sizeAt: number) {}
}

/** Iterative traversal: the container's children are all written (see `enter`). */
class Leave {
  constructor(readonly container: object) {}
}

type Work = Term | PlainValue | typeof END_OF_LIST | FunSizePatch | Leave;

const utf8 = new TextEncoder();
const INT32_MIN = -0x8000_0000;
const INT32_MAX = 0x7fff_ffff;
const MAX_V3_PORT_ID = 0x0fff_ffff;

export class TermWriter {
  readonly out = new OutputBuffer();
  /** Iterative traversal: terms still to write, last first (containers push children in reverse). */
  private readonly stack: Work[] = [];
  /** Iterative traversal: the containers being written, to refuse a JS structure that contains itself. */
  private readonly open = new Set<object>();
  private recursive = true;
  minor: 0 | 1 | 2 = 2;
  private readonly utf8Atoms = new Map<Atom, Uint8Array>();
  private readonly latin1Atoms = new Map<Atom, Uint8Array>();

  /** Writes `root`, or throws GIVE_UP (output then incomplete) when it nests too deep. */
  writeRecursive(root: Term | PlainValue): void {
    this.recursive = true;
    this.one(root, 0);
  }

  /** Writes `root` at any depth. */
  writeIterative(root: Term | PlainValue): void {
    this.recursive = false;
    const stack = this.stack;
    stack.length = 0;
    stack.push(root);
    try {
      while (stack.length > 0) this.one(stack.pop()!, 0);
    } finally {
      stack.length = 0;
      this.open.clear();
    }
  }

  /** Writes `items` after their container's header: recursing, or queued on the stack. */
  private children(owner: object, items: readonly Work[], depth: number, last?: Work): void {
    if (this.recursive) {
      if (depth >= RECURSION_LIMIT) throw GIVE_UP; // deep, or a cycle: the iterative pass tells
      for (let i = 0; i < items.length; i++) this.one(items[i]!, depth + 1);
      if (last !== undefined) this.one(last, depth + 1);
    } else {
      this.enter(owner);
      if (last !== undefined) this.stack.push(last);
      for (let i = items.length - 1; i >= 0; i--) this.stack.push(items[i]!);
    }
  }

  /**
   * Iterative traversal: `container` is about to have its children queued. Terms from the decoder
   * cannot contain themselves, but JS values can; without this check such a value would be
   * written until memory runs out.
   */
  private enter(container: object): void {
    if (this.open.has(container)) throw new EncodeError('cannot encode a value that contains itself');
    this.open.add(container);
    this.stack.push(new Leave(container));
  }

  private one(v: Work, depth: number): void {
    const out = this.out;
    // `typeof v === '…'` tests compile to type checks; a switch on typeof would compare strings.
    if (typeof v !== 'object' || v === null) return this.primitive(v);
    // Most frequent kinds first: binaries, atoms, maps, lists.
    if (v instanceof Uint8Array) return this.binary(v);
    if (v instanceof Atom) return this.atom(v);
    if (v instanceof ErlMap) {
      const { keys, values } = v;
      if (keys.length !== values.length)
        throw new EncodeError(`ErlMap with ${keys.length} keys but ${values.length} values`);
      out.u8(T.MAP_EXT);
      out.u32(keys.length);
      return this.pairs(v, keys, values, depth);
    }
    if (Array.isArray(v)) return this.list(v, depth);
    if (v === END_OF_LIST) return out.u8(T.NIL_EXT);
    if (v instanceof Tuple) {
      const items = v.elements;
      if (items.length <= 255) out.u8u8(T.SMALL_TUPLE_EXT, items.length);
      else {
        out.u8(T.LARGE_TUPLE_EXT);
        out.u32(items.length);
      }
      return this.children(v, items, depth);
    }
    if (v instanceof ErlFloat) return this.float(v.value);
    if (v instanceof ImproperList) return this.improperList(v, depth);
    if (v instanceof BitBinary) return this.bitBinary(v);
    if (v instanceof Pid) return this.pid(v);
    if (v instanceof Port) return this.port(v);
    if (v instanceof Ref) return this.ref(v);
    if (v instanceof ExportFun) {
      out.u8(T.EXPORT_EXT);
      this.atom(v.module);
      this.atom(v.fun);
      this.integer(v.arity);
      return;
    }
    if (v instanceof Fun) return this.fun(v, depth);
    if (v instanceof FunSizePatch) {
      out.patchU32(v.sizeAt, out.length - v.sizeAt);
      return;
    }
    if (v instanceof Leave) {
      this.open.delete(v.container);
      return;
    }
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) return this.plainObject(v as Record<string, PlainValue>, depth);
    throw new EncodeError(`cannot encode ${describe(v)}`);
  }

  /** Numbers (integers, or floats for plain values), bigints, strings, booleans, null. */
  private primitive(v: Work): void {
    if (typeof v === 'number') {
      if (Number.isInteger(v)) this.integer(v);
      else this.float(v);
    } else if (typeof v === 'bigint') this.integer(v);
    else if (typeof v === 'string') this.utf8Binary(v);
    else if (typeof v === 'boolean') this.atom(Atom.of(v ? 'true' : 'false'));
    else if (v === null) this.atom(Atom.of('nil'));
    else throw new EncodeError(`cannot encode a JS ${typeof v}`);
  }

  private integer(n: number | bigint): void {
    const out = this.out;
    if (typeof n === 'bigint') {
      if (n >= INT32_MIN && n <= INT32_MAX) return this.integer(Number(n));
      return this.bigDigits(n < 0n, (n < 0n ? -n : n).toString(16));
    }
    if (n >= 0 && n <= 255) return out.u8u8(T.SMALL_INTEGER_EXT, n);
    if (n >= INT32_MIN && n <= INT32_MAX) {
      out.u8(T.INTEGER_EXT);
      out.u32(n >>> 0);
      return;
    }
    if (!Number.isSafeInteger(n)) return this.integer(BigInt(n)); // an unsafe number is still exact
    // SMALL_BIG_EXT of at most 7 little-endian digits, from two 32-bit halves (no float modulo).
    const a = Math.abs(n);
    const low = a >>> 0;
    const high = (a - low) / 0x1_0000_0000;
    const digits = high === 0 ? 4 : high < 0x100 ? 5 : high < 0x10000 ? 6 : 7;
    out.u8u8(T.SMALL_BIG_EXT, digits);
    out.u8(n < 0 ? 1 : 0);
    out.u32le(low);
    for (let i = 4, h = high; i < digits; i++, h >>>= 8) out.u8(h & 0xff);
  }

  private bigDigits(negative: boolean, hex: string): void {
    const out = this.out;
    if (hex.length % 2 === 1) hex = '0' + hex;
    const n = hex.length / 2;
    if (n <= 255) out.u8u8(T.SMALL_BIG_EXT, n);
    else {
      out.u8(T.LARGE_BIG_EXT);
      out.u32(n);
    }
    out.u8(negative ? 1 : 0);
    for (let i = hex.length - 2; i >= 0; i -= 2) out.u8(parseInt(hex.slice(i, i + 2), 16));
  }

  private float(x: number): void {
    if (!Number.isFinite(x)) throw new EncodeError(`cannot encode the float ${x} (Erlang floats are finite)`);
    if (this.minor === 0) {
      this.out.u8(T.FLOAT_EXT);
      this.out.latin1Padded(formatFloatExt(x), 31);
    } else {
      this.out.u8(T.NEW_FLOAT_EXT);
      this.out.f64(x);
    }
  }

  private utf8Binary(s: string): void {
    const out = this.out;
    out.u8(T.BINARY_EXT);
    const lengthAt = out.length;
    out.u32(0);
    const written = out.utf8(s);
    out.patchU32(lengthAt, written);
  }

  private binary(v: Uint8Array): void {
    this.out.tagged32(T.BINARY_EXT, v.length);
    this.out.bytes_(v);
  }

  private atom(a: Atom): void {
    const cache = this.minor === 2 ? this.utf8Atoms : this.latin1Atoms;
    let encoded = cache.get(a);
    if (encoded === undefined) {
      encoded = encodeAtom(a.name, this.minor !== 2);
      cache.set(a, encoded);
    }
    this.out.bytes_(encoded);
  }

  private list(items: Work[], depth: number): void {
    const out = this.out;
    const n = items.length;
    if (n === 0) return out.u8(T.NIL_EXT);
    if (n <= 0xffff && isByteList(items)) {
      out.u8(T.STRING_EXT);
      out.u16(n);
      for (let i = 0; i < n; i++) out.u8(items[i] as number);
      return;
    }
    out.u8(T.LIST_EXT);
    out.u32(n);
    this.children(items, items, depth, END_OF_LIST);
  }

  /** Erlang has no list-valued tails (`[1 | [2]]` is `[1, 2]`), so such tails are merged first. */
  private improperList(v: ImproperList, depth: number): void {
    let elements = v.elements;
    let tail = v.tail;
    const seen = new Set<ImproperList>([v]);
    while (Array.isArray(tail) || tail instanceof ImproperList) {
      if (Array.isArray(tail)) {
        elements = elements.concat(tail);
        tail = [];
        break;
      }
      if (seen.has(tail)) throw new EncodeError('cannot encode a value that contains itself');
      seen.add(tail);
      elements = elements.concat(tail.elements);
      tail = tail.tail;
    }
    if (Array.isArray(tail)) return this.list(elements, depth);
    if (elements.length === 0) return this.children(v, [], depth, tail); // [ | t] is just t
    this.out.u8(T.LIST_EXT);
    this.out.u32(elements.length);
    this.children(v, elements, depth, tail);
  }

  /** Map pairs, keys and values interleaved as on the wire. */
  private pairs(owner: object, keys: readonly Work[], values: readonly Work[], depth: number): void {
    if (this.recursive) {
      if (depth >= RECURSION_LIMIT) throw GIVE_UP;
      for (let i = 0; i < keys.length; i++) {
        // Binary keys (JSON-like payloads) skip the general dispatch.
        const key = keys[i];
        if (key instanceof Uint8Array) this.binary(key);
        else this.one(key!, depth + 1);
        this.one(values[i]!, depth + 1);
      }
    } else {
      this.enter(owner);
      for (let i = keys.length - 1; i >= 0; i--) this.stack.push(values[i]!, keys[i]!);
    }
  }

  private bitBinary(v: BitBinary): void {
    const { bytes, bitsInLast } = v;
    if (!Number.isInteger(bitsInLast) || bitsInLast < 1 || bitsInLast > 8 || bytes.length === 0) {
      throw new EncodeError(
        `BitBinary of ${bytes.length} bytes with ${bitsInLast} bits in the last (1..8, at least one byte)`,
      );
    }
    const out = this.out;
    if (bitsInLast === 8) {
      out.u8(T.BINARY_EXT); // whole bytes: a binary, as Erlang sees it
      out.u32(bytes.length);
      out.bytes_(bytes);
      return;
    }
    out.u8(T.BIT_BINARY_EXT);
    out.u32(bytes.length);
    out.u8(bitsInLast);
    out.bytes_(bytes);
    // Unused low bits are always zero in an Erlang bitstring.
    out.patchU8(out.length - 1, bytes[bytes.length - 1]! & ((0xff << (8 - bitsInLast)) & 0xff));
  }

  private pid(v: Pid): void {
    const out = this.out;
    out.u8(T.NEW_PID_EXT);
    this.atom(v.node);
    out.u32(uint32(v.id, 'pid id'));
    out.u32(uint32(v.serial, 'pid serial'));
    out.u32(uint32(v.creation, 'pid creation'));
  }

  private port(v: Port): void {
    const out = this.out;
    const id = v.id;
    // Erlang (checked on OTP 25) writes V4_PORT_EXT for ids beyond 28 bits, the old port number
    // range, even though NEW_PORT_EXT has a 32-bit field.
    if (typeof id === 'bigint' || id > MAX_V3_PORT_ID) {
      const big = BigInt(id);
      if (big < 0n || big > 0xffff_ffff_ffff_ffffn) throw new EncodeError(`port id ${id} does not fit 64 bits`);
      out.u8(T.V4_PORT_EXT);
      this.atom(v.node);
      out.u32(Number(big >> 32n));
      out.u32(Number(big & 0xffff_ffffn));
    } else {
      out.u8(T.NEW_PORT_EXT);
      this.atom(v.node);
      out.u32(uint32(id, 'port id'));
    }
    out.u32(uint32(v.creation, 'port creation'));
  }

  private ref(v: Ref): void {
    const out = this.out;
    if (v.ids.length > 5) throw new EncodeError(`reference with ${v.ids.length} id words (at most 5)`);
    out.u8(T.NEWER_REFERENCE_EXT);
    out.u16(v.ids.length);
    this.atom(v.node);
    out.u32(uint32(v.creation, 'reference creation'));
    for (const id of v.ids) out.u32(uint32(id, 'reference id'));
  }

  private fun(v: Fun, depth: number): void {
    const out = this.out;
    if (v.uniq.length !== 16) throw new EncodeError(`fun uniq of ${v.uniq.length} bytes (16)`);
    if (!Number.isInteger(v.arity) || v.arity < 0 || v.arity > 255) throw new EncodeError(`fun arity ${v.arity}`);
    out.u8(T.NEW_FUN_EXT);
    const sizeAt = out.length;
    out.u32(0);
    out.u8(v.arity);
    out.bytes_(v.uniq);
    out.u32(uint32(v.index, 'fun index'));
    out.u32(v.freeVars.length);
    this.atom(v.module);
    this.integer(v.oldIndex);
    this.integer(v.oldUniq);
    this.pid(v.pid);
    this.children(v, v.freeVars, depth, new FunSizePatch(sizeAt));
  }

  /** A plain object is a map with UTF-8 binary keys, in property order. */
  private plainObject(v: Record<string, PlainValue>, depth: number): void {
    const keys = Object.keys(v);
    this.out.u8(T.MAP_EXT);
    this.out.u32(keys.length);
    this.pairs(
      v,
      keys,
      keys.map((k) => v[k]!),
      depth,
    );
  }
}

function isByteList(items: readonly Work[]): boolean {
  for (let i = 0; i < items.length; i++) {
    const x = items[i];
    if (typeof x !== 'number' || (x & 0xff) !== x) return false;
  }
  return true;
}

function uint32(x: number, what: string): number {
  if (!Number.isInteger(x) || x < 0 || x > 0xffff_ffff)
    throw new EncodeError(`${what} ${x} is not a 32-bit unsigned integer`);
  return x;
}

/** Tag, length and text of an atom: UTF-8 (119/118), or ATOM_EXT when `latin1` and it fits Latin-1. */
function encodeAtom(name: string, latin1: boolean): Uint8Array {
  let chars = 0;
  let fitsLatin1 = true;
  for (const ch of name) {
    chars++;
    if (ch.codePointAt(0)! > 0xff) fitsLatin1 = false;
  }
  if (chars > 255) throw new EncodeError(`atom of ${chars} characters (Erlang allows 255)`);
  if (latin1 && fitsLatin1) {
    const out = new Uint8Array(3 + name.length);
    out[0] = T.ATOM_EXT;
    out[1] = name.length >> 8;
    out[2] = name.length & 0xff;
    for (let i = 0; i < name.length; i++) out[3 + i] = name.charCodeAt(i);
    return out;
  }
  const text = utf8.encode(name);
  if (text.length <= 255) {
    const out = new Uint8Array(2 + text.length);
    out[0] = T.SMALL_ATOM_UTF8_EXT;
    out[1] = text.length;
    out.set(text, 2);
    return out;
  }
  const out = new Uint8Array(3 + text.length);
  out[0] = T.ATOM_UTF8_EXT;
  out[1] = text.length >> 8;
  out[2] = text.length & 0xff;
  out.set(text, 3);
  return out;
}

function describe(v: object): string {
  const name = (v as { constructor?: { name?: string } }).constructor?.name;
  return name ? `a ${name}` : 'this object';
}

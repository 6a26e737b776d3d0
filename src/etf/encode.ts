import { deflateSync } from 'node:zlib';
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

export interface EncodeOptions {
  /**
   * As `term_to_binary(T, [{minor_version, N}])`. 2 (default, OTP 26+): atoms in UTF-8.
   * 1 (OTP ≤ 25 default): atoms that fit Latin-1 as ATOM_EXT. 0: also floats as FLOAT_EXT text.
   */
  minorVersion?: 0 | 1 | 2;
  /**
   * zlib level 1–9 (`true` = 6, like `compressed`; 0/false = off). As Erlang does, the `131 80`
   * form is only used when it is not longer than the plain encoding. Node's zlib is not the zlib
   * Erlang links, so compressed bytes can differ from Erlang's (both inflate to the same term).
   */
  compressed?: boolean | number;
}

/**
 * Encodes a Term (or a plain JS value, see plain.ts) the way Erlang's `term_to_binary/2` does:
 * smallest integer encoding, STRING_EXT for short byte lists, NEW_PID/NEW_PORT/NEWER_REFERENCE,
 * map pairs in the order given. Iterative, so a 100 000-deep term needs no deep call stack.
 */
export function encode(value: Term | PlainValue, options?: EncodeOptions): Buffer {
  const minor = options?.minorVersion ?? 2;
  if (minor !== 0 && minor !== 1 && minor !== 2) throw new EncodeError(`minorVersion ${String(minor)} (0, 1 or 2)`);
  const level = compressionLevel(options?.compressed);
  const out = writer.out;
  out.reset();
  out.u8(T.VERSION_MAGIC);
  writer.minor = minor;
  try {
    writer.write(value);
  } finally {
    writer.stack.length = 0;
  }
  const plain = out.bytes();
  if (level === 0) return Buffer.from(plain);
  const body = plain.subarray(1);
  const zipped = deflateSync(body, { level });
  // Erlang keeps the compressed form when it is no longer than the plain one (checked on OTP 25).
  if (6 + zipped.length > plain.length) return Buffer.from(plain);
  const result = Buffer.allocUnsafe(6 + zipped.length);
  result[0] = T.VERSION_MAGIC;
  result[1] = T.COMPRESSED;
  result.writeUInt32BE(body.length, 2);
  result.set(zipped, 6);
  return result;
}

function compressionLevel(option: boolean | number | undefined): number {
  if (option === undefined || option === false) return 0;
  if (option === true) return 6;
  if (Number.isInteger(option) && option >= 0 && option <= 9) return option;
  throw new EncodeError(`compressed ${String(option)} (a zlib level 0–9, or true for 6)`);
}

/** Marks the end of a list on the work stack: write NIL_EXT. */
const END_OF_LIST = { endOfList: true } as const;

/** Marks the end of a fun's free variables: patch its Size field. */
class FunSizePatch {
  constructor(readonly sizeAt: number) {}
}

type Work = Term | PlainValue | typeof END_OF_LIST | FunSizePatch;

const utf8 = new TextEncoder();
const INT32_MIN = -0x8000_0000;
const INT32_MAX = 0x7fff_ffff;
const MAX_V3_PORT_ID = 0x0fff_ffff;

class TermWriter {
  readonly out = new OutputBuffer();
  /** Terms still to write, last first: containers push their children in reverse. */
  readonly stack: Work[] = [];
  minor: 0 | 1 | 2 = 2;
  private readonly utf8Atoms = new Map<Atom, Uint8Array>();
  private readonly latin1Atoms = new Map<Atom, Uint8Array>();

  write(root: Term | PlainValue): void {
    const stack = this.stack;
    stack.push(root);
    while (stack.length > 0) this.one(stack.pop()!);
  }

  private one(v: Work): void {
    const out = this.out;
    switch (typeof v) {
      case 'number':
        if (Number.isInteger(v)) this.integer(v);
        else this.float(v);
        return;
      case 'bigint':
        this.integer(v);
        return;
      case 'string':
        this.utf8Binary(v);
        return;
      case 'boolean':
        this.atom(Atom.of(v ? 'true' : 'false'));
        return;
      case 'object':
        break;
      default:
        throw new EncodeError(`cannot encode a JS ${typeof v}`);
    }
    if (v === null) return this.atom(Atom.of('nil'));
    if (v === END_OF_LIST) return out.u8(T.NIL_EXT);
    if (v instanceof Atom) return this.atom(v);
    if (v instanceof Uint8Array) {
      out.u8(T.BINARY_EXT);
      out.u32(v.length);
      out.bytes_(v);
      return;
    }
    if (Array.isArray(v)) return this.list(v as Work[]);
    if (v instanceof Tuple) {
      const items = v.elements;
      if (items.length <= 255) out.u8u8(T.SMALL_TUPLE_EXT, items.length);
      else {
        out.u8(T.LARGE_TUPLE_EXT);
        out.u32(items.length);
      }
      for (let i = items.length - 1; i >= 0; i--) this.stack.push(items[i]!);
      return;
    }
    if (v instanceof ErlMap) {
      const { keys, values } = v;
      if (keys.length !== values.length) throw new EncodeError(`ErlMap with ${keys.length} keys but ${values.length} values`);
      out.u8(T.MAP_EXT);
      out.u32(keys.length);
      for (let i = keys.length - 1; i >= 0; i--) this.stack.push(values[i]!, keys[i]!);
      return;
    }
    if (v instanceof ErlFloat) return this.float(v.value);
    if (v instanceof ImproperList) return this.improperList(v);
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
    if (v instanceof Fun) return this.fun(v);
    if (v instanceof FunSizePatch) {
      out.patchU32(v.sizeAt, out.length - v.sizeAt);
      return;
    }
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) return this.plainObject(v as Record<string, PlainValue>);
    throw new EncodeError(`cannot encode ${describe(v)}`);
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
    let a = Math.abs(n);
    const digits: number[] = [];
    while (a > 0) {
      const d = a % 256;
      digits.push(d);
      a = (a - d) / 256;
    }
    out.u8u8(T.SMALL_BIG_EXT, digits.length);
    out.u8(n < 0 ? 1 : 0);
    for (const d of digits) out.u8(d);
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

  private atom(a: Atom): void {
    const cache = this.minor === 2 ? this.utf8Atoms : this.latin1Atoms;
    let encoded = cache.get(a);
    if (encoded === undefined) {
      encoded = encodeAtom(a.name, this.minor !== 2);
      cache.set(a, encoded);
    }
    this.out.bytes_(encoded);
  }

  private list(items: Work[]): void {
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
    this.stack.push(END_OF_LIST);
    for (let i = n - 1; i >= 0; i--) this.stack.push(items[i]!);
  }

  /** Erlang has no list-valued tails (`[1 | [2]]` is `[1, 2]`), so such tails are merged first. */
  private improperList(v: ImproperList): void {
    let elements = v.elements;
    let tail = v.tail;
    while (Array.isArray(tail) || tail instanceof ImproperList) {
      if (Array.isArray(tail)) {
        elements = elements.concat(tail);
        tail = [];
        break;
      }
      elements = elements.concat(tail.elements);
      tail = tail.tail;
    }
    if (Array.isArray(tail)) return this.list(elements);
    if (elements.length === 0) {
      this.stack.push(tail); // [ | t] is just t
      return;
    }
    this.out.u8(T.LIST_EXT);
    this.out.u32(elements.length);
    this.stack.push(tail);
    for (let i = elements.length - 1; i >= 0; i--) this.stack.push(elements[i]!);
  }

  private bitBinary(v: BitBinary): void {
    const { bytes, bitsInLast } = v;
    if (!Number.isInteger(bitsInLast) || bitsInLast < 1 || bitsInLast > 8 || bytes.length === 0) {
      throw new EncodeError(`BitBinary of ${bytes.length} bytes with ${bitsInLast} bits in the last (1..8, at least one byte)`);
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

  private fun(v: Fun): void {
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
    this.stack.push(new FunSizePatch(sizeAt));
    for (let i = v.freeVars.length - 1; i >= 0; i--) this.stack.push(v.freeVars[i]!);
  }

  /** A plain object is a map with UTF-8 binary keys, in property order. */
  private plainObject(v: Record<string, PlainValue>): void {
    const keys = Object.keys(v);
    this.out.u8(T.MAP_EXT);
    this.out.u32(keys.length);
    for (let i = keys.length - 1; i >= 0; i--) this.stack.push(v[keys[i]!]!, keys[i]!);
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
  if (!Number.isInteger(x) || x < 0 || x > 0xffff_ffff) throw new EncodeError(`${what} ${x} is not a 32-bit unsigned integer`);
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

const writer = new TermWriter();

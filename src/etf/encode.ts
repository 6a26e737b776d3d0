import { deflateSync } from 'node:zlib';
import type { Term } from './term.js';
import * as T from './tags.js';
import { EncodeError } from './errors.js';
import type { PlainValue } from './plain.js';
import { GIVE_UP, TermWriter } from './writer.js';

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
 * map pairs in the order given. Pids, ports and references are written in today's formats
 * (NEW_PID, NEW_PORT or V4_PORT past 28 bits, NEWER_REFERENCE) whatever format they were read in,
 * as Erlang does. Recursive for speed, redone iteratively when a term nests deeper than the
 * recursion allows, so a 100 000-deep term needs no deep call stack.
 */
export function encode(value: Term | PlainValue, options?: EncodeOptions): Uint8Array {
  const minor = options?.minorVersion ?? 2;
  if (minor !== 0 && minor !== 1 && minor !== 2) throw new EncodeError(`minorVersion ${String(minor)} (0, 1 or 2)`);
  const level = compressionLevel(options?.compressed);
  const out = writer.out;
  out.reset();
  out.u8(T.VERSION_MAGIC);
  writer.minor = minor;
  try {
    writer.writeRecursive(value);
  } catch (e) {
    // Too deep for recursion (or the caller's stack was already deep): redo it iteratively.
    if (e !== GIVE_UP && !(e instanceof RangeError)) throw e;
    out.reset();
    out.u8(T.VERSION_MAGIC);
    writer.writeIterative(value);
  }
  const plain = out.bytes();
  if (level === 0) return copy(plain);
  const body = plain.subarray(1);
  const zipped = deflateSync(body, { level });
  // Erlang keeps the compressed form when it is no longer than the plain one (checked on OTP 25).
  if (6 + zipped.length > plain.length) return copy(plain);
  const result = new Uint8Array(6 + zipped.length);
  result[0] = T.VERSION_MAGIC;
  result[1] = T.COMPRESSED;
  new DataView(result.buffer).setUint32(2, body.length);
  result.set(zipped, 6);
  return result;
}

function compressionLevel(option: boolean | number | undefined): number {
  if (option === undefined || option === false) return 0;
  if (option === true) return 6;
  if (Number.isInteger(option) && option >= 0 && option <= 9) return option;
  throw new EncodeError(`compressed ${String(option)} (a zlib level 0–9, or true for 6)`);
}

/**
 * The bytes as a plain Uint8Array of their own (the writer's buffer is reused by the next
 * encode): a library caller compares them with `toEqual(new Uint8Array([...]))` or sends them
 * anywhere bytes go, without Node's Buffer type leaking into its types.
 */
function copy(bytes: Uint8Array): Uint8Array {
  return bytes.slice();
}

const writer = new TermWriter();

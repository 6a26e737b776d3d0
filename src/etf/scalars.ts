/**
 * Byte-level readers shared by both decoders (reader.ts, fast-reader.ts). Pure functions of a
 * byte array and an offset; callers check bounds first.
 */

/** Big-endian unsigned 32-bit integer at `p`. */
export function readU32(b: Uint8Array, p: number): number {
  return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
}

/** Big-endian signed 32-bit integer at `p` (INTEGER_EXT). */
export function readI32(b: Uint8Array, p: number): number {
  return (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
}

// Big-endian float64 through a scratch buffer: cheaper than a DataView per decoded payload.
const floatScratch = new Float64Array(1);
const floatBytes = new Uint8Array(floatScratch.buffer);
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Big-endian IEEE 754 double at `p` (NEW_FLOAT_EXT). */
export function readF64(b: Uint8Array, p: number): number {
  if (littleEndian) for (let i = 0; i < 8; i++) floatBytes[i] = b[p + 7 - i]!;
  else for (let i = 0; i < 8; i++) floatBytes[i] = b[p + i]!;
  return floatScratch[0]!;
}

/** A 64-bit value whose high 32 bits are at most this fits in 2^53 − 1. */
const MAX_SAFE_HIGH_WORD = 0x1fffff;

/** `high × 2^32 + low` as a number when safe, else as an exact bigint. */
export function join64(high: number, low: number): number | bigint {
  return high <= MAX_SAFE_HIGH_WORD ? high * 0x1_0000_0000 + low : (BigInt(high) << 32n) | BigInt(low);
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * The integer of a SMALL_BIG_EXT/LARGE_BIG_EXT: `n` little-endian digit bytes at `first`.
 * A number when within ±(2^53 − 1) (whatever the digit count: high zero digits are ignored),
 * else an exact bigint.
 */
export function bigFromDigits(b: Uint8Array, first: number, n: number, negative: boolean): number | bigint {
  let top = first + n;
  while (top > first && b[top - 1] === 0) top--;
  const digits = top - first;
  let magnitude: number | bigint;
  if (digits <= 6) {
    let x = 0;
    for (let i = top - 1; i >= first; i--) x = x * 256 + b[i]!;
    magnitude = x;
  } else if (digits <= 8) {
    let high = 0;
    for (let i = top - 1; i >= first + 4; i--) high = high * 256 + b[i]!;
    const low = (b[first]! | (b[first + 1]! << 8) | (b[first + 2]! << 16) | (b[first + 3]! << 24)) >>> 0;
    magnitude = join64(high, low);
  } else {
    let hex = '';
    for (let i = top - 1; i >= first; i--) hex += HEX[b[i]!];
    magnitude = BigInt('0x' + hex);
  }
  if (!negative) return magnitude;
  return typeof magnitude === 'number' ? (magnitude === 0 ? 0 : -magnitude) : -magnitude;
}

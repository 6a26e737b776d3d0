import { inflateSync } from 'node:zlib';
import { DecodeError } from './errors.js';
import { openReusedInflate, type ReusedInflate } from './zlib-handle.js';
import { InflateFailure, MAX_EXACT_CHUNK, MIN_CHUNK, inflateZlib } from './zlib-inflate.js';

/** Default cap on a compressed term's inflated size (DecodeOptions.maxInflatedSize). */
export const DEFAULT_MAX_INFLATED_SIZE = 64 * 1024 * 1024;

/**
 * Up to this declared size the stream goes through one node:zlib handle kept for all payloads
 * (zlib-handle.ts), which saves inflateSync's setup of a stream per call: a Phoenix broadcast of
 * 437 bytes 5.4 → 3.0 µs, 2 KiB 13.9 → 3.9, 7.6 KiB 21.8 → 9.2, 30 KiB 30.4 → 16.3. Past it the
 * setup is a small share, and the handle's spare output (as large as the declared size) would stay.
 */
const MAX_REUSED_INFLATE = 64 * 1024;
/**
 * Where that handle is not available: up to this size the stream is inflated in TypeScript
 * (zlib-inflate.ts), slower per byte than node:zlib but without its setup. Measured against
 * inflateSync: 437 bytes 8.6 → 5.6 µs, 2 KiB 11.1 → 7.5, 7.6 KiB 21 → 17, 11 KiB 24 → 30.
 */
const MAX_SMALL_INFLATE = 8 * 1024;

/** The kept handle: opened (and checked) when the first payload needs it; undefined where it cannot be had. */
let reusedInflate: ReusedInflate | undefined | null = null;

function reused(): ReusedInflate | undefined {
  if (reusedInflate === null) reusedInflate = openReusedInflate();
  return reusedInflate;
}

/**
 * Inflates the zlib stream of a `131 80 <Size:4> <zlib>` payload (`bytes` is the whole payload).
 * The declared size is checked against the cap before any work, and zlib is told to stop at that
 * size, so a compression bomb costs at most `maxInflatedSize` bytes and never more.
 */
export function inflateTerm(bytes: Uint8Array, maxInflatedSize: number): Uint8Array {
  if (bytes.length < 6) {
    throw new DecodeError(`compressed term needs a 4-byte size but only ${bytes.length - 2} bytes are left`, 2, 80, []);
  }
  const declared = ((bytes[2]! << 24) | (bytes[3]! << 16) | (bytes[4]! << 8) | bytes[5]!) >>> 0;
  if (declared > maxInflatedSize) {
    throw new DecodeError(
      `compressed term declares ${declared} inflated bytes, over the maxInflatedSize cap of ${maxInflatedSize}`,
      2,
      80,
      [],
    );
  }
  if (declared === 0) throw new DecodeError('compressed term declares 0 inflated bytes', 2, 80, []);
  if (declared <= MAX_REUSED_INFLATE && reused() !== undefined) return inflateReused(bytes, declared);
  return declared <= MAX_SMALL_INFLATE ? inflateSmall(bytes, declared) : inflateNative(bytes, declared);
}

/**
 * The payload's stream through node:zlib, stopped at the declared size (checked by the caller).
 * Exported, as inflateSmall is, so that tests hold the two to the same answers.
 */
export function inflateNative(bytes: Uint8Array, declared: number): Uint8Array {
  let inflated: Uint8Array;
  try {
    // One output buffer of the declared size (zlib's default 16 KiB chunks cost a concat, and a
    // 16 KiB allocation for every small message); above 1 MiB the declared size is not trusted
    // with an up-front allocation — zlib grows its buffers only as far as the stream really goes.
    const chunkSize = Math.min(Math.max(declared, MIN_CHUNK), MAX_EXACT_CHUNK);
    inflated = inflateSync(bytes.subarray(6), { maxOutputLength: declared, chunkSize });
  } catch (e) {
    const code = (e as { code?: string }).code;
    const reason =
      code === 'ERR_BUFFER_TOO_LARGE'
        ? `compressed term inflates to more than its declared ${declared} bytes`
        : `compressed term is not a valid zlib stream (${(e as Error).message})`;
    throw new DecodeError(reason, 6, 80, []);
  }
  if (inflated.length !== declared) throw shortOf(inflated.length, declared);
  return inflated;
}

/**
 * The same contract as inflateNative, through the kept node:zlib handle (zlib-handle.ts); throws
 * a plain Error where this Node's handle cannot be used that way (inflateTerm then never calls it).
 */
export function inflateReused(bytes: Uint8Array, declared: number): Uint8Array {
  const inflate = reused();
  if (inflate === undefined) throw new Error("this Node's zlib handle cannot be reused");
  return checked(() => inflate(bytes, 6, declared), declared);
}

/**
 * The same contract as inflateNative, from zlib-inflate.ts (which fails where node:zlib does).
 * Its scratch is twice the declared size: meant for small ones.
 */
export function inflateSmall(bytes: Uint8Array, declared: number): Uint8Array {
  const view = checked(() => inflateZlib(bytes, 6, declared), declared);
  // Buffer.allocUnsafe takes small sizes from Node's pool, as node:zlib's own output did: a fresh
  // ArrayBuffer costs more than inflating a small message.
  const inflated = Buffer.allocUnsafe(declared);
  inflated.set(view);
  return inflated;
}

/** The bytes `inflate` gives, which must be `declared` of them; its InflateFailure as a DecodeError. */
function checked(inflate: () => Uint8Array, declared: number): Uint8Array {
  let inflated: Uint8Array;
  try {
    inflated = inflate();
  } catch (e) {
    if (!(e instanceof InflateFailure)) throw e;
    const reason = e.tooLarge
      ? `compressed term inflates to more than its declared ${declared} bytes`
      : `compressed term is not a valid zlib stream (${e.message})`;
    throw new DecodeError(reason, 6, 80, []);
  }
  if (inflated.length !== declared) throw shortOf(inflated.length, declared);
  return inflated;
}

function shortOf(length: number, declared: number): DecodeError {
  return new DecodeError(`compressed term inflates to ${length} bytes, not the declared ${declared}`, 6, 80, []);
}

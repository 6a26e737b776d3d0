import { inflateSync } from 'node:zlib';
import { DecodeError } from './errors.js';
import { InflateFailure, inflateZlib } from './zlib-inflate.js';

/** Default cap on a compressed term's inflated size (DecodeOptions.maxInflatedSize). */
export const DEFAULT_MAX_INFLATED_SIZE = 64 * 1024 * 1024;

const MIN_CHUNK = 64; // zlib's smallest chunkSize
const MAX_EXACT_CHUNK = 1024 * 1024;
/**
 * Up to this declared size the stream is inflated in TypeScript (zlib-inflate.ts), which saves
 * node:zlib's setup a call (a stream object, a native handle, a window: 5-8 µs); per byte it is
 * slower, so past a few KiB node:zlib is the faster. Measured on Phoenix broadcasts compressed at
 * level 6 (node:zlib → ours): 437 bytes 8.6 → 5.6 µs, 2 KiB 11.1 → 7.5, 7.6 KiB 21 → 17,
 * 11 KiB 24 → 30, 96 KiB 57 → 132.
 */
const MAX_SMALL_INFLATE = 8 * 1024;

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
 * The same contract as inflateNative, from zlib-inflate.ts (which fails where node:zlib does).
 * Its scratch is twice the declared size: meant for small ones.
 */
export function inflateSmall(bytes: Uint8Array, declared: number): Uint8Array {
  let view: Uint8Array;
  try {
    view = inflateZlib(bytes, 6, declared);
  } catch (e) {
    if (!(e instanceof InflateFailure)) throw e;
    const reason = e.tooLarge
      ? `compressed term inflates to more than its declared ${declared} bytes`
      : `compressed term is not a valid zlib stream (${e.message})`;
    throw new DecodeError(reason, 6, 80, []);
  }
  if (view.length !== declared) throw shortOf(view.length, declared);
  // Buffer.allocUnsafe takes small sizes from Node's pool, as node:zlib's own output did: a fresh
  // ArrayBuffer costs more than inflating a small message.
  const inflated = Buffer.allocUnsafe(declared);
  inflated.set(view);
  return inflated;
}

function shortOf(length: number, declared: number): DecodeError {
  return new DecodeError(`compressed term inflates to ${length} bytes, not the declared ${declared}`, 6, 80, []);
}

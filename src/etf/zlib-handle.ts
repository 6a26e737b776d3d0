/**
 * node:zlib's native inflate with one handle kept for every payload, reset between them.
 *
 * Why: `inflateSync` opens a zlib stream per call (a stream object, a native handle, a 32 KiB
 * window) and closes it again; for a Phoenix broadcast that setup is most of the cost (437 bytes:
 * 5.4 µs against 3.0 here; 2 KiB: 13.9 against 3.9). Node's public API has no
 * way to reuse a handle synchronously, so this drives the handle behind `createInflate()` the way
 * `inflateSync` itself does (lib/zlib.js, processChunkSync: `writeSync`, the two-number write
 * state, `onerror`), which are Node's internals. Where that handle is not what is expected, or
 * a check stream does not come out right, `openReusedInflate` gives undefined and inflate.ts uses
 * its other paths. The native side aborts the process on arguments out of bounds, so every offset
 * and length below comes from the buffers it is given.
 *
 * Exactly as strict as `inflateSync(stream, { maxOutputLength: declared, chunkSize: max(declared,
 * 64) })`: the same calls in the same order (a first chunk, and a second one of the same size when
 * the first is full), so zlib reports the same faults at the same points, and "too large" comes
 * where node:zlib finds it (zlib-inflate.ts explains those points). The one thing this handle
 * does not do as a new one would is hold a second chunk to a small window a header asks for: such
 * streams are handed to inflateSync at that point.
 */
import { constants, createInflate, inflateSync } from 'node:zlib';
import { InflateFailure, MAX_EXACT_CHUNK, MIN_CHUNK, tooLarge } from './zlib-inflate.js';

/** What this module uses of the handle; checked before use. */
interface NativeInflate {
  writeSync(
    flush: number,
    input: Uint8Array,
    inOffset: number,
    inLength: number,
    output: Uint8Array,
    outOffset: number,
    outLength: number,
  ): void;
  reset(): void;
  onerror: (message: string, errno: number) => void;
}

export type ReusedInflate = (src: Uint8Array, start: number, declared: number) => Uint8Array;

/**
 * A function inflating the zlib stream at `src[start..]` that must hold at most `declared` bytes
 * (bytes after its Adler-32 are ignored); it hands back fresh bytes (fewer than declared when the
 * stream is shorter: the caller says what that means) or throws an InflateFailure where
 * inflateSync throws. Undefined when this Node's zlib handle cannot be driven this way.
 */
export function openReusedInflate(open: () => object = keptInflate): ReusedInflate | undefined {
  try {
    const stream = open() as { _handle?: unknown; _writeState?: unknown };
    const handle = stream._handle as Partial<NativeInflate> | undefined | null;
    const state = stream._writeState;
    if (
      handle === undefined ||
      handle === null ||
      typeof handle.writeSync !== 'function' ||
      typeof handle.reset !== 'function' ||
      !(state instanceof Uint32Array) ||
      state.length < 2
    ) {
      return undefined;
    }
    const inflate = reusing(stream, handle as NativeInflate, state);
    return selfCheck(inflate) ? inflate : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A 32 KiB window whatever the stream's header says. A handle that has been used and reset does
 * not hold a later stream to a smaller window its header asks for (measured, whatever windowBits it
 * was opened with); the one place where inflateSync does — a second output chunk — is left to
 * inflateSync below.
 */
function keptInflate(): object {
  return createInflate({ windowBits: 15 });
}

function reusing(stream: object, handle: NativeInflate, state: Uint32Array): ReusedInflate {
  let failure: string | null = null;
  // Replaces the stream's own handler (which would destroy the stream): zlib's words are kept.
  handle.onerror = (message: string) => {
    failure = message;
  };
  /** The second chunk's output, only looked at for whether zlib wrote any. */
  let spare = new Uint8Array(0);
  const fail = (failed: InflateFailure): never => {
    failure = null;
    handle.reset();
    throw failed;
  };
  const inflate: ReusedInflate = (src, start, declared) => {
    void stream; // the stream owns the handle: kept alive as long as this function
    // inflateSync is asked for chunks of the declared size only up to this (inflate.ts); so is this one.
    if (declared > MAX_EXACT_CHUNK) throw new RangeError(`declared size over ${MAX_EXACT_CHUNK}`);
    const chunk = Math.max(declared, MIN_CHUNK);
    const output = Buffer.allocUnsafe(chunk);
    const inLength = src.length - start;
    handle.writeSync(constants.Z_FINISH, src, start, inLength, output, 0, chunk);
    if (failure !== null) fail(new InflateFailure(failure, false));
    const written = chunk - state[0]!;
    if (written > declared) fail(tooLarge());
    if (state[0] === 0) {
      // The first chunk is full: inflateSync goes on into a second one and fails if anything
      // lands there (or if zlib finds a fault first). There, a match may reach back only as far as
      // the header's window, which this handle does not hold to: a stream whose header asks for
      // a smaller one is left to inflateSync itself (Erlang's term_to_binary never writes one).
      if ((src[start]! >> 4) + 8 < 15) {
        handle.reset();
        return smallWindowVerdict(src, start, declared, chunk);
      }
      const read = inLength - state[1]!;
      if (spare.length < chunk) spare = new Uint8Array(chunk);
      handle.writeSync(constants.Z_FINISH, src, start + read, inLength - read, spare, 0, chunk);
      if (failure !== null) fail(new InflateFailure(failure, false));
      if (state[0] !== chunk) fail(tooLarge());
    }
    handle.reset();
    return output.subarray(0, written);
  };
  return inflate;
}

/** inflateSync's own verdict on a stream whose header asks for a window under 32 KiB. */
function smallWindowVerdict(src: Uint8Array, start: number, declared: number, chunk: number): Uint8Array {
  try {
    return inflateSync(src.subarray(start), { maxOutputLength: declared, chunkSize: chunk });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();
    throw new InflateFailure((e as Error).message, false);
  }
}

/** A stream that inflates, then one cut short: the bytes, and zlib's words for the fault. */
function selfCheck(inflate: ReusedInflate): boolean {
  const stream = Uint8Array.from([0x78, 0x9c, 0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x06, 0x2c, 0x02, 0x15]);
  if (Buffer.from(inflate(stream, 0, 5)).toString('latin1') !== 'hello') return false;
  try {
    inflate(stream.subarray(0, 8), 0, 5);
    return false;
  } catch (e) {
    if (!(e instanceof InflateFailure) || e.message !== 'unexpected end of file') return false;
  }
  return Buffer.from(inflate(stream, 0, 5)).toString('latin1') === 'hello';
}

/**
 * Whether bytes are a capture: the one rule every command uses to tell a capture from an `.etf`
 * (or any other) file. It is the reader's own rule — the first MessagePack value is a map whose
 * `format` is "redis-print-capture" — so a header written by another tool with its keys in
 * another order is a capture for `decode` and `view` just as it is for `split` and `replay`.
 */
import { open } from 'node:fs/promises';
import { Decoder } from '@msgpack/msgpack';
import { CAPTURE_FORMAT, HEADER_SIGNATURE } from './header.js';

/** As much of a file as a header may take (the reader's limit for header maps). */
export const MAX_HEADER_BYTES = 1024 * 1024;

function isMapHead(head: number): boolean {
  return (head >= 0x80 && head <= 0x8f) || head === 0xde || head === 0xdf;
}

/** True when `bytes` (a file's start, at least its first value) begin with a capture header. */
export function startsWithCaptureHeader(bytes: Uint8Array): boolean {
  if (bytes.length === 0 || !isMapHead(bytes[0]!)) return false;
  // What redis-print writes: `format` first. Checked without decoding.
  if (bytes[0]! >= 0x80 && bytes[0]! <= 0x8f && bytes.length > HEADER_SIGNATURE.length) {
    let same = true;
    for (let i = 0; i < HEADER_SIGNATURE.length && same; i++) same = bytes[i + 1] === HEADER_SIGNATURE[i];
    if (same) return true;
  }
  let first: unknown;
  try {
    for (const value of new Decoder().decodeMulti(bytes)) {
      first = value;
      break;
    }
  } catch {
    return false; // not MessagePack, or the first value is longer than what was read
  }
  return (
    typeof first === 'object' &&
    first !== null &&
    !Array.isArray(first) &&
    (first as Record<string, unknown>)['format'] === CAPTURE_FORMAT
  );
}

/** Reads just enough of a file to tell whether it is a capture. */
export async function isCaptureFile(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(MAX_HEADER_BYTES);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return startsWithCaptureHeader(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

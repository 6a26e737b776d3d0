/** Shared by the capture tests: temp files and deterministic messages. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RawMessage } from '../../src/model/raw-message.js';
import type { CaptureHeaderInput } from '../../src/capture/index.js';

export async function makeTempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'redis-print-capture-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export const testHeader: CaptureHeaderInput = {
  tool: { name: 'redis-print', version: '0.0.0-test' },
  target: 'redis://127.0.0.1:6390/0',
  patterns: ['phx:*'],
  channels: ['phx:lobby'],
  startedAt: '2024-05-01T12:00:00.000Z',
};

/** xorshift32: reproducible "random" bytes without a dependency. */
export function prng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

/** Messages with random payload bytes (every byte value, empty and multi-KB sizes), times, channels, patterns. */
export function randomMessages(count: number, seed: number): RawMessage[] {
  const next = prng(seed);
  const out: RawMessage[] = [];
  let time = 1_714_564_800_000;
  for (let i = 0; i < count; i++) {
    const sizeClass = next() % 10;
    const size = sizeClass === 0 ? 0 : sizeClass < 9 ? next() % 300 : 256 + (next() % 70_000);
    const payload = new Uint8Array(size);
    for (let j = 0; j < size; j++) payload[j] = next() & 0xff;
    time += next() % 50;
    const fractional = next() % 4 === 0; // some writers use sub-millisecond times
    out.push({
      receivedAt: fractional ? time + (next() % 1000) / 1000 : time,
      channel: next() % 3 === 0 ? `phx:room:${next() % 100}:ü€` : 'phx:lobby',
      pattern: next() % 2 === 0 ? 'phx:*' : null,
      payload,
    });
  }
  return out;
}

/** Payload of record `i` in the kill test: derivable from its index, so the reader can check it. */
export function indexedPayload(i: number, size: number): Uint8Array {
  const payload = new Uint8Array(size);
  for (let j = 0; j < size; j++) payload[j] = (i * 31 + j * 7) & 0xff;
  return payload;
}

/**
 * Messages in a form vitest compares quickly and prints readably: deep equality over
 * megabytes of Uint8Array elements is very slow, hex strings compare at memcmp speed.
 */
export function comparable(messages: readonly RawMessage[]): Array<Omit<RawMessage, 'payload'> & { payload: string }> {
  return messages.map((m) => ({
    ...m,
    payload: Buffer.from(m.payload.buffer, m.payload.byteOffset, m.payload.byteLength).toString('hex'),
  }));
}

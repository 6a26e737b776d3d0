/**
 * The writer encodes live messages itself (no generic msgpack array per record): the file must
 * hold exactly the bytes the msgpack Encoder gives for `[receivedAt, channel, pattern, payload]`,
 * for every time, channel, pattern and payload size the writer's own path and its fallback see.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encode } from '@msgpack/msgpack';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { CaptureWriter } from '../../src/capture/index.js';
import type { RawMessage } from '../../src/model/raw-message.js';
import { makeTempDir, prng, randomMessages, testHeader } from './helpers.js';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
beforeEach(async () => {
  temp = await makeTempDir();
});
afterEach(async () => {
  await temp.remove();
});

test('every record is byte for byte the msgpack encoding of [receivedAt, channel, pattern, payload]', async () => {
  const next = prng(99);
  const messages: RawMessage[] = randomMessages(300, 17);
  // Sizes at each msgpack boundary (bin 8/16/32), times of every integer width and sign, and
  // channel names of every str header width, many times over (the writer keeps their encoding).
  const sizes = [0, 1, 255, 256, 65_535, 65_536, 70_000];
  const times = [
    0,
    127,
    128,
    255,
    256,
    65_535,
    65_536,
    2 ** 32 - 1,
    2 ** 32,
    1_714_564_800_123,
    2 ** 53 - 1,
    -1,
    -40,
    1.5,
    -(2 ** 40),
  ];
  const channels = [
    'phx:lobby',
    'c',
    '',
    'x'.repeat(31),
    'y'.repeat(32),
    'z'.repeat(255),
    'w'.repeat(256),
    'v'.repeat(70_000),
    'ü€😀',
  ];
  for (let i = 0; i < 200; i++) {
    const payload = new Uint8Array(sizes[i % sizes.length]!);
    for (let j = 0; j < payload.length; j++) payload[j] = next() & 0xff;
    messages.push({
      receivedAt: times[i % times.length]!,
      channel: channels[i % channels.length]!,
      pattern: i % 3 === 0 ? null : channels[(i + 1) % channels.length]!,
      payload,
    });
  }
  const path = join(temp.dir, 'bytes.rpcap');
  const writer = await CaptureWriter.open(path, testHeader, { flushBytes: 100_000 });
  for (const m of messages) writer.write(m);
  await writer.close();
  const records = messages.map((m) => encode([m.receivedAt, m.channel, m.pattern, m.payload]));
  const recordBytes = records.reduce((n, r) => n + r.length, 0);
  const file = await readFile(path);
  const headerBytes = file.length - recordBytes;
  expect(writer.stats.bytes).toBe(file.length);
  expect(Buffer.compare(file.subarray(headerBytes), Buffer.concat(records))).toBe(0);
});

test('chunks are filled again only once written: records written while flushes are under way come out intact', async () => {
  // ~12 MiB in rounds of ~1 MiB, each round's flush left running while the next is written (every
  // third awaited): a chunk handed back before the OS had its bytes would be overwritten in the file.
  const next = prng(7);
  const messages: RawMessage[] = [];
  const path = join(temp.dir, 'reuse.rpcap');
  const writer = await CaptureWriter.open(path, testHeader, { flushBytes: 1 << 30 });
  for (let round = 0; round < 12; round++) {
    for (let i = 0; i < 4000; i++) {
      const payload = new Uint8Array(240 + (next() % 40));
      for (let j = 0; j < payload.length; j++) payload[j] = next() & 0xff;
      const m = { receivedAt: 1_764_900_000_000 + messages.length, channel: 'phx:lobby', pattern: 'phx:*', payload };
      messages.push(m);
      writer.write(m);
    }
    const flushed = writer.flush();
    if (round % 3 === 2) await flushed;
  }
  await writer.close();
  const records = Buffer.concat(messages.map((m) => encode([m.receivedAt, m.channel, m.pattern, m.payload])));
  const file = await readFile(path);
  expect(records.length).toBeGreaterThan(12 * 1024 * 1024);
  expect(Buffer.compare(file.subarray(file.length - records.length), records)).toBe(0);
});

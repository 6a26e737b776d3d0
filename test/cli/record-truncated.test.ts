/**
 * A capture cut off mid-record (the recorder was killed during a write, or a copy was
 * interrupted) still reads up to its last whole record — in decode, view, split and replay —
 * and each says that the tail was cut.
 */
import { copyFileSync, readdirSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/index.js';
import { makeTempDir, removeDir } from '../helpers/child-reaper.js';
import { startRedis, waitUntil, type RedisServer } from '../helpers/redis-server.js';
import { fixturePayloads, publishPaced, readBack, startRecording, timedSubscriber } from './record-helpers.js';
import { runCli } from './run-cli.js';

const fixtures = fixturePayloads('phoenix_pubsub_redis-3.1.0').slice(0, 12);
let server: RedisServer;
let dir: string;
let whole: string;
/** File offset of each record. */
let offsets: number[];

beforeAll(async () => {
  server = await startRedis();
  dir = makeTempDir('truncated');
  whole = join(dir, 'whole.capture');
  const live = await startRecording(['-o', whole, '--url', server.url, '--count', String(fixtures.length)]);
  await publishPaced(server, fixtures);
  expect((await live.done).code).toBe(0);
  offsets = [];
  const reader = readCapture(whole);
  for await (const entry of reader.entries()) if (entry.kind === 'record') offsets.push(entry.offset);
  expect(offsets).toHaveLength(fixtures.length);
});
afterAll(async () => {
  await server?.stop();
  if (dir) removeDir(dir);
});

/** A copy of the capture cut `into` bytes after the start of record `k` (0-based). */
function cutCopy(k: number, into: number): string {
  const file = join(dir, `cut-${k}-${into}.capture`);
  copyFileSync(whole, file);
  truncateSync(file, offsets[k]! + into);
  return file;
}

describe('a capture cut off inside a record', () => {
  it.each([
    [11, 1],
    [11, 30],
    [5, 2],
    [0, 1],
  ])(
    'decode --json prints the records before record %i (cut %i bytes in) and says the tail was cut',
    async (k, into) => {
      const file = cutCopy(k, into);
      const result = await runCli(['decode', '--json', file]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        new RegExp(`ends inside a record \\(${into} bytes cut off\\); every record before it was read`),
      );
      const lines = result.stdout === '' ? [] : result.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(k);
      lines.forEach((line, i) => expect((JSON.parse(line) as { bytes: number }).bytes).toBe(fixtures[i]!.size));
    },
  );

  it('reads whole when cut exactly between records', async () => {
    const file = join(dir, 'boundary.capture');
    copyFileSync(whole, file);
    truncateSync(file, offsets[7]!);
    const result = await runCli(['decode', '--json', file]);
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd().split('\n')).toHaveLength(7);
    expect(result.stderr).not.toMatch(/cut off/);
  });

  it('view prints the whole records and says so', async () => {
    const result = await runCli(['view', '--no-tui', cutCopy(9, 3)]);
    expect(result.code).toBe(1);
    expect(result.stdout.trimEnd().split('\n')).toHaveLength(9);
    expect(result.stderr).toMatch(/ends inside a record \(3 bytes cut off\)/);
  });

  it('split writes a file per whole record and says the tail was cut', async () => {
    const out = join(dir, 'split-out');
    const result = await runCli(['split', cutCopy(10, 5), '-o', out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/ends inside a record \(5 bytes cut off\); every record before it was written/);
    expect(readdirSync(out)).toHaveLength(10);
  });

  it('replay sends the whole records and says the tail was cut', async () => {
    const receiver = await timedSubscriber(server, { patterns: ['phx:*'] });
    try {
      const result = await runCli(['replay', cutCopy(8, 4), '--url', server.url, '--as-fast-as-possible']);
      expect(result.stderr).toMatch(
        /ends inside a record \(4 bytes cut off\); the 8 whole records before it are replayed/,
      );
      expect(result.stderr).toMatch(/# replayed 8 of 8 records/);
      expect(result.code).toBe(1);
      await waitUntil(() => receiver.arrivals.length >= 8, '8 replayed messages');
      expect(receiver.arrivals.map((a) => a.payload)).toEqual(fixtures.slice(0, 8).map((f) => f.payload));
    } finally {
      receiver.close();
    }
  });

  it('record appends after cutting the torn record off', async () => {
    const file = cutCopy(6, 10);
    const live = await startRecording(['-o', file, '--url', server.url, '--count', '2']);
    expect(live.stderr).toMatch(/appending session 2 after 6 records; cut a torn last record of 10 bytes/);
    await publishPaced(server, fixtures.slice(0, 2));
    expect((await live.done).code).toBe(0);
    const { segments, messages, truncated } = await readBack(file);
    expect(truncated).toBe(false);
    expect(segments).toHaveLength(2);
    expect(messages.map((m) => Buffer.from(m.payload))).toEqual(
      [...fixtures.slice(0, 6), ...fixtures.slice(0, 2)].map((f) => f.payload),
    );
  });
});

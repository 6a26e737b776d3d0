/**
 * `redis-print record` against a real redis-server: what is published is what the file holds
 * (bytes, channels, patterns, order); it stops on --count / --duration / SIGINT / SIGTERM with
 * everything it counted on disk; it appends sessions; filters decide what is recorded; a kill -9
 * leaves a readable file. Record runs in this process (in-process.ts) except where signals, a
 * restart or kill -9 are the point; those spawn the built program.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeTempDir, removeDir } from '../helpers/child-reaper.js';
import { freePort } from '../helpers/ports.js';
import { adminClient, startRedis, waitUntil, type RedisServer } from '../helpers/redis-server.js';
import {
  fixturePayloads,
  numberedPayload,
  publishPaced,
  readBack,
  startRecording,
  startRecordingInProcess,
} from './record-helpers.js';
import { runBuiltInProcess } from './in-process.js';
import { runCli } from './run-cli.js';

let server: RedisServer;
let dir: string;
let fileNo = 0;
/** Waits on a condition, bounded generously: a busy machine may be many times slower. */
const WAIT = { timeout: 120_000, interval: 50 };
const newFile = (): string => join(dir, `r${++fileNo}.capture`);

beforeAll(async () => {
  server = await startRedis();
  dir = makeTempDir('record');
});
afterAll(async () => {
  await server?.stop();
  if (dir) removeDir(dir);
});

describe('record', () => {
  it('holds every published message byte for byte, with its channel and the pattern that matched', async () => {
    const file = newFile();
    // Every byte value, empty, binary and 100 KB payloads; pattern and exact-channel deliveries.
    const sizes = [0, 1, 7, 255, 256, 4096, 100_000];
    const messages = Array.from({ length: 40 }, (_, i) => ({
      channel: i % 3 === 0 ? 'app:exact' : i % 3 === 1 ? 'phx:Elixir.Chat.PubSub.Adapter' : 'phx:room:ü:€',
      payload: numberedPayload(i, sizes[i % sizes.length]!),
    }));
    const live = await startRecordingInProcess([
      '-o',
      file,
      '--url',
      server.url,
      '--pattern',
      'phx:*',
      '--channel',
      'app:exact',
      '--count',
      '40',
    ]);
    await publishPaced(server, messages);
    const result = await live.done;
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/# recorded 40 messages \(.+\) to .*r\d+\.capture in [\d.]+ s; received 40\n/);
    // Without a terminal: the start line and the summary, no progress ticker.
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(2);

    const { segments, messages: recorded, truncated } = await readBack(file);
    expect(truncated).toBe(false);
    expect(segments).toHaveLength(1);
    expect(segments[0]!.header).toMatchObject({
      patterns: ['phx:*'],
      channels: ['app:exact'],
      target: `${server.url}/0`,
    });
    expect(recorded).toHaveLength(40);
    recorded.forEach((m, i) => {
      expect(m.channel).toBe(messages[i]!.channel);
      expect(m.pattern).toBe(messages[i]!.channel === 'app:exact' ? null : 'phx:*');
      expect(Buffer.from(m.payload).equals(messages[i]!.payload), `message ${i}`).toBe(true);
    });
  });

  it('stops at exactly --count messages even when more arrive at once', async () => {
    const file = newFile();
    const messages = Array.from({ length: 500 }, (_, i) => ({ channel: 'phx:burst', payload: numberedPayload(i, 64) }));
    const live = await startRecordingInProcess(['-o', file, '--url', server.url, '--count', '123']);
    await publishPaced(server, messages);
    const result = await live.done;
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/# recorded 123 messages/);
    const { messages: recorded } = await readBack(file);
    expect(recorded.map((m) => Buffer.from(m.payload))).toEqual(messages.slice(0, 123).map((m) => m.payload));
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'on %s has every message it counted in the file, even mid-flood',
    async (signal) => {
      const file = newFile();
      const live = await startRecording(['-o', file, '--url', server.url]);
      const flood = floodPublisher(server, 'phx:flood');
      // Signal while messages are still pouring in: whatever the summary counts must be on disk.
      await waitUntil(
        async () => (existsSync(file) ? (await readBack(file)).messages.length > 2000 : false),
        'the recorder to have written 2000 messages',
      );
      live.kill(signal);
      const result = await live.done;
      const sent = await flood.stop();
      expect(result.code).toBe(signal === 'SIGINT' ? 130 : 143);
      const counted = Number(/# recorded (\d+) messages/.exec(result.stderr)?.[1]);
      const { messages: recorded, truncated } = await readBack(file);
      expect(truncated).toBe(false);
      expect(recorded.length).toBe(counted);
      expect(counted).toBeLessThanOrEqual(sent);
      // In publish order, none skipped: message i carries i.
      recorded.forEach((m, i) => expect(Buffer.from(m.payload).readUInt32BE(0)).toBe(i));
    },
  );

  it('stops by itself after --duration', async () => {
    const file = newFile();
    const result = await runBuiltInProcess(['record', '-o', file, '--url', server.url, '--duration', '300ms']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/# recorded 0 messages .* received 0\n/);
    expect((await readBack(file)).segments).toHaveLength(1);
  });

  it('records only what the filters pass, and counts the rest as filtered', async () => {
    const file = newFile();
    const fixtures = fixturePayloads('phoenix_pubsub_redis-3.1.0');
    const trackerCount = fixtures.filter((f) => f.operation.startsWith('tracker')).length;
    expect(trackerCount).toBeGreaterThan(0);
    expect(trackerCount).toBeLessThan(fixtures.length);
    const live = await startRecordingInProcess([
      '-o',
      file,
      '--url',
      server.url,
      '--kind',
      'tracker',
      '--count',
      String(trackerCount),
    ]);
    await publishPaced(server, fixtures);
    const result = await live.done;
    expect(result.code).toBe(0);
    const { messages: recorded } = await readBack(file);
    const expected = fixtures.filter((f) => f.operation.startsWith('tracker')).map((f) => f.payload);
    expect(recorded.map((m) => Buffer.from(m.payload))).toEqual(expected);
    const received = Number(/received (\d+), filtered (\d+)/.exec(result.stderr)?.[1]);
    const filtered = Number(/received (\d+), filtered (\d+)/.exec(result.stderr)?.[2]);
    expect(received - filtered).toBe(trackerCount);
  });

  it('appends a new session to an existing capture and leaves the earlier one intact', async () => {
    const file = newFile();
    for (const [round, channel] of [
      [0, 'phx:first'],
      [1, 'phx:second'],
    ] as const) {
      const live = await startRecordingInProcess(['-o', file, '--url', server.url, '--count', '3']);
      if (round === 1) expect(live.stderr).toMatch(/appending session 2 after 3 records/);
      await publishPaced(
        server,
        [0, 1, 2].map((i) => ({ channel, payload: numberedPayload(round * 10 + i, 16) })),
      );
      expect((await live.done).code).toBe(0);
    }
    const { segments, messages } = await readBack(file);
    expect(segments).toHaveLength(2);
    expect(messages.map((m) => m.channel)).toEqual([
      'phx:first',
      'phx:first',
      'phx:first',
      'phx:second',
      'phx:second',
      'phx:second',
    ]);
  });

  it('refuses to write into a file that is not a capture, and leaves it untouched', async () => {
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'my precious notes\n');
    const result = await runBuiltInProcess(['record', '-o', file, '--url', server.url, '--count', '1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot record to .*notes\.txt: .*not a redis-print capture/);
    expect(readFileSync(file, 'utf8')).toBe('my precious notes\n');
  });

  it('leaves no file, and an existing capture untouched, when Redis cannot be reached', async () => {
    const closedPort = ['--host', '127.0.0.1', '--port', String(await freePort())];
    const missing = join(dir, 'never.capture');
    // (Record keeps trying for 3 s by default; how long is not what this checks.)
    const giveUpSoon = { env: { REDIS_PRINT_CONNECT_TIMEOUT_MS: '300' } };
    const refused = await runBuiltInProcess(['record', '-o', missing, ...closedPort], giveUpSoon);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/cannot connect to redis:\/\/127\.0\.0\.1:\d+\/0/);
    expect(existsSync(missing)).toBe(false);

    const existing = newFile();
    const live = await startRecordingInProcess(['-o', existing, '--url', server.url, '--count', '1']);
    await publishPaced(server, [{ channel: 'phx:x', payload: numberedPayload(1, 10) }]);
    expect((await live.done).code).toBe(0);
    const before = readFileSync(existing);
    expect((await runBuiltInProcess(['record', '-o', existing, ...closedPort], giveUpSoon)).code).toBe(2);
    expect(readFileSync(existing).equals(before)).toBe(true);
  });

  it('needs -o FILE', async () => {
    const result = await runBuiltInProcess(['record', '--url', server.url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/record needs -o FILE/);
  });

  it('keeps recording across a Redis restart, and says what it could not record', async () => {
    const own = await startRedis({ name: 'restarting' });
    try {
      const file = newFile();
      const live = await startRecording(['-o', file, '--url', own.url, '--count', '4']);
      const message = (i: number) => ({ channel: 'phx:restart', payload: numberedPayload(i, 32) });
      await publishPaced(own, [message(0), message(1)]);
      await waitUntil(async () => (await readBack(file)).messages.length === 2, 'two records on disk');
      await own.kill('SIGKILL');
      await live.waitForStderr(/^# (lost connection to|cannot reconnect to) .+; reconnecting in /m);
      await own.restart();
      await live.waitForStderr(/# reconnected after [\d.]+ s — messages published meanwhile were not recorded/);
      await publishPaced(own, [message(2), message(3)]);
      const result = await live.done;
      expect(result.code).toBe(0);
      const { messages } = await readBack(file);
      expect(messages.map((m) => Buffer.from(m.payload))).toEqual([0, 1, 2, 3].map((i) => message(i).payload));
    } finally {
      await own.stop();
    }
  });

  it('after kill -9 leaves a readable file with everything published more than a second before', async () => {
    const file = newFile();
    const live = await startRecording(['-o', file, '--url', server.url]);
    const early = Array.from({ length: 300 }, (_, i) => ({ channel: 'phx:early', payload: numberedPayload(i, 200) }));
    await publishPaced(server, early);
    // The writer hands records to the OS within a second: wait until the early ones are in the
    // file, then kill it once the flood is being written too.
    const inFile = async () => (await readBack(file)).messages.length;
    await vi.waitFor(async () => expect(await inFile()).toBeGreaterThanOrEqual(early.length), WAIT);
    const flood = floodPublisher(server, 'phx:late', 300);
    await vi.waitFor(async () => expect(await inFile()).toBeGreaterThan(early.length), WAIT);
    live.kill('SIGKILL');
    const result = await live.done;
    await flood.stop();
    expect(result.signal).toBe('SIGKILL');

    const { messages: recorded } = await readBack(file);
    expect(recorded.length).toBeGreaterThanOrEqual(early.length);
    // Everything in the file is intact and in order: the early ones, then a prefix of the flood.
    recorded.forEach((m, i) => expect(Buffer.from(m.payload).readUInt32BE(0), `record ${i}`).toBe(i));
    recorded
      .slice(0, early.length)
      .forEach((m, i) => expect(Buffer.from(m.payload).equals(early[i]!.payload)).toBe(true));
    // decode reads it too, reporting the cut tail if the kill landed mid-write.
    const decoded = await runCli(['decode', '--json', file]);
    expect(decoded.stdout.trimEnd().split('\n')).toHaveLength(recorded.length);
  });
});

/**
 * Publishes numbered messages in pipelined batches until stopped; resolves to the count sent.
 * Numbering continues from `first`, so a recording that holds earlier messages stays in sequence.
 */
function floodPublisher(server: RedisServer, channel: string, first = 0): { stop: () => Promise<number> } {
  const client = adminClient(server);
  let running = true;
  let sent = first;
  const loop = (async () => {
    while (running) {
      const batch = Array.from({ length: 200 }, () => client.publish(channel, numberedPayload(sent++, 120)));
      await Promise.all(batch);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      client.disconnect();
      return sent - first;
    },
  };
}

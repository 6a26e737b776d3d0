/**
 * What the built `redis-print` does with payloads that are not the adapter's, with bad input
 * on the command line and with a Redis that is not there; and the Ctrl-C summary. Watch runs in
 * this process (in-process.ts) except for the unreachable Redis and Ctrl-C, which spawn it.
 */
import { encode as encodeMsgpack } from '@msgpack/msgpack';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Redis } from 'ioredis';
import { freePort } from '../helpers/ports.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { ndjsonProblems } from '../output/ndjson-contract.js';
import { runCli } from './run-cli.js';
import { runBuiltInProcess } from './in-process.js';
import {
  loadFixtures,
  messageLines,
  parseLine,
  publishInOrder,
  publisher,
  startWatch,
  startWatchInProcess,
  summaryOf,
} from './watch-helpers.js';

const fixtures = loadFixtures();
const CHANNEL = 'phx:Elixir.Chat.PubSub.Adapter';
const hello = fixtures.find(
  (f) => f.entry.label === 'broadcast-hello' && f.entry.channel === CHANNEL && !f.entry.wire_compressed,
)!;
const compressed = fixtures.find((f) => f.entry.wire_compressed && f.entry.size > 200)!;

/** A chat broadcast cut short, and a compressed one whose zlib stream is damaged mid-way. */
const truncated = hello.payload.subarray(0, Math.floor(hello.payload.length * 0.6));
const brokenZlib = Buffer.from(compressed.payload);
// 131 80 <4-byte size> <zlib…>: damage the deflate data, past the 2-byte zlib header.
for (let i = 12; i < 20; i++) brokenZlib[i] = brokenZlib[i]! ^ 0x5a;

const nonEtf = [
  { kind: 'json', payload: Buffer.from(JSON.stringify({ event: 'new:msg', body: 'json hello', n: 3 })) },
  {
    kind: 'msgpack',
    // Four keys: a map of three starts 0x83, which on a phx: channel is ETF (and fails as such).
    payload: Buffer.from(
      encodeMsgpack(
        { event: 'new:msg', big: 2n ** 62n, bytes: new Uint8Array([0, 1, 255]), n: 4 },
        { useBigInt64: true },
      ),
    ),
  },
  { kind: 'raw', payload: Buffer.from('plain text, not JSON: hello') },
  { kind: 'raw', payload: Buffer.from([0x00, 0xff, 0xfe, 0x10, 0x80, 0x01]) },
];

let server: RedisServer;
let client: Redis;
beforeAll(async () => {
  server = await startRedis();
  client = publisher(server);
});
afterAll(async () => {
  client?.disconnect();
  await server?.stop();
});

test('the damaged payloads really are damaged differently: one ends early, one is not valid zlib', () => {
  expect(truncated.length).toBeLessThan(hello.payload.length);
  expect(compressed.payload[1]).toBe(80); // COMPRESSED tag
  expect(brokenZlib.equals(compressed.payload)).toBe(false);
});

describe('undecodable payloads', () => {
  const sends = [
    { channel: CHANNEL, payload: truncated },
    { channel: CHANNEL, payload: hello.payload },
    { channel: CHANNEL, payload: brokenZlib },
    { channel: CHANNEL, payload: hello.payload },
  ];

  test('print an error line with the byte offset, and the next message still arrives (lines)', async () => {
    const watch = await startWatchInProcess(['--no-tui', '--url', server.url, '--count', '4']);
    await publishInOrder(client, sends);
    const result = await watch.done;
    expect(result.code).toBe(0);
    const lines = messageLines(result.stdout).map(parseLine);
    expect(lines).toHaveLength(4);
    expect(lines[0]!.payload).toMatch(/^! .* at byte \d+/);
    expect(lines[0]!.size).toBe(`${truncated.length}B`);
    expect(lines[1]!.event).toBe('new:msg');
    expect(lines[2]!.payload).toMatch(/^! .*zlib.* at byte \d+/);
    expect(lines[3]!.event).toBe('new:msg');
    // A corrupt message still shows the envelope that decoded before it (so --node finds the sender).
    expect([lines[0]!.genMode, lines[0]!.node, lines[0]!.topic]).toEqual([
      lines[1]!.genMode,
      lines[1]!.node,
      lines[1]!.topic,
    ]);
    expect(lines[0]!.event).toBe('-');
    expect(summaryOf(result.stderr)).toEqual({ received: 4, shown: 4, filtered: 0, undecodable: 2 });
  });

  test('give error, offset and raw_b64 in NDJSON, within the payload, and the stream goes on', async () => {
    const watch = await startWatchInProcess(['--json', '--url', server.url, '--count', '4']);
    await publishInOrder(client, sends);
    const result = await watch.done;
    const records = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toHaveLength(4);
    for (const r of records) expect(ndjsonProblems(r)).toEqual([]);
    const [cut, next, zlib, last] = records as [
      Record<string, unknown>,
      Record<string, unknown>,
      Record<string, unknown>,
      Record<string, unknown>,
    ];
    expect(cut.error).toMatch(/\S/);
    expect(Buffer.from(cut.raw_b64 as string, 'base64').equals(truncated)).toBe(true);
    expect(cut.offset as number).toBeLessThanOrEqual(truncated.length);
    expect(cut.error).toContain(`at byte ${String(cut.offset)}`);
    expect(zlib.error).toMatch(/zlib/);
    expect(Buffer.from(zlib.raw_b64 as string, 'base64').equals(brokenZlib)).toBe(true);
    expect([next.event, last.event]).toEqual(['new:msg', 'new:msg']);
  });

  test('--kind error shows only the undecodable ones', async () => {
    const watch = await startWatchInProcess(['--no-tui', '--url', server.url, '--count', '2', '--kind', 'error']);
    await publishInOrder(client, sends);
    const result = await watch.done;
    expect(messageLines(result.stdout).map((l) => parseLine(l).payload.slice(0, 2))).toEqual(['! ', '! ']);
  });
});

describe('payloads that are not ETF', () => {
  test('JSON, msgpack and text are shown as json, msgpack and raw (lines)', async () => {
    const watch = await startWatchInProcess(['--no-tui', '--url', server.url, '--count', String(nonEtf.length)]);
    await publishInOrder(
      client,
      nonEtf.map((x) => ({ channel: 'phx:other', payload: x.payload })),
    );
    const result = await watch.done;
    const lines = messageLines(result.stdout).map(parseLine);
    expect(lines.map((l) => l.payload.split(' ')[0])).toEqual(nonEtf.map((x) => x.kind));
    expect(lines[0]!.payload).toContain('"json hello"');
    expect(lines[1]!.payload).toContain(String(2n ** 62n));
    expect(lines[2]!.payload).toContain('plain text, not JSON: hello');
    expect(lines[3]!.payload).toMatch(/^raw hex 00 ff fe 10 80 01$/);
    // Text and bytes are "undecodable" on a Phoenix channel; JSON and msgpack are not.
    expect(summaryOf(result.stderr)).toMatchObject({ received: 4, undecodable: 2 });
  });

  test('and in NDJSON: payload is the decoded value, int64 as text, bytes as base64', async () => {
    const watch = await startWatchInProcess(['--json', '--url', server.url, '--count', String(nonEtf.length)]);
    await publishInOrder(
      client,
      nonEtf.map((x) => ({ channel: 'phx:other', payload: x.payload })),
    );
    const result = await watch.done;
    const records = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const r of records) expect(ndjsonProblems(r)).toEqual([]);
    expect(records.map((r) => r.kind)).toEqual(nonEtf.map((x) => x.kind));
    expect(records[0]!.payload).toEqual({ event: 'new:msg', body: 'json hello', n: 3 });
    expect(records[1]!.payload).toEqual({
      event: 'new:msg',
      big: String(2n ** 62n),
      bytes: { base64: Buffer.from([0, 1, 255]).toString('base64') },
      n: 4,
    });
    expect(Buffer.from(records[3]!.raw_b64 as string, 'base64').equals(nonEtf[3]!.payload)).toBe(true);
  });
});

describe('command-line mistakes and an unreachable Redis', () => {
  const oneLine = (stderr: string): void => {
    expect(stderr.trim().split('\n'), stderr).toHaveLength(1);
    expect(stderr).toMatch(/^redis-print: \S/);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  };

  for (const args of [
    ['--bogus'],
    ['--count', 'many'],
    ['--timeout', 'soon'],
    ['-p', 'abc'],
    ['--sentinel', '127.0.0.1:26379'],
    ['--master-name', 'mymaster'],
    ['--cert', 'client.pem'],
    ['watch', 'extra-argument'],
  ]) {
    test(`${args.join(' ')}: one line on stderr, exit 2`, async () => {
      const result = await runBuiltInProcess(['--no-tui', ...args]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      oneLine(result.stderr);
    });
  }

  test('a Redis that is not listening: one clear line naming it, exit 2', async () => {
    const port = await freePort();
    const result = await runCli(['--no-tui', '-h', '127.0.0.1', '-p', String(port)]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    oneLine(result.stderr);
    expect(result.stderr).toContain(`127.0.0.1:${port}`);
    expect(result.stderr).toMatch(/refused/);
  });
});

test('Ctrl-C prints the one-line summary to stderr and exits 130', async () => {
  const watch = await startWatch(['--no-tui', '--url', server.url, '--topic', 'rooms:lobby']);
  await publishInOrder(client, [
    { channel: CHANNEL, payload: hello.payload },
    { channel: CHANNEL, payload: truncated },
    { channel: 'phx:other', payload: Buffer.from('{"a":1}') },
    { channel: CHANNEL, payload: hello.payload },
  ]);
  // Published in order on one connection: once the last one is printed, all four have arrived. The
  // cut broadcast keeps its envelope's topic (so the filter keeps it too): three lines.
  await watch.waitForStdout(/(?:.*rooms:lobby.*\n){3}/);
  watch.kill('SIGINT');
  const result = await watch.done;
  expect(result.code).toBe(130);
  expect(result.signal).toBe(null);
  const summaries = result.stderr.split('\n').filter((l) => /^# received/.test(l));
  expect(summaries).toEqual(['# received 4, shown 3, filtered 1, undecodable 1, dropped 0']);
  expect(messageLines(result.stdout)).toHaveLength(3);
});

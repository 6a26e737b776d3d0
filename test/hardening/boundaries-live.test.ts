/**
 * Every limit README's "What watch decodes" states, AT the limit and one step over it, on a live
 * channel through a real redis-server to the built CLI, in every output mode: lines, --json,
 * record then decode (lines and --json), and the terminal UI. For each payload: the process
 * lives, the payload is one line (a value, or an error with its offset), the broadcast published
 * after it is shown, and the peak RSS (VmHWM from /proc) stays under PEAK_RSS_BOUND — the bound
 * README states. Memory is a bound, never a timing; every wait is for a condition.
 *
 * The server lets 16 MiB through to a subscriber (`client-output-buffer-limit pubsub 0 0 0`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { adminClient, startRedis, waitUntil, type RedisServer } from '../helpers/redis-server.js';
import { listRows, Tmux } from '../ui/tmux.js';
import { broadcastPayload, startUi, statusLine } from '../ui/tui-helpers.js';
import { messageLines, startWatch } from '../cli/watch-helpers.js';
import { runCli, startCli } from '../cli/run-cli.js';
import { makeTempDir } from '../capture/helpers.js';

const MiB = 1024 * 1024;
/** README: "peak RSS stays under 512 MB" in every mode, at and over every limit. */
const PEAK_RSS_BOUND = 512 * MiB;
const CHANNEL = 'phx:Elixir.Chat.PubSub.Adapter';
const hello = broadcastPayload('rooms:lobby', 'new:msg', 'hello after');

interface Boundary {
  name: string;
  payload: Buffer;
  /** What the error must say; null when the payload is at the limit and decodes. */
  error: RegExp | null;
  /** What a line shows of a payload that decodes. */
  shows?: RegExp;
}

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

/** A binary filling a payload of exactly `size` bytes: `131 109 <len> …`. */
function binaryPayload(size: number): Buffer {
  const b = Buffer.alloc(size, 120);
  b.set([131, 109]);
  b.writeUInt32BE(size - 6, 2);
  return b;
}

/** `131 80 <declared> zlib(109 <len> zeros…)`: a binary of `inflated - 5` zero bytes. */
function compressedBinary(inflated: number, declared = inflated): Buffer {
  const body = Buffer.alloc(inflated, 0);
  body[0] = 109;
  body.writeUInt32BE(inflated - 5, 1);
  return Buffer.concat([Buffer.from([131, 80]), u32(declared), deflateSync(body, { level: 9 })]);
}

const nested = (depth: number): Buffer =>
  Buffer.concat([Buffer.from([131]), Buffer.alloc(2 * depth, Buffer.from([104, 1])), Buffer.from([97, 1])]);

const listOfNils = (n: number): Buffer => {
  const b = Buffer.alloc(7 + n, 106);
  b.set([131, 108]);
  b.writeUInt32BE(n, 2);
  return b;
};

/** A positive LARGE_BIG_EXT of `digits` 0xff bytes, compressed (a few hundred bytes on the wire). */
function bigInteger(digits: number): Buffer {
  const body = Buffer.alloc(6 + digits, 0xff);
  body[0] = 111;
  body.writeUInt32BE(digits, 1);
  body[5] = 0;
  return Buffer.concat([Buffer.from([131, 80]), u32(body.length), deflateSync(body)]);
}

const boundaries: Boundary[] = [
  { name: 'payload of 16 MiB', payload: binaryPayload(16 * MiB), error: null, shows: /xxx…" \(16777210 bytes\)/ },
  {
    name: 'payload of 16 MiB + 1',
    payload: binaryPayload(16 * MiB + 1),
    error: /payload of 16\.0 MiB is over the 16\.0 MiB that is decoded/,
  },
  {
    name: '65 KB inflating to one 64 MiB binary',
    payload: compressedBinary(64 * MiB),
    error: null,
    shows: /<<0, 0, .*…>> \(67108859 bytes\)/,
  },
  {
    name: 'declaring 64 MiB + 1 inflated',
    payload: compressedBinary(64 * MiB + 1),
    error: /declares 67108865 inflated bytes, over the maxInflatedSize cap/,
  },
  { name: 'nesting 10 000', payload: nested(10_000), error: null, shows: /^\{\{\{/ },
  { name: 'nesting 10 001', payload: nested(10_001), error: /nesting deeper than maxDepth 10000/ },
  { name: '500 000 terms', payload: listOfNils(499_999), error: null, shows: /^\[\[\], \[\], / },
  { name: '500 001 terms', payload: listOfNils(500_000), error: /more than maxTerms 500000 terms/ },
  { name: 'integer of 8 KiB', payload: bigInteger(8192), error: null, shows: /^\d{19000,}$/ },
  {
    name: 'integer of 8 KiB + 1',
    payload: bigInteger(8193),
    error: /LARGE_BIG_EXT of 8193 digit bytes is over maxBigBytes 8192/,
  },
];

function peakRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)![1]) * 1024;
}
const mib = (bytes: number): string => `${(bytes / MiB).toFixed(0)} MiB`;

let server: RedisServer;
let client: Redis;

beforeAll(async () => {
  server = await startRedis({ args: ['--client-output-buffer-limit', 'pubsub 0 0 0'] });
  client = adminClient(server);
}, 60_000);
afterAll(async () => {
  client?.disconnect();
  await server?.stop();
});

/**
 * Each boundary payload, then the broadcast, in this order on the wire. With `shown`, each pair
 * waits for the previous one to be printed: watch decodes behind a bounded queue, and a burst of
 * 16 MiB payloads faster than it decodes is dropped and counted by design (watch-flood.test.ts).
 */
async function publishAll(shown?: () => number): Promise<void> {
  for (const [i, b] of boundaries.entries()) {
    expect(await client.publish(CHANNEL, b.payload), b.name).toBeGreaterThan(0);
    await client.publish(CHANNEL, hello);
    if (shown) await waitUntil(() => shown() >= 2 * (i + 1), `the broadcast after ${b.name}`, 120_000);
  }
}

/** Checks the lines of a line-mode output: one per message, value or error, the broadcast after each. */
function checkLines(lines: string[]): void {
  expect(lines).toHaveLength(boundaries.length * 2);
  boundaries.forEach((b, i) => {
    const line = lines[2 * i]!;
    const payload = line.split(' ').slice(7).join(' ');
    if (b.error === null) expect(payload, b.name).toMatch(b.shows!);
    else expect(line, b.name).toMatch(new RegExp(` ! .*${b.error.source}.* at byte \\d+|over the 16\\.0 MiB`));
    expect(lines[2 * i + 1], `after ${b.name}`).toMatch(/ rooms:lobby new:msg .*"hello after"/);
  });
}

/** Checks NDJSON records: a value (kind term) or an error with its offset, the broadcast after each. */
function checkRecords(records: Array<Record<string, unknown>>): void {
  expect(records).toHaveLength(boundaries.length * 2);
  boundaries.forEach((b, i) => {
    const r = records[2 * i]!;
    if (b.error === null) expect(r, b.name).toMatchObject({ kind: 'term', bytes: b.payload.length });
    else
      expect(r, b.name).toMatchObject({
        kind: 'raw',
        error: expect.stringMatching(b.error),
        offset: expect.any(Number),
      });
    expect(records[2 * i + 1], `after ${b.name}`).toMatchObject({ kind: 'broadcast', topic: 'rooms:lobby' });
  });
  // The 64 MiB binary is shown cut, with its size.
  expect(records[4]!['term']).toEqual({ bin: expect.any(String), truncated: true, size: 67108859 });
  expect((records[4]!['term'] as { bin: string }).bin).toHaveLength(1024 * 1024);
}

const parseRecords = (stdout: string): Array<Record<string, unknown>> =>
  stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('watch at and over every limit', () => {
  test('lines (--no-tui): one line each, the broadcast after each, peak RSS under the bound', async () => {
    const watch = await startWatch(['--no-tui', '--url', server.url]);
    try {
      await publishAll(() => messageLines(watch.stdout).length);
      await waitUntil(() => messageLines(watch.stdout).length >= boundaries.length * 2, 'every line', 120_000);
      const peak = peakRss(watch.child.pid!);
      console.log(`boundaries, watch lines: peak RSS ${mib(peak)}`);
      checkLines(messageLines(watch.stdout));
      expect(peak).toBeLessThan(PEAK_RSS_BOUND);
    } finally {
      watch.kill('SIGINT');
      await watch.done;
    }
  });

  test('--json: one record each, the broadcast after each, peak RSS under the bound', async () => {
    const watch = await startWatch(['--json', '--url', server.url]);
    try {
      const count = (): number => watch.stdout.split('\n').filter((l) => l !== '').length;
      await publishAll(count);
      await waitUntil(() => count() >= boundaries.length * 2, 'every record', 120_000);
      const peak = peakRss(watch.child.pid!);
      console.log(`boundaries, watch --json: peak RSS ${mib(peak)}`);
      checkRecords(parseRecords(watch.stdout));
      expect(peak).toBeLessThan(PEAK_RSS_BOUND);
    } finally {
      watch.kill('SIGINT');
      await watch.done;
    }
  });

  test(
    'record, then decode the capture (lines and --json): peak RSS of each under the bound',
    { timeout: 300_000 },
    async () => {
      const tmp = await makeTempDir();
      try {
        const file = join(tmp.dir, 'boundaries.capture');
        const record = startCli(['record', '-o', file, '--url', server.url, '--count', String(boundaries.length * 2)]);
        await record.waitForStderr(/^# recording /m);
        await publishAll();
        const recorded = await record.done;
        expect(recorded.code, recorded.stderr).toBe(0);
        for (const flags of [[], ['--json']]) {
          const decode = startCli(['decode', ...flags, file], { timeoutMs: 240_000 });
          let peak = 0;
          const poll = setInterval(() => {
            try {
              peak = Math.max(peak, peakRss(decode.child.pid!));
            } catch {
              // the process has ended
            }
          }, 20);
          const result = await decode.done;
          clearInterval(poll);
          console.log(`boundaries, decode ${flags.join(' ') || 'lines'}: peak RSS ≥ ${mib(peak)} (polled)`);
          expect(result.code, result.stderr).toBe(0);
          if (flags.length === 0) checkLines(messageLines(result.stdout));
          else checkRecords(parseRecords(result.stdout));
          expect(peak).toBeLessThan(PEAK_RSS_BOUND);
        }
        // The worst payload alone, as a raw .etf on stdin, in the lossless-JSON format.
        const single = await runCli(['decode', '--format', 'json-typed', '-'], { input: boundaries[2]!.payload });
        expect(JSON.parse(single.stdout)).toMatchObject({ truncated: true, size: 67108859 });
      } finally {
        await tmp.remove();
      }
    },
  );
});

describe('the terminal UI at and over every limit', () => {
  let term: Tmux | undefined;
  afterEach(async () => {
    await term?.kill();
    term = undefined;
  });

  test(
    'lists every payload and broadcast, the 64 MiB binary cut, and answers keys; peak RSS under the bound',
    { timeout: 180_000 },
    async () => {
      term = await Tmux.start({ width: 160, height: 60 });
      await startUi(term, server);
      const pid = await term.programPid();
      await publishAll();
      // The status bar counts a message before the list has drawn it: on a busy machine a screen
      // can show the full count above a list still waiting, so both are waited for.
      const screen = await term.waitFor(
        (s) => statusLine(s).includes(String(boundaries.length * 2)) && /63\.7KiB <<0, 0, 0, /.test(s),
        'the status bar counting every message, and the 64 MiB binary listed',
        120_000,
      );
      expect(screen).toMatch(/63\.7KiB <<0, 0, 0, /);
      // The help view replaces the list, and Escape brings it back: the UI is live.
      await term.keys('?');
      await term.waitFor((s) => listRows(s).length === 0, 'the help view');
      await term.keys('Escape');
      await term.waitFor((s) => listRows(s).length > 0, 'the list again');
      const peak = peakRss(pid);
      console.log(`boundaries, UI: peak RSS ${mib(peak)}`);
      expect(peak).toBeLessThan(PEAK_RSS_BOUND);
      await term.keys('q');
    },
  );
});

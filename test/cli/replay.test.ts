/**
 * `redis-print replay` into a second real redis-server: the same payloads arrive in the same
 * order, byte for byte; the recorded spacing is kept (scaled by --speed); channels can be mapped;
 * filters choose; payloads a node would crash on are refused unless --force; a target that is not
 * this machine is refused before any connection unless confirmed. Replay runs in this process
 * (in-process.ts) except for the first delivery and Ctrl-C, which spawn the built program.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureWriter } from '../../src/capture/index.js';
import { makeTempDir, removeDir } from '../helpers/child-reaper.js';
import { adminClient, startRedis, waitUntil, type RedisServer } from '../helpers/redis-server.js';
import { fixtureCapturePath, fixturePayloads, inTerminal, timedSubscriber } from './record-helpers.js';
import { runCli, startCli } from './run-cli.js';
import { runBuiltInProcess } from './in-process.js';

const V3_CAPTURE = fileURLToPath(fixtureCapturePath('phoenix_pubsub_redis-3.1.0'));
const V3 = fixturePayloads('phoenix_pubsub_redis-3.1.0');
const V3_CHANNEL = 'phx:Elixir.Chat.PubSub.Adapter';

let source: RedisServer;
let target: RedisServer;
let dir: string;

beforeAll(async () => {
  [source, target] = await Promise.all([startRedis({ name: 'source' }), startRedis({ name: 'target' })]);
  dir = makeTempDir('replay');
});
afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
  if (dir) removeDir(dir);
});

describe('replay', () => {
  it('delivers the recorded payloads to a second redis-server, in order and byte for byte', async () => {
    const receiver = await timedSubscriber(target, { patterns: ['*'] });
    try {
      const result = await runCli(['replay', V3_CAPTURE, '--url', target.url, '--as-fast-as-possible']);
      expect(result.stderr).toMatch(
        new RegExp(
          `# replayed ${V3.length} of ${V3.length} records to ${target.url}/0 in [\\d.]+ s: receivers total ${V3.length}, skipped 0 by filter`,
        ),
      );
      expect(result.code).toBe(0);
      await waitUntil(() => receiver.arrivals.length >= V3.length, 'every replayed message');
      expect(receiver.arrivals).toHaveLength(V3.length);
      receiver.arrivals.forEach((a, i) => {
        expect(a.channel).toBe(V3[i]!.channel);
        expect(a.payload.equals(V3[i]!.payload), V3[i]!.file).toBe(true);
      });
    } finally {
      receiver.close();
    }
  });

  it('keeps the recorded spacing, scaled by --speed: never early, in order', async () => {
    // The exact due times are checked with an injected clock (replay-schedule.test.ts); here, on a
    // real server, only what a busy machine cannot break: order, and gaps that are never shorter
    // than half the recorded ones over the whole span (a replayer never sends early; it may send late).
    const file = join(dir, 'paced.capture');
    const messages = V3.filter((f) => f.operation.startsWith('broadcast') || f.operation.startsWith('endpoint')).slice(
      0,
      8,
    );
    expect(messages).toHaveLength(8);
    const recordedGaps = [300, 300, 300, 700, 300, 300, 300];
    const writer = await CaptureWriter.open(file, {
      tool: { name: 'test', version: '0' },
      target: 'redis://127.0.0.1:1',
    });
    let at = 1_700_000_000_000;
    messages.forEach((m, i) => {
      at += i === 0 ? 0 : recordedGaps[i - 1]!;
      writer.write({ receivedAt: at, channel: m.channel, pattern: 'phx:*', payload: m.payload });
    });
    await writer.close();

    for (const speed of [1, 2]) {
      const receiver = await timedSubscriber(target, { patterns: ['phx:*'] });
      const monitor = await serverTimes(target);
      try {
        const result = await runBuiltInProcess(['replay', file, '--url', target.url, '--speed', String(speed)]);
        expect(result.code, result.stderr).toBe(0);
        await waitUntil(
          () => receiver.arrivals.length >= messages.length && monitor.times.length >= messages.length,
          'every replayed message',
        );
        expect(receiver.arrivals.map((a) => a.payload)).toEqual(messages.map((m) => m.payload));
        // When Redis executed each PUBLISH (MONITOR's server clock), free of this test process's
        // scheduling noise. Sent as fast as possible, the span would be a few milliseconds.
        const serverSpan = sum(gaps(monitor.times));
        const expectedSpan = sum(recordedGaps) / speed;
        expect(serverSpan, `speed ${speed}: span at Redis ${serverSpan.toFixed(1)} ms`).toBeGreaterThanOrEqual(
          0.5 * expectedSpan,
        );
      } finally {
        receiver.close();
        monitor.close();
      }
    }
  });

  it('--map-channel publishes each record on its mapped channel', async () => {
    const receiver = await timedSubscriber(target, { patterns: ['*'] });
    try {
      const mapped = 'phx:Elixir.Local.PubSub.Adapter';
      const result = await runBuiltInProcess([
        'replay',
        V3_CAPTURE,
        '--url',
        target.url,
        '--as-fast-as-possible',
        '--map-channel',
        `${V3_CHANNEL}=${mapped}`,
      ]);
      expect(result.code, result.stderr).toBe(0);
      await waitUntil(() => receiver.arrivals.length >= V3.length, 'every replayed message');
      expect(new Set(receiver.arrivals.map((a) => a.channel))).toEqual(new Set([mapped]));
      expect(receiver.arrivals.map((a) => a.payload)).toEqual(V3.map((f) => f.payload));
    } finally {
      receiver.close();
    }
  });

  it('replays only what the filters pass and counts the rest as skipped', async () => {
    const trackers = V3.filter((f) => f.operation.startsWith('tracker'));
    const receiver = await timedSubscriber(target, { patterns: ['*'] });
    try {
      const result = await runBuiltInProcess([
        'replay',
        V3_CAPTURE,
        '--url',
        target.url,
        '--as-fast-as-possible',
        '--kind',
        'tracker',
      ]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(
        new RegExp(
          `# replayed ${trackers.length} of ${trackers.length} records .* skipped ${V3.length - trackers.length} by filter`,
        ),
      );
      await waitUntil(() => receiver.arrivals.length >= trackers.length, 'the tracker messages');
      expect(receiver.arrivals.map((a) => a.payload)).toEqual(trackers.map((f) => f.payload));
    } finally {
      receiver.close();
    }
  });

  it('refuses a capture holding payloads a node would crash on, naming the records, and sends nothing', async () => {
    const file = join(dir, 'poison.capture');
    const writer = await CaptureWriter.open(file, {
      tool: { name: 'test', version: '0' },
      target: 'redis://127.0.0.1:1',
    });
    const good = V3[2]!.payload;
    const plan = [good, Buffer.from('{"not":"etf"}'), good, good.subarray(0, 40), Buffer.from([131, 0xff]), good];
    plan.forEach((payload, i) =>
      writer.write({ receivedAt: 1_700_000_000_000 + i, channel: V3_CHANNEL, pattern: 'phx:*', payload }),
    );
    await writer.close();

    const before = await publishCount(target);
    const refused = await runBuiltInProcess(['replay', file, '--url', target.url, '--as-fast-as-possible']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /record 2 on phx:Elixir\.Chat\.PubSub\.Adapter: the payload is json, not Erlang External Term Format/,
    );
    expect(refused.stderr).toMatch(/records? 4(-5)?\b/);
    expect(refused.stderr).toMatch(
      /3 of the 6 records in .*poison\.capture would be crashed on or dropped by a receiving node; nothing was sent \(--force sends them anyway\)/,
    );
    expect(await publishCount(target)).toBe(before);

    const receiver = await timedSubscriber(target, { patterns: ['*'] });
    try {
      const forced = await runBuiltInProcess(['replay', file, '--url', target.url, '--as-fast-as-possible', '--force']);
      expect(forced.code, forced.stderr).toBe(0);
      expect(forced.stderr).toMatch(/WARNING: --force: 3 of the 6 records/);
      await waitUntil(() => receiver.arrivals.length >= plan.length, 'every record, forced');
      expect(receiver.arrivals.map((a) => a.payload)).toEqual(plan.map((p) => Buffer.from(p)));
    } finally {
      receiver.close();
    }
  });

  describe('a target that is not this machine', () => {
    // 0.0.0.0 is not a loopback address by the guard's rule (it is decided from the spec alone),
    // yet on Linux a connection to it reaches the local server: nothing leaves the machine.
    const remoteArgs = (): string[] => ['--host', '0.0.0.0', '--port', String(target.port)];

    it('is refused without a terminal unless --yes, before any connection is made', async () => {
      const before = await connectionCount(target);
      const refused = await runBuiltInProcess(['replay', V3_CAPTURE, ...remoteArgs(), '--as-fast-as-possible']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(
        /replay 74 messages: redis:\/\/0\.0\.0\.0:\d+\/0 is not on this machine.*Pass --yes.*no connection was made/,
      );
      // One more: connectionCount's own connection. The CLI never connected.
      expect(await connectionCount(target)).toBe(before + 1);

      const receiver = await timedSubscriber(target, { patterns: ['*'] });
      try {
        const allowed = await runBuiltInProcess([
          'replay',
          V3_CAPTURE,
          ...remoteArgs(),
          '--as-fast-as-possible',
          '--yes',
        ]);
        expect(allowed.code, allowed.stderr).toBe(0);
        await waitUntil(() => receiver.arrivals.length >= V3.length, 'every replayed message');
      } finally {
        receiver.close();
      }
    });

    it.each([
      ['n', false],
      ['y', true],
    ])('at a terminal, asks first; answering %s sends %s', async (answer, sends) => {
      const receiver = await timedSubscriber(target, { patterns: ['*'] });
      try {
        const before = await publishCount(target);
        const session = inTerminal(['replay', V3_CAPTURE, ...remoteArgs(), '--as-fast-as-possible']);
        await session.waitFor(/replay 74 messages to redis:\/\/0\.0\.0\.0:\d+\/0 \(not on this machine\)\? \[y\/N\]/);
        session.type(`${answer}\n`);
        const code = await session.done;
        if (sends) {
          expect(code, session.output).toBe(0);
          await waitUntil(() => receiver.arrivals.length >= V3.length, 'every replayed message');
        } else {
          expect(code, session.output).toBe(1);
          expect(session.output).toMatch(/not confirmed: nothing was sent/);
          expect(await publishCount(target)).toBe(before);
        }
      } finally {
        receiver.close();
      }
    });
  });

  it('stops on Ctrl-C, says how far it got, and exits 130', async () => {
    // The fixture capture spans a few seconds of recorded time; at speed 0.05 that is a minute.
    const receiver = await timedSubscriber(target, { patterns: ['*'] });
    const file = join(dir, 'slow.capture');
    const writer = await CaptureWriter.open(file, {
      tool: { name: 'test', version: '0' },
      target: 'redis://127.0.0.1:1',
    });
    V3.slice(0, 10).forEach((f, i) =>
      writer.write({ receivedAt: 1_700_000_000_000 + i * 1000, channel: f.channel, pattern: null, payload: f.payload }),
    );
    await writer.close();
    try {
      const live = startCli(['replay', file, '--url', target.url]);
      await waitUntil(() => receiver.arrivals.length >= 1, 'the first replayed message');
      live.kill('SIGINT');
      const result = await live.done;
      expect(result.code).toBe(130);
      expect(result.stderr).toMatch(/# interrupted: replayed (\d+) of 10 records/);
      const sent = Number(/replayed (\d+) of 10/.exec(result.stderr)![1]);
      expect(sent).toBeLessThan(10);
      await waitUntil(() => receiver.arrivals.length >= sent, 'the messages it says it sent');
      expect(receiver.arrivals.length).toBe(sent);
    } finally {
      receiver.close();
    }
  });

  it('explains bad flags', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['replay'], /replay needs exactly one capture FILE/],
      [['replay', V3_CAPTURE, '--speed', '0'], /--speed needs a positive number/],
      [['replay', V3_CAPTURE, '--speed', '2', '--as-fast-as-possible'], /cannot be combined/],
      [['replay', V3_CAPTURE, '--map-channel', 'nochannel'], /--map-channel needs FROM=TO/],
      [['replay', join(dir, 'missing.capture')], /cannot read .*missing\.capture: no such file/],
    ];
    for (const [args, message] of cases) {
      const result = await runBuiltInProcess(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
    }
    const notCapture = await runBuiltInProcess([
      'replay',
      join(fileURLToPath(new URL('../../fixtures/phoenix/phoenix_pubsub_redis-3.1.0/', import.meta.url)), V3[0]!.file),
    ]);
    expect(notCapture.code).toBe(1);
    expect(notCapture.stderr).toMatch(/cannot replay: .* not a redis-print capture/);
  });
});

function gaps(times: number[]): number[] {
  return times.slice(1).map((t, i) => t - times[i]!);
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Server-side execution times (ms) of PUBLISH commands, from MONITOR. */
async function serverTimes(server: RedisServer): Promise<{ times: number[]; close: () => void }> {
  const client = adminClient(server);
  const monitor = await client.monitor();
  const times: number[] = [];
  monitor.on('monitor', (time: string, args: string[]) => {
    if (String(args[0]).toUpperCase() === 'PUBLISH') times.push(Number(time) * 1000);
  });
  return {
    times,
    close: () => {
      monitor.disconnect();
      client.disconnect();
    },
  };
}

async function publishCount(server: RedisServer): Promise<number> {
  const info = String(await server.command('INFO', 'commandstats'));
  return Number(/cmdstat_publish:calls=(\d+)/.exec(info)?.[1] ?? 0);
}

async function connectionCount(server: RedisServer): Promise<number> {
  const info = String(await server.command('INFO', 'stats'));
  return Number(/total_connections_received:(\d+)/.exec(info)![1]);
}

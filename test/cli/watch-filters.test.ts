/**
 * Filters, stop conditions and subscriptions of the built `redis-print`, against a real
 * redis-server; watch runs in this process (in-process.ts), as child processes it took most of
 * this file's time. Which captured payloads a filter must let through is worked out from the
 * manifests with plain predicates; the watcher is stopped by `--count <that many>`, so its
 * summary (received = position of the last match) shows that nothing else matched before it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Redis } from 'ioredis';
import { rawPublish, startRedis, waitUntil, type RedisServer } from '../helpers/redis-server.js';
import { runInProcess, type LiveInProcess } from './in-process.js';
import {
  expectedInOrder,
  loadFixtures,
  messageLines,
  nodesOf,
  parseLine,
  publishInOrder,
  publisher,
  startWatchInProcess as startWatch,
  summaryOf,
  type Expected,
  type Fixture,
} from './watch-helpers.js';

const fixtures = loadFixtures();
const inOrder = expectedInOrder(fixtures.map((f) => f.entry));
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

/** Waits for the watcher to stop by itself; if it does not within `ms`, stops it with SIGINT so the test can show what it printed. */
async function finish(watch: LiveInProcess, ms = 15_000) {
  const timer = setTimeout(() => watch.kill('SIGINT'), ms);
  const result = await watch.done;
  clearTimeout(timer);
  return result;
}

interface FilterCase {
  name: string;
  flags: string[];
  matches: (x: Expected, f: Fixture) => boolean;
}

const lower = (f: Fixture): string => f.entry.inspect.toLowerCase();

const cases: FilterCase[] = [
  { name: '--topic glob', flags: ['--topic', 'rooms:*'], matches: (x) => x.topic.startsWith('rooms:') },
  { name: '--topic exact', flags: ['--topic', 'rooms:other'], matches: (x) => x.topic === 'rooms:other' },
  {
    name: 'repeated --event is OR',
    flags: ['--event', 'ints', '--event', 'transfer_*'],
    matches: (x) => x.event === 'ints' || (x.event ?? '').startsWith('transfer_'),
  },
  {
    name: '--node matches the v3 node, the v1 from pid and the tracker replica',
    flags: ['--node', 'c@*'],
    matches: (x) => nodesOf(x).some((n) => n.startsWith('c@')),
  },
  { name: '--kind tracker', flags: ['--kind', 'tracker'], matches: (x) => x.kind === 'tracker' },
  {
    name: 'repeated --kind is OR',
    flags: ['--kind', 'term', '--kind', 'TRACKER'],
    matches: (x) => x.kind === 'term' || x.kind === 'tracker',
  },
  {
    name: '--grep lower-case ignores case',
    flags: ['--grep', 'hello via'],
    matches: (_x, f) => lower(f).includes('hello via'),
  },
  {
    name: '--grep with a capital matches exactly',
    flags: ['--grep', 'Endpoint'],
    matches: (_x, f) => f.entry.inspect.includes('Endpoint'),
  },
  {
    name: 'different flags AND together',
    flags: ['--topic', 'rooms:*', '--event', 'new:msg', '--node', 'a@*'],
    matches: (x) => x.topic.startsWith('rooms:') && x.event === 'new:msg' && nodesOf(x).some((n) => n.startsWith('a@')),
  },
];

describe('filters let through exactly the messages the manifest says match', () => {
  for (const c of cases) {
    test(c.name, async () => {
      const expected = fixtures.map((f, i) => ({ f, i, x: inOrder[i]! })).filter(({ f, x }) => c.matches(x, f));
      // A filter that matches nothing or everything would prove little.
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(fixtures.length);

      const watch = await startWatch(['--no-tui', '--url', server.url, '--count', String(expected.length), ...c.flags]);
      await publishInOrder(
        client,
        fixtures.map((f) => ({ channel: f.entry.channel, payload: f.payload })),
      );
      const result = await finish(watch);
      const lines = messageLines(result.stdout);

      expect(lines.map((l) => `${parseLine(l).topic} ${parseLine(l).event}`)).toEqual(
        expected.map(({ x }) => `${x.topic} ${x.event ?? '-'}`),
      );
      expect(result.code).toBe(0);
      const last = expected[expected.length - 1]!.i + 1;
      expect(summaryOf(result.stderr)).toEqual({
        received: last,
        shown: expected.length,
        filtered: last - expected.length,
        undecodable: 0,
      });
    });
  }

  test('a bad glob or an unknown kind is a usage error (exit 2, one line, no stack trace)', async () => {
    for (const flags of [
      ['--kind', 'nonsense'],
      ['--topic', 'rooms:['],
    ]) {
      const result = await runInProcess(['--no-tui', '--url', server.url, ...flags]);
      expect(result.code, flags.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n'), result.stderr).toHaveLength(1);
      expect(result.stderr).toMatch(/^redis-print: /);
      expect(result.stderr).not.toMatch(/\bat .*\.js:\d+/);
    }
  });
});

describe('stop conditions', () => {
  test('--count N prints exactly N even when many more arrive in the same socket read', async () => {
    const watch = await startWatch(['--no-tui', '--url', server.url, '--count', '5']);
    const batch = client.pipeline();
    for (let i = 0; i < 200; i++) batch.publish('phx:Elixir.Chat.PubSub.Adapter', fixtures[i % 50]!.payload);
    await batch.exec();
    const result = await finish(watch);
    expect(result.code).toBe(0);
    expect(messageLines(result.stdout)).toHaveLength(5);
    expect(summaryOf(result.stderr)).toMatchObject({ received: 5, shown: 5 });
  });

  test('--timeout exits 0 when something matched', async () => {
    const hello = fixtures.find((f) => f.entry.label === 'broadcast-hello')!;
    const watch = await startWatch(['--no-tui', '--url', server.url, '--timeout', '2s', '--topic', 'rooms:lobby']);
    await rawPublish(server, hello.entry.channel, hello.payload);
    const result = await watch.done;
    expect(result.code).toBe(0);
    expect(messageLines(result.stdout)).toHaveLength(1);
    expect(summaryOf(result.stderr)).toMatchObject({ received: 1, shown: 1 });
  });

  test('--timeout exits 1 when messages arrived but none matched', async () => {
    const hello = fixtures.find((f) => f.entry.label === 'broadcast-hello')!;
    const watch = await startWatch(['--no-tui', '--url', server.url, '--timeout', '2000ms', '--topic', 'nothing:here']);
    await rawPublish(server, hello.entry.channel, hello.payload);
    const result = await watch.done;
    expect(result.code).toBe(1);
    expect(messageLines(result.stdout)).toHaveLength(0);
    expect(summaryOf(result.stderr)).toMatchObject({ shown: 0, filtered: 1 });
  });
});

describe('subscriptions', () => {
  const v3 = fixtures.find((f) => f.entry.label === 'broadcast-hello' && f.entry.channel.endsWith('.Adapter'))!;
  const v1 = fixtures.find((f) => f.entry.label === 'broadcast-hello' && !f.entry.channel.endsWith('.Adapter'))!;

  test('default is PSUBSCRIBE phx:* (both generations), other channels are not received', async () => {
    const watch = await startWatch(['--json', '--url', server.url, '--count', '3']);
    expect(watch.stderr).toMatch(/psubscribe phx:\*/);
    await publishInOrder(client, [
      { channel: 'other:channel', payload: v3.payload },
      { channel: v3.entry.channel, payload: v3.payload },
      { channel: 'xphx:no', payload: v3.payload },
      { channel: v1.entry.channel, payload: v1.payload },
      { channel: 'phx:anything', payload: Buffer.from('{"x":1}') },
    ]);
    const result = await finish(watch);
    const records = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { channel: string; pattern: string; kind: string });
    expect(records.map((r) => [r.channel, r.pattern])).toEqual([
      [v3.entry.channel, 'phx:*'],
      [v1.entry.channel, 'phx:*'],
      ['phx:anything', 'phx:*'],
    ]);
    expect(records[2]!.kind).toBe('json');
  });

  test('--pattern replaces the default (repeatable)', async () => {
    const watch = await startWatch([
      '--json',
      '--url',
      server.url,
      '--pattern',
      'app:*',
      '--pattern',
      'other:?',
      '--count',
      '3',
    ]);
    expect(watch.stderr).not.toMatch(/phx:\*/);
    await publishInOrder(client, [
      { channel: 'app:one', payload: v3.payload },
      { channel: v3.entry.channel, payload: v3.payload },
      { channel: 'other:xy', payload: v3.payload },
      { channel: 'other:x', payload: v3.payload },
      { channel: 'app:end', payload: v3.payload },
    ]);
    const result = await finish(watch);
    const records = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { channel: string; pattern: string | null });
    expect(records.map((r) => [r.channel, r.pattern])).toEqual([
      ['app:one', 'app:*'],
      ['other:x', 'other:?'],
      ['app:end', 'app:*'],
    ]);
  });

  test('--channel subscribes exactly (no pattern matching), repeatable', async () => {
    const watch = await startWatch([
      '--json',
      '--url',
      server.url,
      '--channel',
      'phx:a*',
      '--channel',
      v3.entry.channel,
      '--count',
      '2',
    ]);
    expect(watch.stderr).toMatch(/subscribe phx:a\*/);
    expect(watch.stderr).not.toMatch(/psubscribe/);
    await publishInOrder(client, [
      { channel: 'phx:abc', payload: v3.payload }, // would match the pattern phx:a*, not the channel
      { channel: v1.entry.channel, payload: v1.payload },
      { channel: 'phx:a*', payload: v3.payload },
      { channel: v3.entry.channel, payload: v3.payload },
    ]);
    const result = await finish(watch);
    const records = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { channel: string; pattern: string | null });
    expect(records.map((r) => [r.channel, r.pattern])).toEqual([
      ['phx:a*', null],
      [v3.entry.channel, null],
    ]);
  });

  test("--pubsub Chat.PubSub subscribes to both generations' channels of that PubSub only", async () => {
    const watch = await startWatch(['--json', '--url', server.url, '--pubsub', 'Chat.PubSub', '--count', '3']);
    await publishInOrder(client, [
      { channel: 'phx:Elixir.Other.PubSub.Adapter', payload: v3.payload },
      { channel: v3.entry.channel, payload: v3.payload },
      { channel: 'phx:Elixir.Chat.PubSubX', payload: v1.payload },
      { channel: v1.entry.channel, payload: v1.payload },
      { channel: 'phx:Elixir.Other.PubSub', payload: v1.payload },
      { channel: v3.entry.channel, payload: v3.payload },
    ]);
    const result = await finish(watch);
    const records = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { channel: string; envelope: { generation: number } });
    expect(records.map((r) => [r.channel, r.envelope.generation])).toEqual([
      ['phx:Elixir.Chat.PubSub.Adapter', 3],
      ['phx:Elixir.Chat.PubSub', 1],
      ['phx:Elixir.Chat.PubSub.Adapter', 3],
    ]);
  });
});

describe('in this process', () => {
  /** How many of each kind of handle (socket, timer, thread…) the process holds. */
  const handles = (): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
    return counts;
  };

  test('a watch that ended leaves no socket, timer or decoding thread behind', async () => {
    await client.ping(); // the file's own publishing connection, open before counting
    const before = handles();
    const watch = await startWatch(['--json', '--url', server.url, '--count', '1']);
    await rawPublish(server, 'phx:leak', fixtures[0]!.payload);
    expect((await watch.done).code).toBe(0);
    const grown = (): string[] =>
      [...handles()].filter(([kind, n]) => n > (before.get(kind) ?? 0)).map(([kind, n]) => `${kind} ×${n}`);
    await waitUntil(() => grown().length === 0, `the handles it opened to close (still: ${grown().join(', ')})`);
  });
});

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RawMessage } from '../../src/model/raw-message.js';
import { RedisConnectionError } from '../../src/redis/errors.js';
import { Subscriber, type SubscriberEvents } from '../../src/redis/subscriber.js';
import type { ConnectionSpec } from '../../src/redis/connection-spec.js';
import { freePort } from '../helpers/ports.js';
import { adminClient, rawPublish, startRedis, waitUntil, type RedisServer } from '../helpers/redis-server.js';

type Event = { [K in keyof SubscriberEvents]: { type: K; args: SubscriberEvents[K] } }[keyof SubscriberEvents];

/** A subscriber with everything it emits recorded; closed in afterAll via `opened`. */
const opened: Subscriber[] = [];
function watch(spec: ConnectionSpec, options: ConstructorParameters<typeof Subscriber>[1] = {}) {
  const subscriber = new Subscriber(spec, options);
  opened.push(subscriber);
  const messages: RawMessage[] = [];
  const events: Event[] = [];
  subscriber.on('message', (m) => messages.push(m));
  for (const type of ['connecting', 'ready', 'reconnecting', 'reconnected', 'error', 'closed'] as const) {
    subscriber.on(type, (...args: unknown[]) => events.push({ type, args } as Event));
  }
  return { subscriber, messages, events };
}

function spec(server: RedisServer, extra: Partial<ConnectionSpec> = {}): ConnectionSpec {
  return { mode: 'standalone', host: server.host, port: server.port, ...extra } as ConnectionSpec;
}

/** Every byte value, invalid UTF-8 and a CRLF, so any string conversion would show. */
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const NOT_UTF8 = Buffer.from([0x83, 0x68, 0x02, 0xc3, 0x28, 0xff, 0xfe, 0x0d, 0x0a, 0x00, 0xed, 0xa0, 0x80]);

let server: RedisServer;
beforeAll(async () => {
  server = await startRedis();
});
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await server?.stop();
});

describe('binary payloads arrive byte-exact', () => {
  test('through a pattern subscription (default phx:*)', async () => {
    const { subscriber, messages } = watch(spec(server));
    await subscriber.start();
    expect(subscriber.patterns).toEqual(['phx:*']);
    const big = randomBytes(1024 * 1024 + 7); // spans many socket reads
    const payloads = [ALL_BYTES, NOT_UTF8, Buffer.alloc(0), big, ALL_BYTES.subarray(128)];
    for (const payload of payloads) await rawPublish(server, 'phx:Elixir.Chät.PubSub', payload);
    await rawPublish(server, 'other:ignored', ALL_BYTES);
    await waitUntil(() => messages.length >= payloads.length, 'all payloads');
    expect(messages.map((m) => Buffer.from(m.payload).equals(payloads[messages.indexOf(m)]!))).toEqual(
      payloads.map(() => true),
    );
    for (const m of messages) {
      expect(m.channel).toBe('phx:Elixir.Chät.PubSub');
      expect(m.pattern).toBe('phx:*');
      expect(m.payload).toBeInstanceOf(Uint8Array);
      expect(typeof m.receivedAt).toBe('number');
    }
    const total = payloads.reduce((n, p) => n + p.length, 0);
    expect(subscriber.stats).toEqual({ messages: payloads.length, bytes: total, reconnects: 0 });
  });

  test('each message has the time of the socket read it came in', async () => {
    const { subscriber, messages } = watch(spec(server));
    await subscriber.start();
    const before = Date.now();
    await rawPublish(server, 'phx:clock', 'first');
    await waitUntil(() => messages.length === 1, 'the first message');
    const first = messages[0]!.receivedAt;
    expect(first).toBeGreaterThanOrEqual(before);
    expect(first).toBeLessThanOrEqual(Date.now());
    // A later read gets a later time (one time per read, not one for good).
    await waitUntil(() => Date.now() > first, 'the clock to move on');
    await rawPublish(server, 'phx:clock', 'second');
    await waitUntil(() => messages.length === 2, 'the second message');
    expect(messages[1]!.receivedAt).toBeGreaterThan(first);
  });

  test('through an exact channel subscription, alongside a pattern', async () => {
    const { subscriber, messages } = watch(spec(server), { channels: ['phx:Elixir.Exact'], patterns: ['app:*'] });
    await subscriber.start();
    await rawPublish(server, 'phx:Elixir.Exact', ALL_BYTES);
    await rawPublish(server, 'phx:Elixir.NotThisOne', NOT_UTF8);
    await rawPublish(server, 'app:x', NOT_UTF8);
    await waitUntil(() => messages.length >= 2, 'two messages');
    expect(messages.map((m) => [m.channel, m.pattern, Buffer.from(m.payload).toString('hex')])).toEqual([
      ['phx:Elixir.Exact', null, ALL_BYTES.toString('hex')],
      ['app:x', 'app:*', NOT_UTF8.toString('hex')],
    ]);
  });

  test('a burst keeps order and loses nothing', async () => {
    const { subscriber, messages } = watch(spec(server), { patterns: ['burst:*'] });
    await subscriber.start();
    const publisher = adminClient(server);
    const pipeline = publisher.pipeline();
    for (let i = 0; i < 5000; i++)
      pipeline.publish('burst:x', Buffer.concat([Buffer.from([i >> 8, i & 255]), ALL_BYTES]));
    await pipeline.exec();
    publisher.disconnect();
    await waitUntil(() => messages.length >= 5000, '5000 messages');
    expect(
      messages.every((m, i) => m.payload[0] === i >> 8 && m.payload[1] === (i & 255) && m.payload.length === 258),
    ).toBe(true);
  });
});

describe('ACL: watching never writes', () => {
  let acl: RedisServer;
  beforeAll(async () => {
    acl = await startRedis({
      name: 'acl',
      requirepass: 'admin-pw-1',
      users: [
        'watcher on >watch-pw-1 resetchannels &phx:* -@all +psubscribe +subscribe +ping',
        'nopsub on >nopsub-pw-1 resetchannels &phx:* -@all +subscribe +ping',
      ],
    });
  });
  afterAll(() => acl?.stop());

  test('a user allowed only psubscribe/subscribe/ping on &phx:* can watch (with heartbeat PINGs)', async () => {
    const admin = adminClient(acl);
    const seen: string[] = [];
    const monitor = await admin.monitor(); // a new connection in MONITOR mode
    monitor.on('monitor', (_time: string, args: string[]) => seen.push(args.join(' ')));
    await acl.command('ACL', 'LOG', 'RESET');

    const { subscriber, messages, events } = watch(
      { mode: 'standalone', host: acl.host, port: acl.port, username: 'watcher', password: 'watch-pw-1', db: 4 },
      { patterns: ['phx:*'], channels: ['phx:Elixir.Exact'], heartbeatMs: 50 },
    );
    await subscriber.start();
    await waitUntil(() => seen.includes('ping'), 'a heartbeat PING');
    await rawPublish(acl, 'phx:Elixir.Exact', ALL_BYTES);
    // Matches both subscriptions, so Redis delivers it twice (exact channel first).
    await waitUntil(() => messages.length === 2, 'the message, twice');
    expect(messages.map((m) => [m.pattern, Buffer.from(m.payload).equals(ALL_BYTES)])).toEqual([
      [null, true],
      ['phx:*', true],
    ]);

    // Nothing was refused, and the watcher sent only AUTH and the allowed commands.
    expect(await acl.command('ACL', 'LOG')).toEqual([]);
    const commands = new Set(seen.map((c) => c.split(' ')[0]!.toLowerCase()));
    commands.delete('acl'); // our own ACL LOG queries on admin connections
    commands.delete('publish'); // rawPublish
    expect([...commands].sort()).toEqual(['auth', 'ping', 'psubscribe', 'subscribe']);
    expect(events.some((e) => e.type === 'error')).toBe(false);
    monitor.disconnect();
    admin.disconnect();
  });

  test('a user without +psubscribe gets a clear permission error', async () => {
    const { subscriber } = watch({
      mode: 'standalone',
      host: acl.host,
      port: acl.port,
      username: 'nopsub',
      password: 'nopsub-pw-1',
    });
    const error = await subscriber.start().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RedisConnectionError);
    const failure = error as RedisConnectionError;
    expect(failure.reason).toBe('permission');
    expect(failure.message).toMatch(
      /^cannot connect to redis:\/\/nopsub:\*\*\*@127\.0\.0\.1:\d+\/0: permission denied by the server's ACL: .*'psubscribe'/,
    );
    expect(failure.message + failure.stack).not.toContain('nopsub-pw-1');
  });

  test("a channel outside the user's &pattern is refused too", async () => {
    const { subscriber } = watch(
      { mode: 'standalone', host: acl.host, port: acl.port, username: 'watcher', password: 'watch-pw-1' },
      { channels: ['secret:stuff'] },
    );
    await expect(subscriber.start()).rejects.toMatchObject({
      reason: 'permission',
      message: expect.stringMatching(/channels/),
    });
  });

  test('a wrong password is a clear error that never contains the password', async () => {
    for (const [username, password] of [
      ['watcher', 'Wr0ng-Secret-4711'],
      [undefined, 'Wr0ng-Secret-4711'],
    ] as const) {
      const { subscriber, events } = watch({ mode: 'standalone', host: acl.host, port: acl.port, username, password });
      const error = (await subscriber.start().catch((e: unknown) => e)) as RedisConnectionError;
      expect(error).toBeInstanceOf(RedisConnectionError);
      expect(error.reason).toBe('auth');
      expect(error.message).toMatch(/authentication failed: wrong username or password$/);
      expect(error.target).toBe(`redis://${username ?? ''}:***@127.0.0.1:${acl.port}/0`);
      const everything = [
        error.message,
        error.stack,
        String(error),
        JSON.stringify(error),
        JSON.stringify(events),
      ].join('\n');
      expect(everything).not.toContain('Wr0ng-Secret-4711');
      expect(Object.keys(error)).not.toContain('cause');
    }
  });

  test('no password at all for a password-protected server says so', async () => {
    const { subscriber } = watch(spec(acl));
    await expect(subscriber.start()).rejects.toMatchObject({
      reason: 'auth',
      message: expect.stringMatching(/authentication required/),
    });
  });
});

describe('connection loss and unreachable servers', () => {
  test('kill -9 then restart on the same port: reconnecting, reconnected with a gap, messages flow again', async () => {
    const own = await startRedis({ name: 'crash' });
    try {
      const { subscriber, messages, events } = watch(spec(own), { reconnectMaxDelayMs: 200 });
      await subscriber.start();
      await rawPublish(own, 'phx:before', Buffer.from('before'));
      await waitUntil(() => messages.length === 1, 'message before the crash');

      await own.kill('SIGKILL');
      await waitUntil(() => events.some((e) => e.type === 'reconnecting'), 'reconnecting');
      await own.restart();
      await waitUntil(() => events.some((e) => e.type === 'reconnected'), 'reconnected');

      const reconnecting = events.find((e) => e.type === 'reconnecting')!;
      expect(reconnecting.args[0]).toMatchObject({ attempt: 1, delayMs: 100 });
      const reconnected = events.find((e) => e.type === 'reconnected')!.args[0] as { gapMs: number; attempts: number };
      expect(reconnected.gapMs).toBeGreaterThan(0);
      expect(reconnected.attempts).toBeGreaterThanOrEqual(1);
      // Backoff doubles and is capped.
      const delays = events
        .filter((e) => e.type === 'reconnecting')
        .map((e) => (e.args[0] as { delayMs: number }).delayMs);
      expect(delays).toEqual(delays.map((_, i) => Math.min(100 * 2 ** i, 200)));

      await rawPublish(own, 'phx:after', Buffer.from('after'));
      await waitUntil(() => messages.length === 2, 'message after the restart');
      expect(messages.map((m) => m.channel)).toEqual(['phx:before', 'phx:after']);
      expect(subscriber.stats.reconnects).toBe(1);
      const order = events.map((e) => e.type).filter((t) => t !== 'error' && t !== 'connecting');
      expect(order[0]).toBe('ready');
      expect(order.at(-1)).toBe('reconnected');
      expect(order.at(-2)).toBe('ready');
    } finally {
      await own.stop();
    }
  });

  test('a frozen server (sockets open, no replies) is noticed by the heartbeat; the link comes back after', async () => {
    const own = await startRedis({ name: 'frozen' });
    try {
      const { subscriber, messages, events } = watch(spec(own), { heartbeatMs: 100, reconnectMaxDelayMs: 200 });
      await subscriber.start();
      own.signal('SIGSTOP');
      await waitUntil(() => events.some((e) => e.type === 'reconnecting'), 'the heartbeat to give up on the link');
      const reconnecting = events.find((e) => e.type === 'reconnecting')!.args[0] as { reason: string };
      expect(reconnecting.reason).toBe(`lost connection to redis://127.0.0.1:${own.port}/0: no reply to PING`);
      own.signal('SIGCONT');
      await waitUntil(() => events.some((e) => e.type === 'reconnected'), 'reconnected after the thaw');
      await rawPublish(own, 'phx:thawed', Buffer.from('ok'));
      await waitUntil(() => messages.length === 1, 'message after the thaw');
      expect(subscriber.stats.reconnects).toBe(1);
    } finally {
      await own.stop();
    }
  });

  test('busy is not dead: a flood read slowly keeps the link while the PING reply waits behind it', async () => {
    // Default output-buffer limits. The consumer takes ~1 ms per message, so the PING sent after
    // 100 ms is answered only once the thousands of messages queued before it are read: seconds
    // later. Bytes keep arriving all along, and that is what proves the link alive.
    const own = await startRedis({ name: 'slow-reader' });
    try {
      const { subscriber, messages, events } = watch(spec(own), { heartbeatMs: 100, reconnectMaxDelayMs: 200 });
      subscriber.on('message', () => {
        const until = performance.now() + 1;
        while (performance.now() < until); // a slow consumer on the same event loop
      });
      await subscriber.start();
      const total = 3000;
      const publisher = adminClient(own);
      const pipeline = publisher.pipeline();
      for (let i = 0; i < total; i++) pipeline.publish('phx:flood', randomBytes(150));
      await pipeline.exec();
      publisher.disconnect();
      await waitUntil(
        () => messages.length === total || events.some((e) => e.type === 'reconnecting'),
        'the flood',
        120_000,
      );
      expect(events.filter((e) => e.type === 'reconnecting')).toEqual([]);
      expect(messages.length).toBe(total);
      expect(subscriber.stats.reconnects).toBe(0);
    } finally {
      await own.stop();
    }
  });

  test('nobody listening at start: a typed "connection refused" error, no retry forever', async () => {
    const port = await freePort();
    const { subscriber, events } = watch(
      { mode: 'standalone', host: '127.0.0.1', port },
      { firstConnectTimeoutMs: 1000 },
    );
    const error = (await subscriber.start().catch((e: unknown) => e)) as RedisConnectionError;
    expect(error).toBeInstanceOf(RedisConnectionError);
    expect(error.message).toBe(`cannot connect to redis://127.0.0.1:${port}/0: connection refused`);
    expect(error.reason).toBe('refused');
    // It tried more than once within its budget, then stopped.
    const attempts = events.filter((e) => e.type === 'connecting').length;
    expect(attempts).toBeGreaterThan(1);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(events.filter((e) => e.type === 'connecting').length).toBe(attempts);
  });

  test('a frozen server at start: a typed timeout, not a hang', async () => {
    const own = await startRedis({ name: 'frozen-start' });
    try {
      own.signal('SIGSTOP');
      const { subscriber } = watch(spec(own), { firstConnectTimeoutMs: 1000 });
      await expect(subscriber.start()).rejects.toMatchObject({
        reason: 'timeout',
        message: `cannot connect to redis://127.0.0.1:${own.port}/0: timed out`,
      });
    } finally {
      await own.stop();
    }
  });

  test('a server that comes up during the first-connect window is reached', async () => {
    const port = await freePort();
    const { subscriber } = watch({ mode: 'standalone', host: '127.0.0.1', port }, { firstConnectTimeoutMs: 8000 });
    const started = subscriber.start();
    const late = await startRedis({ name: 'late', port });
    try {
      await started;
      await rawPublish(late, 'phx:late', Buffer.from([0]));
      await waitUntil(() => subscriber.stats.messages === 1, 'the message');
    } finally {
      await subscriber.close();
      await late.stop();
    }
  });

  test('close() unsubscribes (the server sees no subscriber left) and emits closed', async () => {
    const own = await startRedis({ name: 'close' });
    try {
      const { subscriber, events } = watch(spec(own), { patterns: ['phx:*'], channels: ['phx:one'] });
      await subscriber.start();
      expect(await own.command('PUBSUB', 'NUMPAT')).toBe(1);
      expect(await own.command('PUBSUB', 'NUMSUB', 'phx:one')).toEqual(['phx:one', 1]);
      await subscriber.close();
      expect(events.at(-1)?.type).toBe('closed');
      await waitUntil(async () => Number(await own.command('PUBSUB', 'NUMPAT')) === 0, 'no pattern subscriber left');
      expect(await own.command('PUBSUB', 'NUMSUB', 'phx:one')).toEqual(['phx:one', 0]);
    } finally {
      await own.stop();
    }
  });
});

import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ConnectionSpec } from '../../src/redis/connection-spec.js';
import { RedisConnectionError } from '../../src/redis/errors.js';
import { NotPermittedError, Publisher } from '../../src/redis/publisher.js';
import { freePort } from '../helpers/ports.js';
import {
  rawSubscriber,
  startRedis,
  waitUntil,
  type RawSubscription,
  type RedisServer,
} from '../helpers/redis-server.js';

let server: RedisServer;
const closers: (() => unknown)[] = [];
beforeAll(async () => {
  server = await startRedis({
    name: 'publisher',
    requirepass: 'admin-pw-2',
    users: [
      // May publish on phx:* and nothing else, not even PING.
      'injector on >inject-pw-2 resetchannels &phx:* -@all +publish',
    ],
  });
});
afterAll(async () => {
  for (const close of closers) await close();
  await server?.stop();
});

function spec(extra: Partial<ConnectionSpec> = {}): ConnectionSpec {
  return {
    mode: 'standalone',
    host: server.host,
    port: server.port,
    password: 'admin-pw-2',
    ...extra,
  } as ConnectionSpec;
}

async function connected(s: ConnectionSpec): Promise<Publisher> {
  const publisher = new Publisher(s);
  closers.push(() => publisher.close());
  await publisher.connect();
  return publisher;
}

async function subscribers(channel: string, count: number): Promise<RawSubscription[]> {
  const subs: RawSubscription[] = [];
  for (let i = 0; i < count; i++) {
    const sub = await rawSubscriber(server, { channels: [channel] });
    closers.push(() => sub.close());
    subs.push(sub);
  }
  return subs;
}

test('publishes bytes exactly (also a Uint8Array view into a larger buffer) and returns the receiver count', async () => {
  const [first, second] = await subscribers('phx:Elixir.Pub', 2);
  const publisher = await connected(spec());
  const backing = new Uint8Array(300).map((_, i) => (i * 7) & 255);
  const view = backing.subarray(3, 259); // offset and length differ from the ArrayBuffer's
  expect(await publisher.publish('phx:Elixir.Pub', view)).toBe(2);
  expect(await publisher.publish('phx:Elixir.Nobody', view)).toBe(0);
  await waitUntil(() => first!.messages.length === 1 && second!.messages.length === 1, 'both receivers');
  expect(first!.messages[0]!.payload.equals(Buffer.from(view))).toBe(true);
  expect(second!.messages[0]!.payload.equals(Buffer.from(view))).toBe(true);
});

test('numsub reports exact-channel subscribers per channel', async () => {
  await subscribers('phx:counted', 3);
  const publisher = await connected(spec());
  const counts = await publisher.numsub(['phx:counted', 'phx:empty']);
  expect([...counts]).toEqual([
    ['phx:counted', 3],
    ['phx:empty', 0],
  ]);
  expect(await publisher.numsub([])).toEqual(new Map());
});

test('numpat counts pattern subscriptions, which numsub does not', async () => {
  const publisher = await connected(spec());
  const before = await publisher.numpat();
  const watcher = await rawSubscriber(server, { patterns: ['phx:numpat:*'] });
  closers.push(() => watcher.close());
  expect(await publisher.numpat()).toBe(before + 1);
  expect((await publisher.numsub(['phx:numpat:x'])).get('phx:numpat:x')).toBe(0);
});

test('a user without PUBSUB: numsub and numpat throw NotPermittedError (callers go on without the counts)', async () => {
  const publisher = await connected({
    mode: 'standalone',
    host: server.host,
    port: server.port,
    username: 'injector',
    password: 'inject-pw-2',
  });
  for (const query of [() => publisher.numsub(['phx:allowed']), () => publisher.numpat()]) {
    const error = (await query().catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(NotPermittedError);
    expect(error.message).toMatch(/^PUBSUB NUM(SUB|PAT) is not allowed for this user \(NOPERM/);
    expect(error.message).not.toContain('inject-pw-2');
  }
});

test('a publish-only ACL user (no +ping) connects and publishes; outside its channels it gets a permission error', async () => {
  const publisher = await connected({
    mode: 'standalone',
    host: server.host,
    port: server.port,
    username: 'injector',
    password: 'inject-pw-2',
  });
  expect(await publisher.publish('phx:allowed', Buffer.from('x'))).toBe(0);
  const error = (await publisher
    .publish('secret:channel', Buffer.from('x'))
    .catch((e: unknown) => e)) as RedisConnectionError;
  expect(error).toBeInstanceOf(RedisConnectionError);
  expect(error.reason).toBe('permission');
  expect(error.message).toMatch(
    /^cannot publish to redis:\/\/injector:\*\*\*@127\.0\.0\.1:\d+\/0: permission denied by the server's ACL/,
  );
  expect(error.message).not.toContain('inject-pw-2');
});

test('wrong password and unreachable server fail at connect() with clear, password-free errors', async () => {
  const wrong = new Publisher(spec({ password: 'Wr0ng-Pub-Pw' }));
  const error = (await wrong.connect().catch((e: unknown) => e)) as RedisConnectionError;
  expect(error).toBeInstanceOf(RedisConnectionError);
  expect(error.reason).toBe('auth');
  expect(`${error.message}\n${error.stack}`).not.toContain('Wr0ng-Pub-Pw');

  const port = await freePort();
  const nowhere = new Publisher({ mode: 'standalone', host: '127.0.0.1', port });
  await expect(nowhere.connect()).rejects.toThrow(`cannot connect to redis://127.0.0.1:${port}/0: connection refused`);
  await expect(nowhere.publish('phx:x', new Uint8Array(1))).rejects.toThrow(/not connected/);
});

test('a frozen server: connect() times out instead of hanging', async () => {
  const own = await startRedis({ name: 'pub-frozen' });
  try {
    own.signal('SIGSTOP');
    const publisher = new Publisher({ mode: 'standalone', host: own.host, port: own.port }, { connectTimeoutMs: 500 });
    await expect(publisher.connect()).rejects.toMatchObject({ reason: 'timeout' });
  } finally {
    await own.stop();
  }
});

test('after a connected server restarts, publishing works again', async () => {
  const own = await startRedis({ name: 'pub-restart' });
  try {
    const publisher = await connected({ mode: 'standalone', host: own.host, port: own.port });
    expect(await publisher.publish('phx:x', Buffer.from('1'))).toBe(0);
    await own.kill('SIGKILL');
    await own.restart();
    await waitUntil(async () => (await publisher.publish('phx:x', Buffer.from('2'))) === 0, 'publish after restart');
  } finally {
    await own.stop();
  }
});

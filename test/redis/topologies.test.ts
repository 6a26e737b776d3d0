import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RawMessage } from '../../src/model/raw-message.js';
import type { ConnectionSpec } from '../../src/redis/connection-spec.js';
import { RedisConnectionError } from '../../src/redis/errors.js';
import { Publisher } from '../../src/redis/publisher.js';
import { Subscriber, type SubscriberEvents } from '../../src/redis/subscriber.js';
import {
  rawPublish,
  startCluster,
  startRedis,
  startReplica,
  startSentinel,
  waitUntil,
  type RedisCluster,
  type RedisSentinel,
  type RedisServer,
} from '../helpers/redis-server.js';

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
});

function watch(spec: ConnectionSpec, options: ConstructorParameters<typeof Subscriber>[1] = {}) {
  const subscriber = new Subscriber(spec, options);
  closers.push(() => subscriber.close());
  const messages: RawMessage[] = [];
  const events: (keyof SubscriberEvents)[] = [];
  subscriber.on('message', (m) => messages.push(m));
  for (const type of ['ready', 'reconnecting', 'reconnected'] as const) subscriber.on(type, () => events.push(type));
  subscriber.on('error', () => events.push('error'));
  return { subscriber, messages, events };
}

const text = (messages: RawMessage[]) => messages.map((m) => `${m.channel}=${Buffer.from(m.payload).toString()}`);

describe('Sentinel', () => {
  let master: RedisServer;
  let replica: RedisServer;
  let sentinel: RedisSentinel;
  let spec: ConnectionSpec;

  beforeAll(async () => {
    master = await startRedis({ name: 'master', requirepass: 'master-pw-1' });
    replica = await startReplica(master);
    sentinel = await startSentinel(master, { password: 'sentinel-pw-1', expectReplicas: 1 });
    closers.push(
      () => sentinel.stop(),
      () => replica.stop(),
      () => master.stop(),
    );
    spec = {
      mode: 'sentinel',
      sentinels: [{ host: '127.0.0.1', port: sentinel.port }],
      masterName: 'mymaster',
      password: 'master-pw-1',
      sentinelPassword: 'sentinel-pw-1',
    };
  });

  test('wrong or missing sentinel password, unknown master: clear errors without any password in them', async () => {
    const cases: [Partial<ConnectionSpec>, string, RegExp][] = [
      [
        { sentinelPassword: 'Wr0ng-Sentinel-Pw' },
        'auth',
        /: sentinel authentication failed: wrong sentinel username or password/,
      ],
      [{ sentinelPassword: undefined }, 'auth', /: the sentinels require a password of their own/],
      [
        { masterName: 'nosuchmaster' },
        'config',
        /: no sentinel knows a master named "nosuchmaster" \(check --master-name\)$/,
      ],
    ];
    for (const [change, reason, detail] of cases) {
      const { subscriber } = watch({ ...spec, ...change } as ConnectionSpec, { firstConnectTimeoutMs: 1000 });
      const error = (await subscriber.start().catch((e: unknown) => e)) as RedisConnectionError;
      expect(error).toBeInstanceOf(RedisConnectionError);
      expect(error.reason).toBe(reason);
      expect(error.message).toMatch(/^cannot connect to redis\+sentinel:\/\/:\*\*\*@127\.0\.0\.1:\d+\/\w+\/0/);
      expect(error.message).toMatch(detail);
      expect(error.message).not.toMatch(/Wr0ng-Sentinel-Pw|master-pw-1|sentinel-pw-1/);
    }
  });

  test("the master's password is checked on the master (wrong one: auth error)", async () => {
    const { subscriber } = watch({ ...spec, password: 'Wr0ng-Master-Pw' } as ConnectionSpec, {
      firstConnectTimeoutMs: 1000,
    });
    await expect(subscriber.start()).rejects.toMatchObject({
      reason: 'auth',
      message: expect.stringMatching(/: authentication failed: wrong username or password$/),
    });
  });

  test('the publisher finds the master through the sentinel', async () => {
    const { subscriber, messages } = watch(spec, { patterns: ['pub:*'] });
    await subscriber.start();
    const publisher = new Publisher(spec);
    closers.push(() => publisher.close());
    await publisher.connect();
    expect(await publisher.publish('pub:via-sentinel', Buffer.from([0, 255]))).toBe(1);
    await waitUntil(() => messages.length === 1, 'the published message');
    expect([...messages[0]!.payload]).toEqual([0, 255]);
    await subscriber.close();
    await publisher.close();
  });

  test('the master found through the sentinel delivers messages; after a failover the new master does', async () => {
    const { subscriber, messages, events } = watch(spec, { reconnectMaxDelayMs: 250 });
    await subscriber.start();
    await rawPublish(master, 'phx:via-sentinel', 'one');
    await waitUntil(() => messages.length === 1, 'message through the original master');

    await master.kill('SIGKILL');
    await waitUntil(
      async () => (await sentinel.masterAddress()).port === replica.port,
      'sentinel to promote the replica',
      120_000,
    );
    await waitUntil(() => events.includes('reconnected'), 'the subscriber to follow the failover', 20_000);
    // The replica is now the master, so a PUBLISH there is the new normal.
    await rawPublish(replica, 'phx:via-sentinel', 'two');
    await waitUntil(() => messages.length === 2, 'message through the promoted master');
    expect(text(messages)).toEqual(['phx:via-sentinel=one', 'phx:via-sentinel=two']);
  });
});

describe('Cluster', () => {
  let cluster: RedisCluster;
  beforeAll(async () => {
    cluster = await startCluster(3);
    closers.push(() => cluster.stop());
  });

  test('attached through one seed: PUBLISH on any node arrives; publisher counts subscribers on all nodes', async () => {
    const [a, b, c] = cluster.nodes as [RedisServer, RedisServer, RedisServer];
    const spec: ConnectionSpec = { mode: 'cluster', nodes: [{ host: '127.0.0.1', port: a.port }] };
    const { subscriber, messages } = watch(spec, { channels: ['phx:cluster'], patterns: [] });
    await subscriber.start();
    // Each waited for before the next: a message published on another node reaches the
    // subscriber's node over the cluster bus, so two in a row may arrive in either order.
    for (const [i, node, name] of [
      [1, a, 'a'],
      [2, b, 'b'],
      [3, c, 'c'],
    ] as const) {
      await rawPublish(node, 'phx:cluster', `from-${name}`);
      await waitUntil(() => messages.length === i, `the message published on node ${name}`);
    }
    expect(text(messages)).toEqual(['phx:cluster=from-a', 'phx:cluster=from-b', 'phx:cluster=from-c']);

    const publisher = new Publisher({ mode: 'cluster', nodes: [{ host: '127.0.0.1', port: c.port }] });
    closers.push(() => publisher.close());
    await publisher.connect();
    await publisher.publish('phx:cluster', Buffer.from('from-publisher'));
    await waitUntil(() => messages.length === 4, "the publisher's message");
    const counts = await publisher.numsub(['phx:cluster', 'phx:nobody']);
    expect([...counts]).toEqual([
      ['phx:cluster', 1],
      ['phx:nobody', 0],
    ]);
  });

  test('when the node it listens on dies, the subscriber moves to another node it learned about', async () => {
    const [a, b] = cluster.nodes as [RedisServer, RedisServer];
    // Only `a` is given; the others are learned from CLUSTER SLOTS.
    const { subscriber, messages, events } = watch(
      { mode: 'cluster', nodes: [{ host: '127.0.0.1', port: a.port }] },
      {
        patterns: ['phx:*'],
        reconnectMaxDelayMs: 200,
      },
    );
    await subscriber.start();
    await a.kill('SIGKILL');
    await waitUntil(() => events.includes('reconnected'), 'reconnected to another node');
    await rawPublish(b, 'phx:after-failure', 'still here');
    await waitUntil(() => messages.length === 1, 'message through the surviving node');
    expect(text(messages)).toEqual(['phx:after-failure=still here']);
  });
});

/**
 * The built `redis-print` attached through Redis Sentinel (redis-server --sentinel, as Debian's
 * redis-sentinel runs it) and through a 3-node Redis Cluster, receiving what is published.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
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
import { loadFixtures, messageLines, parseLine, startWatch } from './watch-helpers.js';

const fixtures = loadFixtures();
const v3 = fixtures.find((f) => f.entry.label === 'broadcast-hello' && f.entry.channel.endsWith('.Adapter'))!;
const v1 = fixtures.find((f) => f.entry.label === 'broadcast-hello' && !f.entry.channel.endsWith('.Adapter'))!;
const MASTER_PW = 'Mast3r-pw-2291';

describe('Sentinel', () => {
  let master: RedisServer;
  let replica: RedisServer;
  let sentinel: RedisSentinel;

  beforeAll(async () => {
    master = await startRedis({ name: 'master', requirepass: MASTER_PW });
    replica = await startReplica(master);
    sentinel = await startSentinel(master, { expectReplicas: 1 });
  });
  afterAll(async () => {
    await sentinel?.stop();
    await replica?.stop();
    await master?.stop();
  });

  test('--sentinel --master-name finds the master, and follows a failover to the new one', async () => {
    const watch = await startWatch([
      '--no-tui',
      '--sentinel',
      `127.0.0.1:${sentinel.port}`,
      '--master-name',
      sentinel.masterName,
      '-a',
      MASTER_PW,
    ]);
    try {
      expect(watch.stderr).toMatch(/^# watching redis\+sentinel:\/\/.*127\.0\.0\.1:\d+.*mymaster/m);
      expect(watch.stderr).not.toContain(MASTER_PW);
      await rawPublish(master, v3.entry.channel, v3.payload);
      await watch.waitForStdout(/v3\/except .* rooms:lobby new:msg/);

      // The master dies; the sentinel promotes the replica; the watcher asks the sentinel again.
      await master.kill('SIGKILL');
      await waitUntil(
        async () => (await sentinel.masterAddress()).port === replica.port,
        'sentinel to promote the replica',
        120_000,
      );
      await watch.waitForStdout(/^# reconnected after/m, 30_000);
      await rawPublish(replica, v1.entry.channel, v1.payload);
      await watch.waitForStdout(/v1\/fastlane .* rooms:lobby new:msg/, 30_000);
    } finally {
      watch.kill('SIGINT');
    }
    const result = await watch.done;
    expect(result.code).toBe(130);
    expect(messageLines(result.stdout).map((l) => parseLine(l).genMode)).toEqual(['v3/except', 'v1/fastlane']);
    expect(result.stdout + result.stderr).not.toContain(MASTER_PW);
  });
});

describe('Redis Cluster', () => {
  let cluster: RedisCluster;

  beforeAll(async () => {
    cluster = await startCluster(3);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  test('--cluster through one node receives what is published through every other node', async () => {
    const [first, second, third] = cluster.nodes as [RedisServer, RedisServer, RedisServer];
    const watch = await startWatch([
      '--json',
      '--cluster',
      '-h',
      '127.0.0.1',
      '-p',
      String(first.port),
      '--count',
      '3',
    ]);
    // Publish through the two other nodes (PUBLISH fans out over the cluster bus), then the first.
    await rawPublish(second, v3.entry.channel, v3.payload);
    await rawPublish(third, v1.entry.channel, v1.payload);
    await rawPublish(first, 'phx:other', Buffer.from('{"via":"first"}'));
    const result = await watch.done;
    expect(result.code).toBe(0);
    const records = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { channel: string; kind: string; envelope: { generation: number } | null });
    // Cluster pub/sub gives no ordering guarantee across nodes: compare as a set.
    expect(records.map((r) => `${r.channel} ${r.kind} ${r.envelope?.generation ?? '-'}`).sort()).toEqual(
      [`${v3.entry.channel} broadcast 3`, `${v1.entry.channel} broadcast 1`, 'phx:other json -'].sort(),
    );
  });
});

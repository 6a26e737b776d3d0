/**
 * Faults under a running `redis-print` (the built program), each with real servers: redis-server
 * killed and restarted again and again, the server frozen (SIGSTOP: sockets open, nothing
 * answers), a Sentinel promoting the replica while the master lives on, the cluster node
 * being watched dying, and `record` across restarts. Watch recovers every time and reports each
 * gap; record loses nothing it counted. Waits poll for what the program prints; nothing is timed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { numberedPayload, readBack, startRecording } from '../cli/record-helpers.js';
import { messageLines, startWatch, summaryOf } from '../cli/watch-helpers.js';
import type { LiveCli } from '../cli/run-cli.js';
import { broadcastPayload, CHANNEL } from '../ui/tui-helpers.js';

const LOST = /^# lost connection to .*; reconnecting in \d+\.\d s$/gm;
const RECONNECTED = /^# reconnected after \d+\.\d s — messages published meanwhile were not received$/gm;
const count = (text: string, pattern: RegExp): number => text.match(pattern)?.length ?? 0;

/** A broadcast whose topic names it, so the output shows which one arrived. */
const marker = (name: string): Buffer => broadcastPayload(`faults:${name}`, 'mark', name);

interface Record_ {
  seq: number;
  topic?: string;
}
const topicsIn = (ndjson: string): string[] =>
  ndjson
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => (JSON.parse(l) as Record_).topic ?? '?');

async function stop(cli: LiveCli): Promise<{ code: number | null; stdout: string; stderr: string }> {
  cli.kill('SIGINT');
  return cli.done;
}

describe('redis-server killed and restarted, three times', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis({ name: 'restarts' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  test('watch (NDJSON and lines) reports each loss and each return, and receives after every restart', async () => {
    const json = await startWatch(['--json', '--url', server.url]);
    const lines = await startWatch(['--no-tui', '--url', server.url]);
    try {
      const expected: string[] = [];
      for (let cycle = 1; cycle <= 3; cycle++) {
        await rawPublish(server, CHANNEL, marker(`before-${cycle}`));
        expected.push(`faults:before-${cycle}`);
        await json.waitForStdout(new RegExp(`"topic":"faults:before-${cycle}"`));
        await lines.waitForStdout(new RegExp(` faults:before-${cycle} `));

        await server.kill('SIGKILL');
        await waitUntil(
          () => count(json.stderr, LOST) === cycle && count(lines.stdout, LOST) === cycle,
          `loss ${cycle} reported`,
          120_000,
        );
        await server.restart();
        await waitUntil(
          () => count(json.stderr, RECONNECTED) === cycle && count(lines.stdout, RECONNECTED) === cycle,
          `return ${cycle} reported`,
          120_000,
        );

        await rawPublish(server, CHANNEL, marker(`after-${cycle}`));
        expected.push(`faults:after-${cycle}`);
        await json.waitForStdout(new RegExp(`"topic":"faults:after-${cycle}"`));
        await lines.waitForStdout(new RegExp(` faults:after-${cycle} `));
      }
      const j = await stop(json);
      const l = await stop(lines);
      expect(j.code).toBe(130); // Ctrl-C: 130, for every command
      expect(l.code).toBe(130);
      // Every message, once, in order; stdout of --json holds only JSON.
      expect(topicsIn(j.stdout)).toEqual(expected);
      expect(messageLines(l.stdout).map((x) => x.split(' ')[4])).toEqual(expected);
      expect(summaryOf(j.stderr)).toMatchObject({ received: 6, shown: 6, undecodable: 0 });
      expect(summaryOf(l.stderr)).toMatchObject({ received: 6, shown: 6, undecodable: 0 });
      // Each gap reported once on return (failed attempts while down say why, they do not repeat "lost").
      expect(count(j.stderr, RECONNECTED)).toBe(3);
      expect(count(l.stdout, RECONNECTED)).toBe(3);
    } finally {
      json.kill('SIGKILL');
      lines.kill('SIGKILL');
    }
  });
});

describe('the server frozen (SIGSTOP) until the heartbeat gives up on it', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis({ name: 'frozen' });
  });
  afterAll(async () => {
    await server?.stop(); // sends SIGCONT first
  });

  // The production period is 10 s (a verdict within 20 s of silence); a 2 s period shows the same
  // behaviour without a half-minute wait, and leaves the gap check a margin of at least 2 s.
  const HEARTBEAT_MS = 2000;

  test('watch notices by its heartbeat, says so, and comes back when the server thaws', async () => {
    const json = await startWatch(['--json', '--url', server.url], {
      timeoutMs: 120_000,
      env: { REDIS_PRINT_HEARTBEAT_MS: String(HEARTBEAT_MS) },
    });
    try {
      await rawPublish(server, CHANNEL, marker('before-freeze'));
      await json.waitForStdout(/"topic":"faults:before-freeze"/);

      server.signal('SIGSTOP');
      const frozenAt = Date.now();
      // The connection stays open (the kernel still holds it): only the unanswered PING tells.
      await json.waitForStderr(/^# lost connection to .*: no reply to PING; reconnecting in/m, 60_000);
      const frozenFor = (Date.now() - frozenAt) / 1000; // at most the real freeze
      server.signal('SIGCONT');

      await json.waitForStderr(/^# reconnected after \d+\.\d s/m, 60_000);
      await rawPublish(server, CHANNEL, marker('after-thaw'));
      await json.waitForStdout(/"topic":"faults:after-thaw"/);
      const result = await stop(json);
      expect(result.code).toBe(130);
      expect(topicsIn(result.stdout)).toEqual(['faults:before-freeze', 'faults:after-thaw']);
      // The gap it reports covers the whole freeze (from the last sign of life, which came before
      // SIGSTOP, to the reconnection, which came after SIGCONT), not only the time after the
      // heartbeat's verdict (which comes at least one period into the silence): that part went
      // unreported before.
      const gap = Number(/^# reconnected after (\d+\.\d) s/m.exec(result.stderr)![1]);
      expect(gap).toBeGreaterThanOrEqual(Math.floor(frozenFor * 10) / 10);
      console.log(`frozen ${frozenFor.toFixed(1)} s (heartbeat ${HEARTBEAT_MS} ms); reported gap ${gap} s`);
    } finally {
      server.signal('SIGCONT');
      json.kill('SIGKILL');
    }
  }, 300_000);
});

describe('Sentinel promotes the replica (SENTINEL FAILOVER, the old master lives on)', () => {
  let master: RedisServer;
  let replica: RedisServer;
  let sentinel: RedisSentinel;
  beforeAll(async () => {
    master = await startRedis({ name: 'master' });
    replica = await startReplica(master);
    sentinel = await startSentinel(master, { expectReplicas: 1 });
  });
  afterAll(async () => {
    await sentinel?.stop();
    await replica?.stop();
    await master?.stop();
  });

  test('watch follows to the new master and receives what is published there, once', async () => {
    const json = await startWatch([
      '--json',
      '--sentinel',
      `127.0.0.1:${sentinel.port}`,
      '--master-name',
      sentinel.masterName,
    ]);
    try {
      await rawPublish(master, CHANNEL, marker('on-old-master'));
      await json.waitForStdout(/"topic":"faults:on-old-master"/);

      await sentinel.command('SENTINEL', 'FAILOVER', sentinel.masterName);
      await waitUntil(
        async () => (await sentinel.masterAddress()).port === replica.port,
        'the sentinel to name the replica as master',
        120_000,
      );
      await waitUntil(
        async () => String(await replica.command('ROLE')).startsWith('master'),
        'the replica to be master',
        120_000,
      );
      // Sentinel disconnects the clients of the demoted master: watch asks the sentinel again.
      await json.waitForStderr(/^# reconnected after/m, 30_000);
      expect(await rawPublish(replica, CHANNEL, marker('on-new-master'))).toBeGreaterThan(0);
      await json.waitForStdout(/"topic":"faults:on-new-master"/);
      const result = await stop(json);
      expect(result.code).toBe(130);
      expect(topicsIn(result.stdout)).toEqual(['faults:on-old-master', 'faults:on-new-master']);
    } finally {
      json.kill('SIGKILL');
    }
  });
});

describe('the cluster node being watched dies', () => {
  let cluster: RedisCluster;
  beforeAll(async () => {
    cluster = await startCluster(3);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  test('watch --cluster moves to another node it learned about and keeps receiving', async () => {
    const [seed, second, third] = cluster.nodes as [RedisServer, RedisServer, RedisServer];
    const json = await startWatch(['--json', '--cluster', '--url', seed.url]);
    try {
      await rawPublish(second, CHANNEL, marker('through-second'));
      await json.waitForStdout(/"topic":"faults:through-second"/);

      await seed.kill('SIGKILL');
      await json.waitForStderr(new RegExp(`^# lost connection to .*127\\.0\\.0\\.1:${seed.port}`, 'm'), 30_000);
      await json.waitForStderr(/^# reconnected after/m, 30_000);
      // (PUBLISH counts only the subscribers of the node it ran on: watch may be on the second.)
      await rawPublish(third, CHANNEL, marker('through-third'));
      await json.waitForStdout(/"topic":"faults:through-third"/);
      const result = await stop(json);
      expect(result.code).toBe(130);
      expect(topicsIn(result.stdout)).toEqual(['faults:through-second', 'faults:through-third']);
    } finally {
      json.kill('SIGKILL');
    }
  });
});

describe('record across three restarts', () => {
  let server: RedisServer;
  let dir: string;
  beforeAll(async () => {
    server = await startRedis({ name: 'record-restarts' });
    dir = mkdtempSync(join(tmpdir(), 'redis-print-faults-'));
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('every message it counted is in the file, byte for byte and in order', async () => {
    const file = join(dir, 'restarts.capture');
    const live = await startRecording(['-o', file, '--url', server.url]);
    try {
      const sent: Buffer[] = [];
      const publishBatch = async (): Promise<void> => {
        for (let k = 0; k < 5; k++) {
          const payload = numberedPayload(sent.length, 64);
          expect(await rawPublish(server, 'phx:faults', payload)).toBe(1);
          sent.push(payload);
        }
        // On disk (the recorder hands records to the OS at least every 200 ms) before the next fault.
        await waitUntil(
          async () => (await readBack(file)).messages.length === sent.length,
          `${sent.length} records on disk`,
        );
      };
      for (let cycle = 1; cycle <= 3; cycle++) {
        await publishBatch();
        await server.kill('SIGKILL');
        await waitUntil(
          () => count(live.stderr, /^# (lost connection to|cannot reconnect to) .+; reconnecting in/gm) >= cycle,
          `loss ${cycle} reported`,
          120_000,
        );
        await server.restart();
        await waitUntil(
          () =>
            count(live.stderr, /^# reconnected after [\d.]+ s — messages published meanwhile were not recorded$/gm) ===
            cycle,
          `return ${cycle}`,
          120_000,
        );
      }
      await publishBatch();
      const result = await stop(live);
      expect(result.code).toBe(130);
      const counted = Number(/^# recorded (\d+) messages/m.exec(result.stderr)![1]);
      const { messages, truncated } = await readBack(file);
      expect(truncated).toBe(false);
      expect(counted).toBe(20);
      expect(messages.map((m) => Buffer.from(m.payload))).toEqual(sent);
    } finally {
      live.kill('SIGKILL');
    }
  });
});

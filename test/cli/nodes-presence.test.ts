/**
 * `redis-print nodes` and `redis-print presence` against a real redis-server: the real tracker
 * capture (fixtures/tracker/three-nodes.capture) is published byte for byte while they watch,
 * next to one connection SUBSCRIBEd to the adapter channel like a single node would be.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { NodesReport } from '../../src/phoenix/cluster/nodes-report.js';
import type { PresenceReport } from '../../src/phoenix/presence/presence-report.js';
import {
  rawPublish,
  rawSubscriber,
  startRedis,
  type RawSubscription,
  type RedisServer,
} from '../helpers/redis-server.js';
import { trackerCapture } from '../phoenix/tracker-captures.js';
import { startCli } from './run-cli.js';

const CHANNEL = 'phx:Elixir.Demo.PubSub.Adapter';
let server: RedisServer;
let oneNode: RawSubscription;

beforeAll(async () => {
  server = await startRedis({ users: ['watcher on >watchpw resetchannels &phx:* -@all +psubscribe +subscribe +ping'] });
  oneNode = await rawSubscriber(server, { channels: [CHANNEL] });
});
afterAll(async () => {
  oneNode?.close();
  await server?.stop();
});

async function publishCapture(): Promise<void> {
  for (const m of await trackerCapture('three-nodes.capture'))
    await rawPublish(server, m.channel, Buffer.from(m.payload));
}

describe('nodes and presence on a real redis-server', () => {
  test('nodes --json and presence (line mode, then --json) see the three tracker nodes', async () => {
    const nodes = startCli(['nodes', '--url', server.url, '--duration', '10s', '--json']);
    const presence = startCli(['presence', '--url', server.url, '--topic', 'room:*']);
    const presenceJson = startCli(['presence', '--url', server.url, '--duration', '10s', '--json']);
    await Promise.all([nodes, presence, presenceJson].map((c) => c.waitForStderr(/^# watching phx:\* on /m)));
    await publishCapture();

    // Line mode: the changes as they happen, then the table at Ctrl-C.
    await presence.waitForStdout(/replica-gone b@127\.0\.0\.1 .*\(graceful_permdown\)/);
    presence.kill('SIGINT');
    const lines = await presence.done;
    expect(lines.code).toBe(0);
    expect(lines.stdout).toMatch(/ join {3}room:lobby alice on a@127\.0\.0\.1 %\{name: "Alice"/);
    expect(lines.stdout).toMatch(/ update room:lobby alice on a@127\.0\.0\.1 .*status: "away"/);
    expect(lines.stdout).toMatch(/ leave {2}room:other frank on b@127\.0\.0\.1/);
    expect(lines.stdout).toMatch(/^Tracker phx_presence:Elixir\.Demo\.Presence_shard0$/m);
    expect(lines.stdout).toMatch(/^ {4}dave +on a@127\.0\.0\.1/m);

    const report = JSON.parse((await nodes.done).stdout) as NodesReport;
    expect(report.nodes.map((n) => n.name)).toEqual(['a@127.0.0.1', 'b@127.0.0.1', 'c@127.0.0.1']);
    expect(report.channels).toEqual([
      expect.objectContaining({ channel: CHANNEL, messages: 27, publishers: 3, subscribers: 1 }),
    ]);
    expect(report.redis.numsub).toBe('ok');
    expect(report.findings.map((f) => f.code)).toContain('subscriber-missing');

    const state = JSON.parse((await presenceJson.done).stdout) as PresenceReport;
    expect(Object.keys(state.topics)).toEqual(['room:lobby']);
    expect(state.topics['room:lobby']!.map((p) => [p.key, p.replica, p.hidden])).toEqual([
      ['dave', 'a@127.0.0.1', false],
      // Published at full speed, c@127.0.0.1 was not silent long enough to be down.
      ['grace', 'c@127.0.0.1', false],
      ['grace', 'c@127.0.0.1', false],
    ]);
    expect(state.topics['room:lobby']![0]!.meta).toMatchObject({ name: 'Dave', status: 'online' });
    expect(state.complete).toBe(true);
  });

  test('an ACL user without PUBSUB: the report says subscriber counts are unknown, and why', async () => {
    const url = server.url.replace('redis://', 'redis://watcher:watchpw@');
    const nodes = startCli(['nodes', '--url', url, '--duration', '3s']);
    await nodes.waitForStderr(/^# watching/m);
    const [first] = await trackerCapture('three-nodes.capture');
    await rawPublish(server, first!.channel, Buffer.from(first!.payload));
    const result = await nodes.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^a@127\.0\.0\.1 +3\.x v3/m);
    expect(result.stdout).toMatch(
      /subscribers: PUBSUB NUMSUB not available \(.*(not allowed for this user|permission denied).*\)/,
    );
    expect(result.stdout + result.stderr).not.toContain('watchpw');
  });
});

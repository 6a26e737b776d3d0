/**
 * `replay` judges every record by what the nodes on its target channel speak: it listens there
 * first (traffic beats the channel's name), and refuses — record by record, unless --force — what
 * those nodes would crash on. A real redis-server, a SUBSCRIBE client as the node, and a talker
 * sending what real nodes send.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureWriter } from '../../src/capture/index.js';
import { encode } from '../../src/etf/encode.js';
import { broadcastStruct, buildV1 } from '../../src/phoenix/build.js';
import { makeTempDir, removeDir } from '../helpers/child-reaper.js';
import { adminClient, rawSubscriber, startRedis, waitUntil, type RedisServer } from '../helpers/redis-server.js';
import { fixturePayloads } from './record-helpers.js';
import { runCli } from './run-cli.js';

const CHANNEL = 'phx:Elixir.Chat.PubSub';
const SEVEN = fixturePayloads('phoenix_pubsub_redis-2.1.8')
  .filter((f) => f.channel === CHANNEL)
  .map((f) => f.payload);
const six = (topic: string) =>
  Buffer.from(
    encode(buildV1({ shape: 6, topic, message: broadcastStruct(topic, 'hello', new Uint8Array()) }), {
      minorVersion: 1,
    }),
  );

let server: RedisServer;
let dir: string;
beforeAll(async () => {
  server = await startRedis({ name: 'replay-receivers' });
  dir = makeTempDir('replay-receivers');
});
afterAll(async () => {
  await server?.stop();
  if (dir) removeDir(dir);
});

async function capture(name: string, payloads: Buffer[]): Promise<string> {
  const file = join(dir, name);
  const writer = await CaptureWriter.open(file, {
    tool: { name: 'test', version: '0' },
    target: 'redis://127.0.0.1:1',
  });
  payloads.forEach((payload, i) =>
    writer.write({ receivedAt: 1_700_000_000_000 + i, channel: CHANNEL, pattern: 'phx:*', payload }),
  );
  await writer.close();
  return file;
}

describe('replay judges each record by the target channel’s nodes', () => {
  it('7-tuples to a channel where 6-tuple nodes talk: refused, named record by record; --force sends', async () => {
    expect(SEVEN.length).toBeGreaterThan(2);
    const file = await capture('seven.capture', SEVEN.slice(0, 3));
    const node = await rawSubscriber(server, { channels: [CHANNEL] });
    const talker = adminClient(server);
    const timer = setInterval(() => void talker.publish(CHANNEL, six('gossip')), 10);
    try {
      await waitUntil(() => node.messages.length > 0, 'the talker to be heard');
      const refused = await runCli(['replay', file, '--url', server.url, '--sniff', '30s', '--as-fast-as-possible']);
      expect(refused.code, refused.stderr).toBe(1);
      expect(refused.stderr).toMatch(
        /# receivers: heard \d+ v1\/pool envelopes on phx:Elixir\.Chat\.PubSub within 30 s/,
      );
      expect(refused.stderr).toMatch(
        /records 1-3 on phx:Elixir\.Chat\.PubSub: this is a v1\/fastlane envelope .*but the nodes on phx:Elixir\.Chat\.PubSub speak v1\/pool .*a 2\.0\.0–2\.1\.1 node crashes/,
      );
      expect(refused.stderr).toMatch(/3 of the 3 records .* nothing was sent \(--force sends them anyway\)/);
      const forced = await runCli([
        'replay',
        file,
        '--url',
        server.url,
        '--sniff',
        '30s',
        '--as-fast-as-possible',
        '--force',
      ]);
      expect(forced.code, forced.stderr).toBe(0);
      await waitUntil(
        () => node.messages.filter((m) => SEVEN.some((p) => p.equals(m.payload))).length === 3,
        'the 3 forced',
      );
    } finally {
      clearInterval(timer);
      talker.disconnect();
      node.close();
    }
  });

  it('6-tuples: refused on a quiet 2.x channel (judged by its name), sent where 6-tuple nodes talk', async () => {
    const file = await capture('six.capture', [six('r1'), six('r2')]);
    const node = await rawSubscriber(server, { channels: [CHANNEL] });
    try {
      const quiet = await runCli(['replay', file, '--url', server.url, '--sniff', '0.3s', '--as-fast-as-possible']);
      expect(quiet.code).toBe(1);
      expect(quiet.stderr).toMatch(
        /records 1-2 on phx:Elixir\.Chat\.PubSub: this is a v1\/pool envelope .*by the channel name.*no traffic on phx:Elixir\.Chat\.PubSub shows adapter 2\.0\.0–2\.1\.1 nodes/,
      );
      const talker = adminClient(server);
      const timer = setInterval(() => void talker.publish(CHANNEL, six('gossip')), 10);
      try {
        const heard = await runCli(['replay', file, '--url', server.url, '--sniff', '30s', '--as-fast-as-possible']);
        expect(heard.code, heard.stderr).toBe(0);
        await waitUntil(
          () => ['r1', 'r2'].every((t) => node.messages.some((m) => m.payload.includes(Buffer.from(t)))),
          'both records',
        );
      } finally {
        clearInterval(timer);
        talker.disconnect();
      }
    } finally {
      node.close();
    }
  });
});

/**
 * `publish` judges a payload by what the channel's receivers speak — traffic heard on the channel
 * first, then the channel's name, flags last — against a real redis-server with real SUBSCRIBE
 * clients standing in for adapter nodes and a talker sending what real nodes send. Each case is a
 * command that was once sent and crashed (or silently missed) real 2.1.8 / 3.1.0 nodes
 * (wire-format.md, appendix B). Also: nodes told apart from watchers after PUBLISH, an ACL user
 * without PUBSUB, and messages read from files and standard input.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encode } from '../../src/etf/encode.js';
import { Atom } from '../../src/etf/term.js';
import { broadcastStruct, buildV1 } from '../../src/phoenix/build.js';
import { classify } from '../../src/phoenix/classify.js';
import { makeTempDir, removeDir } from '../helpers/child-reaper.js';
import {
  adminClient,
  rawSubscriber,
  startRedis,
  waitUntil,
  type RawSubscription,
  type RedisServer,
} from '../helpers/redis-server.js';
import type { CliResult } from './run-cli.js';
import { runBuiltInProcess } from './in-process.js';

const V1_FIXTURE = readFileSync(
  new URL('../../fixtures/phoenix/phoenix_pubsub_redis-2.1.8/003-fl-broadcast-hello.etf', import.meta.url),
);
/** What a 2.0.0–2.1.1 node sends: the 6-tuple. */
const SIX_TUPLE = Buffer.from(
  encode(
    buildV1({
      shape: 6,
      topic: 'rooms:lobby',
      message: broadcastStruct('rooms:lobby', 'hello', new Uint8Array()),
    }),
    { minorVersion: 1 },
  ),
);

let server: RedisServer;
let dir: string;
beforeAll(async () => {
  server = await startRedis({
    name: 'publish-receivers',
    users: ['nopubsub on >pw ~* &* +@all -pubsub'],
  });
  dir = makeTempDir('publish-receivers');
});
afterAll(async () => {
  await server?.stop();
  if (dir) removeDir(dir);
});

/** Publish runs in this process (in-process.ts); publish.test.ts runs the built program as a child. */
const publish = (args: string[], input?: string | Uint8Array): Promise<CliResult> =>
  runBuiltInProcess(['publish', '--url', server.url, ...args], input === undefined ? {} : { input });

/**
 * A cluster on `channel`: one SUBSCRIBE client (a node's subscription) and, when `talk` is given,
 * a talker publishing those bytes every 10 ms, as nodes gossip. Stops on close.
 */
async function cluster(channel: string, talk?: Buffer): Promise<{ node: RawSubscription; close(): void }> {
  const node = await rawSubscriber(server, { channels: [channel] });
  const talker = adminClient(server);
  const timer = talk ? setInterval(() => void talker.publish(channel, talk), 10) : undefined;
  if (talk) await waitUntil(() => node.messages.length > 0, 'the talker to be heard');
  return {
    node,
    close: () => {
      clearInterval(timer);
      talker.disconnect();
      node.close();
    },
  };
}

/** What the node got on `topic` (the talker's own messages are on rooms:lobby). */
const got = (node: RawSubscription, topic: string) =>
  node.messages.map((m) => classify(m.payload)).filter((c) => c.envelope?.topic === topic);

const REFUSED = /redis-print: nothing was sent \(--force sends it anyway\)\n/;

describe('refused by what the nodes on the channel speak (traffic first)', () => {
  it.each([
    ['--v1-shape 6', ['--generation', '1', '--v1-shape', '6'], /this is a v1\/pool envelope/],
    ['--v1-shape 5', ['--generation', '1', '--v1-shape', '5'], /this is a v1\/legacy envelope/],
    ['a 3.x envelope (--channel … --generation 3)', ['--generation', '3'], /this is a v3 envelope/],
  ])('2.1.8 nodes heard on the channel: %s is refused, nothing sent; --force sends it', async (_, flags, what) => {
    const channel = 'phx:Elixir.Old.PubSub';
    const c = await cluster(channel, V1_FIXTURE);
    try {
      const args = ['--channel', channel, ...flags, '--sniff', '30s', '--topic', 'probe', '--event', 'e'];
      const refused = await publish(args);
      expect(refused.code, refused.stderr).toBe(1);
      expect(refused.stderr).toMatch(what);
      expect(refused.stderr).toMatch(
        /but the nodes on phx:Elixir\.Old\.PubSub speak v1\/fastlane .*\(adapter 2\.1\.2–2\.1\.8; heard \d+ v1\/fastlane envelopes on phx:Elixir\.Old\.PubSub within 30 s of listening\): a 2\.1\.2–2\.1\.8 node crashes its Redis process/,
      );
      expect(refused.stderr).toMatch(REFUSED);
      const forced = await publish([...args, '--force']);
      expect(forced.code, forced.stderr).toBe(0);
      expect(forced.stderr).toMatch(/warning: sending anyway \(--force\): this is a v/);
      await waitUntil(() => got(c.node, 'probe').length === 1, 'the forced message');
      expect(got(c.node, 'probe')).toHaveLength(1); // the refused one never arrived
    } finally {
      c.close();
    }
  });

  it('a quiet 2.x channel: the 6- and 5-tuples need --force (no traffic confirms them), the 7-tuple goes', async () => {
    const channel = 'phx:Elixir.Quiet.PubSub';
    const c = await cluster(channel);
    try {
      for (const shape of ['6', '5']) {
        const r = await publish([
          '--channel',
          channel,
          '--generation',
          '1',
          '--v1-shape',
          shape,
          '--sniff',
          '0.3s',
          '--topic',
          'q',
          '--event',
          'e',
        ]);
        expect(r.code, r.stderr).toBe(1);
        expect(r.stderr).toMatch(
          /by the channel name: no \.Adapter suffix .* MatchError .*no traffic on phx:Elixir\.Quiet\.PubSub shows adapter \S+ nodes/,
        );
      }
      const seven = await publish([
        '--channel',
        channel,
        '--generation',
        '1',
        '--sniff',
        '0.3s',
        '--topic',
        'q',
        '--event',
        'e',
      ]);
      expect(seven.code, seven.stderr).toBe(0);
      await waitUntil(() => got(c.node, 'q').length === 1, 'the 7-tuple');
      expect(got(c.node, 'q')[0]!.envelope?.shape).toBe('v1/fastlane');
    } finally {
      c.close();
    }
  });

  it('2.0–2.1.1 nodes heard: the 6-tuple is confirmed and sent, the default 7-tuple refused', async () => {
    const channel = 'phx:Elixir.Older.PubSub';
    const c = await cluster(channel, SIX_TUPLE);
    try {
      const base = ['--channel', channel, '--sniff', '30s', '--topic', 'six', '--event', 'e'];
      const seven = await publish(base);
      expect(seven.code).toBe(1);
      expect(seven.stderr).toMatch(/this is a v1\/fastlane envelope .*speak v1\/pool .*heard \d+ v1\/pool envelopes/);
      const six = await publish([...base, '--v1-shape', '6']);
      expect(six.code, six.stderr).toBe(0);
      expect(six.stderr).toMatch(/# receivers on phx:Elixir\.Older\.PubSub: v1\/pool, heard \d+ v1\/pool envelopes/);
      await waitUntil(() => got(c.node, 'six').length === 1, 'the 6-tuple');
      expect(got(c.node, 'six')[0]!.envelope?.shape).toBe('v1/pool');
    } finally {
      c.close();
    }
  });

  it('--term and --etf are judged the same way', async () => {
    const channel = 'phx:Elixir.Old2.PubSub';
    const c = await cluster(channel, V1_FIXTURE);
    const sixFile = join(dir, 'six.etf');
    writeFileSync(sixFile, SIX_TUPLE);
    try {
      const term = await publish([
        '--channel',
        channel,
        '--sniff',
        '30s',
        '--topic',
        't',
        '--term',
        '{:x, 1}',
        '--generation',
        '3',
      ]);
      expect(term.code).toBe(1);
      expect(term.stderr).toMatch(/this is a v3 envelope .*speak v1\/fastlane .*heard/);
      const etf = await publish(['--channel', channel, '--sniff', '30s', '--etf', sixFile]);
      expect(etf.code).toBe(1);
      expect(etf.stderr).toMatch(/this is a v1\/pool envelope .*speak v1\/fastlane .*heard/);
    } finally {
      c.close();
    }
  });

  it('a 2.x envelope to a 3.x channel (by its name) is refused: 3.x nodes drop it silently', async () => {
    const channel = 'phx:Elixir.New.PubSub.Adapter';
    const c = await cluster(channel);
    try {
      // (A short --sniff: no traffic is heard either way; the name decides.)
      const r = await publish([
        '--channel',
        channel,
        '--sniff',
        '0.2s',
        '--generation',
        '1',
        '--topic',
        'x',
        '--event',
        'e',
      ]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /refused: this is a v1\/fastlane envelope .*but the nodes on phx:Elixir\.New\.PubSub\.Adapter speak v3 .*by the channel name: ….Adapter is adapter 3\.x\): a 3\.x node ignores it silently/,
      );
      expect(r.stderr).toMatch(REFUSED);
    } finally {
      c.close();
    }
  });
});

describe('--only where the nodes speak 2.x', () => {
  it('is refused with the reason, and the channel is not switched to the 3.x one', async () => {
    const old = await cluster('phx:Elixir.Two.PubSub');
    const adapterSide = await rawSubscriber(server, { patterns: ['phx:Elixir.Two.PubSub.Adapter'] });
    try {
      const r = await publish([
        '--pubsub',
        'Two.PubSub',
        '--only',
        'b@host',
        '--sniff',
        '0.3s',
        '--topic',
        'o',
        '--event',
        'e',
      ]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(
        /# channel phx:Elixir\.Two\.PubSub: no traffic in 0\.3 s; 1 subscriber on phx:Elixir\.Two\.PubSub/,
      );
      expect(r.stderr).toMatch(
        /refused: --only: the nodes on phx:Elixir\.Two\.PubSub speak adapter 2\.1\.2–2\.1\.8 .*which has no per-node delivery: every node gets every message\. Drop --only to send to all of them; the channel was not switched to the 3\.x one/,
      );
      expect(r.stderr).toMatch(REFUSED);
      // Nothing on either channel (a marker proves the subscriptions were live).
      await adminClient(server).publish('phx:Elixir.Two.PubSub.Adapter', 'marker');
      await waitUntil(() => adapterSide.messages.length === 1, 'the marker');
      expect(got(old.node, 'o')).toEqual([]);
    } finally {
      old.close();
      adapterSide.close();
    }
  });
});

describe('after PUBLISH: nodes (SUBSCRIBE) told from watchers (PSUBSCRIBE)', () => {
  it('counts both, and warns when only watchers got it', async () => {
    const channel = 'phx:Elixir.Aud.PubSub.Adapter';
    const node = await rawSubscriber(server, { channels: [channel] });
    const watcher = await rawSubscriber(server, { patterns: ['phx:Elixir.Aud.*'] });
    try {
      const both = await publish(['--channel', channel, '--sniff', '0.2s', '--topic', 't', '--event', 'e']);
      expect(both.code, both.stderr).toBe(0);
      expect(both.stderr).toMatch(/# published to 2 subscribers \(PUBLISH replied 2\)/);
      expect(both.stderr).toMatch(
        /# 1 subscriber of phx:Elixir\.Aud\.PubSub\.Adapter \(SUBSCRIBE: the adapter's nodes, or a watch --pubsub\) and 1 pattern watcher \(PSUBSCRIBE: tools like redis-print; the server holds \d+ pattern subscriptions?\)/,
      );
      expect(both.stderr).not.toMatch(/no node got it/);
    } finally {
      node.close();
    }
    try {
      await waitUntil(
        async () => Number((await server.command('PUBSUB', 'NUMSUB', channel))[1]) === 0,
        'the node gone',
      );
      const only = await publish(['--channel', channel, '--topic', 't', '--event', 'e']);
      expect(only.code).toBe(0);
      expect(only.stderr).toMatch(/# published to 1 subscriber/);
      expect(only.stderr).toMatch(
        /warning: no node got it — the 1 receiver PUBLISH counted was a pattern watcher, not nodes: nobody subscribes to phx:Elixir\.Aud\.PubSub\.Adapter/,
      );
    } finally {
      watcher.close();
    }
  });

  it('an ACL user without PUBSUB: still sent, with a note instead of the counts', async () => {
    const channel = 'phx:Elixir.Acl.PubSub.Adapter';
    const node = await rawSubscriber(server, { channels: [channel] });
    try {
      const url = server.url.replace('redis://', 'redis://nopubsub:pw@');
      const r = await runBuiltInProcess([
        'publish',
        '--url',
        url,
        '--channel',
        channel,
        '--sniff',
        '0.2s',
        '--topic',
        'acl',
        '--event',
        'e',
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/# cannot count subscribers: PUBSUB NUMSUB is not allowed for this user \(NOPERM/);
      expect(r.stderr).toMatch(
        /# cannot tell nodes from watchers: PUBSUB NUMSUB is not allowed for this user .*; PUBLISH counted 1 receiver, nodes and pattern watchers alike/,
      );
      expect(r.stderr).not.toContain(':pw@');
      await waitUntil(() => got(node, 'acl').length === 1, 'the message');
    } finally {
      node.close();
    }
  });
});

describe('messages from files and standard input', () => {
  it('--payload @FILE of more than 1 MB arrives whole, through a real redis-server', async () => {
    const channel = 'phx:Elixir.Big.PubSub.Adapter';
    const node = await rawSubscriber(server, { channels: [channel] });
    try {
      const body = 'x'.repeat(1_500_000);
      const file = join(dir, 'big.json');
      writeFileSync(file, JSON.stringify({ body, n: 12345678901234567890n.toString() }));
      const r = await publish([
        '--channel',
        channel,
        '--sniff',
        '0.2s',
        '--topic',
        'big',
        '--event',
        'e',
        '--payload',
        `@${file}`,
        '--hex',
      ]);
      expect(r.code, r.stderr).toBe(0);
      await waitUntil(() => got(node, 'big').length === 1, 'the big message');
      const [message] = node.messages.filter((m) => classify(m.payload).envelope?.topic === 'big');
      expect(message!.payload.length).toBeGreaterThan(1_500_000);
      expect(message!.payload.toString('hex')).toBe(r.stdout.trim());
      expect(classify(message!.payload).payload).toBeDefined();
    } finally {
      node.close();
    }
  });

  it('--payload -, --term - and --term @FILE', async () => {
    const channel = 'phx:Elixir.Stdin.PubSub.Adapter';
    const node = await rawSubscriber(server, { channels: [channel] });
    try {
      const a = await publish(
        ['--channel', channel, '--sniff', '0.2s', '--topic', 's1', '--event', 'e', '--payload', '-'],
        '{"a":[1,2.0]}',
      );
      expect(a.code, a.stderr).toBe(0);
      expect(a.stdout).toContain('%{"a" => [1, 2.0]}');
      const b = await publish(
        ['--channel', channel, '--sniff', '0.2s', '--topic', 's2', '--term', '-'],
        '{:hello, :world}',
      );
      expect(b.code, b.stderr).toBe(0);
      const file = join(dir, 'term.exs');
      writeFileSync(file, '%{"k" => {1, :two}}\n');
      const c = await publish(['--channel', channel, '--sniff', '0.2s', '--topic', 's3', '--term', `@${file}`]);
      expect(c.code, c.stderr).toBe(0);
      await waitUntil(() => ['s1', 's2', 's3'].every((t) => got(node, t).length === 1), 'three messages');
      expect(got(node, 's2')[0]!.message).toEqual(
        expect.objectContaining({ elements: [Atom.of('hello'), Atom.of('world')] }),
      );
    } finally {
      node.close();
    }
  });

  it('a file that cannot be read or parsed: one line naming the flag, the file and the byte', async () => {
    const missing = await publish([
      '--channel',
      'c',
      '--topic',
      't',
      '--event',
      'e',
      '--payload',
      '@/nonexistent/x.json',
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('redis-print: --payload: cannot read /nonexistent/x.json: no such file\n');
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{"ok": 1,\n "bad": tru}');
    const bad = await publish(['--channel', 'c', '--topic', 't', '--event', 'e', '--payload', `@${file}`]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^redis-print: --payload @\S+bad\.json is not JSON that has a term: .* at byte 18 \(see redis-print --help\)\n$/,
    );
    const latin1 = join(dir, 'latin1.json');
    writeFileSync(latin1, Buffer.from([0x22, 0x63, 0x61, 0x66, 0xe9, 0x22]));
    const enc = await publish(['--channel', 'c', '--topic', 't', '--event', 'e', '--payload', `@${latin1}`]);
    expect(enc.stderr).toMatch(/is not UTF-8 text: invalid byte at byte 4/);
  });
});

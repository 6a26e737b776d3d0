/**
 * The built `redis-print publish` against a real redis-server: a raw Buffer subscriber records
 * exactly what went out, and real Erlang (OTP 25, the captures' release) decides whether those
 * bytes are the expected envelope *and* exactly what `term_to_binary` writes for it — i.e. what
 * a real 3.1.0 / 2.1.8 node would have published. Our own classify must read them back too.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode } from '../../src/etf/decode.js';
import { parseElixir } from '../../src/etf/parse/parser.js';
import { termEquals } from '../../src/etf/term.js';
import { classify } from '../../src/phoenix/classify.js';
import type { Classified } from '../../src/phoenix/classified.js';
import { erlEval } from '../helpers/erl.js';
import {
  adminClient,
  rawPublish,
  rawSubscriber,
  startRedis,
  waitUntil,
  type RawSubscription,
  type RedisServer,
} from '../helpers/redis-server.js';
import { freePort } from '../helpers/ports.js';
import { MAIN, runCli, type CliResult } from './run-cli.js';
import { runBuiltInProcess } from './in-process.js';

const V3 = 'phx:Elixir.Chat.PubSub.Adapter';
const V1 = 'phx:Elixir.Chat.PubSub';
const SENDER = `'redis-print@${hostname().replace(/'/g, "\\'")}'`;
const CHANNEL_SERVER = `'Elixir.Phoenix.Channel.Server'`;
const BROADCAST_ARGS = [
  '--topic',
  'rooms:lobby',
  '--event',
  'new:msg',
  '--payload',
  '{"body":"hi","author":"jo","n":1.5,"tags":["a",null,true]}',
];
const BROADCAST_ERL =
  `#{'__struct__' => 'Elixir.Phoenix.Socket.Broadcast', topic => <<"rooms:lobby">>, event => <<"new:msg">>, ` +
  `payload => #{<<"body">> => <<"hi">>, <<"author">> => <<"jo">>, <<"n">> => 1.5, <<"tags">> => [<<"a">>, nil, true]}}`;

let server: RedisServer;
let sub: RawSubscription;

beforeAll(async () => {
  server = await startRedis();
  sub = await rawSubscriber(server, { patterns: ['phx:*'] });
});
afterAll(async () => {
  sub?.close();
  await server?.stop();
});

/** In this process (in-process.ts); the remote-target and auto-generation tests spawn the built program. */
function publish(args: string[], options: { input?: string | Uint8Array } = {}): Promise<CliResult> {
  return runBuiltInProcess(['publish', '--url', server.url, ...args], options);
}

interface Sent {
  result: CliResult;
  channel: string;
  payload: Buffer;
}

/** Runs publish, expects exit 0, and returns the one message the raw subscriber got for it. */
async function publishOne(args: string[], options: { input?: string | Uint8Array } = {}): Promise<Sent> {
  const before = sub.messages.length;
  const result = await publish(args, options);
  expect(result.code, result.stderr).toBe(0);
  await waitUntil(() => sub.messages.length > before, `the subscriber to get what publish ${args.join(' ')} sent`);
  const got = sub.messages.slice(before);
  expect(got).toHaveLength(1);
  return { result, channel: got[0]!.channel.toString(), payload: got[0]!.payload };
}

let markers = 0;
/** Everything the subscriber receives from now until a marker published afterwards arrives. */
async function receivedUntilMarker(channel: string, since: number): Promise<Buffer[]> {
  const marker = Buffer.from(`marker-${++markers}`);
  await rawPublish(server, channel, marker);
  await waitUntil(() => sub.messages.slice(since).some((m) => m.payload.equals(marker)), 'the marker');
  return sub.messages
    .slice(since)
    .map((m) => m.payload)
    .filter((p) => !p.toString('latin1').startsWith('marker-'));
}

interface Case {
  name: string;
  args: string[];
  channel: string;
  /** Erlang expression of the expected term; `Ref` is bound to element 2 of what was received. */
  erl: string;
  /** How the bytes must be encoded: `[]` is OTP 25's term_to_binary; null: compressed (zlib may differ). */
  opts: string | null;
  classified: Partial<Classified['envelope']> & { kind: Classified['kind'] };
}

const cases: Case[] = [
  {
    name: 'v3 broadcast (:except, our own sender name, Phoenix.Channel.Server)',
    args: ['--pubsub', 'Chat.PubSub', '--generation', '3', ...BROADCAST_ARGS],
    channel: V3,
    erl: `{3, except, ${SENDER}, <<"rooms:lobby">>, ${BROADCAST_ERL}, ${CHANNEL_SERVER}}`,
    opts: '[]',
    classified: { kind: 'broadcast', shape: 'v3', mode: 'except', topic: 'rooms:lobby' },
  },
  {
    name: 'v3 --only',
    args: ['--pubsub', 'Chat.PubSub', '--only', 'b@127.0.0.1', ...BROADCAST_ARGS],
    channel: V3,
    erl: `{3, only, 'b@127.0.0.1', <<"rooms:lobby">>, ${BROADCAST_ERL}, ${CHANNEL_SERVER}}`,
    opts: '[]',
    classified: { kind: 'broadcast', shape: 'v3', mode: 'only', node: 'b@127.0.0.1' },
  },
  {
    name: 'v3 --sender and --dispatcher',
    args: ['--pubsub', 'Chat.PubSub', '--sender', 'ops@laptop', '--dispatcher', 'Phoenix.PubSub', ...BROADCAST_ARGS],
    channel: V3,
    erl: `{3, except, 'ops@laptop', <<"rooms:lobby">>, ${BROADCAST_ERL}, 'Elixir.Phoenix.PubSub'}`,
    opts: '[]',
    classified: { kind: 'broadcast', shape: 'v3', node: 'ops@laptop', dispatcher: 'Phoenix.PubSub' },
  },
  {
    name: 'v1 7-tuple (adapter 2.1.2–2.1.8, fastlane Phoenix.Channel.Server)',
    args: ['--pubsub', 'Chat.PubSub', '--generation', '1', ...BROADCAST_ARGS],
    channel: V1,
    erl: `{1, Ref, ${CHANNEL_SERVER}, 1, none, <<"rooms:lobby">>, ${BROADCAST_ERL}}`,
    opts: '[]',
    classified: { kind: 'broadcast', shape: 'v1/fastlane', dispatcher: 'Phoenix.Channel.Server', poolSize: 1 },
  },
  {
    name: 'v1 7-tuple --fastlane nil',
    args: ['--pubsub', 'Chat.PubSub', '--fastlane', 'nil', ...BROADCAST_ARGS],
    channel: V1,
    erl: `{1, Ref, nil, 1, none, <<"rooms:lobby">>, ${BROADCAST_ERL}}`,
    opts: '[]',
    classified: { kind: 'broadcast', shape: 'v1/fastlane', dispatcher: 'nil' },
  },
  {
    name: 'v1 6-tuple --pool-size 2 (--force: no traffic shows 2.0–2.1.1 nodes)',
    args: ['--pubsub', 'Chat.PubSub', '--v1-shape', '6', '--pool-size', '2', '--force', ...BROADCAST_ARGS],
    channel: V1,
    erl: `{1, Ref, 2, none, <<"rooms:lobby">>, ${BROADCAST_ERL}}`,
    opts: '[]',
    classified: { kind: 'broadcast', shape: 'v1/pool', poolSize: 2 },
  },
  {
    name: 'v1 5-tuple (--force)',
    args: ['--pubsub', 'Chat.PubSub', '--v1-shape', '5', '--force', ...BROADCAST_ARGS],
    channel: V1,
    erl: `{1, Ref, none, <<"rooms:lobby">>, ${BROADCAST_ERL}}`,
    opts: '[]',
    classified: { kind: 'broadcast', shape: 'v1/legacy' },
  },
  {
    name: 'v3 --compressed',
    args: [
      '--pubsub',
      'Chat.PubSub',
      '--generation',
      '3',
      '--topic',
      't',
      '--event',
      'big',
      '--payload',
      JSON.stringify({ body: 'x'.repeat(400) }),
      '--compressed',
    ],
    channel: V3,
    erl: `{3, except, ${SENDER}, <<"t">>, #{'__struct__' => 'Elixir.Phoenix.Socket.Broadcast', topic => <<"t">>, event => <<"big">>, payload => #{<<"body">> => binary:copy(<<"x">>, 400)}}, ${CHANNEL_SERVER}}`,
    opts: null,
    classified: { kind: 'broadcast', shape: 'v3', compressed: true },
  },
  {
    name: 'v1 --compressed=1',
    args: [
      '--pubsub',
      'Chat.PubSub',
      '--generation',
      '1',
      '--topic',
      't',
      '--event',
      'big',
      '--payload',
      JSON.stringify({ body: 'y'.repeat(300) }),
      '--compressed=1',
    ],
    channel: V1,
    erl: `{1, Ref, ${CHANNEL_SERVER}, 1, none, <<"t">>, #{'__struct__' => 'Elixir.Phoenix.Socket.Broadcast', topic => <<"t">>, event => <<"big">>, payload => #{<<"body">> => binary:copy(<<"y">>, 300)}}}`,
    opts: null,
    classified: { kind: 'broadcast', shape: 'v1/fastlane', compressed: true },
  },
  {
    name: '--term: any message, dispatched by Phoenix.PubSub',
    args: [
      '--pubsub',
      'Chat.PubSub',
      '--generation',
      '3',
      '--topic',
      'lv:1',
      '--term',
      '{:refresh, %{"id" => 7, :at => [1.5, nil, :ok], "a" => <<1, 2>>}}',
    ],
    channel: V3,
    erl: `{3, except, ${SENDER}, <<"lv:1">>, {refresh, #{<<"id">> => 7, at => [1.5, nil, ok], <<"a">> => <<1, 2>>}}, 'Elixir.Phoenix.PubSub'}`,
    opts: '[]',
    classified: { kind: 'term', shape: 'v3', topic: 'lv:1', dispatcher: 'Phoenix.PubSub' },
  },
  {
    name: '--term with --event: an Elixir payload in a broadcast',
    args: [
      '--pubsub',
      'Chat.PubSub',
      '--generation',
      '3',
      '--topic',
      'r',
      '--event',
      'e',
      '--term',
      '%{"x" => {1, :two}, "w" => 1.0}',
    ],
    channel: V3,
    erl: `{3, except, ${SENDER}, <<"r">>, #{'__struct__' => 'Elixir.Phoenix.Socket.Broadcast', topic => <<"r">>, event => <<"e">>, payload => #{<<"x">> => {1, two}, <<"w">> => 1.0}}, ${CHANNEL_SERVER}}`,
    opts: '[]',
    classified: { kind: 'broadcast', shape: 'v3' },
  },
  {
    name: '--message: the JSON itself, no Broadcast (v1)',
    args: [
      '--pubsub',
      'Chat.PubSub',
      '--generation',
      '1',
      '--topic',
      'm',
      '--payload',
      '{"b":1,"a":[true,null]}',
      '--message',
    ],
    channel: V1,
    erl: `{1, Ref, ${CHANNEL_SERVER}, 1, none, <<"m">>, #{<<"a">> => [true, nil], <<"b">> => 1}}`,
    opts: '[]',
    classified: { kind: 'term', shape: 'v1/fastlane', topic: 'm' },
  },
  {
    name: '--otp26-atoms: atoms as OTP 26+ writes them',
    args: ['--pubsub', 'Chat.PubSub', '--generation', '3', '--otp26-atoms', ...BROADCAST_ARGS],
    channel: V3,
    erl: `{3, except, ${SENDER}, <<"rooms:lobby">>, ${BROADCAST_ERL}, ${CHANNEL_SERVER}}`,
    opts: '[{minor_version, 2}]',
    classified: { kind: 'broadcast', shape: 'v3' },
  },
];

describe('what publish sends, per generation, shape and option', () => {
  const sent = new Map<string, Sent>();
  let verdicts: string[] = [];

  beforeAll(async () => {
    for (const c of cases) sent.set(c.name, await publishOne(c.args));
    // One erl batch: the term must be the expected one, and (uncompressed) the bytes exactly
    // term_to_binary's — what a node on OTP 25 publishes for that term.
    const results = await erlEval(
      cases.map((c) => ({
        expr:
          `T = binary_to_term(Bin), Ref = element(2, T), Expected = ${c.erl}, ` +
          (c.opts === null
            ? `Bytes = case Bin of <<131, 80, _/binary>> -> compressed; _ -> plain end, `
            : `Bytes = term_to_binary(Expected, ${c.opts}) =:= Bin, `) +
          `RefOk = not is_binary(Ref) orelse byte_size(Ref) =:= 24, ` +
          `case {T =:= Expected, Bytes, RefOk} of {true, B, true} when B =:= true; B =:= compressed -> <<"ok">>; ` +
          `Other -> iolist_to_binary(io_lib:format("~p~n~p", [Other, T])) end`,
        bins: [sent.get(c.name)!.payload],
      })),
    );
    verdicts = results.map((r) => (r.ok ? r.values[0]!.toString() : r.error));
  });

  it.each(cases.map((c, i) => [c.name, c, i] as const))('%s', (_name, c, i) => {
    const { result, channel, payload } = sent.get(c.name)!;
    expect(channel).toBe(c.channel);
    expect(verdicts[i]).toBe('ok');
    // Round trip through Redis: our own classify reads back what we published.
    const classified = classify(payload);
    expect(classified.kind).toBe(c.classified.kind);
    const { kind: _kind, ...envelope } = c.classified;
    expect(classified.envelope).toMatchObject(envelope);
    // stdout is the exact term, in Elixir syntax that reads back to it; stderr has its size.
    expect(termEquals(parseElixir(result.stdout), decode(payload))).toBe(true);
    expect(result.stderr).toContain(`→ ${c.channel}, ${payload.length} bytes`);
    expect(result.stderr).toMatch(/# published to 1 subscriber \(PUBLISH replied 1\)/);
    // The one receiver is the test's PSUBSCRIBE: a watcher, not a node — and publish says so.
    expect(result.stderr).toMatch(/# 0 subscribers of \S+ \(SUBSCRIBE: .*\) and 1 pattern watcher \(PSUBSCRIBE/);
    expect(result.stderr).toMatch(/warning: no node got it — the 1 receiver PUBLISH counted was a pattern watcher/);
  });

  it('v1 node refs are fresh for every run (no node takes them for its own)', () => {
    const refs = cases
      .filter((c) => c.channel === V1)
      .map((c) =>
        Buffer.from((classify(sent.get(c.name)!.payload).term as { elements: Uint8Array[] }).elements[1]!).toString(
          'hex',
        ),
      );
    expect(new Set(refs).size).toBe(refs.length);
  });
});

describe('--etf sends a file byte for byte', () => {
  const fixture = (adapter: string, file: string) =>
    new URL(`../../fixtures/phoenix/phoenix_pubsub_redis-${adapter}/${file}`, import.meta.url);

  it.each([
    ['3.1.0', '005-z0-endpoint-broadcast-channel-server.etf', V3],
    ['3.1.0', '040-z6-broadcast-hello.etf', V3],
    ['2.1.8', '003-fl-broadcast-hello.etf', V1],
  ])('%s %s, to the channel its envelope belongs on', async (adapter, file, channel) => {
    const path = fixture(adapter, file);
    const { result, channel: got, payload } = await publishOne(['--pubsub', 'Chat.PubSub', '--etf', path.pathname]);
    expect(got).toBe(channel);
    expect(payload.equals(readFileSync(path))).toBe(true);
    expect(result.stderr).toMatch(/# generation \d: the file holds a v\S+ envelope/);
  });

  it('from stdin (--etf -)', async () => {
    const bytes = readFileSync(fixture('2.1.8', '005-fl-endpoint-broadcast-channel-server.etf'));
    const { channel, payload } = await publishOne(['--channel', V1, '--etf', '-'], { input: bytes });
    expect(channel).toBe(V1);
    expect(payload.equals(bytes)).toBe(true);
  });
});

describe('refusing what a node would crash on, unless --force', () => {
  it('an unknown dispatcher: exit 1, the problem said, nothing sent; --force sends it', async () => {
    const since = sub.messages.length;
    const args = ['--pubsub', 'Chat.PubSub', '--dispatcher', 'Foo.Bar', '--topic', 't', '--event', 'e'];
    const refused = await publish(args);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /refused: the dispatcher Foo\.Bar is neither Phoenix\.PubSub nor Phoenix\.Channel\.Server/,
    );
    expect(refused.stderr).toMatch(/nothing was sent \(--force sends it anyway\)/);
    expect(await receivedUntilMarker(V3, since)).toEqual([]);

    const { payload, result } = await publishOne([...args, '--force']);
    expect(result.stderr).toMatch(/sending anyway \(--force\): the dispatcher Foo\.Bar/);
    expect(classify(payload).envelope?.dispatcher).toBe('Foo.Bar');
  });

  it('a 2.x capture sent to a 3.x channel, and bytes that are not ETF', async () => {
    const since = sub.messages.length;
    const v1file = new URL(
      '../../fixtures/phoenix/phoenix_pubsub_redis-2.1.8/003-fl-broadcast-hello.etf',
      import.meta.url,
    ).pathname;
    const wrong = await publish(['--channel', V3, '--etf', v1file]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(
      /refused: this is a v1\/fastlane envelope .* but the nodes on phx:Elixir\.Chat\.PubSub\.Adapter speak v3 .*: a 3\.x node ignores it silently/,
    );
    const garbage = await publish(['--channel', V1, '--etf', '-'], { input: 'not etf at all' });
    expect(garbage.code).toBe(1);
    expect(garbage.stderr).toMatch(
      /refused: the payload is not Erlang External Term Format: a 2\.1\.2–2\.1\.8 node crashes its Redis process/,
    );
    expect(garbage.stdout).toMatch(/do not decode/);
    expect(await receivedUntilMarker(V3, since)).toEqual([]);
    expect(await receivedUntilMarker(V1, since)).toEqual([]);
  });
});

describe('--dry-run', () => {
  it('prints the term and its bytes, sends nothing, and never connects', async () => {
    const since = sub.messages.length;
    const dry = await publish([
      '--pubsub',
      'Chat.PubSub',
      '--generation',
      '3',
      '--dry-run',
      '--hex',
      ...BROADCAST_ARGS,
    ]);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toMatch(/# dry run: nothing was sent/);
    expect(await receivedUntilMarker(V3, since)).toEqual([]);
    // The hex is exactly what erl writes for the expected envelope.
    const [verdict] = await erlEval([
      {
        expr: `Bin =:= term_to_binary({3, except, ${SENDER}, <<"rooms:lobby">>, ${BROADCAST_ERL}, ${CHANNEL_SERVER}}) andalso <<"ok">>`,
        bins: [Buffer.from(dry.stdout.trim(), 'hex')],
      },
    ]);
    expect(verdict).toEqual({ ok: true, values: [Buffer.from('ok')] });
    // --hex moves the Elixir term to stderr.
    expect(dry.stderr).toContain('%Phoenix.Socket.Broadcast{');

    // Nothing listens on port 1: a dry run that tried to connect (even to sniff) would fail.
    const auto = await runCli([
      'publish',
      '--url',
      'redis://127.0.0.1:1',
      '--pubsub',
      'Chat.PubSub',
      '--dry-run',
      ...BROADCAST_ARGS,
    ]);
    expect(auto.code, auto.stderr).toBe(0);
    expect(auto.stderr).toMatch(/# channel phx:Elixir\.Chat\.PubSub\.Adapter: dry run, so not connecting/);
  });
});

describe('the non-loopback guard', () => {
  const remote = ['publish', '--host', '10.255.255.1', '--pubsub', 'Chat.PubSub', '--topic', 't', '--event', 'e'];

  it('without a terminal and without --yes: refused before connecting (even to sniff)', async () => {
    const r = await runCli(remote);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^redis-print: publish: redis:\/\/10\.255\.255\.1:6379\S* is not on this machine.*Pass --yes.*no connection was made\)\n$/,
    );
    expect(r.stdout).toBe('');
  });

  it('a dry run to it is fine (it never connects)', async () => {
    const r = await runCli([...remote, '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('%Phoenix.Socket.Broadcast{');
  });

  it('on a terminal it shows the term and asks; "n" sends nothing', async () => {
    // --sniff 0: judged by the channel name, so nothing connects before the question.
    const command = [process.execPath, MAIN, ...remote, '--generation', '3', '--sniff', '0']
      .map((a) => `'${a}'`)
      .join(' ');
    // `script` gives the program a pseudo-terminal, so stdin and stderr are TTYs.
    const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stdin.end('n\n');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    expect(out).toContain('%Phoenix.Socket.Broadcast{');
    expect(out).toMatch(/publish to redis:\/\/10\.255\.255\.1:6379\S* \(not on this machine\)\? \[y\/N\]/);
    expect(out).toMatch(/redis-print: not sent/);
  });
});

describe('receivers, repeats, errors', () => {
  let quiet: RedisServer;
  beforeAll(async () => {
    quiet = await startRedis({ name: 'publish-quiet' });
  });
  afterAll(async () => {
    await quiet?.stop();
  });
  const on = (target: RedisServer, args: string[]) => runBuiltInProcess(['publish', '--url', target.url, ...args]);

  it('0 subscribers: exit 0 with a warning that points at the name or the generation', async () => {
    const nobody = await on(quiet, ['--pubsub', 'Nobody.PubSub', '--generation', '3', '--topic', 't', '--event', 'e']);
    expect(nobody.code).toBe(0);
    expect(nobody.stderr).toMatch(/# published to 0 subscribers/);
    expect(nobody.stderr).toMatch(
      /warning: no node got it: nobody subscribes to phx:Elixir\.Nobody\.PubSub\.Adapter nor to phx:Elixir\.Nobody\.PubSub: is the PubSub name right\?/,
    );

    const old = await rawSubscriber(quiet, { channels: ['phx:Elixir.Split.PubSub'] });
    try {
      const wrong = await on(quiet, ['--pubsub', 'Split.PubSub', '--generation', '3', '--topic', 't', '--event', 'e']);
      expect(wrong.code).toBe(0);
      expect(wrong.stderr).toMatch(
        /but 1 client listens on phx:Elixir\.Split\.PubSub: the nodes probably run adapter 2\.x — try --generation 1/,
      );
      expect(old.messages).toEqual([]);
    } finally {
      old.close();
    }
  });

  it('--repeat N --interval MS sends N identical messages', async () => {
    const listener = await rawSubscriber(quiet, { channels: ['phx:Elixir.Rep.PubSub.Adapter'] });
    try {
      const r = await on(quiet, [
        '--pubsub',
        'Rep.PubSub',
        '--generation',
        '3',
        '--topic',
        't',
        '--event',
        'e',
        '--repeat',
        '3',
        '--interval',
        '1',
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/# published 3 messages to 1 subscriber each/);
      await waitUntil(() => listener.messages.length === 3, 'three messages');
      const [a, b, c] = listener.messages.map((m) => m.payload);
      expect(a!.equals(b!) && b!.equals(c!)).toBe(true);
    } finally {
      listener.close();
    }
  });

  it('a connection failure is one line, exit 2, without the password', async () => {
    const port = await freePort();
    const r = await runCli([
      'publish',
      '--url',
      `redis://:s3cret-pw@127.0.0.1:${port}`,
      '--pubsub',
      'Chat.PubSub',
      '--generation',
      '3',
      '--topic',
      't',
      '--event',
      'e',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('s3cret-pw');
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('redis-print:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/127\.0\.0\.1/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack
  });

  it('a usage error is one line, exit 2', async () => {
    const r = await on(quiet, [
      '--pubsub',
      'Chat.PubSub',
      '--topic',
      't',
      '--event',
      'e',
      '--only',
      'a@h',
      '--generation',
      '1',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'redis-print: --only applies to 3.x envelopes, not to --generation 1 (see redis-print --help)\n',
    );
  });

  describe('--generation auto', () => {
    it('goes by traffic: 2.x envelopes heard on the old channel beat more subscribers on the new one', async () => {
      const newListeners = [
        await rawSubscriber(quiet, { channels: ['phx:Elixir.Talk.PubSub.Adapter'] }),
        await rawSubscriber(quiet, { channels: ['phx:Elixir.Talk.PubSub.Adapter'] }),
      ];
      const oldListener = await rawSubscriber(quiet, { channels: ['phx:Elixir.Talk.PubSub'] });
      const v1 = readFileSync(
        new URL(
          '../../fixtures/phoenix/phoenix_pubsub_redis-2.1.8/001-fl-tracker-heartbeat-empty.etf',
          import.meta.url,
        ),
      );
      const talker = adminClient(quiet);
      const timer = setInterval(() => void talker.publish('phx:Elixir.Talk.PubSub', v1), 20);
      try {
        const r = await on(quiet, ['--pubsub', 'Talk.PubSub', '--sniff', '1s', '--topic', 'auto:t', '--event', 'e']);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr).toMatch(
          /# channel phx:Elixir\.Talk\.PubSub: heard \d+ envelopes? on phx:Elixir\.Talk\.PubSub in 1 s, nothing on phx:Elixir\.Talk\.PubSub\.Adapter/,
        );
        await waitUntil(
          () => oldListener.messages.some((m) => classify(m.payload).topic === 'auto:t'),
          'the published message on the 2.x channel',
        );
        const mine = oldListener.messages.map((m) => classify(m.payload)).find((c) => c.topic === 'auto:t')!;
        expect(mine.envelope?.shape).toBe('v1/fastlane');
        expect(newListeners.every((l) => l.messages.length === 0)).toBe(true);
      } finally {
        clearInterval(timer);
        talker.disconnect();
        oldListener.close();
        newListeners.forEach((l) => l.close());
      }
    });

    it('a quiet cluster: by PUBSUB NUMSUB, in both directions', async () => {
      const old = await rawSubscriber(quiet, { channels: ['phx:Elixir.Numsub.PubSub'] });
      const current = await rawSubscriber(quiet, { channels: ['phx:Elixir.Numsub3.PubSub.Adapter'] });
      try {
        const r1 = await on(quiet, ['--pubsub', 'Numsub.PubSub', '--sniff', '300ms', '--topic', 't', '--event', 'e']);
        expect(r1.code, r1.stderr).toBe(0);
        expect(r1.stderr).toMatch(
          /# channel phx:Elixir\.Numsub\.PubSub: no traffic in 0\.3 s; 1 subscriber on phx:Elixir\.Numsub\.PubSub, none on phx:Elixir\.Numsub\.PubSub\.Adapter/,
        );
        await waitUntil(() => old.messages.length === 1, 'the 2.x subscriber to get it');
        expect(classify(old.messages[0]!.payload).envelope?.generation).toBe(1);

        const r3 = await on(quiet, ['--pubsub', 'Numsub3.PubSub', '--sniff', '0', '--topic', 't', '--event', 'e']);
        expect(r3.code, r3.stderr).toBe(0);
        expect(r3.stderr).toMatch(
          /# channel phx:Elixir\.Numsub3\.PubSub\.Adapter: 1 subscriber on phx:Elixir\.Numsub3\.PubSub\.Adapter, none on phx:Elixir\.Numsub3\.PubSub\n/,
        );
        await waitUntil(() => current.messages.length === 1, 'the 3.x subscriber to get it');
        expect(classify(current.messages[0]!.payload).envelope?.generation).toBe(3);
      } finally {
        old.close();
        current.close();
      }
    });
  });
});

/**
 * The pure half of `publish`: map key order against real erl, plans rebuilt byte for byte from
 * every captured payload, validation wired into plans, the generation choice, the flags.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { decode } from '../../src/etf/decode.js';
import { encode } from '../../src/etf/encode.js';
import { Atom, ErlMap, Tuple, termEquals, type Term } from '../../src/etf/term.js';
import { classify } from '../../src/phoenix/classify.js';
import { channelFor } from '../../src/phoenix/channel.js';
import { UsageError } from '../../src/cli/errors.js';
import { askYesNo, guardTarget } from '../../src/cli/write-target-guard.js';
import { draftFromMessage } from '../../src/phoenix/publish-draft.js';
import {
  expandBareCompressed,
  parsePublishArgs,
  readPublishConfig,
  type PublishArgs,
  type PublishConfig,
} from '../../src/cli/publish/flags.js';
import { chooseGeneration, type ClusterObservation } from '../../src/cli/publish/generation.js';
import { withOtpMapOrder } from '../../src/etf/otp-map-order.js';
import { describePlan, planPublish, PublishDraftError } from '../../src/phoenix/publish-plan.js';
import { otherGenerationChannel, sentSummary } from '../../src/cli/publish/send.js';
import { Rng } from '../helpers/erl-term-gen.js';
import { erlEval } from '../helpers/erl.js';
import { loadFixtures } from './watch-helpers.js';

const text = (s: string) => new TextEncoder().encode(s);
async function* emptyStdin(): AsyncIterable<Buffer> {}

describe('withOtpMapOrder writes small maps in the order OTP 25 does', () => {
  /** Erlang source of a random map key: the kinds that meet in real payload maps, nested. */
  function key(rng: Rng, depth: number): string {
    const scalars = [
      () => String(rng.int(2001) - 1000),
      () => String(BigInt(rng.int(1 << 30)) * 10_000_000_000_000n),
      () => `${rng.pick(['0.5', '1.0', '-2.5', '3.25', '1.0e20', '-1.0e-5', '2.0'])}`,
      () => `'${rng.pick(['a', 'b', 'Z', 'ab', 'aa', 'é', 'nil', 'Elixir.Foo', 'a@h'])}'`,
      () => `<<${rng.pick(['"a"', '"ab"', '"b"', '', '255', '"é"/utf8', '"a", 0'])}>>`,
      () => `<<${rng.int(8)}:3>>`,
      () => '[]',
    ];
    if (depth <= 0 || rng.chance(0.6)) return rng.pick(scalars)();
    const n = rng.int(3);
    const items = Array.from({ length: n + 1 }, () => key(rng, depth - 1));
    switch (rng.int(4)) {
      case 0:
        return `{${items.join(', ')}}`;
      case 1:
        return `[${items.join(', ')}]`;
      case 2:
        return `[${items.join(', ')} | ${key(rng, 0)}]`;
      default:
        return `#{${items.map((k, i) => `${k} => ${i}`).join(', ')}}`;
    }
  }

  it('for 300 random key sets (ints before floats, atoms by text, tuples by size, …), byte for byte', async () => {
    const rng = new Rng(20240917);
    const sources: string[] = [];
    for (let i = 0; i < 300; i++) {
      const size = 2 + rng.int(31); // up to 32: flatmaps only
      const pairs = Array.from({ length: size }, (_, j) => `{${key(rng, 2)}, ${j}}`);
      sources.push(`term_to_binary(maps:from_list([${pairs.join(', ')}]))`);
    }
    const results = await erlEval(sources);
    let compared = 0;
    results.forEach((r, i) => {
      if (!r.ok) throw new Error(`erl: ${sources[i]}: ${r.error}`);
      const erlBytes = new Uint8Array(r.values[0]!);
      const map = decode(erlBytes) as ErlMap;
      // Scramble the pairs; our order must put them back exactly where erl wrote them.
      const order = map.keys.map((_, j) => j).sort(() => rng.next() - 0.5);
      const scrambled = new ErlMap(
        order.map((j) => map.keys[j]!),
        order.map((j) => map.values[j]!),
      );
      expect(new Uint8Array(encode(withOtpMapOrder(scrambled), { minorVersion: 1 })), sources[i]).toEqual(erlBytes);
      compared++;
    });
    expect(compared).toBe(300);
  });

  it('sorts maps nested anywhere, leaves > 32-key maps and the input alone', () => {
    const small = ErlMap.fromPairs([
      [text('b'), 1],
      [text('a'), 2],
    ]);
    const big = ErlMap.fromPairs(Array.from({ length: 33 }, (_, i): [Term, Term] => [33 - i, i]));
    const term = new Tuple([[small], big]);
    const out = withOtpMapOrder(term) as Tuple;
    const inner = (out.elements[0] as Term[])[0] as ErlMap;
    expect(inner.keys).toEqual([text('a'), text('b')]);
    expect((out.elements[1] as ErlMap).keys).toEqual(big.keys);
    expect(small.keys).toEqual([text('b'), text('a')]); // not mutated
  });

  it('takes a 100 000-deep payload without a stack overflow', () => {
    let deep: Term = ErlMap.fromPairs([
      [text('z'), 1],
      [text('y'), 2],
    ]);
    for (let i = 0; i < 100_000; i++) deep = [deep];
    let out = withOtpMapOrder(deep);
    for (let i = 0; i < 100_000; i++) out = (out as Term[])[0]!;
    expect((out as ErlMap).keys).toEqual([text('y'), text('z')]);
  });
});

describe('planPublish rebuilds what real nodes published', () => {
  const fixtures = loadFixtures().filter((f) => {
    const from = f.entry.envelope.from_pid;
    // Our drafts never carry a `from` pid (a pid is only meaningful on its own node).
    return from === undefined || (typeof from === 'object' && 'atom' in from);
  });

  it('every uncompressed capture byte for byte, compressed ones term for term, given the same sender/ref', () => {
    let exact = 0;
    let sameTerm = 0;
    for (const { entry, payload } of fixtures) {
      const classified = classify(payload);
      const draft = draftFromMessage(entry.channel, classified);
      expect(draft, entry.file).toBeDefined();
      const original = classified.term as Tuple;
      if (draft!.generation === 3) {
        if (draft!.only === undefined) draft!.sender = original.elements[2] as Atom;
      } else {
        draft!.nodeRef = original.elements[1] as Uint8Array;
      }
      if (entry.wire_compressed) draft!.compression = 6;
      const plan = planPublish(draft!);
      expect(plan.validation.ok ? [] : plan.validation.problems, entry.file).toEqual([]);
      if (entry.wire_compressed) {
        expect(termEquals(decode(plan.bytes), decode(payload)), entry.file).toBe(true);
        expect(plan.bytes[1], entry.file).toBe(80);
        sameTerm++;
      } else {
        expect(Buffer.from(plan.bytes).equals(payload), entry.file).toBe(true);
        exact++;
      }
    }
    expect(exact).toBeGreaterThan(50);
    expect(sameTerm).toBeGreaterThan(20);
  });

  it('a prefilled draft sends a fresh copy: own sender name, fresh node ref', () => {
    const v3 = fixtures.find((f) => f.entry.file === '003-z0-broadcast-hello.etf' && f.adapter.endsWith('3.1.0'))!;
    const draft3 = draftFromMessage(v3.entry.channel, classify(v3.payload))!;
    expect(draft3.message.kind).toBe('broadcast');
    expect(draft3.sender).toBeUndefined();
    const plan3 = planPublish({ ...draft3, hostname: 'web-7' });
    expect((plan3.term as Tuple).elements[2]).toBe(Atom.of('redis-print@web-7'));

    const v1 = fixtures.find((f) => f.entry.file === '003-fl-broadcast-hello.etf')!;
    const plan1 = planPublish(draftFromMessage(v1.entry.channel, classify(v1.payload))!);
    const originalRef = (classify(v1.payload).term as Tuple).elements[1] as Uint8Array;
    const newRef = (plan1.term as Tuple).elements[1] as Uint8Array;
    expect(newRef.length).toBe(24);
    expect(Buffer.from(newRef).equals(originalRef)).toBe(false);
  });
});

describe('planPublish validation and description', () => {
  const message = { kind: 'broadcast' as const, topic: 'rooms:lobby', event: 'new:msg', payload: new ErlMap([], []) };
  const v3channel = channelFor('Chat.PubSub', 3);
  const v1channel = channelFor('Chat.PubSub', 1);

  it('refuses an unknown dispatcher and fastlane, saying what a node would do', () => {
    const bad3 = planPublish({ channel: v3channel, generation: 3, message, dispatcher: Atom.of('Elixir.Nope') });
    expect(bad3.validation.ok).toBe(false);
    expect(bad3.validation.ok ? '' : bad3.validation.problems.join()).toMatch(/Nope.*UndefinedFunctionError/);
    const bad1 = planPublish({ channel: v1channel, generation: 1, message, fastlane: Atom.of('Elixir.Nope') });
    expect(bad1.validation.ok).toBe(false);
  });

  it('validates ready-made bytes against the channel: the other generation, garbage', () => {
    const v1bytes = planPublish({ channel: v1channel, generation: 1, message }).bytes;
    const onV3 = planPublish({ channel: v3channel, generation: 3, message: { kind: 'etf', bytes: v1bytes } });
    expect(onV3.validation.ok).toBe(false);
    expect(onV3.term).toBeInstanceOf(Tuple); // still shown for what it is
    expect(describePlan(onV3).elixir).toMatch(/^\{\s*1,/);
    const garbage = planPublish({ channel: v1channel, generation: 1, message: { kind: 'etf', bytes: text('hello') } });
    expect(garbage.validation.ok ? '' : garbage.validation.problems[0]).toMatch(/crashes its Redis process/);
    expect(garbage.term).toBeUndefined();
  });

  it('judges the v1 shape it builds by what the channel speaks: traffic first, then the name', () => {
    // By the name alone a 2.x channel speaks the 7-tuple: a 6-tuple is refused (2.1.2+ nodes crash on it).
    const six = planPublish({ channel: v1channel, generation: 1, message, v1Shape: 6 });
    expect((six.term as Tuple).length).toBe(6);
    expect(six.receivers).toMatchObject({ basis: 'name', shapes: ['v1/fastlane'] });
    expect(six.validation.ok ? [] : six.validation.problems).toEqual([
      expect.stringMatching(/v1\/pool envelope .* MatchError .*no traffic on phx:Elixir\.Chat\.PubSub shows/),
    ]);
    // Traffic of 6-tuples on that channel confirms it; the same traffic refuses the 7-tuple.
    const heard = { channel: v1channel, shapes: { 'v1/pool': 3 }, source: 'in 2 s of listening' } as const;
    expect(planPublish({ channel: v1channel, generation: 1, message, v1Shape: 6, heard }).validation.ok).toBe(true);
    const seven = planPublish({ channel: v1channel, generation: 1, message, heard });
    expect(seven.validation.ok ? [] : seven.validation.problems).toEqual([
      expect.stringMatching(/speak v1\/pool .*heard 3 v1\/pool envelopes on phx:Elixir\.Chat\.PubSub in 2 s/),
    ]);
    // Traffic heard on another channel is no evidence for this one.
    const elsewhere = { ...heard, channel: 'phx:Elixir.Other' };
    expect(
      planPublish({ channel: v1channel, generation: 1, message, v1Shape: 6, heard: elsewhere }).validation.ok,
    ).toBe(false);
  });

  it('the preview is the term decoded from the bytes sent', () => {
    const json = { kind: 'broadcast', topic: 't', event: 'e', payload: new ErlMap([text('x')], [-0]) } as const;
    const plan = planPublish({ channel: v3channel, generation: 3, message: json });
    expect(termEquals(plan.term!, decode(plan.bytes))).toBe(true);
  });

  it('describes envelope, target, channel and size in one line', () => {
    const plan = planPublish({ channel: v3channel, generation: 3, message, only: Atom.of('b@127.0.0.1') });
    expect(describePlan(plan).headline).toBe(
      `v3 only b@127.0.0.1 → phx:Elixir.Chat.PubSub.Adapter, ${plan.bytes.length} bytes`,
    );
    const zipped = planPublish({
      channel: v3channel,
      generation: 3,
      message: { ...message, payload: text('x'.repeat(500)) },
      compression: 9,
    });
    expect(describePlan(zipped).headline).toMatch(/, \d+ bytes \(compressed; \d+ inflated\)$/);
  });

  it('rejects contradictory drafts', () => {
    expect(() => planPublish({ channel: v1channel, generation: 1, message, only: Atom.of('a@h') })).toThrow(
      PublishDraftError,
    );
    expect(() => planPublish({ channel: v3channel, generation: 3, message, fastlane: Atom.of('nil') })).toThrow(
      PublishDraftError,
    );
    expect(() => planPublish({ channel: v1channel, generation: 1, message, v1Shape: 5, poolSize: 2 })).toThrow(
      PublishDraftError,
    );
    expect(() =>
      planPublish({
        channel: v3channel,
        generation: 3,
        message: { kind: 'etf', bytes: new Uint8Array([131, 106]) },
        compression: 6,
      }),
    ).toThrow(PublishDraftError);
  });
});

describe('chooseGeneration', () => {
  const channels = { 1: 'phx:Elixir.Chat.PubSub', 3: 'phx:Elixir.Chat.PubSub.Adapter' } as const;
  const obs = (traffic: [number, number], subscribers: [number, number]): ClusterObservation => ({
    channels,
    sniffMs: 2000,
    traffic: { 1: traffic[0], 3: traffic[1] },
    subscribers: { 1: subscribers[0], 3: subscribers[1] },
  });

  it('goes by traffic first, whatever the subscriber counts', () => {
    const c = chooseGeneration(obs([4, 0], [0, 5]));
    expect(c).toMatchObject({ generation: 1 });
    expect(c.reason).toBe(
      'heard 4 envelopes on phx:Elixir.Chat.PubSub in 2 s, nothing on phx:Elixir.Chat.PubSub.Adapter',
    );
    expect(c.warning).toBeUndefined();
    expect(chooseGeneration(obs([0, 1], [3, 0])).generation).toBe(3);
  });

  it('both generations talking: 3, warning that the 2.x nodes miss it', () => {
    const c = chooseGeneration(obs([2, 3], [1, 1]));
    expect(c.generation).toBe(3);
    expect(c.warning).toMatch(/--generation 1/);
  });

  it('quiet cluster: by subscribers, more wins, ties and nobody → 3 with a warning', () => {
    const quiet = chooseGeneration(obs([0, 0], [2, 0]));
    expect(quiet.generation).toBe(1);
    expect(quiet.reason).toBe(
      'no traffic in 2 s; 2 subscribers on phx:Elixir.Chat.PubSub, none on phx:Elixir.Chat.PubSub.Adapter',
    );
    expect(quiet.warning).toBeUndefined();
    const watcher = chooseGeneration(obs([0, 0], [1, 3]));
    expect(watcher.generation).toBe(3);
    expect(watcher.warning).toMatch(/phx:Elixir.Chat.PubSub has 1 subscriber too/);
    expect(chooseGeneration(obs([0, 0], [2, 2]))).toMatchObject({
      generation: 3,
      warning: expect.stringMatching(/--generation 1/),
    });
    const nobody = chooseGeneration(obs([0, 0], [0, 0]));
    expect(nobody.generation).toBe(3);
    expect(nobody.warning).toMatch(/is the name right/);
  });
});

describe('publish flags', () => {
  const base = ['--pubsub', 'Chat.PubSub', '--topic', 'rooms:lobby'];
  const parse = (...args: string[]) => parsePublishArgs([...base, ...args]) as PublishArgs;
  const config = (...args: string[]): Promise<PublishConfig> => readPublishConfig(parse(...args), emptyStdin());
  const refusedConfig = async (args: string[], pattern: RegExp) => {
    const caught = await readPublishConfig(parsePublishArgs(args) as PublishArgs, emptyStdin()).catch(
      (error: unknown) => error,
    );
    expect(caught, args.join(' ')).toBeInstanceOf(UsageError);
    expect((caught as Error).message).toMatch(pattern);
  };
  const refused = (args: string[], pattern: RegExp) => {
    let caught: unknown;
    try {
      parsePublishArgs(args);
    } catch (error) {
      caught = error;
    }
    expect(caught, args.join(' ')).toBeInstanceOf(UsageError);
    expect((caught as Error).message).toMatch(pattern);
  };

  it('builds a broadcast from --event and JSON, with %{} as the default payload', async () => {
    const r = await config('--event', 'new:msg', '--payload', '{"body":"hi"}');
    expect(r.message).toMatchObject({ kind: 'broadcast', topic: 'rooms:lobby', event: 'new:msg' });
    const payload = (r.message as { payload: ErlMap }).payload;
    expect(payload.get(text('body'))).toEqual(text('hi'));
    expect(((await config('--event', 'e')).message as { payload: ErlMap }).payload.size).toBe(0);
    expect(r.build).toBeUndefined();
    expect(r.generationFlag).toBeUndefined();
  });

  it('--term is any message; with --event it is the payload; --message sends JSON bare', async () => {
    const bare = await config('--term', '{:refresh, 1}');
    expect(bare.message.kind).toBe('bare');
    expect(termEquals((bare.message as { message: Term }).message, new Tuple([Atom.of('refresh'), 1]))).toBe(true);
    expect((await config('--term', '%{a: 1.0}', '--event', 'e')).message.kind).toBe('broadcast');
    expect((await config('--payload', '[1]', '--message')).message.kind).toBe('bare');
  });

  it('envelope flags say what to build but never pick the channel; --generation does both', () => {
    expect(parse('--event', 'e', '--only', 'a@h')).toMatchObject({
      build: { generation: 3, reason: '--only builds a 3.x envelope' },
      generationFlag: undefined,
    });
    expect(parse('--event', 'e', '--v1-shape', '6')).toMatchObject({
      build: { generation: 1 },
      generationFlag: undefined,
    });
    // A channel given by name is no flag: what it speaks is decided by listening to it (or its name).
    const byName = parsePublishArgs([
      '--channel',
      'phx:Elixir.X.Adapter',
      '--topic',
      't',
      '--event',
      'e',
    ]) as PublishArgs;
    expect(byName).toMatchObject({ destination: { channel: 'phx:Elixir.X.Adapter' }, build: undefined });
    expect(parse('--event', 'e', '--generation', '1')).toMatchObject({
      generationFlag: 1,
      build: { generation: 1, reason: '--generation 1' },
    });
  });

  it('@FILE and - name where the payload, the term or the bytes come from', () => {
    expect(parse('--event', 'e', '--payload', '@big.json').message).toMatchObject({
      payload: { flag: 'payload', syntax: 'json', source: { kind: 'file', path: 'big.json' } },
    });
    expect(parse('--term', '-').message).toMatchObject({ message: { syntax: 'elixir', source: { kind: 'stdin' } } });
    expect(parsePublishArgs(['--channel', 'c', '--etf', '-'])).toMatchObject({
      message: { kind: 'etf', source: { kind: 'stdin' } },
    });
    refused([...base, '--event', 'e', '--payload', '@'], /--payload @FILE needs a file name/);
  });

  it('reads node and module names the way Elixir writes them', () => {
    expect(parse('--event', 'e', '--only', 'a@127.0.0.1').envelope.only).toBe(Atom.of('a@127.0.0.1'));
    expect(parse('--event', 'e', '--only', '"web1"').envelope.only).toEqual(text('web1'));
    expect(parse('--event', 'e', '--sender', ':"x@y"').envelope.sender).toBe(Atom.of('x@y'));
    expect(parse('--event', 'e', '--dispatcher', 'Phoenix.PubSub').envelope.dispatcher).toBe(
      Atom.of('Elixir.Phoenix.PubSub'),
    );
    expect(parse('--event', 'e', '--fastlane', 'nil').envelope.fastlane).toBe(Atom.of('nil'));
  });

  it('--compressed alone is level 6, =L picks one, and a value of another flag is left alone', () => {
    expect(parse('--event', 'e', '--compressed').envelope.compression).toBe(6);
    expect(parse('--event', 'e', '--compressed=1').envelope.compression).toBe(1);
    expect(expandBareCompressed(['--event', '--compressed', '--compressed'])).toEqual([
      '--event',
      '--compressed',
      '--compressed=6',
    ]);
  });

  it('refuses content that does not parse, naming the flag and the byte', async () => {
    await refusedConfig(
      [...base, '--event', 'e', '--payload', '{"a":'],
      /--payload is not JSON that has a term: .*at byte 5/,
    );
    await refusedConfig([...base, '--event', 'e', '--payload', '{"a":1,"a":2}'], /Duplicate key 'a' .*at byte 8/);
    await refusedConfig([...base, '--term', '{1,'], /--term is not an Elixir term: /);
  });

  it('refuses contradictions and out-of-range values with the flag named', () => {
    refused([...base, '--event', 'e', '--only', 'a@h', '--generation', '1'], /--only applies to 3.x envelopes/);
    refused([...base, '--event', 'e', '--only', 'a@h', '--fastlane', 'nil'], /cannot be combined/);
    refused([...base, '--event', 'e', '--message'], /pick one/);
    refused([...base, '--payload', '{}'], /add --message/);
    refused([...base], /needs --event/);
    refused(['--pubsub', 'Chat.PubSub', '--event', 'e'], /--topic/);
    refused([...base, '--event', 'e', '--channel', 'x'], /--channel replaces --pubsub/);
    refused(['--pubsub', 'chat', '--topic', 't', '--event', 'e'], /--pubsub: .*:chat_pubsub/);
    refused(
      ['--pubsub', 'Chat.PubSub', '--etf', 'x.etf', '--topic', 't'],
      /--etf sends the file's bytes as they are; --topic/,
    );
    refused([...base, '--event', 'e', '--payload', '-', '--term', '-'], /pick one/);
    refused([...base, '--event', 'e', '--dispatcher', '"x"'], /module name/);
    refused([...base, '--event', 'e', '--v1-shape', '8'], /--v1-shape/);
    refused([...base, '--event', 'e', '--compressed=10'], /0–9/);
    refused([...base, '--event', 'e', '--repeat', '100001'], /capped at 100000/);
    refused([...base, '--event', 'e', '--repeat', '2', '--interval', '0'], /between 1 ms/);
    refused([...base, '--event', 'e', '--interval', '5'], /goes with --repeat/);
    refused([...base, '--event', 'e', '--generation', '2'], /1 \(adapter ≤ 2.1.8\), 3/);
  });

  it('--help wins over everything else', () => {
    expect(parsePublishArgs(['--help', '--only', 'x'])).toBe('help');
  });
});

describe('the non-loopback guard and the prompt', () => {
  const remote = { mode: 'standalone', host: '10.255.255.1', port: 6379 } as const;
  const local = { mode: 'standalone', host: '127.0.0.1', port: 6379 } as const;

  it('refuses a remote target without --yes or a terminal, asks on a terminal, passes loopback', () => {
    expect(() => guardTarget(remote, { yes: false, dryRun: false, interactive: false, action: 'publish' })).toThrow(
      /--yes.*no connection was made/,
    );
    expect(guardTarget(remote, { yes: false, dryRun: false, interactive: true, action: 'publish' })).toMatchObject({
      ask: true,
    });
    expect(guardTarget(remote, { yes: true, dryRun: false, interactive: false, action: 'publish' })).toEqual({
      ask: false,
    });
    expect(guardTarget(remote, { yes: false, dryRun: true, interactive: false, action: 'publish' })).toEqual({
      ask: false,
    });
    expect(guardTarget(local, { yes: false, dryRun: false, interactive: false, action: 'publish' })).toEqual({
      ask: false,
    });
  });

  it('takes y/yes as yes; anything else, an empty line or EOF is no', async () => {
    const answer = async (typed: string | null) => {
      const input = new PassThrough();
      const output = new PassThrough();
      const result = askYesNo('go? ', input, output);
      if (typed === null) input.end();
      else input.write(typed);
      return result;
    };
    expect(await answer('y\n')).toBe(true);
    expect(await answer(' YES \n')).toBe(true);
    expect(await answer('n\n')).toBe(false);
    expect(await answer('\n')).toBe(false);
    expect(await answer('yep\n')).toBe(false);
    expect(await answer(null)).toBe(false);
  });
});

describe('small helpers', () => {
  it("finds the other generation's channel for module and plain-atom names", () => {
    for (const name of ['Chat.PubSub', ':chat_pubsub', 'MyApp.PubSub']) {
      expect(otherGenerationChannel(channelFor(name, 3), 3)).toBe(channelFor(name, 1));
      expect(otherGenerationChannel(channelFor(name, 1), 1)).toBe(channelFor(name, 3));
    }
  });

  it('summarises receivers', () => {
    expect(sentSummary({ receivers: [3], stopped: false }, 1)).toBe('published to 3 subscribers (PUBLISH replied 3)');
    expect(sentSummary({ receivers: [1, 1], stopped: false }, 2)).toBe('published 2 messages to 1 subscriber each');
    expect(sentSummary({ receivers: [0, 2], stopped: true }, 5)).toBe(
      'published 2 messages to 0–2 subscribers each (stopped after 2 of 5)',
    );
  });
});

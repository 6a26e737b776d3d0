/**
 * Building envelopes: what we build, encoded, is what a real node publishes — checked against
 * the real `erl` (binary_to_term gives the expected term) and byte for byte against captures.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decode } from '../../src/etf/decode.js';
import { encode } from '../../src/etf/encode.js';
import { Atom, ErlMap, Tuple, atoms, type Term } from '../../src/etf/term.js';
import { broadcastStruct, buildV1, buildV3, defaultSenderNode, randomNodeRef } from '../../src/phoenix/build.js';
import { channelFor, generationOfChannel, pubsubAtomText } from '../../src/phoenix/channel.js';
import { classify } from '../../src/phoenix/classify.js';
import { erlDecodeCheck } from '../helpers/erl.js';
import { erlBinaries } from './erl-binaries.js';

const channelServer = Atom.of('Elixir.Phoenix.Channel.Server');
const pubsub = Atom.of('Elixir.Phoenix.PubSub');
const text = (s: string) => new TextEncoder().encode(s);
/** OTP 25 bytes: atoms as ATOM_EXT, as the captured nodes wrote them. */
const otp25 = (t: Term) => new Uint8Array(encode(t, { minorVersion: 1 }));

function fixture(path: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../../fixtures/phoenix/${path}`, import.meta.url)));
}

describe('channel names (§1.2)', () => {
  it('builds the channel of each generation for module and plain-atom names', () => {
    expect(channelFor('Chat.PubSub', 1)).toBe('phx:Elixir.Chat.PubSub');
    expect(channelFor('Chat.PubSub', 3)).toBe('phx:Elixir.Chat.PubSub.Adapter');
    expect(channelFor('Elixir.MyApp.PubSub', 3)).toBe('phx:Elixir.MyApp.PubSub.Adapter');
    expect(channelFor(':chat_pubsub', 1)).toBe('phx:chat_pubsub');
    expect(channelFor(':chat_pubsub', 3)).toBe('phx:Elixir.chat_pubsub.Adapter');
    expect(channelFor(':"chat-pubsub"', 1)).toBe('phx:chat-pubsub');
  });

  it('matches what real Elixir interpolation gives (the captures)', () => {
    for (const [dir, generation] of [
      ['phoenix_pubsub_redis-3.1.0', 3],
      ['phoenix_pubsub_redis-2.1.8', 1],
    ] as const) {
      const manifest = JSON.parse(new TextDecoder().decode(fixture(`${dir}/manifest.json`))) as {
        files: Array<{ channel: string }>;
      };
      expect(channelFor('Chat.PubSub', generation)).toBe(manifest.files[0]!.channel);
    }
  });

  it('refuses a name it would have to guess at', () => {
    expect(() => pubsubAtomText('chat_pubsub')).toThrow(/:chat_pubsub/);
    expect(() => channelFor('', 3)).toThrow();
  });

  it('tells the generation from the channel name', () => {
    expect(generationOfChannel('phx:Elixir.Chat.PubSub.Adapter')).toBe(3);
    expect(generationOfChannel('phx:Elixir.Chat.PubSub')).toBe(1);
    expect(generationOfChannel('phx:chat_pubsub')).toBe(1);
    for (const name of ['Chat.PubSub', ':chat_pubsub']) {
      expect(generationOfChannel(channelFor(name, 3))).toBe(3);
      expect(generationOfChannel(channelFor(name, 1))).toBe(1);
    }
  });
});

describe('broadcastStruct', () => {
  it('has the key order OTP 25 writes, so the bytes equal term_to_binary of the struct', async () => {
    const struct = broadcastStruct('room:lobby', 'new_msg', ErlMap.fromPairs([[text('body'), text('hi')]]));
    expect(struct.keys.map((k) => (k as Atom).name)).toEqual(['__struct__', 'event', 'payload', 'topic']);
    const erl = await erlBinaries({
      struct: `term_to_binary(#{'__struct__' => 'Elixir.Phoenix.Socket.Broadcast', topic => <<"room:lobby">>, event => <<"new_msg">>, payload => #{<<"body">> => <<"hi">>}})`,
    });
    expect(otp25(struct)).toEqual(erl.struct);
  });
});

describe('buildV3 / buildV1 decode in erl to the intended term', () => {
  const payloadMap = ErlMap.fromPairs([[text('body'), text('hi')]]);
  const message = broadcastStruct('room:lobby', 'new_msg', payloadMap);
  const messageErl = `#{'__struct__' => 'Elixir.Phoenix.Socket.Broadcast', event => <<"new_msg">>, payload => #{<<"body">> => <<"hi">>}, topic => <<"room:lobby">>}`;
  const ref = Uint8Array.from({ length: 24 }, (_, i) => i + 1);
  const refErl = 'list_to_binary(lists:seq(1, 24))';

  const cases: Array<{ name: string; term: Tuple; expected: string }> = [
    {
      name: 'v3 except',
      term: buildV3({
        mode: 'except',
        node: defaultSenderNode('box'),
        topic: 'room:lobby',
        message,
        dispatcher: channelServer,
      }),
      expected: `{3, except, 'redis-print@box', <<"room:lobby">>, ${messageErl}, 'Elixir.Phoenix.Channel.Server'}`,
    },
    {
      name: 'v3 only, binary node name',
      term: buildV3({
        mode: 'only',
        node: text('web1'),
        topic: 'room:lobby',
        message: Atom.of('hi'),
        dispatcher: pubsub,
      }),
      expected: `{3, only, <<"web1">>, <<"room:lobby">>, hi, 'Elixir.Phoenix.PubSub'}`,
    },
    {
      name: 'v1 7-tuple',
      term: buildV1({ shape: 7, nodeRef: ref, fastlane: channelServer, topic: 'room:lobby', message }),
      expected: `{1, ${refErl}, 'Elixir.Phoenix.Channel.Server', 1, none, <<"room:lobby">>, ${messageErl}}`,
    },
    {
      name: 'v1 7-tuple, nil fastlane by default',
      term: buildV1({ shape: 7, nodeRef: ref, poolSize: 4, topic: 'room:lobby', message: Atom.of('hi') }),
      expected: `{1, ${refErl}, nil, 4, none, <<"room:lobby">>, hi}`,
    },
    {
      name: 'v1 6-tuple',
      term: buildV1({ shape: 6, nodeRef: ref, topic: 'room:lobby', message }),
      expected: `{1, ${refErl}, 1, none, <<"room:lobby">>, ${messageErl}}`,
    },
    {
      name: 'v1 5-tuple',
      term: buildV1({ shape: 5, nodeRef: ref, topic: 'room:lobby', message }),
      expected: `{1, ${refErl}, none, <<"room:lobby">>, ${messageErl}}`,
    },
    {
      name: 'v1 5-tuple with the integer ref of adapter 0.1',
      term: buildV1({ shape: 5, nodeRef: 3, topic: 't', message: atoms.nil }),
      expected: `{1, 3, none, <<"t">>, nil}`,
    },
  ];

  it('for v3 except/only and v1 5/6/7, in both atom encodings and compressed', async () => {
    const encoded = cases.flatMap((c) => [
      { name: c.name, bytes: otp25(c.term), expected: c.expected },
      { name: `${c.name} (UTF-8 atoms)`, bytes: new Uint8Array(encode(c.term)), expected: c.expected },
      {
        name: `${c.name} (compressed)`,
        bytes: new Uint8Array(encode(c.term, { minorVersion: 1, compressed: 9 })),
        expected: c.expected,
      },
    ]);
    const equal = await erlDecodeCheck(
      encoded.map((e) => e.bytes),
      encoded.map((e) => e.expected),
    );
    // Name each case so that a failure says which one erl decoded differently.
    expect(Object.fromEntries(encoded.map((e, i) => [e.name, equal[i]]))).toEqual(
      Object.fromEntries(encoded.map((e) => [e.name, true])),
    );
  });

  it('and classify reads back what was built', () => {
    const shapes = cases.map((c) => classify(otp25(c.term)).envelope?.shape);
    expect(shapes).toEqual(['v3', 'v3', 'v1/fastlane', 'v1/fastlane', 'v1/pool', 'v1/legacy', 'v1/legacy']);
    expect(classify(otp25(cases[0]!.term))).toMatchObject({
      kind: 'broadcast',
      topic: 'room:lobby',
      event: 'new_msg',
      envelope: { mode: 'except', node: 'redis-print@box', dispatcher: 'Phoenix.Channel.Server' },
    });
  });

  it('draws a fresh 24-byte node ref when none is given', () => {
    const a = buildV1({ shape: 7, topic: 't', message: atoms.nil }).elements[1] as Uint8Array;
    const b = randomNodeRef();
    expect(a).toBeInstanceOf(Uint8Array);
    expect(a.length).toBe(24);
    expect(b.length).toBe(24);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });
});

describe('rebuilding captured broadcasts gives the captured bytes', () => {
  it('v3 (3.1.0, Endpoint.broadcast with Phoenix.Channel.Server)', () => {
    const bytes = fixture('phoenix_pubsub_redis-3.1.0/005-z0-endpoint-broadcast-channel-server.etf');
    const [, , node, topic, msg, dispatcher] = (decode(bytes) as Tuple).elements as [
      Term,
      Atom,
      Atom,
      Uint8Array,
      ErlMap,
      Atom,
    ];
    const rebuilt = buildV3({
      mode: 'except',
      node: node as Atom,
      topic,
      message: broadcastStruct(
        msg.get(Atom.of('topic')) as Uint8Array,
        msg.get(Atom.of('event')) as Uint8Array,
        msg.get(Atom.of('payload'))!,
      ),
      dispatcher,
    });
    expect(otp25(rebuilt)).toEqual(bytes);
  });

  it('v1 7-tuple (2.1.8, fastlane Phoenix.Channel.Server)', () => {
    const bytes = fixture('phoenix_pubsub_redis-2.1.8/005-fl-endpoint-broadcast-channel-server.etf');
    const [, ref, fastlane, poolSize, , topic, msg] = (decode(bytes) as Tuple).elements as [
      Term,
      Uint8Array,
      Atom,
      number,
      Term,
      Uint8Array,
      ErlMap,
    ];
    const rebuilt = buildV1({
      shape: 7,
      nodeRef: ref,
      fastlane,
      poolSize,
      topic,
      message: broadcastStruct(
        msg.get(Atom.of('topic')) as Uint8Array,
        msg.get(Atom.of('event')) as Uint8Array,
        msg.get(Atom.of('payload'))!,
      ),
    });
    expect(otp25(rebuilt)).toEqual(bytes);
  });
});

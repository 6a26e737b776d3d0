/**
 * classify on shapes the captures do not contain: the older v1 envelopes, other socket structs,
 * presence_diff, LongPoll, hand-made tracker messages, non-envelope terms and non-ETF payloads.
 * The ETF bytes come from the real `erl` (term_to_binary), never from our own encoder.
 */
import { readFileSync } from 'node:fs';
import { encode as encodeMsgpack } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deflateSync } from 'node:zlib';
import { decodeDetailed } from '../../src/etf/decode.js';
import { Atom, ErlMap } from '../../src/etf/term.js';
import { classify, nodeOf } from '../../src/phoenix/classify.js';
import type { MessageKind } from '../../src/phoenix/classified.js';
import { describeEnvelope } from '../../src/phoenix/envelope.js';
import { erlBinaries } from './erl-binaries.js';
import { runs } from '../support/runs.js';

const REF24 = 'list_to_binary(lists:seq(1, 24))'; // node ref 01 02 03 … 18
const broadcast = (topic: string, event: string, payload = '#{}') =>
  `#{'__struct__' => 'Elixir.Phoenix.Socket.Broadcast', topic => <<"${topic}">>, event => <<"${event}">>, payload => ${payload}}`;
const replica = (node: string, vsn: string) => `{'${node}', ${vsn}}`;
const state = (values: string) =>
  `#{'__struct__' => 'Elixir.Phoenix.Tracker.State', replica => ${replica('a@h', '1')}, values => ${values}, mode => delta}`;
const presence = '<<"phx_presence:Elixir.Chat.Presence_shard0">>';

const bin = await erlBinaries({
  v1pool: `term_to_binary({1, ${REF24}, 2, self(), <<"rooms:lobby">>, ${broadcast('rooms:lobby', 'new:msg')}})`,
  v1legacy: `term_to_binary({1, ${REF24}, none, <<"rooms:lobby">>, hello})`,
  v1legacyIntRef: `term_to_binary({1, 7, none, <<"rooms:lobby">>, hello})`,
  v1emptyRef: `term_to_binary({1, <<>>, nil, 1, none, <<"t">>, hi})`,
  v3binaryNode: `term_to_binary({3, only, <<"web1">>, <<"t">>, hi, 'Elixir.Phoenix.PubSub'})`,
  v3compressed: `term_to_binary({3, except, 'a@h', <<"t">>, ${broadcast('t', 'e', 'lists:duplicate(50, 0)')}, 'Elixir.Phoenix.PubSub'}, [{compressed, 9}])`,
  message: `term_to_binary({3, except, 'a@h', <<"room:1">>, #{'__struct__' => 'Elixir.Phoenix.Socket.Message', topic => <<"room:1">>, event => <<"phx_join">>, payload => #{}, ref => <<"1">>, join_ref => <<"1">>}, 'Elixir.Phoenix.PubSub'})`,
  reply: `term_to_binary({3, except, 'a@h', <<"room:1">>, #{'__struct__' => 'Elixir.Phoenix.Socket.Reply', topic => <<"room:1">>, status => error, payload => #{reason => <<"x">>}, ref => <<"2">>, join_ref => nil}, 'Elixir.Phoenix.PubSub'})`,
  presenceDiff: `term_to_binary({1, ${REF24}, 'Elixir.Phoenix.Channel.Server', 1, none, <<"room:1">>, ${broadcast('room:1', 'presence_diff', '#{joins => #{}, leaves => #{<<"u1">> => #{metas => []}}}')}})`,
  lpDispatch: `term_to_binary({3, except, 'a@h', <<"phx:lp:AAAA1700000000000">>, {dispatch, <<"phx:lp:AAAA1700000000000">>, {<<"[]">>, text}, make_ref()}, 'Elixir.Phoenix.PubSub'})`,
  lpOk: `term_to_binary({3, except, 'a@h', <<"phx:lp:AAAA1700000000000">>, {ok, make_ref()}, 'Elixir.Phoenix.PubSub'})`,
  lpNotTuple: `term_to_binary({3, except, 'a@h', <<"phx:lp:AAAA1700000000000">>, now_available, 'Elixir.Phoenix.PubSub'})`,
  heartbeatBig: `term_to_binary({3, except, 'a@h', ${presence}, {pub, heartbeat, ${replica('a@h', '12345678901234567890')}, ${state('#{k1 => v, k2 => v, k3 => v}')}, {${replica('a@h', '1')}, #{}}}, 'Elixir.Phoenix.PubSub'})`,
  // One join (dot 1 with a value) and two leaves (dots 2 and 3 in the clouds, no value).
  heartbeatLeaves: `term_to_binary({3, except, 'a@h', ${presence}, {pub, heartbeat, ${replica('a@h', '1')}, #{'__struct__' => 'Elixir.Phoenix.Tracker.State', replica => ${replica('a@h', '1')}, mode => delta, values => #{{${replica('a@h', '1')}, 1} => {self(), <<"t">>, <<"u1">>, #{}}}, clouds => #{${replica('a@h', '1')} => #{'__struct__' => 'Elixir.MapSet', version => 2, map => #{{${replica('a@h', '1')}, 1} => [], {${replica('a@h', '1')}, 2} => [], {${replica('a@h', '1')}, 3} => []}}}}, {${replica('a@h', '1')}, #{}}}, 'Elixir.Phoenix.PubSub'})`,
  heartbeatOnlyLeaves: `term_to_binary({3, except, 'a@h', ${presence}, {pub, heartbeat, ${replica('a@h', '1')}, #{'__struct__' => 'Elixir.Phoenix.Tracker.State', replica => ${replica('a@h', '1')}, mode => delta, values => #{}, clouds => #{${replica('a@h', '1')} => #{'__struct__' => 'Elixir.MapSet', version => 2, map => #{{${replica('a@h', '1')}, 4} => []}}}}, {${replica('a@h', '1')}, #{}}}, 'Elixir.Phoenix.PubSub'})`,
  transferAckPair: `term_to_binary({3, only, 'b@h', ${presence}, {pub, transfer_ack, make_ref(), ${replica('a@h', '5')}, {${state('nil')}, #{x => 1, y => 2}}}, 'Elixir.Phoenix.PubSub'})`,
  trackerBinaryName: `term_to_binary({3, except, <<"web1">>, ${presence}, {pub, graceful_permdown, {<<"web1">>, 9}}, 'Elixir.Phoenix.PubSub'})`,
  trackerOtherTopic: `term_to_binary({3, except, 'a@h', <<"rooms:lobby">>, {pub, graceful_permdown, ${replica('a@h', '9')}}, 'Elixir.Phoenix.PubSub'})`,
  trackerUnknownType: `term_to_binary({3, except, 'a@h', ${presence}, {pub, gossip, ${replica('a@h', '9')}}, 'Elixir.Phoenix.PubSub'})`,
  v1tracker: `term_to_binary({1, ${REF24}, nil, 1, none, ${presence}, {pub, transfer_req, make_ref(), ${replica('c@h', '3')}, {${replica('c@h', '3')}, #{}}}})`,
  bareBroadcast: `term_to_binary(${broadcast('rooms:x', 'ping')})`,
  bareAtom: `term_to_binary(hello)`,
  v3badMode: `term_to_binary({3, everyone, 'a@h', <<"t">>, hi, 'Elixir.Phoenix.PubSub'})`,
  vsn2: `term_to_binary({2, except, 'a@h', <<"t">>, hi, 'Elixir.Phoenix.PubSub'})`,
  v1sevenIntRef: `term_to_binary({1, 7, nil, 1, none, <<"t">>, hi})`,
  otp26atoms: `term_to_binary({3, except, 'a@h', <<"t">>, hi, 'Elixir.Phoenix.PubSub'}, [{minor_version, 2}])`,
});

const u32be = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

function kindOf(bytes: Uint8Array): MessageKind {
  return classify(bytes).kind;
}

describe('classify: older v1 envelopes', () => {
  it('reads the 6-tuple of adapter 2.0.0–2.1.1 (no fastlane) with its pool_size and from pid', () => {
    const c = classify(bin.v1pool);
    expect(c.envelope).toMatchObject({
      generation: 1,
      shape: 'v1/pool',
      mode: 'all',
      node: '01020304',
      dispatcher: null,
      poolSize: 2,
      fromNode: 'nonode@nohost',
      topic: 'rooms:lobby',
      compressed: false,
    });
    expect(c.kind).toBe('broadcast');
    expect(describeEnvelope(c.envelope!)).toBe('v1/pool');
    expect(nodeOf(c)).toBe('nonode@nohost');
  });

  it('reads the 5-tuple of adapter 0.2–1.0, and the integer node ref of adapter 0.1', () => {
    const legacy = classify(bin.v1legacy);
    expect(legacy.envelope).toMatchObject({
      generation: 1,
      shape: 'v1/legacy',
      node: '01020304',
      topic: 'rooms:lobby',
    });
    expect(legacy.envelope!.poolSize).toBeUndefined();
    expect(legacy.envelope!.fromNode).toBeUndefined();
    expect(nodeOf(legacy)).toBe('01020304');
    expect(legacy.kind).toBe('term');
    expect(legacy.message).toBe(Atom.of('hello'));

    const intRef = classify(bin.v1legacyIntRef);
    expect(intRef.envelope).toMatchObject({ shape: 'v1/legacy', node: '7' });
    expect(describeEnvelope(intRef.envelope!)).toBe('v1/legacy');
  });

  it('accepts the empty node ref hand-written publishers send in the 7-tuple', () => {
    expect(classify(bin.v1emptyRef).envelope).toMatchObject({ shape: 'v1/fastlane', node: '<<>>', dispatcher: 'nil' });
  });

  it('names the v1 sender by its tracker replica when there is no from pid', () => {
    const c = classify(bin.v1tracker);
    expect(c.kind).toBe('tracker');
    expect(c.tracker).toEqual({ type: 'transfer_req', replica: 'c@h', vsn: '3' });
    expect(nodeOf(c)).toBe('c@h');
  });
});

describe('classify: v3 details', () => {
  it('takes a binary node name as its text (3.1 allows strings, §7.4)', () => {
    const c = classify(bin.v3binaryNode);
    expect(c.envelope).toMatchObject({ mode: 'only', node: 'web1', dispatcher: 'Phoenix.PubSub' });
    expect(describeEnvelope(c.envelope!)).toBe('v3 only');
  });

  it('reads a compressed payload and hands back its inflated bytes', () => {
    expect(bin.v3compressed[1]).toBe(80);
    const c = classify(bin.v3compressed);
    expect(c.envelope?.compressed).toBe(true);
    expect(c.kind).toBe('broadcast');
    expect(c.inflated?.length).toBe(new DataView(bin.v3compressed.buffer).getUint32(2));
  });

  it('reads OTP 26 style UTF-8 atoms the same way', () => {
    expect(bin.otp26atoms[5]).toBe(119); // SMALL_ATOM_UTF8_EXT for :except
    expect(classify(bin.otp26atoms).envelope).toMatchObject({
      mode: 'except',
      node: 'a@h',
      dispatcher: 'Phoenix.PubSub',
    });
  });
});

describe('classify: socket structs', () => {
  it('recognises %Phoenix.Socket.Message{}', () => {
    const c = classify(bin.message);
    expect(c).toMatchObject({ kind: 'message', topic: 'room:1', event: 'phx_join' });
    expect(c.payload).toBeInstanceOf(ErlMap);
  });

  it('recognises %Phoenix.Socket.Reply{} and shows its status as the event', () => {
    expect(classify(bin.reply)).toMatchObject({ kind: 'reply', topic: 'room:1', event: 'error' });
  });

  it('labels a Broadcast with event presence_diff as presence_diff', () => {
    const c = classify(bin.presenceDiff);
    expect(c).toMatchObject({ kind: 'presence_diff', event: 'presence_diff', topic: 'room:1' });
    expect((c.payload as ErlMap).size).toBe(2);
  });

  it('recognises a bare struct with no envelope around it', () => {
    const c = classify(bin.bareBroadcast);
    expect(c.envelope).toBeUndefined();
    expect(c).toMatchObject({ kind: 'broadcast', topic: 'rooms:x', event: 'ping' });
    expect(nodeOf(c)).toBeUndefined();
  });
});

describe('classify: LongPoll traffic', () => {
  it('keeps it a term but names the request or reply by its leading atom', () => {
    expect(classify(bin.lpDispatch)).toMatchObject({
      kind: 'term',
      event: 'dispatch',
      topic: 'phx:lp:AAAA1700000000000',
    });
    expect(classify(bin.lpOk)).toMatchObject({ kind: 'term', event: 'ok' });
    const bare = classify(bin.lpNotTuple);
    expect(bare.kind).toBe('term');
    expect(bare.event).toBeUndefined();
  });
});

describe('classify: tracker messages', () => {
  it('gives vsn beyond 2^53 as exact decimal text and counts the delta values', () => {
    expect(classify(bin.heartbeatBig).tracker).toEqual({
      type: 'heartbeat',
      replica: 'a@h',
      vsn: '12345678901234567890',
      empty: false,
      deltaSize: 3,
      joins: 3,
    });
  });

  it('counts the joins and leaves of a delta (dots in its clouds without a value)', () => {
    expect(classify(bin.heartbeatLeaves).tracker).toMatchObject({ joins: 1, leaves: 2, deltaSize: 1 });
    // A delta of leaves alone: no longer reads as "delta=0" with nothing else said.
    expect(classify(bin.heartbeatOnlyLeaves).tracker).toMatchObject({ joins: 0, leaves: 1 });
  });

  it('counts the values of a whole-state transfer_ack pair', () => {
    const c = classify(bin.transferAckPair);
    expect(c.tracker).toEqual({ type: 'transfer_ack', replica: 'a@h', vsn: '5', deltaSize: 2, stateSize: 2 });
    expect(c.event).toBe('transfer_ack');
  });

  it('takes a binary replica name as its text', () => {
    expect(classify(bin.trackerBinaryName).tracker).toEqual({ type: 'graceful_permdown', replica: 'web1', vsn: '9' });
  });

  it('only on phx_presence: topics, and only the four known kinds', () => {
    expect(kindOf(bin.trackerOtherTopic)).toBe('term');
    const unknown = classify(bin.trackerUnknownType);
    expect(unknown.kind).toBe('term');
    expect(unknown.tracker).toBeUndefined();
  });
});

describe('classify: terms that are no envelope', () => {
  it('leaves them as plain terms, never as errors', () => {
    for (const bytes of [bin.bareAtom, bin.v3badMode, bin.vsn2, bin.v1sevenIntRef]) {
      const c = classify(bytes);
      expect(c.kind).toBe('term');
      expect(c.envelope).toBeUndefined();
      expect(c.error).toBeUndefined();
      expect(c.term).toBe(c.message);
    }
  });
});

describe('classify: payloads that are not ETF', () => {
  const text = (s: string) => new TextEncoder().encode(s);

  it('reads JSON text as json, even where it is also valid msgpack', () => {
    expect(classify(text('{"event":"x","n":[1,2]}'))).toMatchObject({ kind: 'json', data: { event: 'x', n: [1, 2] } });
    // "7" is the msgpack positive fixint 55; as text it is the JSON number 7.
    expect(classify(text('7'))).toMatchObject({ kind: 'json', data: 7 });
    expect(classify(text(' "quoted" \n'))).toMatchObject({ kind: 'json', data: 'quoted' });
  });

  it('reads msgpack that uses every byte and is not plain text', () => {
    expect(classify(encodeMsgpack({ event: 'x', n: [1, 2] }))).toMatchObject({
      kind: 'msgpack',
      data: { event: 'x', n: [1, 2] },
    });
    expect(classify(Uint8Array.of(0x05))).toMatchObject({ kind: 'msgpack', data: 5 });
    expect(classify(encodeMsgpack(2n ** 63n + 1n, { useBigInt64: true }))).toMatchObject({
      kind: 'msgpack',
      data: 2n ** 63n + 1n,
    });
  });

  it('reads a 3-entry msgpack map as msgpack although it starts with 131', () => {
    const bytes = encodeMsgpack({ a: 1, b: 2, c: 3 });
    expect(bytes[0]).toBe(131);
    const c = classify(bytes);
    expect(c).toMatchObject({ kind: 'msgpack', data: { a: 1, b: 2, c: 3 } });
    expect(c.error).toBeUndefined();
  });

  it('on the adapter channels, reports a 131 payload that fails as ETF with its offset, never as msgpack', () => {
    const channel = 'phx:Elixir.Chat.PubSub';
    for (const hex of [
      '83680661036400',
      '836c7fffffff6a',
      Buffer.from(encodeMsgpack({ a: 1, b: 2, c: 3 })).toString('hex'),
    ]) {
      const bytes = Buffer.from(hex, 'hex');
      const c = classify(bytes, {}, channel);
      expect(c.kind, hex).toBe('raw');
      expect(c.data).toBeUndefined();
      expect(c.error?.offset, hex).toBeGreaterThan(0);
      // Off the adapter's channels (or with no channel known) a whole msgpack value stays msgpack.
      expect(classify(bytes, {}, 'events').kind).toBe('msgpack');
    }
    expect(classify(Buffer.from('83680661036400', 'hex'), {}, channel).error?.message).toMatch(/SMALL_TUPLE_EXT/);
  });

  it('calls everything else raw', () => {
    expect(kindOf(text('a'))).toBe('raw'); // one printable character: msgpack fixint 97, but text
    expect(kindOf(text('hello world'))).toBe('raw');
    expect(kindOf(new Uint8Array(0))).toBe('raw');
    expect(kindOf(Uint8Array.of(0xff, 0xfe, 0xfd))).toBe('raw');
    // A msgpack array header claiming 4 G elements is refused, not allocated.
    expect(kindOf(Uint8Array.of(0xdd, 0xff, 0xff, 0xff, 0xff, 0x01))).toBe('raw');
  });
});

describe('classify: an envelope whose message is corrupt', () => {
  /** `bytes` with the first byte of the envelope's message element set to an unknown tag. */
  function corruptMessage(bytes: Uint8Array, messageAt: number): Buffer {
    const { spans } = decodeDetailed(bytes, { spans: true });
    const copy = Buffer.from(bytes);
    copy[spans!.children![messageAt]!.start] = 0xff;
    return copy;
  }

  it('keeps the generation, node and topic that decoded before the error (v3 and v1)', () => {
    const v3 = classify(corruptMessage(bin.message, 4), {}, 'phx:Elixir.Chat.PubSub.Adapter');
    expect(v3).toMatchObject({ kind: 'raw', topic: 'room:1' });
    expect(v3.error?.message).toMatch(/unknown tag 255/);
    expect(v3.envelope).toMatchObject({
      generation: 3,
      mode: 'except',
      node: 'a@h',
      topic: 'room:1',
      dispatcher: null,
    });
    expect(nodeOf(v3)).toBe('a@h');

    const v1 = classify(corruptMessage(bin.v1pool, 5), {}, 'phx:Elixir.Chat.PubSub');
    expect(v1.envelope).toMatchObject({ generation: 1, shape: 'v1/pool', node: '01020304', topic: 'rooms:lobby' });
    expect(v1.envelope?.fromNode).toBe('nonode@nohost');
    expect(v1.error).toBeDefined();
  });

  it('inside a compressed payload too, and not when the header itself is damaged', () => {
    const inflated = decodeDetailed(bin.v3compressed).inflated!;
    const plain = Buffer.concat([Buffer.of(131), inflated]);
    const damaged = corruptMessage(plain, 4).subarray(1);
    const recompressed = Buffer.concat([Buffer.of(131, 80), u32be(damaged.length), deflateSync(damaged)]);
    const c = classify(recompressed);
    expect(c.envelope).toMatchObject({ generation: 3, node: 'a@h', topic: 't', compressed: true });
    expect(c.error).toBeDefined();

    const headerDamaged = Buffer.from(bin.message);
    headerDamaged[5] = 0xff; // inside the mode atom
    expect(classify(headerDamaged).envelope).toBeUndefined();
  });
});

describe('classify: ETF that does not decode', () => {
  const fixture = new Uint8Array(
    readFileSync(
      new URL('../../fixtures/phoenix/phoenix_pubsub_redis-3.1.0/003-z0-broadcast-hello.etf', import.meta.url),
    ),
  );

  it('is raw, with the decoder error on one line and its offset', () => {
    for (const cut of [1, 2, 10, 60, fixture.length - 1]) {
      const c = classify(fixture.subarray(0, cut));
      expect(c.kind).toBe('raw');
      expect(c.term).toBeUndefined();
      expect(c.error!.message).toMatch(/\S/);
      expect(c.error!.message).not.toContain('\n');
      expect(c.error!.offset).toBeGreaterThanOrEqual(0);
      expect(c.error!.offset).toBeLessThanOrEqual(cut);
    }
    const broken = bin.v3compressed.slice();
    broken[10] ^= 0xff; // inside the zlib stream
    const c = classify(broken);
    expect(c.kind).toBe('raw');
    expect(c.error).toBeDefined();
  });

  it('never throws, whatever the bytes (random and mutated payloads)', () => {
    const kinds = new Set<MessageKind>([
      'broadcast',
      'message',
      'reply',
      'tracker',
      'presence_diff',
      'term',
      'msgpack',
      'json',
      'raw',
    ]);
    const check = (bytes: Uint8Array) => {
      const c = classify(bytes, { spans: true });
      expect(kinds.has(c.kind)).toBe(true);
      expect(c.bytes).toBe(bytes.length);
      if (c.kind === 'raw') expect(c.term).toBeUndefined();
      if (c.envelope) expect(typeof c.envelope.topic).toBe('string');
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => check(Uint8Array.of(131, ...bytes))),
      { numRuns: runs(2000) },
    );
    fc.assert(
      fc.property(fc.nat(fixture.length - 1), fc.integer({ min: 0, max: 255 }), (at, value) => {
        const mutated = fixture.slice();
        mutated[at] = value;
        check(mutated);
      }),
      { numRuns: runs(2000) },
    );
  });
});

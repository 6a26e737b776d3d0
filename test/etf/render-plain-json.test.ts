import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decode } from '../../src/etf/decode.js';
import { toPlainJson } from '../../src/etf/render/plain-json.js';
import { Atom, BitBinary, ErlFloat, ErlMap, ImproperList, Pid, Tuple, atoms, type Term } from '../../src/etf/term.js';

const a = Atom.of;
const bin = (s: string): Uint8Array => new TextEncoder().encode(s);
const fixture = (name: string): Term =>
  decode(
    new Uint8Array(readFileSync(new URL(`../../fixtures/phoenix/phoenix_pubsub_redis-3.1.0/${name}`, import.meta.url))),
  );

describe('toPlainJson', () => {
  it('turns a captured broadcast into the object a jq user expects', () => {
    const envelope = fixture('003-z0-broadcast-hello.etf') as Tuple;
    expect(toPlainJson(envelope)).toEqual([
      3,
      'except',
      'a@127.0.0.1',
      'rooms:lobby',
      {
        __struct__: 'Phoenix.Socket.Broadcast',
        event: 'new:msg',
        payload: { body: 'hello from u1', user: 'u1' },
        topic: 'rooms:lobby',
      },
      'Elixir.Phoenix.PubSub',
    ]);
  });

  it('maps scalars: true/false/nil, big integers, floats, non-UTF-8 binaries, bitstrings', () => {
    expect(toPlainJson([atoms.true, atoms.false, atoms.nil, a('ok')])).toEqual([true, false, null, 'ok']);
    expect(toPlainJson([2n ** 64n, 42, new ErlFloat(-0), new ErlFloat(1.5)])).toEqual([
      '18446744073709551616',
      42,
      0,
      1.5,
    ]);
    expect(toPlainJson([Uint8Array.of(0, 255), bin('ok'), new BitBinary(Uint8Array.of(0b10100000), 3)])).toEqual([
      'base64:AP8=',
      'ok',
      '<<5::size(3)>>',
    ]);
    expect(toPlainJson([new ImproperList([1], 2), new Pid(a('a@h'), 1, 2, 3)])).toEqual(['[1 | 2]', '#PID<a@h.1.2>']);
  });

  it('writes keys: text, atom names, Elixir text for others, and never loses a colliding key', () => {
    const map = ErlMap.fromPairs([
      [bin('a'), 1],
      [a('a'), 2],
      [new Tuple([1, 2]), 3],
      [bin('__proto__'), 4],
    ]);
    const json = toPlainJson(map) as Record<string, unknown>;
    expect(Object.entries(json)).toEqual([
      ['a', 1],
      [':a', 2],
      ['{1, 2}', 3],
      ['__proto__', 4],
    ]);
    expect(JSON.stringify(json)).toBe('{"a":1,":a":2,"{1, 2}":3,"__proto__":4}');
  });

  it('writes a MapSet as an array and a tracker state as an object', () => {
    const envelope = fixture('002-z0-tracker-heartbeat-delta.etf') as Tuple;
    const state = (envelope.elements[4] as Tuple).elements[3] as ErlMap;
    const json = toPlainJson(state) as Record<string, Record<string, unknown>>;
    expect(json.__struct__).toBe('Phoenix.Tracker.State');
    expect(Object.values(json.clouds!)[0]).toEqual([[['a@127.0.0.1', 1795363354747894], 1]]);
  });

  it('stops at the depth limit with a marker instead of overflowing', () => {
    let term: Term = 1;
    for (let i = 0; i < 100_000; i++) term = [term];
    let json = toPlainJson(term) as unknown;
    for (let i = 0; i < 1000; i++) json = (json as unknown[])[0];
    expect(json).toBe('…(nesting deeper than 1000)');
  });
});

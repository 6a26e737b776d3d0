/**
 * The line output written straight into bytes (writeLine: head columns from remembered bytes,
 * the payload's Elixir text through ElixirLineSink) is byte for byte formatLine's line and a
 * newline: on every fixture, in colour and without, with every clock; on random and nasty terms
 * as payloads, topics and events; where the one-line writer gives up halfway; and with a width.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { encode } from '../../src/etf/encode.js';
import { Atom, ErlFloat, ErlMap, Tuple, type Term } from '../../src/etf/term.js';
import { formatLine, lineClock, writeLine, type LineFormatOptions } from '../../src/output/line-format.js';
import { Utf8Lines } from '../../src/output/utf8-lines.js';
import type { WatchedMessage } from '../../src/output/watched-message.js';
import { broadcastStruct, buildV3 } from '../../src/phoenix/build.js';
import { classify } from '../../src/phoenix/classify.js';
import { hasUnsafe } from '../../src/text/terminal-safe.js';
import { termArbitrary } from '../etf/render-term-arbitrary.js';
import { fixtureMessages } from './filter-fixture-messages.js';
import { nastyTerm, nastyText } from './nasty-text.js';

const fixtures = fixtureMessages();
const now = (): number => Date.UTC(2024, 0, 2, 12);
const OPTIONS: LineFormatOptions[] = [
  { palette: { enabled: false }, clock: lineClock('utc') },
  { palette: { enabled: true }, clock: lineClock('local', now) },
  { palette: { enabled: false }, clock: lineClock('delta') },
];
// formatLine's own options for each: a delta clock keeps the previous time, so each side has one.
const TWINS = new Map(OPTIONS.map((o, i) => [o, i === 2 ? { ...o, clock: lineClock('delta') } : o]));

function written(m: WatchedMessage, options: LineFormatOptions): string {
  const out = new Utf8Lines();
  out.ascii('>');
  writeLine(m, options, out);
  return Buffer.from(out.take()).toString('utf8');
}

function expectSame(m: WatchedMessage, options: LineFormatOptions): void {
  expect(written(m, options)).toBe(`>${formatLine(m, TWINS.get(options) ?? options)}\n`);
}

function message(payload: Uint8Array, channel = 'phx:Elixir.Chat.PubSub.Adapter'): WatchedMessage {
  return {
    seq: 1,
    raw: { receivedAt: Date.UTC(2024, 0, 2, 3, 4, 5, 67), channel, pattern: 'phx:*', payload },
    classified: classify(payload),
  };
}

function broadcast(payload: Term, topic = 'rooms:lobby', event = 'new:msg'): WatchedMessage {
  const term = buildV3({
    mode: 'except',
    node: Atom.of('a@host'),
    topic,
    message: broadcastStruct(topic, event, payload),
    dispatcher: Atom.of('Elixir.Phoenix.Channel.Server'),
  });
  return message(encode(term));
}

describe('writeLine', () => {
  test('every fixture, in colour and without, with each clock: formatLine and a newline', () => {
    for (const options of OPTIONS) for (const { message: m } of fixtures) expectSame(m, options);
  });

  test('random and nasty terms as payloads and as raw terms, nasty topics, events and channels', () => {
    fc.assert(
      fc.property(
        fc.oneof(termArbitrary({ opaque: true }), nastyTerm),
        nastyText,
        nastyText,
        fc.constantFrom(...OPTIONS),
        (term, topic, event, options) => {
          expectSame(broadcast(term, topic, event), options);
          expectSame(message(encode(term), `phx:${topic}`), options);
        },
      ),
      { numRuns: 2000, seed: 5150 },
    );
  });

  test('nothing a terminal acts on reaches the bytes raw, in a payload, a map key or an atom', () => {
    const payload = ErlMap.fromPairs([
      [Buffer.from('body'), Buffer.from('a\u202eb\u2028c')],
      [Atom.of('k\u200fey'), Atom.of('v\u2066al')],
      [Buffer.from('\u061c'), [Atom.of('x\u202ay'), Buffer.from('ok')]],
    ]);
    const line = written(broadcast(payload), OPTIONS[0]!);
    expect(hasUnsafe(line.slice(0, -1))).toBe(false);
    expect(line).toContain('"a\\x{202E}b');
    expectSame(broadcast(payload), OPTIONS[0]!);
  });

  test('where the one-line writer gives up after writing part of a payload, the line is still formatLine', () => {
    // Written up to the float (which the one-line writer leaves to the document path), then dropped.
    const payloads: Term[] = [
      ErlMap.fromPairs([
        [Buffer.from('body'), Buffer.from('plain text first')],
        [Buffer.from('score'), new ErlFloat(0.1)],
      ]),
      new Tuple([Buffer.from('x'.repeat(40_000)), Buffer.from('é'.repeat(20_000)), 1]),
      ErlMap.fromPairs([
        [atomStruct(), Atom.of('Elixir.Chat.Message')],
        [Atom.of('body'), Buffer.from('hi')],
      ]),
    ];
    for (const payload of payloads) for (const options of OPTIONS) expectSame(broadcast(payload), options);
  });

  test('with a width, the line is formatLine cut to it', () => {
    const m = broadcast(ErlMap.fromPairs([[Buffer.from('body'), Buffer.from('a fairly long message '.repeat(5))]]));
    for (const width of [20, 80, 400]) expectSame(m, { palette: { enabled: true }, width });
  });

  test('lines after lines: what is remembered between lines (columns, sizes, clocks) stays right', () => {
    const ms = [
      broadcast(1, 'rooms:a'),
      broadcast(2, 'rooms:b'),
      broadcast(Buffer.alloc(2000, 'x'), 'rooms:a'),
      broadcast(3, 'rooms:c', 'ev'),
      broadcast(4, 'rooms:d'),
      broadcast(5, 'rooms:a'),
    ];
    for (let round = 0; round < 3; round++) for (const m of ms) expectSame(m, OPTIONS[0]!);
  });

  test('messages that differ in one head column at a time, in turn: each line has its own columns', () => {
    // Heads are remembered as a whole (head-memo.ts): a stale one would print another message's columns.
    const variants: Array<{ m: WatchedMessage; head: string[] }> = [];
    for (const channel of ['phx:Elixir.A.PubSub.Adapter', 'phx:Elixir.B.PubSub.Adapter'])
      for (const mode of ['except', 'only'] as const)
        for (const node of ['a@host', 'b@host'])
          for (const topic of ['rooms:a', 'rooms:b', ''])
            for (const event of ['new:msg', 'left']) {
              const term = buildV3({
                mode,
                node: Atom.of(node),
                topic,
                message: broadcastStruct(topic, event, 1),
                dispatcher: Atom.of('Elixir.Phoenix.Channel.Server'),
              });
              const m = message(encode(term), channel);
              variants.push({ m, head: [channel, `v3/${mode}`, node, topic === '' ? '""' : topic, event] });
            }
    const order = fc.sample(fc.nat(variants.length - 1), { numRuns: 3000, seed: 77 });
    for (const i of order) {
      const { m, head } = variants[i]!;
      expect(written(m, OPTIONS[0]!).slice(1).split(' ').slice(1, 6)).toEqual(head);
    }
  });
});

function atomStruct(): Atom {
  return Atom.of('__struct__');
}

import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode } from '../../src/etf/decode.js';
import { parseElixir } from '../../src/etf/parse/parser.js';
import { renderElixir } from '../../src/etf/render/elixir.js';
import { renderErlang } from '../../src/etf/render/erlang.js';
import { inspect } from '../../src/etf/render/inspect.js';
import {
  Atom,
  ErlMap,
  ExportFun,
  Fun,
  Pid,
  Port,
  Ref,
  Tuple,
  atoms,
  termEquals,
  type Term,
} from '../../src/etf/term.js';
import { PHOENIX_STRUCTS } from '../../src/phoenix/structs.js';
import { termArbitrary } from './render-term-arbitrary.js';

const a = Atom.of;
const bin = (s: string): Uint8Array => new TextEncoder().encode(s);
const fixturesRoot = new URL('../../fixtures/phoenix/', import.meta.url);

function fixtureTerms(): Array<{ file: string; term: Term }> {
  return readdirSync(fixturesRoot).flatMap((dir) =>
    readdirSync(new URL(`${dir}/`, fixturesRoot))
      .filter((f) => f.endsWith('.etf'))
      .map((file) => ({
        file: `${dir}/${file}`,
        term: decode(new Uint8Array(readFileSync(new URL(`${dir}/${file}`, fixturesRoot)))),
      })),
  );
}

const broadcast = ErlMap.fromPairs([
  [atoms.struct, a('Elixir.Phoenix.Socket.Broadcast')],
  [a('event'), bin('new:msg')],
  [
    a('payload'),
    ErlMap.fromPairs([
      [bin('body'), bin('hello from u1')],
      [bin('user'), bin('u1')],
    ]),
  ],
  [a('topic'), bin('rooms:lobby')],
]);
const envelope = new Tuple([
  3,
  a('except'),
  a('a@127.0.0.1'),
  bin('rooms:lobby'),
  broadcast,
  a('Elixir.Phoenix.PubSub'),
]);

describe('renderElixir layout', () => {
  it('keeps what fits on one line and breaks the rest with two-space indents', () => {
    expect(renderElixir(envelope, { structs: PHOENIX_STRUCTS, width: 80 })).toBe(
      [
        '{',
        '  3,',
        '  :except,',
        '  :"a@127.0.0.1",',
        '  "rooms:lobby",',
        '  %Phoenix.Socket.Broadcast{',
        '    topic: "rooms:lobby",',
        '    event: "new:msg",',
        '    payload: %{"body" => "hello from u1", "user" => "u1"}',
        '  },',
        '  Phoenix.PubSub',
        '}',
      ].join('\n'),
    );
    expect(renderElixir(broadcast, { structs: PHOENIX_STRUCTS, width: 120 })).toBe(
      '%Phoenix.Socket.Broadcast{topic: "rooms:lobby", event: "new:msg", payload: %{"body" => "hello from u1", "user" => "u1"}}',
    );
  });

  it('packs lists of small scalars and the bytes of binaries', () => {
    const text = renderElixir(ErlMap.fromPairs([[a('bytes'), Uint8Array.from({ length: 24 }, (_, i) => 200 + i)]]), {
      width: 40,
    });
    expect(text).toBe(
      [
        '%{',
        '  bytes: <<200, 201, 202, 203, 204, 205,',
        '    206, 207, 208, 209, 210, 211, 212,',
        '    213, 214, 215, 216, 217, 218, 219,',
        '    220, 221, 222, 223>>',
        '}',
      ].join('\n'),
    );
  });

  it('never goes past the width unless a single atom or string is longer (seeded)', () => {
    fc.assert(
      fc.property(termArbitrary({ structs: PHOENIX_STRUCTS }), fc.integer({ min: 20, max: 100 }), (term, width) => {
        for (const line of renderElixir(term, { structs: PHOENIX_STRUCTS, width }).split('\n')) {
          if (line.length <= width) continue;
          // Only one unbreakable item may overflow: no ", " between items once quoted text is blanked.
          const items = line.replace(/"(?:[^"\\]|\\.)*"/g, '""');
          if (items.includes(', ')) throw new Error(`line over ${width}: ${line}`);
        }
      }),
      { seed: 77, numRuns: 600 },
    );
  });

  it('is exactly inspect when on one line: one rendering everywhere', () => {
    for (const { term } of fixtureTerms()) {
      const oneLine = renderElixir(term, { structs: PHOENIX_STRUCTS, pretty: false });
      expect(oneLine).toBe(inspect(term, { structs: PHOENIX_STRUCTS }));
    }
  });
});

describe('renderElixir options and notations', () => {
  it('charlists: \'abc\' (Elixir 1.14) by default, ~c"abc" for 1.15, or plain lists', () => {
    const list = [104, 105, 39, 34];
    expect(renderElixir(list)).toBe("'hi\\'\"'");
    expect(renderElixir(list, { elixir: '1.14' })).toBe("'hi\\'\"'");
    expect(renderElixir(list, { elixir: '1.15' })).toBe('~c"hi\'\\""');
    expect(inspect(list, { elixir: '1.15' })).toBe('~c"hi\'\\""');
    expect(renderElixir(list, { charlists: 'quotes' })).toBe("'hi\\'\"'");
    expect(renderElixir(list, { charlists: 'lists' })).toBe('[104, 105, 39, 34]');
  });

  it('structs of modules it does not know are maps, as Elixir prints them where the module is not loaded', () => {
    const message = ErlMap.fromPairs([
      [atoms.struct, a('Elixir.Chat.Message')],
      [a('body'), bin('x')],
      [a('at'), 1],
    ]);
    // Keys in term order (binary_to_term sorts a small map): we cannot know the field order.
    expect(renderElixir(message)).toBe('%{__struct__: Chat.Message, at: 1, body: "x"}');
    expect(inspect(message)).toBe('%{__struct__: Chat.Message, at: 1, body: "x"}');
    expect(termEquals(parseElixir(renderElixir(message)), message)).toBe(true);
  });

  it('elides long binaries only when asked (for display: not valid Elixir)', () => {
    const big = bin('0123456789'.repeat(10_240));
    expect(renderElixir(big, { maxBinaryLength: 8 })).toBe('"01234567…" (102400 bytes)');
    expect(renderElixir(Uint8Array.of(0, 1, 2, 3, 4), { maxBinaryLength: 3 })).toBe('<<0, 1, 2, …>> (5 bytes)');
    expect(renderElixir(bin('short'), { maxBinaryLength: 8 })).toBe('"short"');
    expect(renderElixir(big).length).toBe(102_402);
  });

  it('writes pids, ports, references and funs with the node name where Elixir has a node index', () => {
    const node = a('a@127.0.0.1');
    const pid = new Pid(node, 398, 0, 1795363008);
    expect(renderElixir(pid)).toBe('#PID<a@127.0.0.1.398.0>');
    expect(renderElixir(new Port(node, 5, 1))).toBe('#Port<a@127.0.0.1.5>');
    expect(renderElixir(new Ref(node, 1, [201943, 2885943297, 3615496611]))).toBe(
      '#Reference<a@127.0.0.1.3615496611.2885943297.201943>',
    );
    expect(renderElixir(new ExportFun(a('Elixir.Enum'), a('map'), 2))).toBe('&Enum.map/2');
    expect(renderElixir(new ExportFun(a('erlang'), a('+'), 2))).toBe('&:erlang.+/2');
    expect(renderElixir(new ExportFun(a('lists'), a('with space'), 1))).toBe('&:lists."with space"/1');
    expect(renderElixir(new Fun(1, new Uint8Array(16), 3, a('Elixir.Chat.Room'), 3, 12345, pid, []))).toBe(
      '#Function<3.12345/1 in Chat.Room>',
    );
  });

  it('round-trips every captured payload without pids or references through parseElixir', () => {
    let checked = 0;
    for (const { file, term } of fixtureTerms()) {
      const text = renderElixir(term, { structs: PHOENIX_STRUCTS });
      if (/#(PID|Reference)</.test(text)) continue;
      expect(termEquals(parseElixir(text), term), file).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });
});

describe('deep terms do not overflow the stack', () => {
  let deep: Term = a('bottom');
  for (let i = 0; i < 100_000; i++)
    deep = i % 3 === 0 ? [deep] : i % 3 === 1 ? new Tuple([deep]) : ErlMap.fromPairs([[a('k'), deep]]);
  const marker = '…(nesting deeper than 1000)';

  it('renderElixir, inspect and renderErlang stop at 1000 levels with a marker', () => {
    for (const text of [
      renderElixir(deep),
      renderElixir(deep, { pretty: false }),
      inspect(deep),
      renderErlang(deep),
      renderErlang(deep, { pretty: false }),
    ]) {
      expect(text).toContain(marker);
      expect(text).not.toContain('bottom');
    }
  });

  it('the limit is an option', () => {
    expect(inspect([[[[1]]]], { maxDepth: 2 })).toBe('[[…(nesting deeper than 2)]]');
    expect(renderElixir([[[[1]]]], { maxDepth: 2, pretty: false })).toBe('[[…(nesting deeper than 2)]]');
  });
});

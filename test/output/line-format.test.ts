/**
 * The one-line-per-message printer, on the captured fixtures and on made-up payloads that push
 * at its edges: columns, `-` placeholders, escaping, truncation with colours, NO_COLOR, --full.
 */
import { describe, expect, test } from 'vitest';
import { encode } from '../../src/etf/encode.js';
import { Atom, ErlMap, type Term } from '../../src/etf/term.js';
import { formatLine, lineClock, payloadText, truncateVisible, visibleWidth } from '../../src/output/line-format.js';
import { paletteFor, type Palette } from '../../src/output/palette.js';
import type { WatchedMessage } from '../../src/output/watched-message.js';
import { broadcastStruct, buildV3 } from '../../src/phoenix/build.js';
import { classify } from '../../src/phoenix/classify.js';
import { bytesMessage, fixtureMessages } from './filter-fixture-messages.js';

const plain: Palette = { enabled: false };
const colour: Palette = { enabled: true };
const fixtures = fixtureMessages();
const ESC = '\u001b';

function message(
  payload: Uint8Array,
  channel = 'phx:Elixir.Chat.PubSub.Adapter',
  receivedAt = Date.UTC(2024, 0, 2, 3, 4, 5, 67),
): WatchedMessage {
  return { seq: 1, raw: { receivedAt, channel, pattern: 'phx:*', payload }, classified: classify(payload) };
}

function v3Broadcast(topic: string, event: string, payload: Term, node = 'a@host'): Uint8Array {
  const message = broadcastStruct(topic, event, payload);
  return encode(
    buildV3({
      mode: 'except',
      node: Atom.of(node),
      topic,
      message,
      dispatcher: Atom.of('Elixir.Phoenix.Channel.Server'),
    }),
  );
}

const bin = (text: string): Uint8Array => Buffer.from(text);

describe('columns', () => {
  test('every fixture: seven one-word head columns, then the payload', () => {
    for (const { message: m, entry } of fixtures) {
      const line = formatLine(m, { palette: plain });
      const words = line.split(' ');
      expect(words.length, entry.file).toBeGreaterThanOrEqual(8);
      const [time, channel, genMode, , topic, , size] = words;
      // Fixtures were received on another day: the date comes first (line-clock.test.ts).
      expect(time).toMatch(/^(\d{4}-\d\d-\d\dT)?\d\d:\d\d:\d\d\.\d{3}$/);
      expect(channel).toBe(entry.channel);
      expect(genMode).toMatch(/^(v3\/(except|only)|v1\/(fastlane|pool|legacy))$/);
      expect(topic, entry.file).not.toBe('-');
      expect(size).toMatch(/^\d+(\.\d+)?(B|KiB|MiB)$/);
      expect(line).not.toContain('\n');
    }
  });

  test('the size column on both sides of 1 KiB, twice (sizes below it are kept), and in each mode', () => {
    const sizeOf = (payload: Uint8Array): string =>
      formatLine(message(payload, 'phx:x'), { palette: plain }).split(' ')[6]!;
    for (let round = 0; round < 2; round++) {
      expect(sizeOf(new Uint8Array(0))).toBe('0B');
      expect(sizeOf(Buffer.alloc(1023, 0x61))).toBe('1023B');
      expect(sizeOf(Buffer.alloc(1024, 0x61))).toBe('1.00KiB');
    }
    const genMode = (mode: 'except' | 'only'): string =>
      formatLine(
        message(
          encode(buildV3({ mode, node: Atom.of('a@h'), topic: 't', message: Atom.of('ok'), dispatcher: Atom.of('d') })),
        ),
        { palette: plain },
      ).split(' ')[2]!;
    for (let round = 0; round < 2; round++) {
      expect(genMode('except')).toBe('v3/except');
      expect(genMode('only')).toBe('v3/only');
    }
  });

  test('the time is the local wall-clock time of receipt with milliseconds', () => {
    const at = Date.UTC(2024, 5, 30, 22, 59, 58, 7);
    const d = new Date(at);
    const line = formatLine(message(bin('{}'), 'phx:x', at), { palette: plain, clock: lineClock('local', () => at) });
    const expected =
      [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':') + '.007';
    expect(line.split(' ')[0]).toBe(expected);
  });

  test('fields a message does not have are `-`: a JSON payload has no envelope, node, topic or event', () => {
    const line = formatLine(message(bin('{"a":1}'), 'phx:other'), { palette: plain });
    expect(line.split(' ').slice(1)).toEqual(['phx:other', '-', '-', '-', '-', '7B', 'json', '{"a":1}']);
  });

  test('a v3 message without an event (a raw term) shows `-` for the event only', () => {
    const payload = encode(
      buildV3({
        mode: 'only',
        node: Atom.of('b@h'),
        topic: 'cache',
        message: Atom.of('flush'),
        dispatcher: Atom.of('Elixir.Phoenix.PubSub'),
      }),
    );
    const words = formatLine(message(payload), { palette: plain }).split(' ');
    expect(words.slice(2, 6)).toEqual(['v3/only', 'b@h', 'cache', '-']);
    expect(words.slice(7).join(' ')).toBe(':flush');
  });

  test('whitespace and control characters inside a field are escaped, so columns and the terminal stay intact', () => {
    const topic = 'rooms:my room\n\u001b[2J\u202e';
    const event = 'new msg\t!';
    const line = formatLine(message(v3Broadcast(topic, event, new ErlMap([], []), 'a b@host')), { palette: plain });
    expect(line).not.toContain(ESC);
    expect(line).not.toContain('\n');
    expect(line).not.toContain('\u202e');
    const words = line.split(' ');
    expect(words[3]).toBe('a\\sb@host');
    expect(words[4]).toBe('rooms:my\\sroom\\n\\e[2J\\u{202E}');
    expect(words[5]).toBe('new\\smsg\\t!');
    expect(words.slice(7).join(' ')).toBe('%{}');
  });

  test('an empty topic is `""`, a backslash is doubled (escapes stay unambiguous)', () => {
    const words = formatLine(message(v3Broadcast('', 'a\\b', new ErlMap([], []))), { palette: plain }).split(' ');
    expect(words[4]).toBe('""');
    expect(words[5]).toBe('a\\\\b');
  });

  test('undecodable payloads: an error with the byte offset, and a short preview', () => {
    const whole = v3Broadcast('rooms:lobby', 'new:msg', ErlMap.fromPairs([[bin('body'), bin('x'.repeat(200))]]));
    const cut = whole.subarray(0, 120);
    const line = formatLine(message(cut), { palette: plain });
    const words = line.split(' ');
    // The envelope decoded before the cut (inside the message): who sent it and where stay shown.
    expect(words.slice(2, 7)).toEqual(['v3/except', 'a@host', 'rooms:lobby', '-', '120B']);
    expect(words.slice(7).join(' ')).toMatch(/^! .* at byte \d+ .* — hex 83 /);
    // In full (a pipe, or --full) every byte is shown; cut to a width only the first ones are hexed.
    expect(line).toContain(
      Buffer.from(cut)
        .toString('hex')
        .replace(/(..)(?!$)/g, '$1 '),
    );
    const short = formatLine(message(cut), { palette: plain, width: 1000 });
    expect(short).toMatch(/—  ?hex( [0-9a-f]{2}){48}…\(\+72 bytes\)$/);
  });

  test('text that is not ETF, JSON or msgpack is shown quoted as raw', () => {
    const raw = formatLine(bytesMessage(1, 'just text'), { palette: plain });
    expect(raw.split(' ').slice(7).join(' ')).toBe('raw "just text"');
  });
});

describe('width and --full', () => {
  const big = fixtures.find((f) => f.entry.label === 'large-100kb-string' && !f.entry.wire_compressed)!;

  test('truncated to the width, ending with …', () => {
    for (const width of [20, 60, 80, 133]) {
      for (const { message: m } of fixtures.slice(0, 40)) {
        const line = formatLine(m, { palette: plain, width });
        expect(visibleWidth(line)).toBeLessThanOrEqual(width);
        const whole = formatLine(m, { palette: plain });
        if (visibleWidth(whole) > width) expect(line.endsWith('…')).toBe(true);
        else expect(line).toBe(whole);
      }
    }
  });

  test('without a width (a pipe, or --full) the whole payload is there; with one, it is cut', () => {
    const full = formatLine(big.message, { palette: plain });
    expect(full.length).toBeGreaterThan(100_000);
    const cut = formatLine(big.message, { palette: plain, width: 200 });
    expect(visibleWidth(cut)).toBeLessThanOrEqual(200);
  });

  test('a line that fits exactly is left alone', () => {
    const line = formatLine(fixtures[0]!.message, { palette: plain });
    const width = visibleWidth(line);
    expect(formatLine(fixtures[0]!.message, { palette: plain, width })).toBe(line);
    expect(formatLine(fixtures[0]!.message, { palette: plain, width: width - 1 }).endsWith('…')).toBe(true);
  });

  test('truncation keeps ANSI codes whole and closes them', () => {
    for (const width of [5, 13, 14, 40, 90]) {
      for (const { message: m } of fixtures.slice(0, 30)) {
        const line = formatLine(m, { palette: colour, width });
        // Every escape is a complete SGR sequence.
        expect(line.replace(/\u001b\[[\d;]*m/g, '')).not.toContain(ESC);
        expect(visibleWidth(line)).toBeLessThanOrEqual(width);
        if (line.includes('…')) expect(line.endsWith('…\u001b[0m')).toBe(true);
      }
    }
  });

  test('never splits a character: emoji and wide characters count two columns', () => {
    const text = 'ab🎉cd你好ef';
    expect(visibleWidth(text)).toBe(2 + 2 + 2 + 4 + 2);
    for (let width = 1; width <= 14; width++) {
      const cut = truncateVisible(text, width);
      expect(visibleWidth(cut)).toBeLessThanOrEqual(width);
      expect(cut.isWellFormed()).toBe(true);
    }
    expect(truncateVisible(text, 14)).toBe(text);
  });
});

describe('colours', () => {
  test('on a terminal the time is dim and the payload coloured by kind; NO_COLOR turns every code off', () => {
    const m = fixtures.find((f) => f.message.classified.kind === 'broadcast')!.message;
    const line = formatLine(m, { palette: paletteFor({ isTTY: true }, {}) });
    expect(line.startsWith(`${ESC}[2m`)).toBe(true);
    expect(line).toContain(`${ESC}[32m`);
    for (const env of [{ NO_COLOR: '1' }, { NO_COLOR: 'yes' }]) {
      const off = formatLine(m, { palette: paletteFor({ isTTY: true }, env), width: 50 });
      expect(off).not.toContain(ESC);
    }
    // An empty NO_COLOR does not count (no-color.org), and a pipe never gets colours.
    expect(paletteFor({ isTTY: true }, { NO_COLOR: '' }).enabled).toBe(true);
    expect(paletteFor({ isTTY: false }, {}).enabled).toBe(false);
    expect(paletteFor({}, {}).enabled).toBe(false);
  });

  test('errors are painted as errors', () => {
    const line = formatLine(message(Buffer.from([131, 104, 3, 97])), { palette: colour });
    expect(line).toContain(`${ESC}[31;1m! `);
  });
});

describe('tracker gossip', () => {
  const tracker = (t: Record<string, unknown>): WatchedMessage => ({
    seq: 1,
    raw: { receivedAt: 0, channel: 'phx:x', pattern: 'phx:*', payload: new Uint8Array(0) },
    classified: {
      kind: 'tracker',
      bytes: 0,
      message: Atom.of('gossip'),
      tracker: { type: 'heartbeat', replica: 'a@h', vsn: '1', ...t },
    },
  });

  test('a delta shows its joins and its leaves, a transferred state its size', () => {
    expect(payloadText(tracker({ empty: false, joins: 3, leaves: 1, deltaSize: 3 }), false)).toContain(
      'vsn=1 +3 \u22121 ',
    );
    expect(payloadText(tracker({ empty: false, joins: 0, leaves: 2, deltaSize: 0 }), false)).toContain('+0 \u22122');
    expect(payloadText(tracker({ type: 'transfer_ack', stateSize: 12, deltaSize: 12 }), false)).toContain(
      'vsn=1 state=12 ',
    );
    expect(payloadText(tracker({ empty: true }), false)).toContain('vsn=1 (empty) ');
  });
});

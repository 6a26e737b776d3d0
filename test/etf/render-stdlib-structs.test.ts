/**
 * The standard library's own inspect forms, with the texts Elixir 1.14 prints (each checked with
 * `elixir -e`; inspect-elixir-oracle.test.ts checks hundreds more against a running Elixir), and
 * the same term reading the same on every surface: line output, UI detail tree, `decode`, `y`.
 */
import { describe, expect, it } from 'vitest';
import { encode } from '../../src/etf/encode.js';
import { renderElixir } from '../../src/etf/render/elixir.js';
import { inspect } from '../../src/etf/render/inspect.js';
import { Atom, ErlFloat, ErlMap, Tuple, type Term } from '../../src/etf/term.js';
import { payloadText } from '../../src/output/line-format.js';
import { setElixirVersion, termInspect, termLine, termPretty } from '../../src/output/term-text.js';
import type { WatchedMessage } from '../../src/output/watched-message.js';
import { broadcastStruct, buildV3 } from '../../src/phoenix/build.js';
import { classify } from '../../src/phoenix/classify.js';
import { copyText, detailContent } from '../../src/ui/detail-content.js';

const a = Atom.of;
const bin = (s: string): Uint8Array => new TextEncoder().encode(s);
const nil = a('nil');
const ISO = a('Elixir.Calendar.ISO');

function struct(module: string, fields: Record<string, Term>): ErlMap {
  return ErlMap.fromPairs([
    [a('__struct__'), a(`Elixir.${module}`)],
    ...Object.entries(fields).map(([k, v]): [Term, Term] => [a(k), v]),
  ]);
}

const us = (value: number, precision: number): Tuple => new Tuple([value, precision]);
const date = (year: number, month: number, day: number): ErlMap => struct('Date', { year, month, day, calendar: ISO });
const dateTime = (zone: string, abbr: string, utc: Term, std: Term, micro = us(123_456, 6)): ErlMap =>
  struct('DateTime', {
    year: 2026,
    month: 12,
    day: 1,
    hour: 10,
    minute: 20,
    second: 30,
    microsecond: micro,
    time_zone: bin(zone),
    zone_abbr: bin(abbr),
    utc_offset: utc,
    std_offset: std,
    calendar: ISO,
  });

describe('Elixir 1.14 inspect of standard-library structs', () => {
  it('dates and times as sigils, negative and five-digit years, precision 0..6', () => {
    expect(inspect(date(2026, 12, 1))).toBe('~D[2026-12-01]');
    expect(inspect(date(-99, 1, 31))).toBe('~D[-0099-01-31]');
    expect(inspect(date(12345, 1, 1))).toBe('~D[12345-01-01]');
    const time = (micro: Tuple): ErlMap =>
      struct('Time', { hour: 9, minute: 5, second: 7, microsecond: micro, calendar: ISO });
    expect(inspect(time(us(0, 0)))).toBe('~T[09:05:07]');
    expect(inspect(time(us(123_456, 3)))).toBe('~T[09:05:07.123]');
    expect(inspect(time(us(5, 6)))).toBe('~T[09:05:07.000005]');
    const naive = struct('NaiveDateTime', {
      year: 2026,
      month: 12,
      day: 1,
      hour: 10,
      minute: 20,
      second: 30,
      microsecond: us(0, 0),
      calendar: ISO,
    });
    expect(inspect(naive)).toBe('~N[2026-12-01 10:20:30]');
  });

  it('DateTime: ~U[…] in Etc/UTC, #DateTime<…> in every other zone', () => {
    expect(inspect(dateTime('Etc/UTC', 'UTC', 0, 0))).toBe('~U[2026-12-01 10:20:30.123456Z]');
    expect(inspect(dateTime('Europe/Paris', 'CET', 3600, 0, us(0, 0)))).toBe(
      '#DateTime<2026-12-01 10:20:30+01:00 CET Europe/Paris>',
    );
    expect(inspect(dateTime('America/St_Johns', 'NDT', -12600, 3600, us(0, 0)))).toBe(
      '#DateTime<2026-12-01 10:20:30-02:30 NDT America/St_Johns>',
    );
    // Etc/UTC with an offset is not UTC: the offset shows, the zone does not.
    expect(inspect(dateTime('Etc/UTC', 'UTC', 3600, 0, us(0, 0)))).toBe('#DateTime<2026-12-01 10:20:30+01:00>');
  });

  it('what raises in Elixir (#Inspect.Error<…>) prints as the plain map shown inside that error', () => {
    const leap = struct('Time', { hour: 23, minute: 59, second: 60, microsecond: us(0, 0), calendar: ISO });
    expect(inspect(leap)).toBe(
      '%{__struct__: Time, calendar: Calendar.ISO, hour: 23, microsecond: {0, 0}, minute: 59, second: 60}',
    );
    const holocene = struct('Date', { year: 12026, month: 1, day: 1, calendar: a('Elixir.Calendar.Holocene') });
    expect(inspect(holocene)).toBe('%{__struct__: Date, calendar: Calendar.Holocene, day: 1, month: 1, year: 12026}');
    expect(inspect(struct('Date', { year: 1 }))).toBe('%{__struct__: Date, year: 1}');
    expect(inspect(dateTime('Europe/Paris', 'CET', new ErlFloat(3600), 0))).toMatch(/^%\{__struct__: DateTime/);
  });

  it('ranges with and without a step, and a Range from before Elixir 1.12 (no :step)', () => {
    expect(inspect(struct('Range', { first: 1, last: 10, step: 1 }))).toBe('1..10');
    expect(inspect(struct('Range', { first: 1, last: 10, step: 3 }))).toBe('1..10//3');
    expect(inspect(struct('Range', { first: 10, last: 1, step: -1 }))).toBe('10..1//-1');
    expect(inspect(struct('Range', { first: 5, last: 1, step: 1 }))).toBe('5..1//1'); // empty
    expect(inspect(struct('Range', { first: 10, last: 1 }))).toBe('10..1//-1');
    expect(inspect(struct('Range', { first: 1, last: 3 }))).toBe('1..3');
  });

  it('URI and Version in field order, their optional fields only when set', () => {
    const uri = struct('URI', {
      fragment: nil,
      host: bin('example.com'),
      path: bin('/a'),
      port: 443,
      query: nil,
      scheme: bin('https'),
      userinfo: nil,
      authority: nil,
    });
    expect(inspect(uri)).toBe(
      '%URI{scheme: "https", userinfo: nil, host: "example.com", port: 443, path: "/a", query: nil, fragment: nil}',
    );
    expect(inspect(struct('Version', { major: 1, minor: 2, patch: 3, pre: [], build: nil }))).toBe(
      '%Version{major: 1, minor: 2, patch: 3}',
    );
    expect(inspect(struct('Version.Requirement', { source: bin('~> 1.2'), lexed: [] }))).toBe(
      'Version.parse_requirement!("~> 1.2")',
    );
  });

  it('Regex as ~r/…/ with Inspect.Regex escapes, or Regex.compile!/2 when the options are a list', () => {
    const regex = (source: string, opts: Term): ErlMap =>
      struct('Regex', { re_pattern: nil, source: bin(source), opts, re_version: bin('') });
    expect(inspect(regex('a/b\\/c\n#{x}', bin('iu')))).toBe('~r/a\\/b\\/c\\n\\#{x}/iu');
    expect(inspect(regex('\\d+', [a('caseless')]))).toBe('Regex.compile!("\\\\d+", [:caseless])');
  });

  it('MapSet, exceptions, and structs of unknown modules as maps', () => {
    const set = struct('MapSet', {
      map: ErlMap.fromPairs([
        [bin('b'), []],
        [bin('a'), []],
      ]),
      version: 2,
    });
    expect(inspect(set)).toBe('MapSet.new(["a", "b"])');
    expect(inspect(struct('RuntimeError', { __exception__: a('true'), message: bin('boom') }))).toBe(
      '%RuntimeError{message: "boom"}',
    );
    expect(inspect(struct('Chat.Msg', { body: bin('x') }))).toBe('%{__struct__: Chat.Msg, body: "x"}');
  });
});

describe('one rendering on every surface', () => {
  const utc = dateTime('Etc/UTC', 'UTC', 0, 0);
  const paris = dateTime('Europe/Paris', 'CET', 3600, 0);
  const payload = ErlMap.fromPairs([
    [bin('at'), utc],
    [bin('local'), paris],
    [bin('tags'), [97, 98, 99]],
    [bin('span'), struct('Range', { first: 1, last: 10, step: 3 })],
  ]);
  const bytes = encode(
    buildV3({
      mode: 'except',
      node: a('a@host'),
      topic: 'rooms:lobby',
      message: broadcastStruct('rooms:lobby', 'new:msg', payload),
      dispatcher: a('Elixir.Phoenix.Channel.Server'),
    }),
  );
  const message: WatchedMessage = {
    seq: 1,
    raw: { receivedAt: 0, channel: 'phx:Elixir.Chat.PubSub.Adapter', pattern: 'phx:*', payload: bytes },
    classified: classify(bytes),
  };
  const expected =
    '%{"at" => ~U[2026-12-01 10:20:30.123456Z], "local" => #DateTime<2026-12-01 10:20:30.123456+01:00 CET Europe/Paris>,' +
    ` "span" => 1..10//3, "tags" => 'abc'}`;

  it('line output, decode --format inspect, the UI tree and y copy agree', () => {
    expect(payloadText(message, false)).toBe(expected);
    expect(payloadText(message, true)).toBe(expected);
    expect(termInspect(payload)).toBe(expected);
    expect(termLine(payload)).toBe(expected);
    expect(termPretty(payload, 200)).toBe(expected);
    // y copies the whole envelope, pretty: the payload's entries read the same there.
    const copied = copyText(message);
    expect(copied).toContain('"at" => ~U[2026-12-01 10:20:30.123456Z]');
    expect(copied).toContain('"local" => #DateTime<2026-12-01 10:20:30.123456+01:00 CET Europe/Paris>');
    expect(copied).toContain(`"tags" => 'abc'`);
    // The detail tree shows a DateTime as one value, not as twelve fields to open.
    const tree = detailContent(message).tree!;
    tree.toggleAll();
    tree.toggleAll();
    const rows = tree.rows().map((r) => r.node.label + r.node.text);
    expect(rows).toContain('"at" => ~U[2026-12-01 10:20:30.123456Z]');
    expect(rows).toContain('"local" => #DateTime<2026-12-01 10:20:30.123456+01:00 CET Europe/Paris>');
    expect(rows).toContain('"span" => 1..10//3');
    expect(rows).toContain(`"tags" => 'abc'`);
    expect(rows.some((r) => r.startsWith('calendar:'))).toBe(false);
  });

  it('the detail tree opens a MapSet to its elements, each with its own bytes', () => {
    const set = struct('MapSet', {
      map: ErlMap.fromPairs([
        [bin('a'), []],
        [bin('b'), []],
      ]),
      version: 2,
    });
    const setBytes = encode(
      buildV3({
        mode: 'except',
        node: a('a@host'),
        topic: 't',
        message: broadcastStruct('t', 'e', ErlMap.fromPairs([[bin('set'), set]])),
        dispatcher: a('Elixir.Phoenix.Channel.Server'),
      }),
    );
    const m: WatchedMessage = {
      ...message,
      raw: { ...message.raw, payload: setBytes },
      classified: classify(setBytes),
    };
    expect(payloadText(m, false)).toBe('%{"set" => MapSet.new(["a", "b"])}');
    const tree = detailContent(m).tree!;
    tree.toggleAll();
    tree.toggleAll();
    const rows = tree.rows();
    const at = rows.findIndex((r) => r.node.label === '"set" => ');
    expect(rows[at]!.node.text).toBe('MapSet.new([…]) (2)');
    expect(rows.slice(at + 1, at + 3).map((r) => r.node.text)).toEqual(['"a"', '"b"']);
    tree.setCursor(at + 2);
    const range = tree.selectedRange!;
    // BINARY_EXT of "b": tag 109, length 1, then the byte.
    expect([...setBytes.subarray(range.start, range.end)]).toEqual([109, 0, 0, 0, 1, 98]);
  });

  it('--elixir 1.15 switches every surface to ~c"…" charlists, and only that', () => {
    try {
      setElixirVersion('1.15');
      const newer = expected.replace(`'abc'`, '~c"abc"');
      expect(payloadText(message, false)).toBe(newer);
      expect(termInspect(payload)).toBe(newer);
      expect(copyText(message)).toContain('"tags" => ~c"abc"');
    } finally {
      setElixirVersion('1.14');
    }
    expect(renderElixir([97], { elixir: '1.15' })).toBe('~c"a"');
  });
});

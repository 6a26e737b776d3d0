/**
 * Standard-library structs as a node sends them — maps with `__struct__` — with random field
 * values, and broken ones (a field missing, a wrong type, a calendar other than Calendar.ISO, a
 * leap second) whose Inspect implementation raises in Elixir. Pairs come in a shuffled order:
 * binary_to_term sorts small maps, and so must the renderer.
 *
 * Elixir 1.14 has only the UTC time zone database, so zoned DateTimes are built as maps, as a
 * node with tzdata would send them.
 */
import { Atom, ErlFloat, ErlMap, Tuple, type Term } from '../../src/etf/term.js';
import type { Rng } from '../helpers/erl-term-gen.js';

export interface StructCase {
  name: string;
  term: Term;
}

const a = Atom.of;
const bin = (s: string): Uint8Array => new TextEncoder().encode(s);
const nil = a('nil');
const ISO = a('Elixir.Calendar.ISO');

type Fields = Record<string, Term>;

function shuffled<T>(rng: Rng, items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function struct(rng: Rng, module: string, fields: Fields): ErlMap {
  const pairs: Array<[Term, Term]> = Object.entries(fields).map(([k, v]) => [a(k), v]);
  pairs.push([a('__struct__'), a(module)]);
  return ErlMap.fromPairs(shuffled(rng, pairs));
}

function without(fields: Fields, ...names: string[]): Fields {
  const out = { ...fields };
  for (const n of names) delete out[n];
  return out;
}

/** A small random value for fields that may hold anything. */
function anyValue(rng: Rng): Term {
  switch (rng.int(9)) {
    case 0:
      return rng.int(1000) - 500;
    case 1:
      return bin(rng.pick(['hello', 'with "quotes"', 'ünïcødé', 'line\nbreak', '#{x}', '']));
    case 2:
      return a(rng.pick(['ok', 'error', 'nil', 'true', 'Elixir.Foo', 'with space']));
    case 3:
      return [104, 105]; // 'hi'
    case 4:
      return new ErlFloat(rng.pick([1.5, -0.0, 1e20, 100.0]));
    case 5:
      return [1, bin('x'), a('y')];
    case 6:
      return new Tuple([a('ok'), rng.int(10)]);
    case 7:
      return Uint8Array.of(255, 0, 1);
    default:
      return nil;
  }
}

const year = (rng: Rng): Term =>
  rng.pick<Term>([2026, 1970, 0, -1, -99, -9999, 9999, 10_000, 123_456, -123_456, 1 + rng.int(3000)]);

function dateFields(rng: Rng): Fields {
  return { year: year(rng), month: 1 + rng.int(12), day: 1 + rng.int(31), calendar: ISO };
}

function timeFields(rng: Rng): Fields {
  const precision = rng.int(7);
  const micro = rng.pick([0, 123_456, 999_999, 1, 100_000, rng.int(1_000_000)]);
  return {
    hour: rng.int(24),
    minute: rng.int(60),
    second: rng.int(60),
    microsecond: new Tuple([micro, precision]),
    calendar: ISO,
  };
}

const ZONES: Array<[string, string, number, number]> = [
  ['Etc/UTC', 'UTC', 0, 0],
  ['Europe/Paris', 'CET', 3600, 0],
  ['Europe/Paris', 'CEST', 3600, 3600],
  ['America/New_York', 'EST', -18000, 0],
  ['America/St_Johns', 'NDT', -12600, 3600],
  ['Asia/Kolkata', 'IST', 19800, 0],
  ['Pacific/Chatham', '+1245', 45900, 0],
  ['Europe/London', 'GMT', 0, 0],
  ['Etc/UTC', 'UTC', 3600, 0], // not UTC after all: #DateTime<…+01:00>
  ['Etc/GMT+5', '-05', -18000, 0],
];

function dateTimeFields(rng: Rng): Fields {
  const [zone, abbr, utc, std] = rng.pick(ZONES);
  return {
    ...dateFields(rng),
    ...timeFields(rng),
    time_zone: bin(zone),
    zone_abbr: bin(abbr),
    utc_offset: utc,
    std_offset: std,
  };
}

/** Each builder returns a valid struct; `broken` lists ways to make its implementation raise. */
interface Kind {
  module: string;
  valid(rng: Rng): Fields;
  broken: Array<(f: Fields, rng: Rng) => Fields>;
}

const KINDS: Kind[] = [
  {
    module: 'Elixir.Date',
    valid: dateFields,
    broken: [
      (f) => without(f, 'day'),
      (f) => ({ ...f, calendar: a('Elixir.Calendar.Holocene') }),
      (f) => ({ ...f, year: new ErlFloat(2026) }),
      (f) => ({ ...f, month: 13, extra: 1 }), // not broken: Calendar.ISO formats any integer
    ],
  },
  {
    module: 'Elixir.Time',
    valid: timeFields,
    broken: [
      (f) => ({ ...f, second: 60 }),
      (f) => ({ ...f, hour: 24 }),
      (f) => ({ ...f, microsecond: new Tuple([5, 7]) }),
      (f) => ({ ...f, microsecond: 5 }),
      (f) => ({ ...f, microsecond: new Tuple([1_000_000, 6]) }),
      (f) => without(f, 'calendar'),
    ],
  },
  {
    module: 'Elixir.NaiveDateTime',
    valid: (rng) => ({ ...dateFields(rng), ...timeFields(rng) }),
    broken: [
      (f) => without(f, 'microsecond'),
      (f) => ({ ...f, minute: -1 }),
      (f) => ({ ...f, day: bin('1') }),
      (f) => ({ ...f, calendar: nil }),
    ],
  },
  {
    module: 'Elixir.DateTime',
    valid: dateTimeFields,
    broken: [
      (f) => ({ ...f, zone_abbr: nil }),
      (f) => ({ ...f, utc_offset: new ErlFloat(0) }),
      (f) => without(f, 'std_offset'),
      (f) => ({ ...f, calendar: a('Elixir.Cldr.Calendar.Gregorian') }),
      (f) => ({ ...f, hour: 25 }),
    ],
  },
  {
    module: 'Elixir.Range',
    valid: (rng) => {
      const first = rng.pick<Term>([1, 0, -5, 10, 2n ** 70n, rng.int(100)]);
      const last = rng.pick<Term>([10, 1, -1, 100, -(2n ** 70n), rng.int(100)]);
      const fields: Fields = { first, last, step: rng.pick<Term>([1, -1, 3, -2, 1, 1]) };
      return rng.chance(0.25) ? without(fields, 'step') : fields; // a Range from Elixir < 1.12
    },
    broken: [
      (f) => without(f, 'last'),
      (f) => ({ ...f, first: new ErlFloat(1), last: 1, step: 1 }), // not broken: 1 >= 1.0
      (f) => ({ ...f, first: a('a'), last: a('z') }),
    ],
  },
  {
    module: 'Elixir.Date.Range',
    valid: (rng) => {
      const fields: Fields = {
        first: struct(rng, 'Elixir.Date', dateFields(rng)),
        last: struct(rng, 'Elixir.Date', dateFields(rng)),
        first_in_iso_days: rng.int(1000),
        last_in_iso_days: rng.int(1000),
        step: rng.pick<Term>([1, 2, -1]),
      };
      return rng.chance(0.3) ? without(fields, 'step') : fields;
    },
    broken: [(f) => without(f, 'first')],
  },
  {
    module: 'Elixir.URI',
    valid: (rng) => ({
      scheme: rng.pick<Term>([bin('https'), nil]),
      authority: rng.pick<Term>([nil, bin('example.com:443')]),
      userinfo: rng.pick<Term>([nil, bin('user:pw')]),
      host: rng.pick<Term>([bin('example.com'), nil]),
      port: rng.pick<Term>([443, 80, nil]),
      path: rng.pick<Term>([bin('/a/b'), nil]),
      query: rng.pick<Term>([bin('x=1&y=2'), nil]),
      fragment: rng.pick<Term>([bin('top'), nil]),
    }),
    broken: [(f) => without(f, 'host', 'port'), (f) => ({ ...f, extra: 1 })], // derived: never raises
  },
  {
    module: 'Elixir.MapSet',
    valid: (rng) => {
      const n = rng.int(6);
      const keys = new Map<string, Term>();
      for (let i = 0; i < n; i++) {
        const k = anyValue(rng);
        keys.set(
          JSON.stringify(k, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
          k,
        );
      }
      return { map: ErlMap.fromPairs(shuffled(rng, [...keys.values()]).map((k): [Term, Term] => [k, []])), version: 2 };
    },
    broken: [(f) => ({ ...f, map: [1, 2] }), (f) => without(f, 'map'), (f) => without(f, 'version')],
  },
  {
    module: 'Elixir.Regex',
    valid: (rng) => ({
      re_pattern: new Tuple([a('re_pattern'), 0, 0, 0, Uint8Array.of(69, 82, 67, 80)]),
      source: bin(
        rng.pick([
          'a+b',
          'a/b',
          'a\\/b',
          '\\\\/',
          'tab\there',
          'nl\n',
          '#{interp}',
          'ü+',
          '\u0007\u0008\u001b\u007f',
          '"quoted"',
          '\\d+\\.\\d+',
        ]),
      ),
      opts: rng.pick<Term>([bin(''), bin('i'), bin('iu'), [a('caseless')], []]),
      re_version: bin('8.45 2021-06-15'),
    }),
    broken: [
      (f) => ({ ...f, source: Uint8Array.of(0x61, 0xff, 0x2f) }), // not broken: invalid UTF-8 as \xFF
      (f) => ({ ...f, source: nil }),
      (f) => without(f, 'opts'),
      (f) => ({ ...f, opts: a('i') }),
    ],
  },
  {
    module: 'Elixir.Version',
    valid: (rng) => ({
      major: rng.int(5),
      minor: rng.int(20),
      patch: rng.int(100),
      pre: rng.pick<Term>([[], [bin('rc'), 1], [bin('beta')]]),
      build: rng.pick<Term>([nil, bin('build.7')]),
    }),
    broken: [(f) => without(f, 'pre'), (f) => without(f, 'major', 'build')], // derived: never raises
  },
  {
    module: 'Elixir.Version.Requirement',
    valid: (rng) => ({ source: bin(rng.pick(['~> 1.2', '>= 1.0.0 and < 2.0.0', '== 1.0.0-rc.1'])), lexed: [] }),
    broken: [(f) => ({ ...f, source: 12 }), (f) => without(f, 'source')],
  },
  {
    module: 'Elixir.Stream',
    valid: (rng) => ({ enum: [1, 2, 3], funs: rng.pick<Term>([[], [a('f1'), a('f2')]]), accs: [], done: nil }),
    broken: [(f) => ({ ...f, funs: a('none') })],
  },
  {
    module: 'Elixir.Macro.Env', // derived with only: every field listed, missing ones as nil
    valid: (rng) => ({ module: a('Elixir.Foo'), line: rng.int(100), file: bin('lib/foo.ex'), tracers: [] }),
    broken: [],
  },
  {
    module: 'Elixir.RuntimeError',
    valid: (rng) => ({ __exception__: a('true'), message: anyValue(rng) }),
    broken: [(f) => without(f, '__exception__')], // keys differ from the struct's: a plain map
  },
  {
    module: 'Elixir.Task',
    valid: (rng) => ({ mfa: new Tuple([a('m'), a('f'), 0]), owner: nil, pid: nil, ref: anyValue(rng) }),
    broken: [(f) => ({ ...f, extra: 1 })],
  },
  {
    module: 'Elixir.Phoenix.Socket.Broadcast', // not loaded in `elixir -e`: a plain map
    valid: (rng) => ({ topic: bin('rooms:lobby'), event: bin('new:msg'), payload: anyValue(rng) }),
    broken: [],
  },
  {
    module: 'Elixir.Chat.Unknown', // never loaded anywhere
    valid: (rng) => ({ a: anyValue(rng), b: anyValue(rng), B: 1 }),
    broken: [],
  },
];

/** Every kind, `perKind` valid ones each, every broken variant twice, a few nested in others. */
export function stdlibStructCases(rng: Rng, perKind = 12): StructCase[] {
  const cases: StructCase[] = [];
  for (const kind of KINDS) {
    const short = kind.module.replace(/^Elixir\./, '');
    for (let i = 0; i < perKind; i++)
      cases.push({ name: `${short} #${i}`, term: struct(rng, kind.module, kind.valid(rng)) });
    kind.broken.forEach((breakIt, j) => {
      for (let i = 0; i < 2; i++) {
        cases.push({
          name: `${short} broken ${j} #${i}`,
          term: struct(rng, kind.module, breakIt(kind.valid(rng), rng)),
        });
      }
    });
  }
  // Structs inside other terms: inside a MapSet charlists are lists, a raising struct nested.
  const some = (): Term => cases[rng.int(cases.length)]!.term;
  for (let i = 0; i < 20; i++) {
    cases.push({
      name: `nested #${i}`,
      term: new Tuple([a('ok'), [some(), some()], ErlMap.fromPairs([[bin('at'), some()]])]),
    });
  }
  return cases;
}

/**
 * The `Inspect` implementations of Elixir 1.14's standard library, for structs that arrive as
 * plain maps with a `__struct__` key. Each follows its source (lib/elixir/lib/calendar/*.ex,
 * range.ex, map_set.ex, uri.ex, version.ex, inspect.ex, stream.ex, calendar/date_range.ex):
 *
 *   Date, Time, NaiveDateTime   ~D[2026-12-01]  ~T[10:20:30.123]  ~N[2026-12-01 10:20:30]
 *   DateTime                    ~U[2026-12-01 10:20:30Z] in Etc/UTC, else
 *                               #DateTime<2026-12-01 11:20:30+01:00 CET Europe/Paris>
 *   Range                       1..10  1..10//3  10..1//-1 (a Range without :step, as before
 *                               Elixir 1.12, gets step 1 or -1 as 1.14 does)
 *   Date.Range                  Date.range(~D[…], ~D[…]) or Date.range(…, …, 2)
 *   MapSet                      MapSet.new([…]) (charlists inside written as lists)
 *   Regex                       ~r/source/opts, or Regex.compile!("…", […]) when opts is a list
 *   Version                     %Version{major: 1, …} without pre: [] / build: nil (derived)
 *   Version.Requirement         Version.parse_requirement!("~> 1.2")
 *   URI                         %URI{scheme: …} in field order, authority only when not nil (derived)
 *   Macro.Env                   #Macro.Env<aliases: […], …, ...> (derived with only:)
 *   Stream                      #Stream<[enum: …, funs: […]]>
 *
 * Where the implementation would raise on the fields it was given (a Date without :day, a
 * calendar other than Calendar.ISO, an hour of 24), Elixir prints `#Inspect.Error<…>` with a
 * stack trace of the inspecting process and, inside it, the struct as a plain map. We print that
 * plain map (`RAISES` tells the caller to): the part of Elixir's output that does not depend on
 * the VM that printed it.
 *
 * Structs whose Inspect is the default (`Inspect.Any`) print as `%Mod{…}` in their fields'
 * definition order when the module is loaded and the keys are exactly its fields; STDLIB_STRUCTS
 * lists the standard library's (exceptions included), from `Mod.__info__(:struct)` on 1.14.0.
 */

import { Atom, BitBinary, ErlFloat, ErlMap, ImproperList, Tuple, type Term } from '../term.js';
import { inspectAtom, inspectAtomKey } from './atoms.js';
import { CALENDAR_ISO, isUtc, isoDate, isoOffsetAndZone, isoTime, type ZoneFields } from './calendar-iso.js';
import { box, seq, type Doc } from './layout.js';
import { escapeBytes, rawText } from './strings.js';
import { fieldValue, registeredFields, type StructRegistry } from './structs.js';

/** The implementation raised: print the struct as a plain map. */
export const RAISES = Symbol('raises');

/** What an implementation needs from the renderer that calls it. */
export interface StructDocContext {
  /** `Inspect.Algebra.to_doc/2` with the current options. */
  doc(term: Term): Doc;
  /** `Kernel.inspect/1` on one line (Date.Range inspects its ends apart from the document). */
  text(term: Term): string;
  /** A map's keys in the order the receiving VM lists them (`Map.keys/1`). */
  keys(map: ErlMap): readonly Term[];
  /** Runs `fn` with charlists written as lists (`charlists: :as_lists`). */
  asLists<T>(fn: () => T): T;
}

type Impl = (map: ErlMap, ctx: StructDocContext) => Doc | typeof RAISES;

const field = (map: ErlMap, name: string): Term | undefined => fieldValue(map, name);
const has = (map: ErlMap, name: string): boolean => field(map, name) !== undefined;

/** `" " <> inspect(calendar)` after a non-ISO calendar; but only Calendar.ISO renders at all. */
function isoCalendar(map: ErlMap): boolean {
  return field(map, 'calendar') === CALENDAR_ISO;
}

const date: Impl = (map) => {
  if (!has(map, 'calendar') || !has(map, 'year') || !has(map, 'month') || !has(map, 'day')) return RAISES;
  if (!isoCalendar(map)) return RAISES;
  const text = isoDate(field(map, 'year'), field(map, 'month'), field(map, 'day'));
  return text === undefined ? RAISES : `~D[${text}]`;
};

const TIME_FIELDS = ['hour', 'minute', 'second', 'microsecond', 'calendar'];
const DATE_FIELDS = ['year', 'month', 'day'];
const ZONE_FIELDS = ['time_zone', 'zone_abbr', 'utc_offset', 'std_offset'];

function timeOf(map: ErlMap): string | undefined {
  return isoTime(field(map, 'hour'), field(map, 'minute'), field(map, 'second'), field(map, 'microsecond'));
}

const time: Impl = (map) => {
  if (!TIME_FIELDS.every((f) => has(map, f)) || !isoCalendar(map)) return RAISES;
  const text = timeOf(map);
  return text === undefined ? RAISES : `~T[${text}]`;
};

/** Date and time as naive_datetime_to_string/7 writes them (a date error comes first). */
function naiveOf(map: ErlMap): string | undefined {
  const day = isoDate(field(map, 'year'), field(map, 'month'), field(map, 'day'));
  const hms = day === undefined ? undefined : timeOf(map);
  return hms === undefined ? undefined : `${day} ${hms}`;
}

const naiveDateTime: Impl = (map) => {
  if (![...DATE_FIELDS, ...TIME_FIELDS].every((f) => has(map, f)) || !isoCalendar(map)) return RAISES;
  const text = naiveOf(map);
  return text === undefined ? RAISES : `~N[${text}]`;
};

const dateTime: Impl = (map) => {
  if (![...DATE_FIELDS, ...TIME_FIELDS, ...ZONE_FIELDS].every((f) => has(map, f)) || !isoCalendar(map)) {
    return RAISES;
  }
  const zone: ZoneFields = {
    timeZone: field(map, 'time_zone'),
    zoneAbbr: field(map, 'zone_abbr'),
    utcOffset: field(map, 'utc_offset'),
    stdOffset: field(map, 'std_offset'),
  };
  // datetime_to_string's guards on the zone fields come before the date and time are formatted.
  const tail = isoOffsetAndZone(zone);
  const text = tail === undefined ? undefined : naiveOf(map);
  if (text === undefined) return RAISES;
  return isUtc(zone) ? `~U[${text}${tail}]` : `#DateTime<${text}${tail}>`;
};

/** Erlang's `>=`/`=<` on two range ends: numbers by value (1 == 1.0), the rest by term order. */
function compareEnds(a: Term, b: Term, exact: (x: Term, y: Term) => number): number {
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined) return na < nb ? -1 : na > nb ? 1 : 0;
  return exact(a, b);
}

function numeric(t: Term): number | bigint | undefined {
  if (typeof t === 'number' || typeof t === 'bigint') return t;
  return t instanceof ErlFloat ? t.value : undefined;
}

const isOne = (t: Term | undefined): boolean => t === 1 || t === 1n;

/**
 * A range's first, last and step; undefined (inspect raises) without both ends. A range without
 * :step was built before it existed (Elixir < 1.12): its step follows from the ends.
 */
function rangeBounds(
  map: ErlMap,
  compare: (a: Term, b: Term) => number,
): { first: Term; last: Term; step: Term } | undefined {
  const first = field(map, 'first');
  const last = field(map, 'last');
  if (first === undefined || last === undefined) return undefined;
  const step = field(map, 'step') ?? (compareEnds(first, last, compare) <= 0 ? 1 : -1);
  return { first, last, step };
}

function range(compare: (a: Term, b: Term) => number): Impl {
  return (map, ctx) => {
    const bounds = rangeBounds(map, compare);
    if (bounds === undefined) return RAISES;
    const { first, last, step } = bounds;
    const ends = [ctx.doc(first), '..', ctx.doc(last)];
    if (isOne(step) && compareEnds(last, first, compare) >= 0) return seq(...ends);
    return seq(...ends, '//', ctx.doc(step));
  };
}

function dateRange(compare: (a: Term, b: Term) => number): Impl {
  return (map, ctx) => {
    const bounds = rangeBounds(map, compare);
    if (bounds === undefined) return RAISES;
    const { first, last, step } = bounds;
    const ends = `Date.range(${ctx.text(first)}, ${ctx.text(last)}`;
    // `#{step}`: String.Chars; an integer in every Date.Range Elixir builds.
    return isOne(step) ? ends + ')' : `${ends}, ${stringChars(step, ctx)})`;
  };
}

/** `to_string/1` for what a Date.Range step can sensibly be; other terms shown as inspect would. */
function stringChars(t: Term, ctx: StructDocContext): string {
  if (typeof t === 'number' || typeof t === 'bigint') return t.toString();
  if (t instanceof Atom) return t.name === 'nil' ? '' : rawText(new TextEncoder().encode(t.name));
  if (t instanceof Uint8Array) return rawText(t);
  return ctx.text(t);
}

const mapSet: Impl = (map, ctx) => {
  const inner = field(map, 'map');
  if (!(inner instanceof ErlMap)) return RAISES; // MapSet.to_list/1 needs a map
  return ctx.asLists(() => seq('MapSet.new(', ctx.doc([...ctx.keys(inner)]), ')'));
};

// Inspect.Regex's escape map: only these have names; `\\` stays as it is.
const REGEX_NAMED: Record<number, string> = { 7: '\\a', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };

/** Inspect.Regex's normalize/2: `\/` loses its backslash (escape adds it back), `\\` is kept. */
function normalizeRegex(source: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < source.length; i++) {
    const b = source[i]!;
    if (b === 0x5c && (source[i + 1] === 0x5c || source[i + 1] === 0x2f)) {
      if (source[i + 1] === 0x5c) out.push(0x5c);
      out.push(source[++i]!);
    } else out.push(b);
  }
  return Uint8Array.from(out);
}

const regex: Impl = (map, ctx) => {
  const source = field(map, 'source');
  const opts = field(map, 'opts');
  if (opts !== undefined && (Array.isArray(opts) || opts instanceof ImproperList)) {
    // Inspect.BitString.inspect/2 is called directly: anything but a bitstring raises.
    if (!(source instanceof Uint8Array) && !(source instanceof BitBinary)) return RAISES;
    return seq('Regex.compile!(', ctx.doc(source), ', ', ctx.doc(opts), ')');
  }
  if (!(source instanceof Uint8Array) || !(opts instanceof Uint8Array)) return RAISES;
  const escaped = escapeBytes(normalizeRegex(source), { quote: 0x2f, interpolation: true, named: REGEX_NAMED });
  return `~r/${escaped}/${rawText(opts)}`;
};

const versionRequirement: Impl = (map) => {
  const source = field(map, 'source');
  return source instanceof Uint8Array ? `Version.parse_requirement!("${rawText(source)}")` : RAISES;
};

const stream: Impl = (map, ctx) => {
  const enumerable = field(map, 'enum');
  const funs = field(map, 'funs');
  if (enumerable === undefined || !Array.isArray(funs)) return RAISES; // :lists.reverse/1 needs a proper list
  const inner = [new Tuple([Atom.of('enum'), enumerable]), new Tuple([Atom.of('funs'), [...funs].reverse()])];
  return seq('#Stream<', ctx.doc(inner), '>');
};

/**
 * `@derive {Inspect, …}`: every field of the struct in definition order, a missing one as nil,
 * extra keys ignored, never raising. `optional` fields are left out while they equal their
 * default; `hash` structs are written `#Mod<…, ...>` (derived with `only:`).
 */
function derived(
  module: string,
  fields: readonly string[],
  options: { optional?: Readonly<Record<string, 'nil' | '[]'>>; hash?: boolean } = {},
): Impl {
  const name = inspectAtom(module);
  return (map, ctx) => {
    const items: Doc[] = [];
    for (const f of fields) {
      const value = field(map, f) ?? Atom.of('nil');
      const dflt = options.optional?.[f];
      if (dflt === 'nil' && value === Atom.of('nil')) continue;
      if (dflt === '[]' && Array.isArray(value) && value.length === 0) continue;
      items.push(seq(inspectAtomKey(f) + ' ', ctx.doc(value)));
    }
    if (options.hash) return box(`#${name}<`, [...items, '...'], '>');
    return box(`%${name}{`, items, '}');
  };
}

const MACRO_ENV_SHOWN = [
  'aliases',
  'context',
  'context_modules',
  'file',
  'function',
  'functions',
  'lexical_tracker',
  'line',
  'macro_aliases',
  'macros',
  'module',
  'requires',
];

/** The implementation for `module` (the atom's text), or undefined when it has none of its own. */
export function stdlibImpl(module: string, compare: (a: Term, b: Term) => number): Impl | undefined {
  switch (module) {
    case 'Elixir.Date':
      return date;
    case 'Elixir.Time':
      return time;
    case 'Elixir.NaiveDateTime':
      return naiveDateTime;
    case 'Elixir.DateTime':
      return dateTime;
    case 'Elixir.Range':
      return range(compare);
    case 'Elixir.Date.Range':
      return dateRange(compare);
    case 'Elixir.MapSet':
      return mapSet;
    case 'Elixir.Regex':
      return regex;
    case 'Elixir.Version':
      return VERSION;
    case 'Elixir.Version.Requirement':
      return versionRequirement;
    case 'Elixir.URI':
      return URI;
    case 'Elixir.Macro.Env':
      return MACRO_ENV;
    case 'Elixir.Stream':
      return stream;
    default:
      return undefined;
  }
}

const VERSION = derived('Elixir.Version', ['major', 'minor', 'patch', 'pre', 'build'], {
  optional: { pre: '[]', build: 'nil' },
});
const URI = derived('Elixir.URI', ['scheme', 'authority', 'userinfo', 'host', 'port', 'path', 'query', 'fragment'], {
  optional: { authority: 'nil' },
});
const MACRO_ENV = derived('Elixir.Macro.Env', MACRO_ENV_SHOWN, { hash: true });

const EXCEPTION = '__exception__';

/**
 * Standard-library structs printed by `Inspect.Any` (`%Mod{…}` in this field order when the keys
 * are exactly these). Exceptions carry `__exception__`, which must be present and is not printed.
 */
export const STDLIB_STRUCTS: StructRegistry = new Map<string, readonly string[]>(
  (
    [
      [
        'Config.Provider',
        'providers config_path extra_config prune_runtime_sys_config_after_boot reboot_system_after_config validate_compile_env',
      ],
      [
        'DynamicSupervisor',
        'args extra_arguments mod name strategy max_children max_restarts max_seconds children restarts',
      ],
      ['File.Stat', 'size type access atime mtime ctime mode links major_device minor_device inode uid gid'],
      ['File.Stream', 'path modes line_or_bytes raw'],
      ['GenEvent.Stream', 'manager timeout'],
      ['IO.Stream', 'device raw line_or_bytes'],
      [
        'Inspect.Opts',
        'base binaries char_lists charlists custom_options inspect_fun limit pretty printable_limit safe structs syntax_colors width',
      ],
      ['Task', 'mfa owner pid ref'],
      ['ArgumentError', '! message'],
      ['ArithmeticError', '! message'],
      ['BadArityError', '! function args'],
      ['BadBooleanError', '! term operator'],
      ['BadFunctionError', '! term'],
      ['BadMapError', '! term'],
      ['BadStructError', '! struct term'],
      ['CaseClauseError', '! term'],
      ['Code.LoadError', '! file message reason'],
      ['CompileError', '! file line description'],
      ['CondClauseError', '!'],
      ['Enum.EmptyError', '! message'],
      ['Enum.OutOfBoundsError', '! message'],
      ['ErlangError', '! original reason'],
      ['File.CopyError', '! reason source destination on action'],
      ['File.Error', '! reason path action'],
      ['File.LinkError', '! reason existing new action'],
      ['File.RenameError', '! reason source destination on action'],
      ['FunctionClauseError', '! module function arity kind args clauses'],
      ['IO.StreamError', '! reason message'],
      ['KeyError', '! key term message'],
      ['MatchError', '! term'],
      ['Module.Types.Error', '! message'],
      ['OptionParser.ParseError', '! message'],
      ['Protocol.UndefinedError', '! protocol value description'],
      ['Regex.CompileError', '! message'],
      ['RuntimeError', '! message'],
      ['SyntaxError', '! file line column snippet description'],
      ['System.EnvError', '! env'],
      ['SystemLimitError', '! message'],
      ['TokenMissingError', '! file line snippet column description'],
      ['TryClauseError', '! term'],
      ['URI.Error', '! action reason part'],
      ['UndefinedFunctionError', '! module function arity reason message'],
      ['UnicodeConversionError', '! encoded message'],
      ['Version.InvalidRequirementError', '! requirement'],
      ['Version.InvalidVersionError', '! version'],
      ['WithClauseError', '! term'],
    ] as const
  ).map(([module, fields]): [string, readonly string[]] => [
    `Elixir.${module}`,
    fields
      .split(' ')
      .filter((f) => f !== '')
      .map((f) => (f === '!' ? EXCEPTION : f)),
  ]),
);

/** Fields `Inspect.Any` does not print although the struct has them. */
export function isHiddenField(name: string): boolean {
  return name === EXCEPTION;
}

// Standard-library structs whose inspect is not `%Mod{…}` (derived URI and Version are).
const OWN_NOTATION = new Set([
  'Elixir.Date',
  'Elixir.Time',
  'Elixir.NaiveDateTime',
  'Elixir.DateTime',
  'Elixir.Range',
  'Elixir.Date.Range',
  'Elixir.Regex',
  'Elixir.Version.Requirement',
  'Elixir.Stream',
  'Elixir.Macro.Env',
]);

// Enough of a context to learn whether an implementation raises, without rendering anything.
const PROBE: StructDocContext = { doc: () => '', text: () => '', keys: (m) => m.keys, asLists: (fn) => fn() };

/**
 * How inspect writes this map, for a viewer that shows it as a tree: `struct` as `%Mod{…}` with
 * fields, `notation` in a notation of its own (`~U[…]`, `1..3`, `~r/…/`: one value, nothing to
 * open), `set` as `MapSet.new([…])` (its elements), undefined as a plain map (`%{…}`, also a
 * struct of a module that is not known or whose implementation would raise).
 */
export function structForm(map: ErlMap, registry: StructRegistry | undefined): StructForm | undefined {
  const module = map.structName();
  if (module === undefined) return undefined;
  const name = module.name;
  if (name === 'Elixir.MapSet') return field(map, 'map') instanceof ErlMap ? 'set' : undefined;
  if (name === 'Elixir.URI' || name === 'Elixir.Version') return 'struct';
  if (OWN_NOTATION.has(name)) return stdlibImpl(name, () => 0)!(map, PROBE) === RAISES ? undefined : 'notation';
  if (stdlibImpl(name, () => 0) !== undefined) return undefined;
  const known = registeredFields(map, module, registry) ?? registeredFields(map, module, STDLIB_STRUCTS);
  return known === undefined ? undefined : 'struct';
}

export type StructForm = 'struct' | 'notation' | 'set';

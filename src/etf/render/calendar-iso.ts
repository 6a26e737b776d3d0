/**
 * `Calendar.ISO`'s `*_to_string` functions of Elixir 1.14 (lib/elixir/lib/calendar/iso.ex), which
 * the `Inspect` implementations of Date, Time, NaiveDateTime and DateTime call. Each takes the
 * struct's field values as they came off the wire and returns the text, or undefined where
 * Elixir's guards or patterns would raise (a float hour, a leap second, precision 7, a zone that
 * is not a binary) — the caller then falls back as Elixir does.
 */

import { Atom, Tuple, type Term } from '../term.js';
import { rawText } from './strings.js';

export const CALENDAR_ISO = Atom.of('Elixir.Calendar.ISO');

type Int = number | bigint;

// Integers are JS numbers or bigints in a Term; floats are ErlFloat.
const isInt = (t: Term | undefined): t is Int => typeof t === 'number' || typeof t === 'bigint';
const inRange = (t: Term | undefined, lo: number, hi: number): t is Int => isInt(t) && t >= lo && t <= hi;

/** `zero_pad/2`: at least `count` digits, the sign before them. */
function zeroPad(value: Int, count: number): string {
  if (value < 0) return '-' + zeroPad(-value, count);
  const digits = value.toString();
  return '0'.repeat(Math.max(count - digits.length, 0)) + digits;
}

/** `date_to_string/3`: any integers (the year may be negative or beyond 9999). */
export function isoDate(year: Term | undefined, month: Term | undefined, day: Term | undefined): string | undefined {
  if (!isInt(year) || !isInt(month) || !isInt(day)) return undefined;
  return `${zeroPad(year, 4)}-${zeroPad(month, 2)}-${zeroPad(day, 2)}`;
}

/** `time_to_string/4`: hour 0..23, minute and second 0..59, `{µs 0..999_999, precision 0..6}`. */
export function isoTime(
  hour: Term | undefined,
  minute: Term | undefined,
  second: Term | undefined,
  microsecond: Term | undefined,
): string | undefined {
  if (!(microsecond instanceof Tuple) || microsecond.length !== 2) return undefined;
  const [value, precision] = microsecond.elements as [Term, Term];
  if (!inRange(hour, 0, 23) || !inRange(minute, 0, 59) || !inRange(second, 0, 59)) return undefined;
  if (!inRange(value, 0, 999_999) || !inRange(precision, 0, 6)) return undefined;
  const hms = `${zeroPad(hour, 2)}:${zeroPad(minute, 2)}:${zeroPad(second, 2)}`;
  return Number(precision) === 0 ? hms : hms + '.' + zeroPad(value, 6).slice(0, Number(precision));
}

export interface ZoneFields {
  readonly timeZone: Term | undefined;
  readonly zoneAbbr: Term | undefined;
  readonly utcOffset: Term | undefined;
  readonly stdOffset: Term | undefined;
}

const ETC_UTC = 'Etc/UTC';

function isEtcUtc(t: Term | undefined): boolean {
  return t instanceof Uint8Array && t.length === ETC_UTC.length && Buffer.from(t).toString('latin1') === ETC_UTC;
}

/** Whether DateTime's inspect writes `~U[…]`: offsets exactly 0 in the zone "Etc/UTC". */
export function isUtc(zone: ZoneFields): boolean {
  return zone.utcOffset === 0 && zone.stdOffset === 0 && isEtcUtc(zone.timeZone);
}

/**
 * `datetime_to_string/11`: date, time, the offset (`Z` for UTC, else `+01:00`), then for zones
 * other than Etc/UTC ` ABBR Zone/Name`. The zone texts are inserted as they are, as Elixir does,
 * except that control characters are escaped (they come off the wire).
 */
export function isoOffsetAndZone(zone: ZoneFields): string | undefined {
  const { timeZone, zoneAbbr, utcOffset, stdOffset } = zone;
  if (!(timeZone instanceof Uint8Array) || !(zoneAbbr instanceof Uint8Array)) return undefined;
  if (!isInt(utcOffset) || !isInt(stdOffset)) return undefined;
  let offset: string;
  if (isUtc(zone)) offset = 'Z';
  else {
    const total = BigInt(utcOffset) + BigInt(stdOffset);
    const seconds = total < 0n ? -total : total;
    const hours = seconds / 3600n;
    const minutes = (seconds % 3600n) / 60n;
    offset = `${total < 0n ? '-' : '+'}${zeroPad(hours, 2)}:${zeroPad(minutes, 2)}`;
  }
  return isEtcUtc(timeZone) ? offset : `${offset} ${rawText(zoneAbbr)} ${rawText(timeZone)}`;
}

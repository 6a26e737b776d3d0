/**
 * JSON text → Term, losslessly, as a Phoenix app's JSON decoder (Jason) would hand it to
 * `Endpoint.broadcast/3`: objects are maps with binary keys, strings UTF-8 binaries, arrays lists,
 * true/false/null the atoms true/false/nil — and numbers exactly as written:
 *
 *   - an integer (no fraction, no exponent) of any size stays that exact integer:
 *     12345678901234567890 is not rounded to the nearest double; `-0` is the integer 0;
 *   - a number with a fraction or an exponent is a float: `1.0` is 1.0 (not 1), `1e3` is 1000.0,
 *     `-0.0` is negative zero.
 *
 * JSON.parse cannot do this (every number becomes a double, so 1.0 and 1 are the same), hence
 * `lossless-json`, which hands over each number's source text. Duplicate keys: an object that
 * repeats a key with a different value is refused (lossless-json's rule) — JSON.parse would keep
 * the last silently, Jason too, and which one the user meant is a guess; a key repeated with the
 * same value is kept once.
 */
import { parse } from 'lossless-json';
import { atoms, ErlFloat, ErlMap, type Term } from '../term.js';

/** Deeper JSON is refused before parsing: lossless-json recurses, and real payloads are shallow. */
export const MAX_JSON_DEPTH = 1000;

/** JSON that has no term, with the byte offset (UTF-8) where the problem is when it has one. */
export class JsonTermError extends Error {
  override readonly name = 'JsonTermError';
}

/** A number's source text, kept as lossless-json read it. */
class NumberText {
  constructor(readonly text: string) {}
}

const INTEGER = /^-?(?:0|[1-9]\d*)$/;
const utf8 = new TextEncoder();
/** With the u flag a surrogate pair is one code point, so only unpaired halves match. */
const LONE_SURROGATE = /\p{Cs}/u;

export function parseJsonTerm(text: string): Term {
  checkDepth(text);
  let value: unknown;
  try {
    value = parse(text, null, (number) => new NumberText(number));
  } catch (error) {
    throw new JsonTermError(withByteOffsets(text, error instanceof Error ? error.message : String(error)));
  }
  return toTerm(value);
}

/** The term of one JSON number written as `text` (see the module comment). */
export function jsonNumberTerm(text: string): Term {
  if (INTEGER.test(text)) {
    const big = BigInt(text);
    const small = Number(big);
    return Number.isSafeInteger(small) ? small : big;
  }
  const value = Number(text);
  if (!Number.isFinite(value)) {
    throw new JsonTermError(`the number ${text} is beyond the range of a float (an Erlang float is a finite double)`);
  }
  return new ErlFloat(value);
}

/** Iterative: a wide or deep value does not use the call stack. */
function toTerm(root: unknown): Term {
  const out: Term[] = [[]];
  const jobs: Array<{ value: unknown; into: Term[]; at: number }> = [{ value: root, into: out, at: 0 }];
  while (jobs.length > 0) {
    const { value, into, at } = jobs.pop()!;
    into[at] = convert(value, jobs);
  }
  return out[0]!;
}

function convert(value: unknown, jobs: Array<{ value: unknown; into: Term[]; at: number }>): Term {
  if (value instanceof NumberText) return jsonNumberTerm(value.text);
  if (typeof value === 'string') return binary(value);
  if (value === true) return atoms.true;
  if (value === false) return atoms.false;
  if (value === null) return atoms.nil;
  if (Array.isArray(value)) {
    const list = new Array<Term>(value.length);
    value.forEach((item, i) => jobs.push({ value: item, into: list, at: i }));
    return list;
  }
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const names = Object.keys(record);
    const values = new Array<Term>(names.length);
    names.forEach((name, i) => jobs.push({ value: record[name], into: values, at: i }));
    return new ErlMap(
      names.map((name) => binary(name)),
      values,
    );
  }
  throw new JsonTermError(`unexpected ${typeof value} from the JSON parser`);
}

function binary(text: string): Uint8Array {
  // "\ud800" is valid JSON but no UTF-8: TextEncoder would silently turn it into U+FFFD.
  if (LONE_SURROGATE.test(text)) {
    throw new JsonTermError(
      `the string ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)} holds a lone UTF-16 ` +
        'surrogate (\\ud800–\\udfff without its pair): it has no UTF-8 encoding, so no Elixir string',
    );
  }
  return utf8.encode(text);
}

/** Refuses nesting deeper than MAX_JSON_DEPTH, naming the byte where it goes too deep. */
function checkDepth(text: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) {
        throw new JsonTermError(
          `nested more than ${MAX_JSON_DEPTH} arrays/objects deep at byte ${byteOffset(text, i)}`,
        );
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}

/** lossless-json counts UTF-16 code units ("at position 7"); say the UTF-8 byte instead. */
function withByteOffsets(text: string, message: string): string {
  return message.replace(/at position (\d+)/g, (_, n: string) => `at byte ${byteOffset(text, Number(n))}`);
}

function byteOffset(text: string, index: number): number {
  return utf8.encode(text.slice(0, index)).length;
}

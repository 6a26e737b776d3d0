/**
 * The fast path keeps the keys of the last map of each size and reuses them (unchecked) while a
 * map repeats them in order. Whatever the mix of maps, the result must be the precise reader's
 * (which keeps nothing), repeated keys must still be refused, and no kept key may hold an input.
 */
import { describe, expect, it } from 'vitest';
import { decode, decodeDetailed } from '../../src/etf/decode.js';
import { encode } from '../../src/etf/encode.js';
import { DecodeError } from '../../src/etf/errors.js';
import { Atom, ErlMap, termEquals, type Term } from '../../src/etf/term.js';

const bin = (s: string): Buffer => Buffer.from(s);
const map = (keys: Term[], values?: Term[]): ErlMap => new ErlMap(keys, values ?? keys.map((_, i) => i));
const a = Atom.of('a');
const b = Atom.of('b');

/** Decoded by the fast path (no spans) and by the precise reader (spans): both, and equal. */
function both(bytes: Uint8Array): Term {
  const fast = decode(bytes);
  expect(termEquals(fast, decodeDetailed(bytes, { spans: true }).term)).toBe(true);
  return fast;
}

function refused(bytes: Uint8Array): string {
  try {
    decode(bytes);
  } catch (e) {
    if (e instanceof DecodeError) return e.message;
    throw e;
  }
  throw new Error('decoded without error');
}

describe('map keys kept between maps', () => {
  it('decode maps that repeat, reorder or partly repeat the last keys exactly as the precise reader', () => {
    const maps: ErlMap[] = [
      map([bin('id'), bin('body'), a]),
      map([bin('id'), bin('body'), a], [1, bin('x'), []]),
      map([bin('id'), bin('body'), b]), // the last key differs
      map([bin('body'), bin('id'), b]), // another order
      map([bin('id'), bin('bodz'), b]), // a binary key differs in its last byte
      map([bin('id'), 7, b]), // an integer where a binary was
      map([1, 2, 3]),
      map([1, 2, 3]),
      map([bin('id'), bin('body'), map([a])]), // a container key: nothing kept
      map([bin('id'), bin('body'), map([a])]),
      map([]),
      map([]),
    ];
    const term = both(encode(maps)) as ErlMap[];
    expect(term).toHaveLength(maps.length);
    term.forEach((m, i) => expect(termEquals(m, maps[i]!), `map ${i}`).toBe(true));
  });

  it('still refuse a map whose keys repeat after following the kept keys part of the way', () => {
    // [a, b, c] is kept; then [a, b, a] follows it for two keys.
    const kept = map([bin('x'), bin('y'), bin('z')]);
    for (const twice of [map([bin('x'), bin('y'), bin('z')]), map([bin('x'), bin('y'), a]), map([a, b, a])]) {
      const keys = [...twice.keys];
      keys[2] = keys[0]!;
      const bytes = Buffer.from(encode([kept, kept, new ErlMap(keys, [1, 2, 3])]));
      expect(refused(bytes)).toMatch(/MAP_EXT has the key .* twice/);
    }
    // More than 8 keys: checked at the end.
    const many = Array.from({ length: 12 }, (_, i) => bin(`k${i}`));
    const repeated = [...many];
    repeated[11] = bin('k3');
    expect(refused(Buffer.from(encode([map(many), map(many), map(repeated)])))).toMatch(/"k3" twice/);
  });

  it('share one key array between maps of the same keys, made of copies (no input kept alive)', () => {
    const keys = [bin('id'), bin('user'), Atom.of('online')];
    // After maps of other keys in a row, one map in 16 is kept: 20 make sure these are.
    const first = Buffer.from(encode(Array.from({ length: 20 }, () => map(keys))));
    const second = Buffer.from(encode([map(keys), map(keys)]));
    both(first);
    const [m1, m2] = decode(second) as ErlMap[];
    expect(m1!.keys).toBe(m2!.keys);
    for (const k of m1!.keys) if (k instanceof Uint8Array) expect(k.buffer).not.toBe(second.buffer);
    const text = (k: Term): string => (k instanceof Uint8Array ? Buffer.from(k).toString() : String(k));
    expect(m1!.keys.map(text)).toEqual(['id', 'user', 'online']);
  });
});

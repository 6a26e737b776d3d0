/**
 * Repeated map keys when the keys are containers: decided exactly as binary_to_term decides
 * (checked against erl on random keys and their near twins), and in time linear in the input
 * however the keys nest.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode } from '../../src/etf/decode.js';
import { encode } from '../../src/etf/encode.js';
import { DecodeError } from '../../src/etf/errors.js';
import { duplicateKeyIndex } from '../../src/etf/map-keys.js';
import { Atom, ErlFloat, ErlMap, ImproperList, Tuple, type Term } from '../../src/etf/term.js';
import { termArbitrary } from '../etf/render-term-arbitrary.js';
import { erlAccepts } from '../helpers/erl.js';
import { runs } from '../support/runs.js';

function accepted(bytes: Uint8Array): boolean {
  try {
    decode(bytes, { maxDepth: Infinity });
    return true;
  } catch (e) {
    if (e instanceof DecodeError) return false;
    throw e;
  }
}

/** The same term with every map's pairs in reverse order and every 0.0 as -0.0: the same key to Erlang. */
function twin(t: Term): Term {
  if (Array.isArray(t)) return t.map(twin);
  if (t instanceof ImproperList) return new ImproperList(t.elements.map(twin), twin(t.tail));
  if (t instanceof Tuple) return new Tuple(t.elements.map(twin));
  if (t instanceof ErlMap) return new ErlMap(t.keys.map(twin).reverse(), t.values.map(twin).reverse());
  if (t instanceof ErlFloat && t.value === 0) return new ErlFloat(Object.is(t.value, 0) ? -0 : 0);
  return t;
}

/** The same term with its first integer (or float) leaf changed: a different key. */
function nearTwin(t: Term): Term | undefined {
  let changed = false;
  const walk = (x: Term): Term => {
    if (changed) return x;
    if (typeof x === 'number') {
      changed = true;
      return x + 1;
    }
    if (x instanceof ErlFloat) {
      changed = true;
      return new ErlFloat(x.value + 1);
    }
    if (Array.isArray(x)) return x.map(walk);
    if (x instanceof ImproperList) return new ImproperList(x.elements.map(walk), walk(x.tail));
    if (x instanceof Tuple) return new Tuple(x.elements.map(walk));
    if (x instanceof ErlMap) return new ErlMap(x.keys, x.values.map(walk)); // keys kept: they must stay distinct
    return x;
  };
  const out = walk(t);
  return changed ? out : undefined;
}

/** A map whose keys are `keys` (values 1, 2, …), padded to `size` pairs with integer keys. */
function mapWith(keys: Term[], size: number): Buffer {
  const pairs: Array<[Term, Term]> = keys.map((k, i) => [k, i + 1]);
  for (let i = pairs.length; i < size; i++) pairs.push([1_000_000 + i, 0]);
  return Buffer.from(encode(ErlMap.fromPairs(pairs)));
}

describe('container keys', () => {
  it('are the same key, or not, exactly when binary_to_term says so (random keys, erl as oracle)', async () => {
    const containers = termArbitrary().filter(
      (t) => t instanceof ErlMap || t instanceof Tuple || Array.isArray(t) || t instanceof ImproperList,
    );
    // 100 of the 300 seeded keys in the suite (all in npm run test:full).
    const sampled = runs(300, 100);
    const keys = fc.sample(containers, { seed: 4242, numRuns: sampled }).filter((k) => accepted(encode(k)));
    const inputs: Buffer[] = [];
    for (const k of keys) {
      for (const size of [2, 12]) {
        // Small maps (≤ 8 pairs) and large ones take different paths.
        inputs.push(mapWith([k, twin(k)], size));
        const other = nearTwin(k);
        if (other !== undefined) inputs.push(mapWith([k, other], size));
        inputs.push(mapWith([new Tuple([k]), new Tuple([twin(k)])], size));
      }
    }
    const ours = inputs.map(accepted);
    const theirs = await erlAccepts(inputs);
    const disagreements = inputs.flatMap((b, i) =>
      ours[i] === theirs[i] ? [] : [`${b.toString('hex')}: ours ${ours[i]}, erl ${theirs[i]}`],
    );
    expect(disagreements).toEqual([]);
    // Both answers occur in numbers (more than 100 and 300 of 300 keys' maps): the corpus tests something.
    expect(ours.filter((a) => a).length).toBeGreaterThan((100 * sampled) / 300);
    expect(ours.filter((a) => !a).length).toBeGreaterThan((300 * sampled) / 300);
  });

  it('nested 9 999 deep, each map keyed by the next one, decode in linear time (took minutes before)', () => {
    // Each level's key check walked (and wrote out as text) everything below it: 40 KB took 118 s.
    const depth = 9_999;
    const head = [116, 0, 0, 0, 2]; // %{<next map> => 1, [] => 2}
    const tail = [97, 1, 106, 97, 2];
    const bytes = Buffer.from([
      131,
      ...Array.from({ length: depth }, () => head).flat(),
      97,
      0,
      ...Array.from({ length: depth }, () => tail).flat(),
    ]);
    let term = decode(bytes);
    for (let i = 0; i < depth; i++) term = (term as ErlMap).keys[0]!;
    expect(term).toBe(0);
    // The same chain as both keys of one map: a true repeat, found without a quadratic comparison.
    const twice = Buffer.concat([
      Buffer.from([131, 116, 0, 0, 0, 2]),
      bytes.subarray(1),
      Buffer.from([97, 1]),
      bytes.subarray(1),
      Buffer.from([97, 2]),
    ]);
    expect(() => decode(twice, { maxDepth: Infinity })).toThrow(/MAP_EXT has the key %\{…2\} twice/);
  });
});

describe('maps of more than 8 keys (hashed ids)', () => {
  const node = Atom.of('web1@10.0.0.5');
  const dot = (clock: number | bigint, i: number): Tuple => new Tuple([new Tuple([node, clock]), i]);
  const distinct = (n: number): Term[] => Array.from({ length: n }, (_, i) => dot(1796405007982337, i));

  it('find a repeated tuple, binary or integer key wherever it is, and only then', () => {
    for (const n of [9, 40]) {
      expect(duplicateKeyIndex(distinct(n))).toBe(-1);
      for (const at of [1, n - 1]) {
        // Equal but separate objects: ids must be equal for equal keys, not for identical ones.
        const tuples = distinct(n);
        tuples[at] = dot(1796405007982337, 0);
        expect(duplicateKeyIndex(tuples)).toBe(at);
        const binaries: Term[] = Array.from({ length: n }, (_, i) => Buffer.from(`key ${i}`));
        binaries[at] = Buffer.from('key 0');
        expect(duplicateKeyIndex(binaries)).toBe(at);
        const mixed: Term[] = [...distinct(n - 2), 7, Buffer.from([7])];
        expect(duplicateKeyIndex(mixed)).toBe(-1);
        mixed[at] = 7;
        expect(duplicateKeyIndex(mixed)).toBe(at === n - 1 ? at : n - 2);
      }
    }
    // 200 000 distinct keys: about 18 pairs share a 30-bit id, and only an exact check tells
    // them apart (an id taken for the key would refuse this map).
    const lots: Term[] = Array.from({ length: 200_000 }, (_, i) => Buffer.from(`user:${i}`));
    expect(duplicateKeyIndex(lots)).toBe(-1);
    const tuples: Term[] = Array.from({ length: 200_000 }, (_, i) => dot(i * 7, i));
    expect(duplicateKeyIndex(tuples)).toBe(-1);
    lots.push(Buffer.from('user:123456'));
    expect(duplicateKeyIndex(lots)).toBe(200_000);
    // A bigint clock, a different node: different keys; the same bigint in a new object: the same.
    const keys: Term[] = [...distinct(9), dot(2n ** 64n, 0), new Tuple([new Tuple([Atom.of('web2@h'), 1]), 0])];
    expect(duplicateKeyIndex(keys)).toBe(-1);
    keys.push(dot(BigInt('18446744073709551616'), 0));
    expect(duplicateKeyIndex(keys)).toBe(11);
  });

  it('check each map on its own: the keys of the map checked before are not remembered', () => {
    const first = distinct(40);
    expect(duplicateKeyIndex(first)).toBe(-1);
    // The same keys again (as a new map), then fewer and more of them: never a repeat.
    expect(duplicateKeyIndex(distinct(40))).toBe(-1);
    expect(duplicateKeyIndex(distinct(9))).toBe(-1);
    expect(duplicateKeyIndex(distinct(3000))).toBe(-1);
    expect(duplicateKeyIndex([...distinct(20), Atom.of('a'), Atom.of('b'), 2n ** 70n])).toBe(-1);
    expect(duplicateKeyIndex([...distinct(20), Atom.of('a'), 2n ** 70n, Atom.of('a')])).toBe(22);
  });
});

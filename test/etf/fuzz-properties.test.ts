/**
 * Seeded property tests of the codec on random terms of every kind (pids, ports, references,
 * funs, bitstrings, improper lists, big integers, floats with -0.0 — `termArbitrary({opaque})`):
 * encode → decode is the identity, with every minor version and compression level, and every
 * byte span decodeDetailed reports decodes on its own to its node.
 *
 * renderElixir → parseElixir is the identity for terms without pids/ports/references/funs: that
 * property lives in parse-elixir.test.ts (pretty, one line, inspect; 1500 runs each).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, decodeDetailed } from '../../src/etf/decode.js';
import { encode, type EncodeOptions } from '../../src/etf/encode.js';
import { inspect } from '../../src/etf/render/inspect.js';
import {
  ErlFloat,
  ErlMap,
  Fun,
  ImproperList,
  Tuple,
  termEquals,
  type Term,
  type TermSpan,
} from '../../src/etf/term.js';
import { termArbitrary } from './render-term-arbitrary.js';
import { runs } from '../support/runs.js';

/**
 * The term as it comes back: `[1 | [2, 3]]`, which the arbitrary builds as an ImproperList with
 * a list tail, is the list [1, 2, 3] on the wire (cons cells), so it decodes as one.
 */
function wireForm(term: Term): Term {
  if (Array.isArray(term)) return term.map(wireForm);
  if (term instanceof ImproperList) {
    const elements = term.elements.map(wireForm);
    const tail = wireForm(term.tail);
    if (Array.isArray(tail)) return [...elements, ...tail];
    if (tail instanceof ImproperList) return new ImproperList([...elements, ...tail.elements], tail.tail);
    return new ImproperList(elements, tail);
  }
  if (term instanceof Tuple) return new Tuple(term.elements.map(wireForm));
  if (term instanceof ErlMap) return new ErlMap(term.keys.map(wireForm), term.values.map(wireForm));
  if (term instanceof Fun) {
    return new Fun(
      term.arity,
      term.uniq,
      term.index,
      term.module,
      term.oldIndex,
      term.oldUniq,
      term.pid,
      term.freeVars.map(wireForm),
    );
  }
  return term;
}

/** Whether some map holds two keys that are the same term on the wire (the decoder refuses those). */
function repeatsAKey(term: Term): boolean {
  if (Array.isArray(term)) return term.some(repeatsAKey);
  if (term instanceof ImproperList) return term.elements.some(repeatsAKey) || repeatsAKey(term.tail);
  if (term instanceof Tuple) return term.elements.some(repeatsAKey);
  if (term instanceof Fun) return term.freeVars.some(repeatsAKey);
  if (term instanceof ErlMap) {
    const keys = term.keys;
    for (let i = 0; i < keys.length; i++) for (let j = 0; j < i; j++) if (termEquals(keys[i]!, keys[j]!)) return true;
    return keys.some(repeatsAKey) || term.values.some(repeatsAKey);
  }
  return false;
}

/** Random terms of every kind, in the form they take on the wire, with no repeated map key. */
const terms = termArbitrary({ opaque: true })
  .map(wireForm)
  .filter((t) => !repeatsAKey(t));

/** -0.0 somewhere in the term (termEquals compares floats with Object.is, so its sign counts). */
function hasNegativeZero(term: Term): boolean {
  if (term instanceof ErlFloat) return Object.is(term.value, -0);
  if (Array.isArray(term)) return term.some(hasNegativeZero);
  if (term instanceof ImproperList) return term.elements.some(hasNegativeZero) || hasNegativeZero(term.tail);
  if (term instanceof Tuple) return term.elements.some(hasNegativeZero);
  if (term instanceof ErlMap) return term.keys.some(hasNegativeZero) || term.values.some(hasNegativeZero);
  if (term instanceof Fun) return term.freeVars.some(hasNegativeZero);
  return false;
}

function roundTrips(options: EncodeOptions | undefined): fc.IPropertyWithHooks<[Term]> {
  return fc.property(terms, (term) => {
    const bytes = encode(term, options);
    const back = decode(bytes);
    if (!termEquals(back, term))
      throw new Error(`${inspect(term)}\ncame back as\n${inspect(back)}\nfrom ${Buffer.from(bytes).toString('hex')}`);
  });
}

describe('encode → decode is the identity on random terms (seeded)', () => {
  it('with the defaults', () => {
    fc.assert(roundTrips(undefined), { seed: 7001, numRuns: runs(2000) });
  });

  for (const minorVersion of [0, 1] as const) {
    it(`with minorVersion ${minorVersion}`, () => {
      fc.assert(roundTrips({ minorVersion }), { seed: 7010 + minorVersion, numRuns: runs(1000) });
    });
  }

  for (const compressed of [true, 1, 9] as const) {
    it(`compressed: ${String(compressed)}`, () => {
      fc.assert(roundTrips({ compressed }), { seed: 7020 + Number(compressed), numRuns: runs(1000) });
    });
  }

  it('keeps the sign of -0.0, and the generator really makes such terms', () => {
    let withNegativeZero = 0;
    fc.assert(
      fc.property(
        terms,
        fc.constantFrom<EncodeOptions>({}, { minorVersion: 0 }, { compressed: 9 }),
        (term, options) => {
          if (!hasNegativeZero(term)) return;
          withNegativeZero++;
          expect(hasNegativeZero(decode(encode(term, options)))).toBe(true);
        },
      ),
      { seed: 7030, numRuns: 3000 }, // the full count: the check below needs it
    );
    expect(withNegativeZero).toBeGreaterThan(20);
    expect(Object.is((decode(encode(new ErlFloat(-0), { minorVersion: 0 })) as ErlFloat).value, -0)).toBe(true);
  });
});

/** The terms a span's children stand for, in the order decodeDetailed gives them. */
function childTerms(term: Term): Term[] {
  if (Array.isArray(term)) return term;
  if (term instanceof ImproperList) return [...term.elements, term.tail];
  if (term instanceof Tuple) return term.elements;
  if (term instanceof ErlMap) return term.keys.flatMap((k, i) => [k, term.values[i]!]);
  if (term instanceof Fun) return term.freeVars;
  return [];
}

/** The first node whose span does not decode on its own to that node, or undefined. */
function spanProblem(term: Term, span: TermSpan, source: Uint8Array): string | undefined {
  const work: Array<[Term, TermSpan]> = [[term, span]];
  while (work.length > 0) {
    const [t, s] = work.pop()!;
    const bytes = source.subarray(s.start, s.end);
    if (bytes.length === 1 && typeof t === 'number') {
      // An element of a STRING_EXT: its span is the character byte itself.
      if (bytes[0] !== t) return `string byte at ${s.start} is ${bytes[0]}, the element ${t}`;
      continue;
    }
    const alone = decode(Buffer.concat([Buffer.from([131]), bytes]), { maxDepth: Infinity });
    if (!termEquals(alone, t))
      return `bytes ${s.start}..${s.end} decode to ${inspect(alone)}, the node is ${inspect(t)}`;
    const children = childTerms(t);
    const spans = s.children ?? [];
    if (spans.length !== children.length)
      return `${spans.length} child spans for ${children.length} children at ${s.start}`;
    children.forEach((c, i) => work.push([c, spans[i]!]));
  }
  return undefined;
}

describe('decodeDetailed spans (seeded)', () => {
  it('every span of a random term decodes on its own to its node, plain and compressed', () => {
    fc.assert(
      fc.property(
        terms,
        fc.constantFrom<EncodeOptions>({}, { compressed: 6 }, { minorVersion: 0 }),
        (term, options) => {
          const bytes = encode(term, options);
          const { term: decoded, spans, inflated } = decodeDetailed(bytes, { spans: true });
          const source = inflated ?? bytes;
          expect(spans!.start).toBe(inflated ? 0 : 1);
          expect(spans!.end).toBe(source.length);
          const problem = spanProblem(decoded, spans!, source);
          if (problem !== undefined) throw new Error(`${problem}\nin ${Buffer.from(bytes).toString('hex')}`);
        },
      ),
      { seed: 7040, numRuns: runs(1500) },
    );
  });
});

/**
 * Differential decoding against real Erlang: random terms (every kind term_to_binary writes) are
 * built and encoded by erl with each option set; we decode every encoding and compare, value by
 * value, with Erlang's own description of the term (see helpers/erl-describe.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { decode, decodeDetailed } from '../../src/etf/decode.js';
import { encode } from '../../src/etf/encode.js';
import { MAX_SHARED_LENGTH, SHARE_FROM_INPUT_LENGTH } from '../../src/etf/binary-cache.js';
import { ErlMap, Fun, ImproperList, Tuple, termEquals, type Term, type TermSpan } from '../../src/etf/term.js';
import { erlEval } from '../helpers/erl.js';
import { describeTerm } from '../helpers/erl-describe.js';
import { ErlTermGen, Rng } from '../helpers/erl-term-gen.js';
import { runs } from '../support/runs.js';

const OPTION_SETS = [
  '[]',
  '[compressed]',
  '[{compressed, 1}]',
  '[{compressed, 9}]',
  '[{minor_version, 0}]',
  '[{minor_version, 1}]',
  '[{minor_version, 2}]',
  '[deterministic]',
];
const TERMS = runs(300);

interface Case {
  source: string;
  description: string;
  encodings: Buffer[];
}

let cases: Case[] = [];

beforeAll(async () => {
  const gen = new ErlTermGen(new Rng(0xdec0de));
  const sources = Array.from({ length: TERMS }, () => gen.term());
  const results = await erlEval(
    sources.map(
      (s) =>
        `begin T__ = begin ${s} end, [Describe(T__) | [term_to_binary(T__, O__) || O__ <- [${OPTION_SETS.join(', ')}]]] end`,
    ),
  );
  cases = results.map((r, i) => {
    if (!r.ok) throw new Error(`erl could not build ${sources[i]}: ${r.error}`);
    return { source: sources[i]!, description: r.values[0]!.toString('latin1'), encodings: r.values.slice(1) };
  });
}, 300_000);

describe('decoding what term_to_binary writes', () => {
  it('covers every tag term_to_binary writes', () => {
    const tags = new Set<number>();
    for (const c of cases) {
      for (const bytes of c.encodings) {
        const { spans, inflated } = decodeDetailed(bytes, { spans: true, maxDepth: Infinity });
        const source = inflated ?? bytes;
        const work = [spans!];
        while (work.length > 0) {
          const span = work.pop()!;
          const tag = source[span.start]!;
          tags.add(tag);
          if (tag !== 107) work.push(...(span.children ?? [])); // STRING_EXT children are raw bytes
        }
      }
    }
    const written = [
      70, 77, 88, 89, 90, 97, 98, 99, 100, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 116, 118, 119, 120,
    ];
    expect([...tags].sort((a, b) => a - b)).toEqual(written);
  });

  for (const [j, options] of OPTION_SETS.entries()) {
    it(`decodes every term encoded with ${options} to exactly Erlang's value`, () => {
      const wrong: string[] = [];
      for (const c of cases) {
        const bytes = c.encodings[j]!;
        const result = decodeDetailed(bytes, { maxDepth: Infinity });
        expect(result.compressed).toBe(bytes[1] === 80);
        expect(result.trailing).toBe(0);
        if (describeTerm(result.term) !== c.description) wrong.push(c.source);
      }
      expect(wrong).toEqual([]);
    });
  }

  it('reads the same values on the precise path (taken for spans and for anything unusual)', () => {
    // decode() tries a recursive fast path first; spans always take the iterative reader.
    const wrong: string[] = [];
    for (const c of cases) {
      for (const bytes of [c.encodings[0]!, c.encodings[6]!]) {
        const { term } = decodeDetailed(bytes, { spans: true, maxDepth: Infinity });
        if (describeTerm(term) !== c.description) wrong.push(c.source);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('gives equal terms for every encoding of one value', () => {
    for (const c of cases) {
      const terms: Term[] = c.encodings.map((b) => decode(b));
      for (const t of terms.slice(1)) expect(termEquals(t, terms[0]!)).toBe(true);
    }
  });

  it('gives spans that cover each node exactly', () => {
    for (const c of cases.slice(0, 100)) {
      for (const bytes of [c.encodings[0]!, c.encodings[1]!]) {
        const { term, spans, inflated } = decodeDetailed(bytes, { spans: true, maxDepth: Infinity });
        const source = inflated ?? bytes;
        expect(spans!.start).toBe(inflated ? 0 : 1);
        expect(spans!.end).toBe(source.length);
        expect(spanProblem(term, spans!, source)).toBeUndefined();
      }
    }
  });

  it('returns binaries as views of the input, short repeated ones as one shared copy', () => {
    // A bare binary, not short (written here: the suite's random cases need not hold one).
    const bytes = Buffer.from(encode(Buffer.alloc(MAX_SHARED_LENGTH + 20, 7)));
    expect([bytes[1], bytes.length - 6]).toEqual([109, MAX_SHARED_LENGTH + 20]);
    const term = decode(bytes) as Uint8Array;
    expect(term.buffer).toBe(bytes.buffer);
    expect(term.byteOffset).toBe(bytes.byteOffset + 6);
    // In a large input, a short binary is a view when first seen, then one copy of its own, in
    // both readers, which no later input (nor a caller writing into it) makes stand for other
    // bytes. In a small one, every binary is a view.
    for (const spans of [false, true]) {
      const key = Buffer.from(`a repeated key ${String(spans)} ${String(Math.random())}`);
      const list = (pad: number): Buffer => Buffer.from(encode([Buffer.alloc(pad, 1), key, key, key]));
      const small = decodeDetailed(list(10), { spans }).term as Uint8Array[];
      expect(new Set(small.slice(1)).size).toBe(3);
      const input = list(SHARE_FROM_INPUT_LENGTH);
      const [, first, second, third] = decodeDetailed(input, { spans }).term as Uint8Array[];
      expect(first!.buffer).toBe(input.buffer);
      expect(second!.buffer).not.toBe(input.buffer);
      expect(third).toBe(second);
      expect(Buffer.from(second!).equals(key)).toBe(true);
      second![0] = 0;
      const again = (decode(list(SHARE_FROM_INPUT_LENGTH)) as Uint8Array[]).slice(1);
      expect(again.every((b) => Buffer.from(b).equals(key))).toBe(true);
    }
  });
});

/**
 * Every node's span decodes on its own to that node, and children follow the term's structure.
 * Returns the first problem found (plain checks: this visits hundreds of thousands of nodes).
 */
function spanProblem(term: Term, span: TermSpan, source: Uint8Array, isChar = false): string | undefined {
  if (isChar) {
    return span.end - span.start === 1 && source[span.start] === term ? undefined : `char at ${span.start}`;
  }
  const alone = decode(Buffer.concat([Buffer.from([131]), source.subarray(span.start, span.end)]), {
    maxDepth: Infinity,
  });
  if (!termEquals(alone, term)) return `bytes ${span.start}..${span.end} are not their node`;
  let children: Term[] = [];
  if (Array.isArray(term)) children = term;
  else if (term instanceof ImproperList) children = [...term.elements, term.tail];
  else if (term instanceof Tuple) children = term.elements;
  else if (term instanceof ErlMap) children = term.keys.flatMap((k, i) => [k, term.values[i]!]);
  else if (term instanceof Fun) children = term.freeVars;
  if ((span.children?.length ?? 0) !== children.length) return `node at ${span.start}: wrong child count`;
  let at = span.start;
  for (let i = 0; i < children.length; i++) {
    const s = span.children![i]!;
    if (s.start < at || s.end > span.end) return `child ${i} of ${span.start} out of order`;
    at = s.end;
    const problem = spanProblem(children[i]!, s, source, source[span.start] === 107);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

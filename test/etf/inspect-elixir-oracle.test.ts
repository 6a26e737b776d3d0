/**
 * `inspect` against real Elixir 1.14: the same bytes given to `elixir`, which prints
 * `inspect(:erlang.binary_to_term(bytes), limit: :infinity, printable_limit: :infinity)`.
 *
 * Three corpora, one `elixir` process each: random terms written by real Erlang (erl-term-gen),
 * the standard-library structs with random and broken field values (encoded by our encoder, pairs
 * in a shuffled order that binary_to_term sorts again), and every captured real-node payload.
 * `elixir -e` has no Phoenix loaded, so here Phoenix's structs print as plain maps and we render
 * without the Phoenix registry; inspect-fixtures.test.ts checks them against what the Phoenix
 * nodes themselves printed.
 *
 * What cannot be equal, and how it is compared:
 *  - pids, ports, references: Elixir prints a node index local to its VM, we print the node name;
 *    both sides have that one field replaced by `N`.
 *  - local funs: Elixir names the function that made the fun (`in :erl_eval.expr/6`), which only
 *    the module's loaded code knows; we print the module. The part after ` in ` is dropped.
 *  - a struct whose implementation raises: Elixir prints `#Inspect.Error<…>` with a stack trace
 *    of the VM that inspects; we print the struct as the plain map that error shows, and compare
 *    with Elixir's own rendering of that fallback.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decode } from '../../src/etf/decode.js';
import { encode } from '../../src/etf/encode.js';
import { inspect } from '../../src/etf/render/inspect.js';
import { nodeNameText } from '../../src/etf/render/strings.js';
import { Atom, ErlMap, ExportFun, Fun, ImproperList, Pid, Port, Ref, Tuple, type Term } from '../../src/etf/term.js';
import { elixirInspect, normaliseNodes, type ElixirInspect } from '../helpers/elixir.js';
import { erlEncode } from '../helpers/erl.js';
import { ErlTermGen, Rng } from '../helpers/erl-term-gen.js';
import { stdlibStructCases } from './stdlib-struct-cases.js';

const RANDOM_TERMS = 400;

interface Compared {
  name: string;
  ours: string;
  theirs: ElixirInspect;
}

/** Node names as our renderer writes them, for every pid, port and reference in `term`. */
function nodeNames(term: Term): string[] {
  const names = new Set<string>();
  const work: Term[] = [term];
  while (work.length > 0) {
    const t = work.pop()!;
    if (t instanceof Pid || t instanceof Port || t instanceof Ref) names.add(nodeNameText(t.node.name));
    else if (Array.isArray(t)) work.push(...t);
    else if (t instanceof Tuple) work.push(...t.elements);
    else if (t instanceof ImproperList) work.push(...t.elements, t.tail);
    else if (t instanceof ErlMap) work.push(...t.keys, ...t.values);
    else if (t instanceof Fun) work.push(...t.freeVars, t.pid);
  }
  return [...names];
}

const dropFunNames = (text: string): string => text.replace(/(#Function<[^>]*?) in [^>]*>/g, '$1>');

type Verdict = 'equal' | 'equal-fallback' | 'hashmap-order' | 'different';

/**
 * Whether `term` holds a map of more than 32 keys (a hash trie) with a key whose hash is local to
 * a VM: OTP hashes atoms by their index in the VM's atom table (and pids, ports, references,
 * funs by node-local data), so the same bytes iterate in another order on another node.
 */
function hasVmLocalHashmap(term: Term): boolean {
  const work: Term[] = [term];
  while (work.length > 0) {
    const t = work.pop()!;
    if (t instanceof ErlMap) {
      if (t.size > 32 && t.keys.some(hasVmLocalHash)) return true;
      work.push(...t.keys, ...t.values);
    } else if (Array.isArray(t)) work.push(...t);
    else if (t instanceof Tuple) work.push(...t.elements);
    else if (t instanceof ImproperList) work.push(...t.elements, t.tail);
    else if (t instanceof Fun) work.push(...t.freeVars);
  }
  return false;
}

function hasVmLocalHash(key: Term): boolean {
  const work: Term[] = [key];
  while (work.length > 0) {
    const t = work.pop()!;
    if (t instanceof Atom || t instanceof Pid || t instanceof Port || t instanceof Ref) return true;
    if (t instanceof Fun || t instanceof ExportFun) return true;
    if (Array.isArray(t)) work.push(...t);
    else if (t instanceof Tuple) work.push(...t.elements);
    else if (t instanceof ImproperList) work.push(...t.elements, t.tail);
    else if (t instanceof ErlMap) work.push(...t.keys, ...t.values);
  }
  return false;
}

const sortedChars = (t: string): string => [...t].sort().join('');

function verdict(c: Compared, term: Term): Verdict {
  const ours = dropFunNames(normaliseNodes(c.ours, { names: nodeNames(term) }));
  const norm = (t: string): string => dropFunNames(normaliseNodes(t, 'elixir'));
  if (ours === norm(c.theirs.inspect!)) return 'equal';
  if (c.theirs.fallback !== undefined && ours === norm(c.theirs.fallback)) return 'equal-fallback';
  // The same text in another order, where the order is the receiving VM's own.
  if (hasVmLocalHashmap(term) && sortedChars(ours) === sortedChars(norm(c.theirs.inspect!))) return 'hashmap-order';
  return 'different';
}

interface Named {
  name: string;
  bytes: Uint8Array;
}

type Outcome = { counts: Record<Verdict, number>; different: Compared[] };

function judge(named: readonly Named[], theirs: readonly ElixirInspect[]): Outcome {
  const counts: Record<Verdict, number> = { equal: 0, 'equal-fallback': 0, 'hashmap-order': 0, different: 0 };
  const different: Compared[] = [];
  named.forEach(({ name, bytes }, i) => {
    const answer = theirs[i]!;
    if (answer.inspect === undefined) throw new Error(`${name}: Elixir refused the bytes: ${answer.error}`);
    const term = decode(bytes);
    const c = { name, ours: inspect(term), theirs: answer };
    const v = verdict(c, term);
    counts[v]++;
    if (v === 'different') different.push(c);
  });
  return { counts, different };
}

function report(label: string, counts: Record<Verdict, number>, different: Compared[]): void {
  const total = Object.values(counts).reduce((x, y) => x + y, 0);
  console.log(
    `inspect vs Elixir 1.14, ${label}: ${counts.equal}/${total} equal, ${counts['equal-fallback']} equal to the` +
      ` fallback inside #Inspect.Error, ${counts['hashmap-order']} equal but for a large map's VM-local order,` +
      ` ${counts.different} different`,
  );
  for (const d of different.slice(0, 5)) {
    const theirs = normaliseNodes(d.theirs.inspect!, 'elixir');
    let at = 0;
    while (at < d.ours.length && d.ours[at] === theirs[at]) at++;
    const around = (t: string): string => JSON.stringify(t.slice(Math.max(0, at - 60), at + 60));
    console.log(`  ${d.name} differs at ${at}:\n    ours:   ${around(d.ours)}\n    elixir: ${around(theirs)}`);
  }
}

function randomCorpus(encoded: readonly Buffer[]): Named[] {
  // At most 32 KiB each: the generator's largest terms reach megabytes, which only make both
  // sides slow (Elixir takes seconds to inspect a 65 533-element list).
  const small = encoded.filter((bytes) => bytes.length <= 32 * 1024).slice(0, RANDOM_TERMS);
  expect(small).toHaveLength(RANDOM_TERMS);
  return small.map((bytes, i) => ({ name: `random #${i}`, bytes }));
}

function fixtureCorpus(): Named[] {
  const root = new URL('../../fixtures/phoenix/', import.meta.url);
  return readdirSync(root).flatMap((dir) =>
    readdirSync(new URL(`${dir}/`, root))
      .filter((f) => f.endsWith('.etf'))
      .map((f) => ({ name: `${dir}/${f}`, bytes: new Uint8Array(readFileSync(new URL(`${dir}/${f}`, root))) })),
  );
}

describe('inspect equals Elixir 1.14 on the same bytes', () => {
  const outcomes = new Map<string, Outcome>();
  const sizes = new Map<string, number>();

  beforeAll(async () => {
    const gen = new ErlTermGen(new Rng(0x1e5c1));
    const encoded = await erlEncode(Array.from({ length: RANDOM_TERMS * 2 }, () => gen.term(3)));
    const corpora: Array<[string, Named[]]> = [
      ['random terms', randomCorpus(encoded)],
      ['stdlib structs', stdlibStructCases(new Rng(0x57d11b)).map((c) => ({ name: c.name, bytes: encode(c.term) }))],
      ['captured payloads', fixtureCorpus()],
    ];
    // One elixir process for all of them: its start costs more than inspecting them.
    const all = corpora.flatMap(([, named]) => named);
    const theirs = await elixirInspect(all.map((n) => n.bytes));
    let at = 0;
    for (const [label, named] of corpora) {
      const outcome = judge(named, theirs.slice(at, at + named.length));
      at += named.length;
      outcomes.set(label, outcome);
      sizes.set(label, named.length);
      report(label, outcome.counts, outcome.different);
    }
  }, 180_000);

  it(`${RANDOM_TERMS} random terms written by erl`, () => {
    const { counts, different } = outcomes.get('random terms')!;
    expect(different.map((d) => d.name)).toEqual([]);
    expect(counts.equal).toBeGreaterThan(RANDOM_TERMS * 0.8);
  });

  it('the standard-library structs, with random and with broken fields', () => {
    const { counts, different } = outcomes.get('stdlib structs')!;
    expect(different.map((d) => d.name)).toEqual([]);
    expect(counts.equal).toBeGreaterThan(sizes.get('stdlib structs')! / 2);
    expect(counts['equal-fallback']).toBeGreaterThan(20);
  });

  it('every captured real-node payload', () => {
    const { counts, different } = outcomes.get('captured payloads')!;
    expect(sizes.get('captured payloads')).toBeGreaterThan(150);
    expect(different.map((d) => d.name)).toEqual([]);
    expect(counts.equal).toBe(sizes.get('captured payloads'));
  });
});

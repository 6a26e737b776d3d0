/**
 * Map pairs in the order a real OTP ≤ 25 node writes them, so that what we publish is byte for
 * byte what `term_to_binary` on that node gives (wire-format.md §8.4): a map of at most 32 keys
 * (a "flatmap") is written in key order, and that order is Erlang's *exact* term order — every
 * integer before every float, even inside tuples and lists (checked with erl on OTP 25:
 * `#{{1.0} => a, {2} => b}` is written `{2}` first). Larger maps are hash tries whose order we
 * cannot reproduce; they keep the order given.
 */
import {
  Atom,
  BitBinary,
  ErlFloat,
  ErlMap,
  ExportFun,
  Fun,
  ImproperList,
  Pid,
  Port,
  Ref,
  Tuple,
  type Term,
} from './term.js';

/** Maps up to this size are flatmaps (MAP_SMALL_MAP_LIMIT in erts). */
export const FLATMAP_LIMIT = 32;

/**
 * A copy of `term` whose small maps have their pairs in OTP 25's order. Everything else is
 * shared, not copied. Iterative: a deep payload does not use the call stack.
 */
export function withOtpMapOrder(term: Term): Term {
  // Post-order rebuild: a frame collects its children's results, then builds its own.
  interface Frame {
    term: Term;
    children: Term[];
    results: Term[];
  }
  const childrenOf = (t: Term): Term[] | null => {
    if (Array.isArray(t)) return t;
    if (t instanceof Tuple) return t.elements;
    if (t instanceof ImproperList) return [...t.elements, t.tail];
    if (t instanceof ErlMap) return interleave(t);
    return null;
  };
  const rootChildren = childrenOf(term);
  if (rootChildren === null) return term;
  const stack: Frame[] = [{ term, children: rootChildren, results: [] }];
  let done: Term = term;
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.results.length < frame.children.length) {
      const child = frame.children[frame.results.length]!;
      const grandchildren = childrenOf(child);
      if (grandchildren === null) frame.results.push(child);
      else stack.push({ term: child, children: grandchildren, results: [] });
      continue;
    }
    stack.pop();
    done = rebuild(frame.term, frame.results);
    if (stack.length > 0) stack[stack.length - 1]!.results.push(done);
  }
  return done;
}

function interleave(map: ErlMap): Term[] {
  const out: Term[] = [];
  for (let i = 0; i < map.keys.length; i++) out.push(map.keys[i]!, map.values[i]!);
  return out;
}

function rebuild(original: Term, parts: Term[]): Term {
  if (Array.isArray(original)) return parts;
  if (original instanceof Tuple) return new Tuple(parts);
  if (original instanceof ImproperList) return new ImproperList(parts.slice(0, -1), parts[parts.length - 1]!);
  const pairs: Array<[Term, Term]> = [];
  for (let i = 0; i < parts.length; i += 2) pairs.push([parts[i]!, parts[i + 1]!]);
  if (pairs.length <= FLATMAP_LIMIT) pairs.sort((a, b) => compareExact(a[0], b[0]));
  return ErlMap.fromPairs(pairs);
}

/**
 * Erlang's term order in its exact form (the one map keys use): number < atom < reference < fun
 * < port < pid < tuple < map < [] < list < bitstring, integers before floats. Map keys are
 * compared with it, so it recurses only as deep as a key is — keys are small.
 */
export function compareExact(a: Term, b: Term): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case Rank.Integer:
      return compareNumbers(a as number | bigint, b as number | bigint);
    case Rank.Float:
      return compareNumbers((a as ErlFloat).value, (b as ErlFloat).value);
    case Rank.Atom:
      return compareBytes(utf8.encode((a as Atom).name), utf8.encode((b as Atom).name));
    case Rank.Tuple: {
      const ea = (a as Tuple).elements;
      const eb = (b as Tuple).elements;
      return ea.length !== eb.length ? ea.length - eb.length : compareSequences(ea, eb);
    }
    case Rank.Map:
      return compareMaps(a as ErlMap, b as ErlMap);
    case Rank.List:
      return compareLists(a, b);
    case Rank.Bits:
      return compareBits(a as Uint8Array | BitBinary, b as Uint8Array | BitBinary);
    case Rank.Nil:
      return 0;
    default:
      // References, funs, ports, pids as map keys: vanishingly rare in a published payload. Order
      // them by their node's name, which is what Erlang compares first; ties keep the given order.
      return compareBytes(utf8.encode(nodeName(a)), utf8.encode(nodeName(b)));
  }
}

const utf8 = new TextEncoder();

enum Rank {
  Integer,
  Float,
  Atom,
  Ref,
  Fun,
  Port,
  Pid,
  Tuple,
  Map,
  Nil,
  List,
  Bits,
}

function rank(t: Term): Rank {
  if (typeof t === 'number' || typeof t === 'bigint') return Rank.Integer;
  if (t instanceof ErlFloat) return Rank.Float;
  if (t instanceof Atom) return Rank.Atom;
  if (t instanceof Ref) return Rank.Ref;
  if (t instanceof Fun || t instanceof ExportFun) return Rank.Fun;
  if (t instanceof Port) return Rank.Port;
  if (t instanceof Pid) return Rank.Pid;
  if (t instanceof Tuple) return Rank.Tuple;
  if (t instanceof ErlMap) return Rank.Map;
  if (Array.isArray(t)) return t.length === 0 ? Rank.Nil : Rank.List;
  if (t instanceof ImproperList) return Rank.List;
  return Rank.Bits;
}

function nodeName(t: Term): string {
  if (t instanceof Ref || t instanceof Port || t instanceof Pid) return t.node.name;
  if (t instanceof ExportFun) return t.module.name;
  if (t instanceof Fun) return t.module.name;
  return '';
}

function compareNumbers(a: number | bigint, b: number | bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function compareSequences(a: readonly Term[], b: readonly Term[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareExact(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return 0;
}

/** Maps: by size, then keys in their own order, then the values in that order. */
function compareMaps(a: ErlMap, b: ErlMap): number {
  if (a.size !== b.size) return a.size - b.size;
  const pa = sortedPairs(a);
  const pb = sortedPairs(b);
  const keys = compareSequences(
    pa.map((p) => p[0]),
    pb.map((p) => p[0]),
  );
  if (keys !== 0) return keys;
  return compareSequences(
    pa.map((p) => p[1]),
    pb.map((p) => p[1]),
  );
}

function sortedPairs(map: ErlMap): Array<[Term, Term]> {
  return map.keys.map((k, i): [Term, Term] => [k, map.values[i]!]).sort((x, y) => compareExact(x[0], y[0]));
}

/** Lists element by element; a shorter list or an improper tail is compared as Erlang does. */
function compareLists(a: Term, b: Term): number {
  const [ea, ta] = listParts(a);
  const [eb, tb] = listParts(b);
  const n = Math.min(ea.length, eb.length);
  for (let i = 0; i < n; i++) {
    const c = compareExact(ea[i]!, eb[i]!);
    if (c !== 0) return c;
  }
  // The rest of each list is the remaining elements followed by its tail.
  const restA: Term = ea.length > n ? rest(ea.slice(n), ta) : ta;
  const restB: Term = eb.length > n ? rest(eb.slice(n), tb) : tb;
  return compareExact(restA, restB);
}

function listParts(t: Term): [readonly Term[], Term] {
  return t instanceof ImproperList ? [t.elements, t.tail] : [t as Term[], []];
}

function rest(elements: Term[], tail: Term): Term {
  return Array.isArray(tail) && tail.length === 0 ? elements : new ImproperList(elements, tail);
}

function compareBits(a: Uint8Array | BitBinary, b: Uint8Array | BitBinary): number {
  const ba = a instanceof BitBinary ? a.bytes : a;
  const bb = b instanceof BitBinary ? b.bytes : b;
  const c = compareBytes(ba, bb);
  if (c !== 0 || ba.length !== bb.length) return c;
  const bitsA = a instanceof BitBinary ? a.bitsInLast : 8;
  const bitsB = b instanceof BitBinary ? b.bitsInLast : 8;
  return bitsA - bitsB;
}

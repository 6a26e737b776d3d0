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

/**
 * binary_to_term refuses a map that holds a key twice, so the decoder must find duplicates —
 * cheaply for the usual keys (atoms, binaries, integers), and without quadratic time or deep
 * recursion for hostile ones.
 *
 * "The same key" is Erlang's map key equality as of OTP 21–26: `=:=`, except that 0.0 and -0.0
 * are one key (binary_to_term on OTP 25 refuses `#{0.0 => 1, -0.0 => 2}`; OTP 27 would not).
 *
 * Container keys are compared by a structural hash first, memoized per container: maps nest,
 * and each level checks its keys, so without the memo a chain of maps keyed by the next map
 * cost each level a walk (and a text) of everything below it — 40 KB of such nesting took two
 * minutes. Only keys with equal hashes are compared exactly, by a walk that pairs map entries by
 * their keys' hashes (linear: a text of each key was quadratic in its depth).
 */

const SMALL = 8;
const IDENTITY = 0;
const BINARY = 1;
const OTHER = 2;
const kinds = new Int32Array(SMALL);
const sigs = new Float64Array(SMALL);

/** Index of the first key that repeats an earlier one, or -1. */
export function duplicateKeyIndex(keys: readonly Term[]): number {
  const n = keys.length;
  if (n < 2) return -1;
  if (n <= SMALL) {
    // Small maps (structs, JSON-like payloads): classify each key once, then compare pairwise
    // only keys of one class — identity for atoms and integers (interned / canonical), a
    // length-and-edge-bytes signature before any byte comparison for binaries.
    for (let j = 0; j < n; j++) {
      const b = keys[j]!;
      let kind: number;
      let sig = 0;
      if (b instanceof Uint8Array) {
        kind = BINARY;
        const length = b.length;
        sig = length === 0 ? 0 : length * 65536 + b[0]! * 256 + b[length - 1]!;
      } else if (b instanceof Atom || typeof b === 'number' || typeof b === 'bigint') {
        kind = IDENTITY;
      } else {
        kind = OTHER;
      }
      for (let i = 0; i < j; i++) {
        if (kinds[i] !== kind) continue;
        if (
          kind === IDENTITY
            ? keys[i] === b
            : kind === BINARY
              ? sigs[i] === sig && bytesEqual(keys[i] as Uint8Array, b as Uint8Array)
              : sameKey(keys[i]!, b)
        ) {
          return j;
        }
      }
      kinds[j] = kind;
      sigs[j] = sig;
    }
    return -1;
  }
  return largeMapDuplicate(keys);
}

/** Open addressing over the keys' ids (see keyId), reused from map to map below this many slots. */
const KEPT_SLOTS = 1 << 16;
let slotIndex = new Int32Array(1024); // key index + 1; 0: empty
let slotId = new Float64Array(1024);

/**
 * Large maps: atoms and bigints by identity, anything else by a number (see keyId) in an
 * open-addressing table; an equal number is checked exactly against the key that had it (equal
 * hashes of different keys are rare: the hash is seeded per process). A typed table, not a Map:
 * for a Tracker gossip map of dots that halved the check.
 */
function largeMapDuplicate(keys: readonly Term[]): number {
  const n = keys.length;
  let size = 32;
  while (size < 2 * n) size *= 2;
  let index = slotIndex;
  let ids = slotId;
  if (size > index.length) {
    index = new Int32Array(size);
    ids = new Float64Array(size);
    if (size <= KEPT_SLOTS) {
      slotIndex = index;
      slotId = ids;
    }
  } else {
    index.fill(0, 0, size);
  }
  const mask = size - 1;
  let objects: Map<unknown, number> | undefined;
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    const id = keyId(k);
    if (typeof id !== 'number') {
      objects ??= new Map<unknown, number>();
      if (objects.has(id)) return i; // the same atom or bigint
      objects.set(id, i);
      continue;
    }
    let slot = Math.imul((id | 0) ^ ((id / 0x1_0000_0000) | 0), 0x9e3779b1) >>> 0;
    for (;;) {
      slot &= mask;
      const at = index[slot]!;
      if (at === 0) {
        index[slot] = i + 1;
        ids[slot] = id;
        break;
      }
      if (ids[slot] === id && sameKey(keys[at - 1]!, k)) return i;
      slot++;
    }
  }
  return -1;
}

/** Whether two map keys are the same key (see the top of this file). */
export function sameKey(a: Term, b: Term): boolean {
  if (a === b) return true;
  if (typeof a === 'number' || typeof a === 'bigint' || a instanceof Atom) return false; // canonical: equal only if ===
  if (a instanceof Uint8Array) return b instanceof Uint8Array && bytesEqual(a, b);
  if (typeof b === 'number' || typeof b === 'bigint' || b instanceof Atom || b instanceof Uint8Array) return false;
  // Different kinds or sizes are different keys: no need to hash what may be a huge key.
  if (a.constructor !== b.constructor || sizeOf(a) !== sizeOf(b)) return false;
  return keyHash(a) === keyHash(b) && sameStructure(a, b);
}

function sizeOf(t: Term): number {
  if (Array.isArray(t)) return t.length;
  if (t instanceof Tuple) return t.elements.length;
  if (t instanceof ErlMap) return t.keys.length;
  if (t instanceof ImproperList) return t.elements.length;
  return 0;
}

/**
 * A Map key that is equal for equal map keys: atoms and bigints themselves (identity), numbers
 * for the rest (an integer itself; a hash otherwise, so equal ids of numbers need a check).
 */
function keyId(k: Term): unknown {
  if (typeof k === 'number' || typeof k === 'bigint' || k instanceof Atom) return k; // decoded integers are canonical
  // One 30-bit lane (a small integer, the cheapest Map key): a seeded hash that differs for
  // different keys nearly always, and when it does not, the exact check decides.
  if (k instanceof Uint8Array) return mixBytes(SEED ^ 4, k) & 0x3fff_ffff;
  if (k instanceof Tuple) {
    // Small tuples of atoms, integers and such tuples (Tracker dots `{{node, vsn}, clock}`, ids):
    // hashed in place, far cheaper than the structural hash and its memo (or a text of each).
    const h = tupleHash(k, 0, SEED);
    if (h !== undefined) return h & 0x3fff_ffff;
  }
  return keyHash(k);
}

/** The last atom hashed in each lane: tuple keys of one map mostly share their node atom. */
const lastAtom: [Atom | undefined, Atom | undefined] = [undefined, undefined];
const lastAtomHash = [0, 0];

function atomLane(atom: Atom, seed: number): number {
  const lane = seed === SEED ? 0 : 1;
  if (lastAtom[lane] !== atom) {
    lastAtom[lane] = atom;
    lastAtomHash[lane] = leafHash(atom, seed);
  }
  return lastAtomHash[lane]!;
}

/** Hash lane of a tuple of at most 4 atoms, integers or such tuples (2 levels), else undefined. */
function tupleHash(t: Tuple, depth: number, seed: number): number | undefined {
  const e = t.elements;
  if (e.length > 4 || depth > 1) return undefined;
  let h = mix(seed ^ 12, e.length);
  for (let i = 0; i < e.length; i++) {
    const x = e[i]!;
    if (x instanceof Atom) h = mix(h, atomLane(x, seed));
    else if (typeof x === 'number' || typeof x === 'bigint') h = mix(h, leafHash(x, seed));
    else if (x instanceof Tuple) {
      const inner = tupleHash(x, depth + 1, seed);
      if (inner === undefined) return undefined;
      h = mix(h, inner);
    } else return undefined;
  }
  return h;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

// ---- structural hash ---------------------------------------------------------------------------

const SEED = (Math.random() * 0x1_0000_0000) >>> 0;
/** Hashes of containers already seen (a key that is a map holding maps is hashed once). */
const memo = new WeakMap<object, number>();
const floatScratch = new Float64Array(1);
const floatWords = new Uint32Array(floatScratch.buffer);

function mix(h: number, x: number): number {
  h = Math.imul(h ^ x, 0x9e3779b1);
  return (h ^ (h >>> 15)) >>> 0;
}

function mixText(h: number, text: string): number {
  h = mix(h, text.length);
  for (let i = 0; i < text.length; i++) h = mix(h, text.charCodeAt(i));
  return h;
}

function mixBytes(h: number, bytes: Uint8Array): number {
  h = mix(h, bytes.length);
  for (let i = 0; i < bytes.length; i++) h = mix(h, bytes[i]!);
  return h;
}

/** Hash of a term that is not a container (a 32-bit lane; two seeds give two lanes). */
function leafHash(t: Term, seed: number): number {
  if (typeof t === 'number') return mix(mix(seed ^ 1, t | 0), Math.floor(t / 0x1_0000_0000) | 0);
  if (typeof t === 'bigint') return mixText(seed ^ 2, t.toString(16));
  if (t instanceof Atom) return mixText(seed ^ 3, t.name);
  if (t instanceof Uint8Array) return mixBytes(seed ^ 4, t);
  if (t instanceof ErlFloat) {
    floatScratch[0] = t.value === 0 ? 0 : t.value; // 0.0 and -0.0 are one key
    return mix(mix(seed ^ 5, floatWords[0]!), floatWords[1]!);
  }
  if (t instanceof BitBinary) return mix(mixBytes(seed ^ 6, t.bytes), t.bitsInLast);
  // Pids, ports, refs, funs: their canonical text is short (a fun's free variables aside).
  return mixText(seed ^ 7, canonical(t));
}

/** The children whose hashes make a container's hash, or undefined for a leaf. */
function childrenOf(t: Term): readonly Term[] | undefined {
  if (Array.isArray(t)) return t;
  if (t instanceof Tuple) return t.elements;
  if (t instanceof ImproperList) return [...t.elements, t.tail];
  if (t instanceof ErlMap) return t.keys.flatMap((k, i) => [k, t.values[i]!]);
  return undefined;
}

interface HashFrame {
  term: Term;
  children: readonly Term[];
  next: number;
  h1: number;
  h2: number;
  /** Maps: the pair's key hash while its value is being hashed. */
  k1: number;
  k2: number;
}

/**
 * A 53-bit hash, equal for equal keys (map pairs combined order-free, ±0.0 alike), computed once
 * per container and iteratively (a 100 000-deep key costs heap, not call stack).
 */
function keyHash(root: Term): number {
  const rootChildren = childrenOf(root);
  if (rootChildren === undefined) return combine(leafHash(root, SEED), leafHash(root, ~SEED));
  const known = memo.get(root as object);
  if (known !== undefined) return known;
  const stack: HashFrame[] = [frameFor(root, rootChildren)];
  let done = 0;
  let d1 = 0;
  let d2 = 0;
  for (;;) {
    const f = stack[stack.length - 1]!;
    if (done !== 0) {
      // A child finished with hash lanes d1, d2: fold it into its container.
      done = 0;
      if (f.term instanceof ErlMap) {
        if ((f.next & 1) === 1) {
          f.k1 = d1;
          f.k2 = d2;
        } else {
          // key + value: pairs add up (wrapping), so wire order does not matter
          f.h1 = (f.h1 + mix(f.k1, d1)) >>> 0;
          f.h2 = (f.h2 + mix(f.k2 ^ 0x5bd1e995, d2)) >>> 0;
        }
      } else {
        f.h1 = mix(f.h1, d1);
        f.h2 = mix(f.h2, d2);
      }
    }
    if (f.next < f.children.length) {
      const child = f.children[f.next++]!;
      const grandchildren = childrenOf(child);
      const cached = grandchildren === undefined ? undefined : memo.get(child as object);
      if (grandchildren === undefined) {
        d1 = leafHash(child, SEED);
        d2 = leafHash(child, ~SEED);
        done = 1;
      } else if (cached !== undefined) {
        d1 = Math.floor(cached / 0x20_0000) >>> 0;
        d2 = (cached % 0x20_0000) >>> 0;
        done = 1;
      } else {
        stack.push(frameFor(child, grandchildren));
      }
      continue;
    }
    stack.pop();
    const whole = combine(f.h1, f.h2);
    memo.set(f.term as object, whole);
    if (stack.length === 0) return whole;
    // What the parent folds in must be what a cached lookup gives back.
    d1 = Math.floor(whole / 0x20_0000) >>> 0;
    d2 = (whole % 0x20_0000) >>> 0;
    done = 1;
  }
}

function frameFor(term: Term, children: readonly Term[]): HashFrame {
  const kind = Array.isArray(term) ? 11 : term instanceof Tuple ? 12 : term instanceof ImproperList ? 13 : 14;
  return {
    term,
    children,
    next: 0,
    h1: mix(SEED ^ kind, children.length),
    h2: mix(~SEED ^ kind, children.length),
    k1: 0,
    k2: 0,
  };
}

/** Two 32-bit lanes as one number below 2^53: 32 bits of the first, 21 of the second. */
function combine(h1: number, h2: number): number {
  return (h1 >>> 0) * 0x20_0000 + (h2 >>> 11);
}

/**
 * Exact key equality of two terms, iteratively. Maps match pair by pair through their keys'
 * hashes; keys within one decoded map are distinct (each map is checked when it is read, before
 * any map that holds it), so a key has at most one partner — only when two keys of one map share
 * a hash, which a 53-bit seeded hash makes as good as impossible, is their canonical text used.
 */
function sameStructure(a: Term, b: Term): boolean {
  const work: Term[] = [a, b];
  while (work.length > 0) {
    const y = work.pop()!;
    const x = work.pop()!;
    if (x === y) continue;
    const xs = childrenOf(x);
    const ys = childrenOf(y);
    if (xs === undefined || ys === undefined) {
      if (xs !== ys || !sameLeaf(x, y)) return false;
      continue;
    }
    if (xs.length !== ys.length || x.constructor !== y.constructor) return false;
    if (!(x instanceof ErlMap)) {
      for (let i = 0; i < xs.length; i++) work.push(xs[i]!, ys[i]!);
      continue;
    }
    const yMap = y as ErlMap;
    const byHash = new Map<number, number[]>();
    yMap.keys.forEach((k, i) => {
      const h = keyHash(k);
      const list = byHash.get(h);
      if (list === undefined) byHash.set(h, [i]);
      else list.push(i);
    });
    for (let i = 0; i < x.keys.length; i++) {
      const k = x.keys[i]!;
      const partners = byHash.get(keyHash(k));
      if (partners === undefined) return false;
      const j = partners.length === 1 ? partners[0]! : partners.find((p) => canonical(yMap.keys[p]!) === canonical(k));
      if (j === undefined) return false;
      work.push(k, yMap.keys[j]!, x.values[i]!, yMap.values[j]!);
    }
  }
  return true;
}

function sameLeaf(x: Term, y: Term): boolean {
  if (typeof x === 'number' || typeof x === 'bigint' || x instanceof Atom) return x === y;
  if (x instanceof Uint8Array) return y instanceof Uint8Array && bytesEqual(x, y);
  if (x instanceof ErlFloat) return y instanceof ErlFloat && x.value === y.value; // 0.0 === -0.0: one key
  if (x instanceof BitBinary)
    return y instanceof BitBinary && x.bitsInLast === y.bitsInLast && bytesEqual(x.bytes, y.bytes);
  // Pids, ports, refs, funs: short canonical texts (a fun's free variables aside).
  return !(typeof y === 'number' || typeof y === 'bigint') && canonical(x) === canonical(y);
}

// ---- canonical text ----------------------------------------------------------------------------

/** A container being described: its children's texts so far, and how to join them. */
interface Frame {
  children: readonly Term[];
  texts: string[];
  finish: (texts: string[]) => string;
}

/**
 * An unambiguous text for a term, equal for equal keys: lengths prefix every leaf, map pairs are
 * sorted (wire order does not make two maps different), -0.0 is written as 0.0. Post-order with an
 * explicit stack, so a deeply nested key costs heap, not call stack.
 */
function canonical(root: Term): string {
  const stack: Frame[] = [];
  let next: Term = root;
  for (;;) {
    // Open `next`: a leaf gives its text at once; a container is pushed and its first child is next.
    const opened = open(next);
    let text: string;
    if (typeof opened === 'string') text = opened;
    else if (opened.children.length > 0) {
      stack.push(opened);
      next = opened.children[0]!;
      continue;
    } else text = opened.finish([]);
    // Hand the text up until a container still needs children.
    for (;;) {
      const top = stack[stack.length - 1];
      if (top === undefined) return text;
      top.texts.push(text);
      if (top.texts.length < top.children.length) {
        next = top.children[top.texts.length]!;
        break;
      }
      stack.pop();
      text = top.finish(top.texts);
    }
  }

  function open(t: Term): Frame | string {
    if (typeof t === 'number' || typeof t === 'bigint') return `i${t};`;
    if (t instanceof Atom) return `a${t.name.length}:${t.name}`;
    if (t instanceof Uint8Array) return `b${t.length}:${latin1(t)}`;
    if (t instanceof ErlFloat) return `f${t.value === 0 ? 0 : t.value};`;
    if (t instanceof BitBinary) return `s${t.bitsInLast},${t.bytes.length}:${latin1(t.bytes)}`;
    if (Array.isArray(t)) return { children: t, texts: [], finish: (x) => `l${x.length}(${x.join('')})` };
    if (t instanceof ImproperList) {
      return { children: [...t.elements, t.tail], texts: [], finish: (x) => `L${x.length}(${x.join('')})` };
    }
    if (t instanceof Tuple) return { children: t.elements, texts: [], finish: (x) => `t${x.length}(${x.join('')})` };
    if (t instanceof ErlMap) {
      const children = t.keys.flatMap((k, i) => [k, t.values[i]!]);
      return {
        children,
        texts: [],
        finish: (x) => {
          const pairs: string[] = [];
          for (let i = 0; i < x.length; i += 2) pairs.push(x[i]! + x[i + 1]!);
          return `m${pairs.length}(${pairs.sort().join('')})`;
        },
      };
    }
    if (t instanceof Pid) return `p${t.node.name.length}:${t.node.name}${t.id},${t.serial},${t.creation};`;
    if (t instanceof Port) return `o${t.node.name.length}:${t.node.name}${t.id},${t.creation};`;
    if (t instanceof Ref) return `r${t.node.name.length}:${t.node.name}${t.creation},${t.ids.join(',')};`;
    if (t instanceof ExportFun)
      return `e${t.module.name.length}:${t.module.name}${t.fun.name.length}:${t.fun.name}${t.arity};`;
    if (t instanceof Fun) {
      const head = `F${t.arity},${latin1(t.uniq)},${t.index},${t.module.name.length}:${t.module.name}${t.oldIndex},${t.oldUniq},`;
      return { children: [t.pid, ...t.freeVars], texts: [], finish: (x) => `${head}${x.length}(${x.join('')})` };
    }
    throw new TypeError('not a term');
  }
}

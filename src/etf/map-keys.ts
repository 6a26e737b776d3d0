import { Atom, BitBinary, ErlFloat, ErlMap, ExportFun, Fun, ImproperList, Pid, Port, Ref, Tuple, type Term } from './term.js';

/**
 * binary_to_term refuses a map that holds a key twice, so the decoder must find duplicates —
 * cheaply for the usual keys (atoms, binaries, integers), and without quadratic time or deep
 * recursion for hostile ones.
 *
 * "The same key" is Erlang's map key equality as of OTP 21–26: `=:=`, except that 0.0 and -0.0
 * are one key (binary_to_term on OTP 25 refuses `#{0.0 => 1, -0.0 => 2}`; OTP 27 would not).
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
        if (kind === IDENTITY ? keys[i] === b : kind === BINARY ? sigs[i] === sig && bytesEqual(keys[i] as Uint8Array, b as Uint8Array) : sameKey(keys[i]!, b)) {
          return j;
        }
      }
      kinds[j] = kind;
      sigs[j] = sig;
    }
    return -1;
  }
  const seen = new Set<unknown>();
  for (let i = 0; i < n; i++) {
    const id = keyId(keys[i]!);
    if (seen.has(id)) return i;
    seen.add(id);
  }
  return -1;
}

/** Whether two map keys are the same key (see the top of this file). */
export function sameKey(a: Term, b: Term): boolean {
  if (a === b) return true;
  if (typeof a === 'number' || typeof a === 'bigint' || a instanceof Atom) return false; // canonical: equal only if ===
  if (a instanceof Uint8Array) return b instanceof Uint8Array && bytesEqual(a, b);
  if (typeof b === 'number' || typeof b === 'bigint' || b instanceof Atom || b instanceof Uint8Array) return false;
  return canonical(a) === canonical(b);
}

/** A Set key that is equal for equal map keys. */
function keyId(k: Term): unknown {
  if (typeof k === 'number' || typeof k === 'bigint' || k instanceof Atom) return k; // decoded integers are canonical
  if (k instanceof Uint8Array) return 'b' + latin1(k);
  return canonical(k);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

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
    if (t instanceof ExportFun) return `e${t.module.name.length}:${t.module.name}${t.fun.name.length}:${t.fun.name}${t.arity};`;
    if (t instanceof Fun) {
      const head = `F${t.arity},${latin1(t.uniq)},${t.index},${t.module.name.length}:${t.module.name}${t.oldIndex},${t.oldUniq},`;
      return { children: [t.pid, ...t.freeVars], texts: [], finish: (x) => `${head}${x.length}(${x.join('')})` };
    }
    throw new TypeError('not a term');
  }
}

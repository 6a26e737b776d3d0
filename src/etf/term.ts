/**
 * The term model: one JS representation per Erlang term kind, so that nothing is lost between
 * decode and encode. Plain JS values are used where they are unambiguous and fast (integers,
 * binaries, proper lists); classes mark everything that JS would otherwise conflate
 * (atoms vs strings, floats vs integers, tuples vs lists).
 *
 *   integer        number (safe integers) | bigint (beyond ±(2^53−1))
 *   float          ErlFloat
 *   atom           Atom (interned: compare with ===)
 *   binary         Uint8Array (read-only: views of the input, or for short ones that repeat one
 *                  shared copy, see binary-cache.ts)
 *   bit binary     BitBinary
 *   proper list    Term[]   ([] is NIL)
 *   improper list  ImproperList
 *   tuple          Tuple
 *   map            ErlMap (pairs in wire order, any term as key)
 *   pid/port/ref   Pid / Port / Ref
 *   fun            ExportFun (fun M:F/A) / Fun (NEW_FUN_EXT)
 */

export type Term =
  | number
  | bigint
  | ErlFloat
  | Atom
  | Uint8Array
  | BitBinary
  | Term[]
  | ImproperList
  | Tuple
  | ErlMap
  | Pid
  | Port
  | Ref
  | ExportFun
  | Fun;

/**
 * Interned atoms, held weakly: a long-running watcher sees atoms it will never see again (node
 * names of past deploys, hostile traffic), and a strong table would keep every one forever
 * (measured: 1M distinct atoms kept 330 MiB). An atom nobody holds is collected; while anyone
 * holds it, `of` returns that same object, so identity still means equality.
 */
const atomTable = new Map<string, WeakRef<Atom>>();
const forgetAtom = new FinalizationRegistry<string>((name) => {
  // The name may have been interned again since: only drop an entry whose atom is gone.
  if (atomTable.get(name)?.deref() === undefined) atomTable.delete(name);
});

/** An atom. Interned: `Atom.of('ok') === Atom.of('ok')`, so identity comparison is equality. */
export class Atom {
  private constructor(readonly name: string) {}

  static of(name: string): Atom {
    let atom = atomTable.get(name)?.deref();
    if (atom === undefined) {
      atom = new Atom(name);
      atomTable.set(name, new WeakRef(atom));
      forgetAtom.register(atom, name);
    }
    return atom;
  }

  toString(): string {
    return this.name;
  }
}

export const atoms = {
  true: Atom.of('true'),
  false: Atom.of('false'),
  nil: Atom.of('nil'),
  undefined: Atom.of('undefined'),
  struct: Atom.of('__struct__'),
} as const;

/** A float; kept apart from integers because `1.0` and `1` are different terms in Erlang. */
export class ErlFloat {
  constructor(readonly value: number) {}
}

/** A bitstring whose length is not a whole number of bytes. */
export class BitBinary {
  /** `bitsInLast` (1..8) bits of the last byte are used, counted from the most significant bit. */
  constructor(
    readonly bytes: Uint8Array,
    readonly bitsInLast: number,
  ) {}
}

export class Tuple {
  constructor(readonly elements: Term[]) {}
  get length(): number {
    return this.elements.length;
  }
}

/** A list whose tail is not `[]`: `[a, b | tail]`. `elements` is never empty. */
export class ImproperList {
  constructor(
    readonly elements: Term[],
    readonly tail: Term,
  ) {}
}

/** A map as it was on the wire: pairs in order, keys of any kind. */
export class ErlMap {
  constructor(
    readonly keys: Term[],
    readonly values: Term[],
  ) {}

  get size(): number {
    return this.keys.length;
  }

  /** Value for `key` (compared with termEquals), or undefined. */
  get(key: Term): Term | undefined {
    const keys = this.keys;
    if (key instanceof Atom) {
      // Atoms are interned (Atom.of): the same name is the same object, so identity decides.
      for (let i = 0; i < keys.length; i++) if (keys[i] === key) return this.values[i];
      return undefined;
    }
    for (let i = 0; i < keys.length; i++) {
      if (termEquals(keys[i]!, key)) return this.values[i];
    }
    return undefined;
  }

  /** The `__struct__` module atom when this map is an Elixir struct. */
  structName(): Atom | undefined {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === atoms.struct) {
        const v = this.values[i];
        return v instanceof Atom ? v : undefined;
      }
    }
    return undefined;
  }

  static fromPairs(pairs: Array<[Term, Term]>): ErlMap {
    return new ErlMap(
      pairs.map((p) => p[0]),
      pairs.map((p) => p[1]),
    );
  }
}

/**
 * A process identifier. `creation` is 32 bits for NEW_PID_EXT; the old PID_EXT had 8 bits
 * (`oldFormat` records that so it can be written back as it came).
 */
export class Pid {
  constructor(
    readonly node: Atom,
    readonly id: number,
    readonly serial: number,
    readonly creation: number,
    readonly oldFormat = false,
  ) {}
}

/** A port. `id` is a bigint only when a V4_PORT_EXT carried a value beyond 2^53−1. */
export class Port {
  constructor(
    readonly node: Atom,
    readonly id: number | bigint,
    readonly creation: number,
    readonly format: 'old' | 'new' | 'v4' = 'new',
  ) {}
}

/** A reference: node, creation and 1..5 32-bit id words. */
export class Ref {
  constructor(
    readonly node: Atom,
    readonly creation: number,
    readonly ids: number[],
    readonly format: 'old' | 'new' | 'newer' = 'newer',
  ) {}
}

/** `fun Module:Function/Arity` (EXPORT_EXT). */
export class ExportFun {
  constructor(
    readonly module: Atom,
    readonly fun: Atom,
    readonly arity: number,
  ) {}
}

/** A local fun (NEW_FUN_EXT), with every field the wire carries. */
export class Fun {
  constructor(
    readonly arity: number,
    readonly uniq: Uint8Array, // 16 bytes (MD5 of the module's code)
    readonly index: number,
    readonly module: Atom,
    readonly oldIndex: number | bigint,
    readonly oldUniq: number | bigint,
    readonly pid: Pid,
    readonly freeVars: Term[],
  ) {}
}

export function isBinary(t: Term): t is Uint8Array {
  return t instanceof Uint8Array;
}

export function isInteger(t: Term): t is number | bigint {
  return typeof t === 'number' || typeof t === 'bigint';
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function listEquals(a: readonly Term[], b: readonly Term[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!termEquals(a[i]!, b[i]!)) return false;
  return true;
}

/**
 * Exact equality (Erlang `=:=`): 1 and 1.0 differ; map pairs are compared as sets.
 * Recursive: meant for keys and tests, not for hostile 100 000-deep terms.
 */
export function termEquals(a: Term, b: Term): boolean {
  if (a === b) return true;
  if (typeof a === 'number' || typeof a === 'bigint') {
    return (typeof b === 'number' || typeof b === 'bigint') && BigInt(a) === BigInt(b);
  }
  if (a instanceof Uint8Array) return b instanceof Uint8Array && bytesEqual(a, b);
  if (Array.isArray(a)) return Array.isArray(b) && listEquals(a, b);
  if (a instanceof ErlFloat) return b instanceof ErlFloat && Object.is(a.value, b.value);
  if (a instanceof Tuple) return b instanceof Tuple && listEquals(a.elements, b.elements);
  if (a instanceof ImproperList) {
    return b instanceof ImproperList && listEquals(a.elements, b.elements) && termEquals(a.tail, b.tail);
  }
  if (a instanceof ErlMap) {
    if (!(b instanceof ErlMap) || a.size !== b.size) return false;
    for (let i = 0; i < a.keys.length; i++) {
      const other = b.get(a.keys[i]!);
      if (other === undefined || !termEquals(a.values[i]!, other)) return false;
    }
    return true;
  }
  if (a instanceof BitBinary) {
    return b instanceof BitBinary && a.bitsInLast === b.bitsInLast && bytesEqual(a.bytes, b.bytes);
  }
  if (a instanceof Pid) {
    return b instanceof Pid && a.node === b.node && a.id === b.id && a.serial === b.serial && a.creation === b.creation;
  }
  if (a instanceof Port) {
    return b instanceof Port && a.node === b.node && BigInt(a.id) === BigInt(b.id) && a.creation === b.creation;
  }
  if (a instanceof Ref) {
    return b instanceof Ref && a.node === b.node && a.creation === b.creation && a.ids.join() === b.ids.join();
  }
  if (a instanceof ExportFun) {
    return b instanceof ExportFun && a.module === b.module && a.fun === b.fun && a.arity === b.arity;
  }
  if (a instanceof Fun) {
    return (
      b instanceof Fun &&
      a.arity === b.arity &&
      a.index === b.index &&
      a.module === b.module &&
      bytesEqual(a.uniq, b.uniq) &&
      BigInt(a.oldIndex) === BigInt(b.oldIndex) &&
      BigInt(a.oldUniq) === BigInt(b.oldUniq) &&
      termEquals(a.pid, b.pid) &&
      listEquals(a.freeVars, b.freeVars)
    );
  }
  return false;
}

/**
 * Byte ranges of a decoded term, for the hex view. Ranges are offsets into the bytes the term was
 * decoded from (for a compressed payload: the inflated bytes, see `DecodeResult.inflated`).
 * `children` follow the term's structure: tuple/list elements in order (an improper list's tail
 * last), map entries as key0, value0, key1, value1, …; pids/refs/funs have none.
 */
export interface TermSpan {
  start: number;
  end: number;
  children?: TermSpan[];
}

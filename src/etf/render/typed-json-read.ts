/**
 * `fromTypedJson(json)`: the inverse of `toTypedJson` (the contract is documented in
 * typed-json.ts). Strict: anything that is not exactly the contract is a TypedJsonError naming
 * the JSON path of the offending value (`$.tuple[4].map[0][1]`). Iterative: any depth works.
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
} from '../term.js';

export class TypedJsonError extends Error {
  override readonly name = 'TypedJsonError';

  constructor(
    readonly reason: string,
    /** JSON path of the value, e.g. `$.tuple[4].map[0][1]`. */
    readonly path: string,
  ) {
    super(`${reason} at ${path}`);
  }
}

/** A path kept as a parent chain and spelled out only when an error needs it. */
class JsonPath {
  constructor(
    private readonly parent: JsonPath | undefined,
    private readonly step: string,
  ) {}

  static readonly root = new JsonPath(undefined, '$');

  key(name: string): JsonPath {
    return new JsonPath(this, /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? '.' + name : `[${JSON.stringify(name)}]`);
  }

  index(i: number): JsonPath {
    return new JsonPath(this, `[${i}]`);
  }

  toString(): string {
    const steps: string[] = [];
    for (let p: JsonPath | undefined = this; p !== undefined; p = p.parent) steps.push(p.step);
    return steps.reverse().join('');
  }
}

const KINDS = [
  'atom',
  'int',
  'float',
  'bin',
  'bin64',
  'bits',
  'list',
  'tuple',
  'map',
  'pid',
  'port',
  'ref',
  'export',
  'fun',
];
const EXTRA_KEYS: Record<string, readonly string[]> = { bits: ['bits_in_last'], list: ['tail'] };
const U32 = 0xffffffff;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

type Task =
  | { kind: 'value'; json: unknown; path: JsonPath; into: Term[]; at: number }
  | { kind: 'improper'; elements: Term[]; tail: Term[]; into: Term[]; at: number; path: JsonPath };

function fail(reason: string, path: JsonPath): never {
  throw new TypedJsonError(reason, path.toString());
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function array(v: unknown, path: JsonPath): unknown[] {
  if (!Array.isArray(v)) fail('expected an array', path);
  return v;
}

function string(v: unknown, path: JsonPath): string {
  if (typeof v !== 'string') fail('expected a string', path);
  return v;
}

function uint(v: unknown, path: JsonPath, max = U32): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) fail(`expected an integer in 0..${max}`, path);
  return v;
}

/** A JSON number (safe integer) or decimal string → number | bigint, normalised as the term model wants. */
function integer(v: unknown, path: JsonPath): number | bigint {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) fail('expected a safe integer (write larger ones as a decimal string)', path);
    return v === 0 ? 0 : v; // -0 is not an integer term
  }
  if (typeof v === 'string' && /^-?(0|[1-9][0-9]*)$/.test(v)) {
    const big = BigInt(v);
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }
  return fail('expected an integer (a number, or a decimal string)', path);
}

function atom(v: unknown, path: JsonPath): Atom {
  return Atom.of(string(v, path));
}

function base64(v: unknown, path: JsonPath): Uint8Array {
  const text = string(v, path);
  if (!BASE64.test(text)) fail('expected base64', path);
  return new Uint8Array(Buffer.from(text, 'base64'));
}

function fields(
  v: unknown,
  path: JsonPath,
  required: readonly string[],
  optional: readonly string[] = [],
): Record<string, unknown> {
  if (!isObject(v)) fail('expected an object', path);
  for (const k of required) if (!(k in v)) fail(`missing "${k}"`, path);
  for (const k of Object.keys(v))
    if (!required.includes(k) && !optional.includes(k)) fail(`unexpected key "${k}"`, path);
  return v;
}

function format<T extends string>(v: unknown, path: JsonPath, allowed: readonly T[], fallback: T): T {
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v))
    fail(`expected one of ${allowed.join(', ')}`, path);
  return v as T;
}

function pid(v: unknown, path: JsonPath): Pid {
  const o = fields(v, path, ['node', 'id', 'serial', 'creation'], ['format']);
  const old = format(o.format, path.key('format'), ['old', 'new'] as const, 'new') === 'old';
  return new Pid(
    atom(o.node, path.key('node')),
    uint(o.id, path.key('id')),
    uint(o.serial, path.key('serial')),
    uint(o.creation, path.key('creation')),
    old,
  );
}

function port(v: unknown, path: JsonPath): Port {
  const o = fields(v, path, ['node', 'id', 'creation'], ['format']);
  const id = integer(o.id, path.key('id'));
  if (id < 0 || BigInt(id) > 0xffffffffffffffffn) fail('expected a port id in 0..2^64−1', path.key('id'));
  return new Port(
    atom(o.node, path.key('node')),
    id,
    uint(o.creation, path.key('creation')),
    format(o.format, path.key('format'), ['old', 'new', 'v4'] as const, 'new'),
  );
}

function ref(v: unknown, path: JsonPath): Ref {
  const o = fields(v, path, ['node', 'creation', 'ids'], ['format']);
  const ids = array(o.ids, path.key('ids'));
  if (ids.length < 1 || ids.length > 5) fail('expected 1 to 5 ids', path.key('ids'));
  return new Ref(
    atom(o.node, path.key('node')),
    uint(o.creation, path.key('creation')),
    ids.map((id, i) => uint(id, path.key('ids').index(i))),
    format(o.format, path.key('format'), ['old', 'new', 'newer'] as const, 'newer'),
  );
}

/** The term for a typed-JSON value (parsed JSON, e.g. from JSON.parse). */
export function fromTypedJson(json: unknown): Term {
  const root: Term[] = [];
  const tasks: Task[] = [{ kind: 'value', json, path: JsonPath.root, into: root, at: 0 }];
  const children = (items: unknown[], path: JsonPath, into: Term[]): void => {
    for (let i = items.length - 1; i >= 0; i--)
      tasks.push({ kind: 'value', json: items[i], path: path.index(i), into, at: i });
  };
  for (let task = tasks.pop(); task !== undefined; task = tasks.pop()) {
    if (task.kind === 'improper') {
      const tail = task.tail[0]!;
      if (task.elements.length === 0) fail('an improper list needs at least one element', task.path.key('list'));
      // A list-valued tail is kept as is: a foreign encoder can nest LIST_EXT tails, and typed
      // JSON mirrors the decoded term exactly.
      task.into[task.at] = new ImproperList(task.elements, tail);
      continue;
    }
    const { json: v, path, into, at } = task;
    if (!isObject(v)) fail('expected an object such as {"atom": …}', path);
    const kind = Object.keys(v).find((k) => KINDS.includes(k));
    if (kind === undefined) fail(`expected one of the keys ${KINDS.join(', ')}`, path);
    if ('truncated' in v) fail('this value was cut short for display ("truncated"): the whole term is not here', path);
    for (const k of Object.keys(v)) {
      if (k !== kind && !(EXTRA_KEYS[kind] ?? []).includes(k)) fail(`unexpected key "${k}" next to "${kind}"`, path);
    }
    const value = v[kind];
    const here = path.key(kind);
    let term: Term;
    switch (kind) {
      case 'atom':
        term = atom(value, here);
        break;
      case 'int':
        term = integer(value, here);
        break;
      case 'float':
        if (typeof value !== 'number' || !Number.isFinite(value)) fail('expected a finite number', here);
        term = new ErlFloat(value);
        break;
      case 'bin':
        term = new TextEncoder().encode(string(value, here));
        break;
      case 'bin64':
        term = base64(value, here);
        break;
      case 'bits': {
        const bytes = base64(value, here);
        const bits = uint(v.bits_in_last, path.key('bits_in_last'), 8);
        if (bits < 1 || bytes.length === 0) fail('a bitstring needs at least one byte and 1..8 bits in the last', path);
        if ((bytes[bytes.length - 1]! & (0xff >> bits)) !== 0)
          fail('the unused low bits of the last byte must be zero', here);
        term = new BitBinary(bytes, bits);
        break;
      }
      case 'list': {
        const items = array(value, here);
        const elements = new Array<Term>(items.length);
        if ('tail' in v) {
          const tail: Term[] = [];
          tasks.push({ kind: 'improper', elements, tail, into, at, path });
          tasks.push({ kind: 'value', json: v.tail, path: path.key('tail'), into: tail, at: 0 });
          children(items, here, elements);
          continue;
        }
        children(items, here, elements);
        term = elements;
        break;
      }
      case 'tuple': {
        const items = array(value, here);
        const elements = new Array<Term>(items.length);
        children(items, here, elements);
        term = new Tuple(elements);
        break;
      }
      case 'map': {
        const pairs = array(value, here);
        const keys = new Array<Term>(pairs.length);
        const values = new Array<Term>(pairs.length);
        for (let i = pairs.length - 1; i >= 0; i--) {
          const pair = array(pairs[i], here.index(i));
          if (pair.length !== 2) fail('expected a [key, value] pair', here.index(i));
          tasks.push({ kind: 'value', json: pair[1], path: here.index(i).index(1), into: values, at: i });
          tasks.push({ kind: 'value', json: pair[0], path: here.index(i).index(0), into: keys, at: i });
        }
        term = new ErlMap(keys, values);
        break;
      }
      case 'pid':
        term = pid(value, here);
        break;
      case 'port':
        term = port(value, here);
        break;
      case 'ref':
        term = ref(value, here);
        break;
      case 'export': {
        const o = fields(value, here, ['module', 'function', 'arity']);
        term = new ExportFun(
          atom(o.module, here.key('module')),
          atom(o.function, here.key('function')),
          uint(o.arity, here.key('arity'), 255),
        );
        break;
      }
      default: {
        const o = fields(value, here, [
          'module',
          'arity',
          'index',
          'uniq',
          'old_index',
          'old_uniq',
          'pid',
          'free_vars',
        ]);
        const uniq = string(o.uniq, here.key('uniq'));
        if (!/^[0-9a-fA-F]{32}$/.test(uniq)) fail('expected 32 hex digits', here.key('uniq'));
        const freeJson = array(o.free_vars, here.key('free_vars'));
        const freeVars = new Array<Term>(freeJson.length);
        children(freeJson, here.key('free_vars'), freeVars);
        term = new Fun(
          uint(o.arity, here.key('arity'), 255),
          new Uint8Array(Buffer.from(uniq, 'hex')),
          uint(o.index, here.key('index')),
          atom(o.module, here.key('module')),
          integer(o.old_index, here.key('old_index')),
          integer(o.old_uniq, here.key('old_uniq')),
          pid(o.pid, here.key('pid')),
          freeVars,
        );
      }
    }
    into[at] = term;
  }
  return root[0]!;
}

/** `fromTypedJson(JSON.parse(text))`, for symmetry with stringifyTypedJson. */
export function parseTypedJson(text: string): Term {
  return fromTypedJson(JSON.parse(text));
}

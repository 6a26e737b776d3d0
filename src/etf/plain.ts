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
  atoms,
  type Term,
} from './term.js';
import { EncodeError } from './errors.js';

/**
 * Plain JS values accepted wherever a Term is (encode, fromPlain), with JSON-like meaning:
 * strings are UTF-8 binaries, objects are maps with binary keys, non-integer numbers are floats,
 * true/false/null are the atoms true/false/nil. Term values pass through unchanged.
 */
export type PlainValue =
  Term | string | boolean | null | readonly PlainValue[] | { readonly [key: string]: PlainValue };

const utf8 = new TextEncoder();

/**
 * Converts a plain JS value into a Term (see PlainValue). Object keys keep JS property order
 * (which puts integer-like keys first). Iterative: deep input does not use the call stack.
 * Throws EncodeError for what has no term (undefined, functions, symbols, class instances, NaN).
 */
export function fromPlain(value: unknown): Term {
  // Each job converts one value into `into[at]`, or (`leave`) closes an array/object whose
  // children are all done: the open ones are tracked to refuse a value that contains itself.
  const root: Term[] = [[]];
  const jobs: Job[] = [{ value, into: root, at: 0 }];
  const open = new Set<object>();
  while (jobs.length > 0) {
    const job = jobs.pop()!;
    if ('leave' in job) open.delete(job.leave);
    else job.into[job.at] = convert(job.value, jobs, open);
  }
  return root[0]!;
}

type Job = { value: unknown; into: Term[]; at: number } | { leave: object };

function convert(v: unknown, jobs: Job[], open: Set<object>): Term {
  switch (typeof v) {
    case 'number':
      if (Number.isInteger(v)) return v === 0 ? 0 : v; // no -0 among integers
      if (!Number.isFinite(v)) throw new EncodeError(`${v} has no Erlang term (floats are finite)`);
      return new ErlFloat(v);
    case 'bigint':
      return Number.isSafeInteger(Number(v)) && BigInt(Number(v)) === v ? Number(v) : v;
    case 'string':
      return utf8.encode(v);
    case 'boolean':
      return v ? atoms.true : atoms.false;
    case 'object':
      break;
    default:
      throw new EncodeError(`a ${typeof v} has no Erlang term`);
  }
  if (v === null) return atoms.nil;
  if (Array.isArray(v)) {
    enter(v, jobs, open);
    const out = new Array<Term>(v.length);
    for (let i = v.length - 1; i >= 0; i--) jobs.push({ value: v[i], into: out, at: i });
    return out;
  }
  if (v instanceof Uint8Array) return v;
  if (v instanceof Tuple || v instanceof ErlMap || v instanceof ImproperList) return v;
  if (isTermInstance(v)) return v as Term;
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) {
    throw new EncodeError(`a ${v.constructor?.name ?? 'object'} has no Erlang term`);
  }
  enter(v, jobs, open);
  const record = v as Record<string, unknown>;
  const names = Object.keys(record);
  const keys = names.map((k) => utf8.encode(k) as Term);
  const values = new Array<Term>(names.length);
  for (let i = names.length - 1; i >= 0; i--) jobs.push({ value: record[names[i]!], into: values, at: i });
  return new ErlMap(keys, values);
}

function enter(container: object, jobs: Job[], open: Set<object>): void {
  if (open.has(container)) throw new EncodeError('a value that contains itself has no Erlang term');
  open.add(container);
  jobs.push({ leave: container });
}

function isTermInstance(v: object): boolean {
  return (
    v instanceof Atom ||
    v instanceof ErlFloat ||
    v instanceof BitBinary ||
    v instanceof Pid ||
    v instanceof Port ||
    v instanceof Ref ||
    v instanceof ExportFun ||
    v instanceof Fun
  );
}

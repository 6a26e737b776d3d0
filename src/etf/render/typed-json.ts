/**
 * Typed JSON: a lossless JSON form of any term, for tools that speak JSON (the contract is
 * mirrored by `fromTypedJson` in typed-json-read.ts; `fromTypedJson(toTypedJson(t))` equals t).
 *
 *   atom        {"atom":"name"}
 *   integer     {"int":42} — beyond ±(2^53−1) as a decimal string: {"int":"123456789012345678901"}
 *   float       {"float":1.5} — -0.0 is {"float":-0}: the JS value keeps the sign (Object.is);
 *               JSON.stringify writes it as 0, so use stringifyTypedJson (which writes -0)
 *   binary      {"bin":"text"} when valid UTF-8, else {"bin64":"<base64>"}
 *   bitstring   {"bits":"<base64 of the bytes, unused low bits of the last byte zero>","bits_in_last":N}
 *   list        {"list":[…]}; improper {"list":[…],"tail":T}; a charlist is a list of ints
 *   tuple       {"tuple":[…]}
 *   map         {"map":[[K,V],…]} in wire order
 *   pid         {"pid":{"node":"a@h","id":N,"serial":N,"creation":N}}
 *   port        {"port":{"node":"a@h","id":N,"creation":N}} (id a string beyond 2^53−1)
 *   reference   {"ref":{"node":"a@h","creation":N,"ids":[N,…]}} (ids in wire order)
 *   export      {"export":{"module":"m","function":"f","arity":N}}
 *   fun         {"fun":{"module":"m","arity":N,"index":N,"uniq":"<32 hex digits>",
 *                "old_index":N,"old_uniq":N,"pid":{…as in pid…},"free_vars":[…]}}
 * pid, port and reference objects carry "format":"old" / "new" / "v4" only when the term came in
 * a non-default encoding (PID_EXT, PORT_EXT, V4_PORT_EXT, REFERENCE_EXT, NEW_REFERENCE_EXT), so
 * that re-encoding gives the same bytes.
 *
 * Both directions are iterative: any depth works.
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
import { toBase64 } from './typed-json-text.js';
import { utf8Text } from '../utf8-text.js';

export interface PidJson {
  node: string;
  id: number;
  serial: number;
  creation: number;
  format?: 'old';
}

export type TypedJson =
  | { atom: string }
  | { int: number | string }
  | { float: number }
  | { bin: string }
  | { bin64: string }
  | { bits: string; bits_in_last: number }
  | { list: TypedJson[]; tail?: TypedJson }
  | { tuple: TypedJson[] }
  | { map: Array<[TypedJson, TypedJson]> }
  | { pid: PidJson }
  | { port: { node: string; id: number | string; creation: number; format?: 'old' | 'v4' } }
  | { ref: { node: string; creation: number; ids: number[]; format?: 'old' | 'new' } }
  | { export: { module: string; function: string; arity: number } }
  | {
      fun: {
        module: string;
        arity: number;
        index: number;
        uniq: string;
        old_index: number | string;
        old_uniq: number | string;
        pid: PidJson;
        free_vars: TypedJson[];
      };
    };

/** A number when it is a safe integer, else its decimal string (as for `int`). */
function bigToJson(n: number | bigint): number | string {
  if (typeof n === 'number') return n;
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
}

function pidJson(pid: Pid): PidJson {
  const json: PidJson = { node: pid.node.name, id: pid.id, serial: pid.serial, creation: pid.creation };
  if (pid.oldFormat) json.format = 'old';
  return json;
}

/** A slot a converted child is written into: an array index or an object key. */
type Task = { term: Term; into: object; at: number | string };

/** The typed-JSON value of `term` (see the module comment for the contract). */
export function toTypedJson(term: Term): TypedJson {
  const root: unknown[] = [undefined];
  const tasks: Task[] = [{ term, into: root, at: 0 }];
  const children = (terms: readonly Term[], into: unknown[]): void => {
    for (let i = terms.length - 1; i >= 0; i--) tasks.push({ term: terms[i]!, into, at: i });
  };
  for (let task = tasks.pop(); task !== undefined; task = tasks.pop()) {
    const t = task.term;
    let json: unknown;
    if (typeof t === 'number') json = { int: t };
    else if (typeof t === 'bigint') json = { int: bigToJson(t) };
    else if (t instanceof Atom) json = { atom: t.name };
    else if (t instanceof ErlFloat) json = { float: t.value };
    else if (t instanceof Uint8Array) {
      const text = utf8Text(t);
      json = text === undefined ? { bin64: toBase64(t) } : { bin: text };
    } else if (Array.isArray(t)) {
      const list = new Array<unknown>(t.length);
      children(t, list);
      json = { list };
    } else if (t instanceof Tuple) {
      const tuple = new Array<unknown>(t.length);
      children(t.elements, tuple);
      json = { tuple };
    } else if (t instanceof ErlMap) {
      const pairs: unknown[][] = [];
      for (let i = t.keys.length - 1; i >= 0; i--) {
        const pair: unknown[] = [undefined, undefined];
        pairs[i] = pair;
        tasks.push({ term: t.values[i]!, into: pair, at: 1 }, { term: t.keys[i]!, into: pair, at: 0 });
      }
      json = { map: pairs };
    } else if (t instanceof ImproperList) {
      const list = new Array<unknown>(t.elements.length);
      const holder: { list: unknown[]; tail?: unknown } = { list, tail: undefined };
      tasks.push({ term: t.tail, into: holder, at: 'tail' });
      children(t.elements, list);
      json = holder;
    } else if (t instanceof BitBinary) json = { bits: toBase64(t.bytes), bits_in_last: t.bitsInLast };
    else if (t instanceof Pid) json = { pid: pidJson(t) };
    else if (t instanceof Port) {
      const port: Record<string, unknown> = { node: t.node.name, id: bigToJson(t.id), creation: t.creation };
      if (t.format !== 'new') port.format = t.format;
      json = { port };
    } else if (t instanceof Ref) {
      const ref: Record<string, unknown> = { node: t.node.name, creation: t.creation, ids: [...t.ids] };
      if (t.format !== 'newer') ref.format = t.format;
      json = { ref };
    } else if (t instanceof ExportFun)
      json = { export: { module: t.module.name, function: t.fun.name, arity: t.arity } };
    else if (t instanceof Fun) {
      const freeVars = new Array<unknown>(t.freeVars.length);
      children(t.freeVars, freeVars);
      json = {
        fun: {
          module: t.module.name,
          arity: t.arity,
          index: t.index,
          uniq: Buffer.from(t.uniq.buffer, t.uniq.byteOffset, t.uniq.byteLength).toString('hex'),
          old_index: bigToJson(t.oldIndex),
          old_uniq: bigToJson(t.oldUniq),
          pid: pidJson(t.pid),
          free_vars: freeVars,
        },
      };
    } else throw new TypeError(`not a term: ${String(t)}`);
    (task.into as Record<number | string, unknown>)[task.at] = json;
  }
  return root[0] as TypedJson;
}

/**
 * Typed JSON as text, keeping -0 (see the module comment): written straight from the term by
 * typed-json-text.ts, the same text as `stringifyJson(toTypedJson(term))` at a fraction of the cost.
 */
export { typedJsonText as stringifyTypedJson } from './typed-json-text.js';

/**
 * Plain JSON for payloads: what a jq user expects, close to what Phoenix's Jason encoder makes of
 * the same data. Lossy by design (use typed JSON to keep everything):
 *
 *   map            object; keys: UTF-8 binaries as their text, atoms as their name, any other key
 *                  as its one-line Elixir text (`{1, 2}`); when two keys would collide, the later
 *                  one is written as Elixir text (`:a` next to `"a"`)
 *   struct         object with `"__struct__": "Phoenix.Socket.Broadcast"` (alias without `Elixir.`)
 *   MapSet         array of its elements (Elixir 1.14's shape; other shapes stay structs)
 *   binary         string when valid UTF-8, else `"base64:<base64>"`
 *   bitstring      its Elixir text, `"<<85, 28::size(5)>>"`
 *   atom           string (`"ok"`, `"Elixir.Enum"`); true/false → booleans; nil → null
 *   integer        number; beyond ±(2^53−1) a decimal string
 *   float          number (-0.0 becomes 0)
 *   list, tuple    array (a charlist is an array of integers, as Jason writes it)
 *   improper list  its Elixir text, `"[1, 2 | 3]"`
 *   pid/port/ref/fun  their Elixir text (`"#PID<a@127.0.0.1.398.0>"`)
 * Deeper than `maxDepth` (default 1000) a container becomes the text `…(nesting deeper than N)`.
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
  atoms,
  type Term,
} from '../term.js';
import { DEFAULT_MAX_DEPTH, depthMarker } from './elixir-doc.js';
import { renderElixir } from './elixir.js';
import { MAPSET_MODULE, mapSetElements } from './structs.js';
import { decodeUtf8 } from './strings.js';
import { toBase64 } from './typed-json-text.js';

export type PlainJson = null | boolean | number | string | PlainJson[] | { [key: string]: PlainJson };

export interface PlainJsonOptions {
  maxDepth?: number;
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function elixirText(term: Term): string {
  return renderElixir(term, { pretty: false });
}

function keyText(key: Term): string {
  if (key instanceof Uint8Array) {
    const text = decodeUtf8(key);
    if (text !== undefined) return text;
  }
  if (key instanceof Atom) return key.name;
  return elixirText(key);
}

export function toPlainJson(term: Term, options: PlainJsonOptions = {}): PlainJson {
  return convert(term, 0, options.maxDepth ?? DEFAULT_MAX_DEPTH);
}

function convert(term: Term, depth: number, maxDepth: number): PlainJson {
  if (typeof term === 'number') return term;
  if (typeof term === 'bigint') return term >= MIN_SAFE && term <= MAX_SAFE ? Number(term) : term.toString();
  if (term instanceof Atom) {
    if (term === atoms.true) return true;
    if (term === atoms.false) return false;
    if (term === atoms.nil) return null;
    return term.name;
  }
  if (term instanceof ErlFloat) return term.value === 0 ? 0 : term.value;
  if (term instanceof Uint8Array) return decodeUtf8(term) ?? 'base64:' + toBase64(term);
  if (term instanceof BitBinary || term instanceof ImproperList) return elixirText(term);
  if (
    term instanceof Pid ||
    term instanceof Port ||
    term instanceof Ref ||
    term instanceof ExportFun ||
    term instanceof Fun
  ) {
    return elixirText(term);
  }
  if (depth >= maxDepth) return depthMarker(maxDepth);
  if (Array.isArray(term)) return term.map((t) => convert(t, depth + 1, maxDepth));
  if (term instanceof Tuple) return term.elements.map((t) => convert(t, depth + 1, maxDepth));
  if (term instanceof ErlMap) {
    const module = term.structName();
    if (module?.name === MAPSET_MODULE) {
      const elements = mapSetElements(term, false);
      if (elements !== undefined) return elements.map((t) => convert(t, depth + 1, maxDepth));
    }
    // No prototype: a key "__proto__" must be an ordinary property.
    const object = Object.create(null) as { [key: string]: PlainJson };
    for (let i = 0; i < term.keys.length; i++) {
      const key = term.keys[i]!;
      let name = keyText(key);
      if (Object.prototype.hasOwnProperty.call(object, name)) name = elixirText(key);
      const value = term.values[i]!;
      object[name] =
        key === atoms.struct && value instanceof Atom
          ? value.name.startsWith('Elixir.')
            ? value.name.slice('Elixir.'.length)
            : value.name
          : convert(value, depth + 1, maxDepth);
    }
    return object;
  }
  throw new TypeError(`not a term: ${String(term)}`);
}

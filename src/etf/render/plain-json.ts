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
 * Output is bounded (display-limits.ts): a binary over 1 MiB becomes
 * `{"truncated":true,"size":N,"text":"<its first 1 MiB>"}` (`"base64"` when not UTF-8); once about
 * 16 Mi characters are written, an array ends with `{"truncated":true,"more":N}` and an object
 * gets the member `"…": {"truncated":true,"more":N}` for the items left out.
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
import { utf8Text } from '../utf8-text.js';
import { toBase64 } from './typed-json-text.js';
import { RenderBudget, utf8Prefix } from './display-limits.js';
import { isUtf8 } from 'node:buffer';

export type PlainJson = null | boolean | number | string | PlainJson[] | { [key: string]: PlainJson } | TruncatedJson;

export interface PlainJsonOptions {
  maxDepth?: number;
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The part of a value the budget left out: a binary's size, or how many items were not shown. */
export interface TruncatedJson {
  truncated: true;
  size?: number;
  more?: number;
  text?: string;
  base64?: string;
}

export function toPlainJson(term: Term, options: PlainJsonOptions = {}): PlainJson {
  return new PlainJsonBuilder(options.maxDepth ?? DEFAULT_MAX_DEPTH).convert(term, 0);
}

class PlainJsonBuilder {
  private readonly budget = new RenderBudget();

  constructor(private readonly maxDepth: number) {}

  private spent<T extends string>(text: T): T {
    this.budget.spend(text.length);
    return text;
  }

  private elixirText(term: Term): string {
    return this.spent(renderElixir(term, { pretty: false }));
  }

  private keyText(key: Term): string {
    if (key instanceof Uint8Array && !this.budget.cuts(key)) {
      const text = utf8Text(key);
      if (text !== undefined) return this.spent(text);
    }
    if (key instanceof Atom) return this.spent(key.name);
    return this.elixirText(key);
  }

  /** A binary: its text when valid UTF-8, else `base64:…`; past the limit, a TruncatedJson. */
  private binary(bytes: Uint8Array): PlainJson {
    if (this.budget.exhausted) return { truncated: true, size: bytes.length };
    if (!this.budget.cuts(bytes)) return this.spent(utf8Text(bytes) ?? 'base64:' + toBase64(bytes));
    const max = this.budget.limits.binaryBytes;
    this.budget.spend(max * 2);
    return isUtf8(bytes)
      ? { truncated: true, size: bytes.length, text: utf8Prefix(bytes, max) }
      : { truncated: true, size: bytes.length, base64: toBase64(bytes.subarray(0, max)) };
  }

  /** Converted items while the budget lasts, then `{"truncated":true,"more":N}`. */
  private items(terms: readonly Term[], depth: number): PlainJson[] {
    const out: PlainJson[] = [];
    for (let i = 0; i < terms.length; i++) {
      if (this.budget.exhausted) {
        out.push({ truncated: true, more: terms.length - i });
        break;
      }
      out.push(this.convert(terms[i]!, depth + 1));
    }
    return out;
  }

  convert(term: Term, depth: number): PlainJson {
    const maxDepth = this.maxDepth;
    if (typeof term === 'number') return term;
    if (typeof term === 'bigint')
      return term >= MIN_SAFE && term <= MAX_SAFE ? Number(term) : this.spent(term.toString());
    if (term instanceof Atom) {
      if (term === atoms.true) return true;
      if (term === atoms.false) return false;
      if (term === atoms.nil) return null;
      return this.spent(term.name);
    }
    if (term instanceof ErlFloat) return term.value === 0 ? 0 : term.value;
    if (term instanceof Uint8Array) return this.binary(term);
    if (term instanceof BitBinary || term instanceof ImproperList) return this.elixirText(term);
    if (
      term instanceof Pid ||
      term instanceof Port ||
      term instanceof Ref ||
      term instanceof ExportFun ||
      term instanceof Fun
    ) {
      return this.elixirText(term);
    }
    if (depth >= maxDepth) return depthMarker(maxDepth);
    if (Array.isArray(term)) return this.items(term, depth);
    if (term instanceof Tuple) return this.items(term.elements, depth);
    if (term instanceof ErlMap) {
      const module = term.structName();
      if (module?.name === MAPSET_MODULE) {
        const elements = mapSetElements(term, false);
        if (elements !== undefined) return this.items(elements, depth);
      }
      // No prototype: a key "__proto__" must be an ordinary property.
      const object = Object.create(null) as { [key: string]: PlainJson };
      for (let i = 0; i < term.keys.length; i++) {
        if (this.budget.exhausted) {
          object['…'] = { truncated: true, more: term.keys.length - i };
          break;
        }
        const key = term.keys[i]!;
        let name = this.keyText(key);
        if (Object.prototype.hasOwnProperty.call(object, name)) name = this.elixirText(key);
        const value = term.values[i]!;
        object[name] =
          key === atoms.struct && value instanceof Atom
            ? value.name.startsWith('Elixir.')
              ? value.name.slice('Elixir.'.length)
              : value.name
            : this.convert(value, depth + 1);
      }
      return object;
    }
    throw new TypeError(`not a term: ${String(term)}`);
  }
}

/**
 * Term → document in Elixir syntax: what Elixir 1.14's `inspect/2` prints for the term on a
 * node where the standard library and the given structs are loaded. `renderElixir` (pretty or
 * one line) and `inspect` (one line) both print this document, so every surface reads the same;
 * the options below change only the charlist style and what is cut for display.
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
import { inspectAtom, inspectAtomKey, inspectAtomRemoteCall, isKeywordKeyAtom } from './atoms.js';
import { elixirFloat } from './floats.js';
import { compareExact, FLATMAP_LIMIT } from '../otp-map-order.js';
import { box, renderFlat, seq, type Doc } from './layout.js';
import { RAISES, STDLIB_STRUCTS, isHiddenField, stdlibImpl, type StructDocContext } from './stdlib-structs.js';
import { fieldValue, registeredFields, type StructRegistry } from './structs.js';
import { asciiPrintableList, escapeText, nodeNameText, plainQuotableText, printableText } from './strings.js';
import {
  displayLimits,
  isPrintableUtf8,
  RenderBudget,
  SYNTAX_BINARY_BYTES,
  utf8Prefix,
  type DisplayLimits,
} from './display-limits.js';

export interface ElixirDocOptions {
  readonly structs: StructRegistry | undefined;
  /** `sigil`: `~c"abc"` (Elixir ≥ 1.15); `quotes`: `'abc'` (1.14); `lists`: `[97, 98, 99]`. */
  readonly charlists: 'sigil' | 'quotes' | 'lists';
  /** Elide binaries longer than this many bytes (not valid Elixir; for display only). */
  readonly maxBinaryLength: number | undefined;
  readonly maxDepth: number;
  /** Output bounds (display-limits.ts); never beyond DISPLAY_LIMITS, whatever is asked. */
  readonly limits?: Partial<DisplayLimits>;
}

export const DEFAULT_MAX_DEPTH = 1000;

export function depthMarker(maxDepth: number): string {
  return `…(nesting deeper than ${maxDepth})`;
}

/**
 * Elements and tail of a list as Erlang sees it: `[1 | [2 | 3]]` is `[1, 2 | 3]` and
 * `[1 | [2]]` is `[1, 2]` (a foreign encoder may nest LIST_EXT tails; term_to_binary never does).
 */
export function flattenList(list: ImproperList): { elements: Term[]; tail: Term | undefined } {
  let tail: Term = list.tail;
  if (!Array.isArray(tail) && !(tail instanceof ImproperList)) return { elements: list.elements, tail };
  const elements = [...list.elements];
  for (;;) {
    if (Array.isArray(tail)) {
      elements.push(...tail);
      return { elements, tail: undefined };
    }
    if (tail instanceof ImproperList) {
      elements.push(...tail.elements);
      tail = tail.tail;
      continue;
    }
    return { elements, tail };
  }
}

/** Inspect's keyword-list test: every item a pair whose first element is a keyword-key atom. */
export function isKeyword(list: readonly Term[]): boolean {
  for (const item of list) {
    if (!(item instanceof Tuple) || item.length !== 2) return false;
    const key = item.elements[0];
    if (!(key instanceof Atom) || !isKeywordKeyAtom(key.name)) return false;
  }
  return true;
}

const BYTE_TEXT = Array.from({ length: 256 }, (_, i) => String(i));

const allText = (docs: readonly Doc[]): boolean => docs.every((d) => typeof d === 'string');

/**
 * The order the receiving VM lists a map's pairs in (`Map.to_list/1`), as indexes into the
 * wire order, or undefined when that is the wire order. `binary_to_term` sorts a map of up to 32
 * keys into term order, whatever order the bytes had; a larger map is a hash trie whose order
 * the sending VM already wrote, so it stays as it came.
 */
export function vmOrder(map: ErlMap): number[] | undefined {
  const keys = map.keys;
  if (keys.length < 2 || keys.length > FLATMAP_LIMIT) return undefined;
  let sorted = true;
  for (let i = 1; i < keys.length && sorted; i++) sorted = quickCompare(keys[i - 1]!, keys[i]!) < 0;
  if (sorted) return undefined;
  return keys.map((_, i) => i).sort((a, b) => quickCompare(keys[a]!, keys[b]!));
}

/** compareExact with fast paths for the keys real maps have (binaries, atoms, small integers). */
function quickCompare(a: Term, b: Term): number {
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  }
  if (a instanceof Atom && b instanceof Atom) {
    // Atoms compare by their UTF-8 bytes, which is code point order.
    const x = a.name;
    const y = b.name;
    for (let i = 0, j = 0; i < x.length && j < y.length;) {
      const cx = x.codePointAt(i)!;
      const cy = y.codePointAt(j)!;
      if (cx !== cy) return cx - cy;
      i += cx > 0xffff ? 2 : 1;
      j += cy > 0xffff ? 2 : 1;
    }
    return x.length - y.length; // one is a prefix of the other
  }
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return compareExact(a, b);
}

export class ElixirDocBuilder {
  /** Inside `MapSet.new(…)` Elixir 1.14's inspect prints charlists as plain lists. */
  private asLists = 0;
  private readonly budget: RenderBudget;

  constructor(private readonly options: ElixirDocOptions) {
    const limits = options.limits ?? {};
    this.budget = new RenderBudget(
      displayLimits({
        ...limits,
        binaryBytes: options.maxBinaryLength ?? limits.binaryBytes,
      }),
    );
  }

  /** `term` as a document; past the character budget, containers show `…(N more)`. */
  build(term: Term, depth = 0): Doc {
    // One frame per level, no closure: deep terms are walked to 1000 levels on the default stack.
    return this.budget.exhausted ? '…' : this.budget.charge(this.buildTerm(term, depth));
  }

  /** Documents for `count` items, as many as the budget allows, then a `…(N more)` marker. */
  private items(count: number, item: (i: number) => Doc): Doc[] {
    return this.budget.items(count, item);
  }

  /** Text of a key or label outside build(): it counts against the budget too. */
  private text(text: string): string {
    this.budget.spend(text.length);
    return text;
  }

  private buildTerm(term: Term, depth: number): Doc {
    if (typeof term === 'number' || typeof term === 'bigint') return term.toString();
    if (term instanceof Atom) return inspectAtom(term.name);
    if (term instanceof Uint8Array) return this.binary(term);
    if (term instanceof ErlFloat) return elixirFloat(term.value);
    if (depth >= this.options.maxDepth) return depthMarker(this.options.maxDepth);
    if (Array.isArray(term)) return this.list(term, undefined, depth);
    if (term instanceof Tuple) {
      const elements = term.elements;
      const items = this.items(elements.length, (i) => this.build(elements[i]!, depth + 1));
      return box('{', items, '}', { fill: allText(items) });
    }
    if (term instanceof ErlMap) return this.map(term, depth);
    if (term instanceof ImproperList) {
      const { elements, tail } = flattenList(term);
      return this.list(elements, tail, depth);
    }
    if (term instanceof BitBinary) return this.bitBinary(term);
    if (term instanceof Pid) return `#PID<${nodeNameText(term.node.name)}.${term.id}.${term.serial}>`;
    if (term instanceof Port) return `#Port<${nodeNameText(term.node.name)}.${term.id}>`;
    // ref_to_list/1 prints the id words most significant first: the reverse of the wire order.
    if (term instanceof Ref)
      return `#Reference<${[nodeNameText(term.node.name), ...[...term.ids].reverse()].join('.')}>`;
    if (term instanceof ExportFun) {
      return `&${inspectAtom(term.module.name)}.${inspectAtomRemoteCall(term.fun.name)}/${term.arity}`;
    }
    if (term instanceof Fun) {
      return `#Function<${term.index}.${term.oldUniq}/${term.arity} in ${inspectAtom(term.module.name)}>`;
    }
    throw new TypeError(`not a term: ${String(term)}`);
  }

  private list(elements: readonly Term[], tail: Term | undefined, depth: number): Doc {
    if (elements.length === 0) return tail === undefined ? '[]' : this.build(tail, depth);
    if (tail === undefined && this.asLists === 0 && this.options.charlists !== 'lists') {
      const chars = asciiPrintableList(elements);
      if (chars !== undefined) {
        return this.options.charlists === 'sigil'
          ? '~c"' + escapeText(chars, '"') + '"'
          : "'" + escapeText(chars, "'") + "'";
      }
    }
    if (tail === undefined && isKeyword(elements)) {
      const items = this.items(elements.length, (i) => this.pair(elements[i] as Tuple, depth + 1));
      return box('[', items, ']');
    }
    const items = this.items(elements.length, (i) => this.build(elements[i]!, depth + 1));
    const tailDoc = tail === undefined || items.length < elements.length ? undefined : this.build(tail, depth + 1);
    return box('[', items, ']', {
      tail: tailDoc,
      fill: allText(items) && (tailDoc === undefined || typeof tailDoc === 'string'),
    });
  }

  private pair(tuple: Tuple, depth: number): Doc {
    const [key, value] = tuple.elements as [Atom, Term];
    return seq(this.text(inspectAtomKey(key.name) + ' '), this.build(value, depth));
  }

  private map(map: ErlMap, depth: number): Doc {
    const module = map.structName();
    if (module !== undefined) {
      const special = this.struct(map, module, depth);
      if (special !== undefined) return special;
    }
    const { keys, values } = map;
    const order = vmOrder(map);
    const keyword = keys.every((k) => k instanceof Atom && isKeywordKeyAtom(k.name));
    const items = this.items(keys.length, (n) => {
      const i = order === undefined ? n : order[n]!;
      const key = keyword ? this.text(inspectAtomKey((keys[i] as Atom).name) + ' ') : this.build(keys[i]!, depth + 1);
      const value = this.build(values[i]!, depth + 1);
      return keyword ? seq(key, value) : seq(key, ' => ', value);
    });
    return box('%{', items, '}');
  }

  /**
   * A struct as Elixir 1.14's Inspect dispatch prints it: the standard library's own
   * implementation, else `%Mod{…}` in field order when the module is known and the keys are
   * exactly its fields (Inspect.Any), else undefined — a plain map, as for a module that is not
   * loaded or an implementation that raised.
   */
  private struct(map: ErlMap, module: Atom, depth: number): Doc | undefined {
    const impl = stdlibImpl(module.name, compareExact);
    if (impl !== undefined) {
      const doc = impl(map, this.context(depth));
      return doc === RAISES ? undefined : doc;
    }
    const fields = registeredFields(map, module, this.options.structs) ?? registeredFields(map, module, STDLIB_STRUCTS);
    if (fields === undefined) return undefined;
    const shown = fields.filter((field) => !isHiddenField(field));
    const items = this.items(shown.length, (i) =>
      seq(this.text(inspectAtomKey(shown[i]!) + ' '), this.build(fieldValue(map, shown[i]!)!, depth + 1)),
    );
    return box('%' + inspectAtom(module.name) + '{', items, '}');
  }

  private context(depth: number): StructDocContext {
    return {
      doc: (t) => this.build(t, depth + 1),
      text: (t) => {
        // Kernel.inspect/1 starts from default options: charlists as charlists again.
        const saved = this.asLists;
        this.asLists = 0;
        try {
          return renderFlat(this.build(t, depth + 1));
        } finally {
          this.asLists = saved;
        }
      },
      keys: (m) => {
        const order = vmOrder(m);
        return order === undefined ? m.keys : order.map((i) => m.keys[i]!);
      },
      asLists: (fn) => {
        this.asLists++;
        try {
          return fn();
        } finally {
          this.asLists--;
        }
      },
    };
  }

  /**
   * A binary; one longer than the limit shows its first bytes and its size, as
   * `"abc…" (102400 bytes)` or `<<0, 1, …>> (67108859 bytes)` (text when the whole binary is
   * printable, decided on the bytes without decoding them all).
   */
  private binary(bytes: Uint8Array): Doc {
    const maxText = this.budget.limits.binaryBytes;
    if (bytes.length <= maxText) {
      const plain = plainQuotableText(bytes);
      if (plain !== undefined) return '"' + plain + '"';
      const text = printableText(bytes);
      if (text !== undefined) return '"' + escapeText(text, '"') + '"';
    } else if (isPrintableUtf8(bytes)) {
      return `"${escapeText(utf8Prefix(bytes, maxText), '"')}…" (${bytes.length} bytes)`;
    }
    if (bytes.length === 0) return '<<>>';
    const max = Math.min(maxText, SYNTAX_BINARY_BYTES);
    if (bytes.length <= max) return box('<<', this.byteItems(bytes), '>>', { fill: true });
    const items = this.byteItems(bytes.subarray(0, max));
    items.push('…');
    return seq(box('<<', items, '>>', { fill: true }), this.text(` (${bytes.length} bytes)`));
  }

  private byteItems(bytes: Uint8Array): string[] {
    const items = new Array<string>(bytes.length);
    for (let i = 0; i < bytes.length; i++) items[i] = BYTE_TEXT[bytes[i]!]!;
    // Counted here: a box of bytes is not a string, so build() does not see its width.
    this.budget.spend(bytes.length * 3);
    return items;
  }

  private bitBinary(bits: BitBinary): Doc {
    const { bytes, bitsInLast } = bits;
    if (bitsInLast === 8 || bytes.length === 0) return this.binary(bytes);
    const max = Math.min(this.budget.limits.binaryBytes, SYNTAX_BINARY_BYTES);
    const last = `${bytes[bytes.length - 1]! >> (8 - bitsInLast)}::size(${bitsInLast})`;
    if (bytes.length - 1 > max) {
      const items = this.byteItems(bytes.subarray(0, max));
      items.push('…', last);
      return seq(box('<<', items, '>>', { fill: true }), this.text(` (${bytes.length} bytes)`));
    }
    const items = this.byteItems(bytes.subarray(0, bytes.length - 1));
    items.push(last);
    return box('<<', items, '>>', { fill: true });
  }
}

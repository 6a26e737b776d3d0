/**
 * The one-line Elixir rendering written straight into a string, for the terms most messages are
 * made of: integers, atoms, printable binaries, tuples, proper lists and plain maps. The line
 * output renders every message of a flood, and building a document (elixir-doc.ts) and then
 * flattening it (layout.ts renderFlat) costs several times more than writing the text.
 *
 * It answers only where its text is the document path's to the character, and gives up
 * (undefined) on anything else — floats, pids, refs, funs, bitstrings, improper lists, structs,
 * binaries that are not printable or are cut, deep nesting, long output — leaving those to the
 * document path. Output stays far below the RenderBudget's bound, so the `…(N more)` markers the
 * document path adds past it never apply here.
 */

import { Atom, ErlMap, Tuple, type Term } from '../term.js';
import { inspectAtom, inspectAtomKey, isKeywordKeyAtom } from './atoms.js';
import { displayLimits } from './display-limits.js';
import { isKeyword, vmOrder, type ElixirDocOptions } from './elixir-doc.js';
import { asciiPrintableList, escapeText, isPlainQuotable, printableText } from './strings.js';
import { utf8Text } from '../utf8-text.js';

/** Nesting beyond this is rare in messages; the document path handles it (and its depth marker). */
const FLAT_MAX_DEPTH = 100;
/** Longer output is left to the document path, whose budget (16 Mi characters) is then never near. */
const FLAT_MAX_CHARS = 64 * 1024;

export type FlatOptions = Pick<ElixirDocOptions, 'charlists' | 'maxBinaryLength' | 'maxDepth'>;

/**
 * Where the flat rendering goes: a string here, or the line output's bytes (output/elixir-line-sink.ts),
 * which writes the common payload string as the bytes it already is, with no text made of it.
 */
export interface FlatSink {
  /** How much was written since the rendering started (characters or bytes): long output gives up. */
  readonly written: number;
  /** ASCII syntax known to be safe anywhere: punctuation, digits. */
  ascii(text: string): void;
  /** Any other text (atoms, escaped strings): may hold what a terminal must not get raw. */
  text(text: string): void;
  /** A binary isPlainQuotable accepted, without its quotes: printable ASCII, as it is. */
  plainBinary(bytes: Uint8Array): void;
}

/** What `renderFlat(new ElixirDocBuilder(options).build(term))` prints, or undefined when this path gives up. */
export function renderElixirFlat(term: Term, options: FlatOptions): string | undefined {
  const sink = new StringSink();
  return writeElixirFlat(term, options, sink) ? sink.out : undefined;
}

/**
 * Writes what renderElixirFlat returns into `sink`; false when this path gives up, having then
 * written part of it (the caller drops that part).
 */
export function writeElixirFlat(term: Term, options: FlatOptions, sink: FlatSink): boolean {
  return new FlatWriter(options, sink).term(term, 0);
}

class StringSink implements FlatSink {
  out = '';

  get written(): number {
    return this.out.length;
  }

  ascii(text: string): void {
    this.out += text;
  }

  text(text: string): void {
    this.out += text;
  }

  plainBinary(bytes: Uint8Array): void {
    this.out += utf8Text(bytes)!;
  }
}

/** Each method writes to the sink and returns false to give up. */
class FlatWriter {
  private readonly charlists: FlatOptions['charlists'];
  /** The builder's binary limit: min(maxBinaryLength, 1 MiB); a longer binary is cut there. */
  private readonly maxBinaryBytes: number;
  /** Below the caller's maxDepth, so the depth marker is never due where this path answers. */
  private readonly maxDepth: number;

  constructor(
    options: FlatOptions,
    private readonly out: FlatSink,
  ) {
    this.charlists = options.charlists;
    this.maxBinaryBytes = displayLimits({ binaryBytes: options.maxBinaryLength }).binaryBytes;
    this.maxDepth = Math.min(options.maxDepth, FLAT_MAX_DEPTH);
  }

  /** Depths count as ElixirDocBuilder counts them: a container's items (and map keys) are one deeper. */
  term(term: Term, depth: number): boolean {
    // Checked per term, so that a long list of small items stops early too.
    if (this.out.written > FLAT_MAX_CHARS) return false;
    if (typeof term === 'number' || typeof term === 'bigint') {
      this.out.ascii(term.toString());
      return true;
    }
    if (term instanceof Atom) {
      this.out.text(inspectAtom(term.name));
      return true;
    }
    if (term instanceof Uint8Array) return this.binary(term);
    if (depth >= this.maxDepth) return false;
    if (Array.isArray(term)) return this.list(term, depth);
    if (term instanceof Tuple) return this.items('{', term.elements, '}', depth);
    if (term instanceof ErlMap) return this.map(term, depth);
    return false;
  }

  /** Printable text only, uncut; the builder writes the rest as bytes or cut, which this path leaves. */
  private binary(bytes: Uint8Array): boolean {
    if (bytes.length > this.maxBinaryBytes || bytes.length > FLAT_MAX_CHARS) return false;
    if (isPlainQuotable(bytes)) {
      this.out.ascii('"');
      this.out.plainBinary(bytes);
      this.out.ascii('"');
      return true;
    }
    const text = printableText(bytes);
    if (text === undefined) return false;
    this.out.text('"' + escapeText(text, '"') + '"');
    return true;
  }

  /** ElixirDocBuilder.list for a proper list: a charlist, a keyword list, or items. */
  private list(elements: readonly Term[], depth: number): boolean {
    if (elements.length === 0) {
      this.out.ascii('[]');
      return true;
    }
    // Every item writes at least one character: a longer list cannot fit.
    if (elements.length > FLAT_MAX_CHARS) return false;
    if (this.charlists !== 'lists') {
      const chars = asciiPrintableList(elements);
      if (chars !== undefined) {
        this.out.text(
          this.charlists === 'sigil' ? '~c"' + escapeText(chars, '"') + '"' : "'" + escapeText(chars, "'") + "'",
        );
        return true;
      }
    }
    if (!isKeyword(elements)) return this.items('[', elements, ']', depth);
    this.out.ascii('[');
    for (let i = 0; i < elements.length; i++) {
      if (i > 0) this.out.ascii(', ');
      const [key, value] = (elements[i] as Tuple).elements as [Atom, Term];
      this.out.text(inspectAtomKey(key.name));
      this.out.ascii(' ');
      if (!this.term(value, depth + 1)) return false;
    }
    this.out.ascii(']');
    return true;
  }

  private items(open: string, elements: readonly Term[], close: string, depth: number): boolean {
    this.out.ascii(open);
    for (let i = 0; i < elements.length; i++) {
      if (i > 0) this.out.ascii(', ');
      if (!this.term(elements[i]!, depth + 1)) return false;
    }
    this.out.ascii(close);
    return true;
  }

  /** ElixirDocBuilder.map for a map that is not a struct: pairs in VM order, `key: value` when all keys allow it. */
  private map(map: ErlMap, depth: number): boolean {
    if (map.structName() !== undefined) return false;
    const { keys, values } = map;
    const order = vmOrder(map);
    let keyword = true;
    for (let i = 0; i < keys.length && keyword; i++) {
      const key = keys[i];
      keyword = key instanceof Atom && isKeywordKeyAtom(key.name);
    }
    this.out.ascii('%{');
    for (let n = 0; n < keys.length; n++) {
      const i = order === undefined ? n : order[n]!;
      if (n > 0) this.out.ascii(', ');
      if (keyword) {
        this.out.text(inspectAtomKey((keys[i] as Atom).name));
        this.out.ascii(' ');
      } else if (this.term(keys[i]!, depth + 1)) this.out.ascii(' => ');
      else return false;
      if (!this.term(values[i]!, depth + 1)) return false;
    }
    this.out.ascii('}');
    return true;
  }
}

/**
 * Typed JSON (src/etf/render/typed-json.ts) written straight into the output bytes, for the
 * `--json` hot path: exactly the UTF-8 of `jsonForTerminal(typedJsonText(term))`, without building
 * the text first. A binary that is printable ASCII or plain UTF-8 text (the usual payload string)
 * is copied byte for byte — never decoded to a string and encoded back. Integers, atoms (their
 * bytes kept per atom), binaries, tuples, maps and lists are written here; anything else (floats,
 * big integers, pids, funs, cut binaries, deep nesting) goes through typed-json-text.ts with the
 * same budget, so the bounds and the text are the same.
 */
import { jsonString, typedJsonTextWithin, binaryText } from '../etf/render/typed-json-text.js';
import { RenderBudget } from '../etf/render/display-limits.js';
import { Atom, ErlMap, Tuple, type Term } from '../etf/term.js';
import { isUtf8 } from 'node:buffer';
import { jsonForTerminal } from '../text/terminal-safe.js';
import { IdentityMemo } from './identity-memo.js';
import { asciiBytes, Utf8Lines } from './utf8-lines.js';

/** Past this depth a subterm is written by the iterative writer, so no depth overflows the stack. */
const RECURSION_LIMIT = 200;

// The typed JSON's punctuation, as bytes: written per term, where a string would be re-encoded each time.
const INT_OPEN = asciiBytes('{"int":');
const BIN_OPEN = asciiBytes('{"bin":"');
const TUPLE_OPEN = asciiBytes('{"tuple":[');
const MAP_OPEN = asciiBytes('{"map":[');
const LIST_OPEN = asciiBytes('{"list":[');
const COMMA = 0x2c;
const QUOTE = 0x22;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;

interface AtomBytes {
  bytes: Uint8Array;
  /** Length of its typed-JSON text, what the budget counts. */
  length: number;
}

// Atoms repeat in every message and are interned: their bytes are kept, weakly.
const atomBytes = new WeakMap<Atom, AtomBytes>();

function bytesOfAtom(atom: Atom): AtomBytes {
  let entry = atomBytes.get(atom);
  if (entry === undefined) {
    const text = `{"atom":${jsonString(atom.name)}}`;
    entry = { bytes: Buffer.from(jsonForTerminal(text)), length: text.length };
    atomBytes.set(atom, entry);
  }
  return entry;
}

/** Writes the typed JSON of `term` to `out`. */
export function writeTypedJson(term: Term, out: Utf8Lines): void {
  write(term, 0, new RenderBudget(), out);
}

function write(t: Term, depth: number, budget: RenderBudget, out: Utf8Lines): void {
  if (depth > RECURSION_LIMIT) {
    out.jsonText(typedJsonTextWithin(t, budget));
  } else if (typeof t === 'number') {
    out.bytes(INT_OPEN);
    if (Object.is(t, -0)) out.ascii('-0');
    else out.integer(t);
    out.byte(CLOSE_BRACE);
  } else if (t instanceof Uint8Array) {
    if (budget.cuts(t) || budget.exhausted || !copyText(t, budget, out)) out.jsonText(binaryText(t, budget));
  } else if (t instanceof Atom) {
    const { bytes, length } = bytesOfAtom(t);
    budget.spend(length);
    out.bytes(bytes);
  } else if (t instanceof Tuple) {
    writeItems(TUPLE_OPEN, t.elements, depth, budget, out);
  } else if (t instanceof ErlMap) {
    const { keys, values } = t;
    out.bytes(MAP_OPEN);
    const prefixes = depth < RECURSION_LIMIT ? keyPrefixes.of(keys) : null;
    let i = 0;
    for (; i < keys.length && !budget.exhausted; i++) {
      if (prefixes !== null) {
        out.bytes(prefixes.bytes[i]!);
        budget.spend(prefixes.units[i]!);
      } else {
        if (i > 0) out.byte(COMMA);
        out.byte(OPEN_BRACKET);
        write(keys[i]!, depth + 1, budget, out);
        out.byte(COMMA);
      }
      write(values[i]!, depth + 1, budget, out);
      out.byte(CLOSE_BRACKET);
    }
    closeItems(i, keys.length, out);
  } else if (Array.isArray(t)) {
    writeItems(LIST_OPEN, t, depth, budget, out);
  } else {
    out.jsonText(typedJsonTextWithin(t, budget));
  }
}

interface KeyPrefixes {
  /** Per key: `[`, its typed JSON and `,` (a `,` before the `[` after the first pair). */
  bytes: Uint8Array[];
  /** Per key: what writing it spends of the budget. */
  units: number[];
}

/**
 * The pieces before each value of a map with these keys, made once per keys array (maps of one
 * kind share theirs), when every key is one the writer puts down the same way whatever the budget
 * has left: an atom, a safe integer, or a short binary copied as text. Else null: the map's keys
 * are then written one by one.
 */
const keyPrefixes = new IdentityMemo((keys: readonly Term[]): KeyPrefixes | null => {
  const bytes: Uint8Array[] = [];
  const units: number[] = [];
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const mark = scratch.mark();
    if (i > 0) scratch.byte(COMMA);
    scratch.byte(OPEN_BRACKET);
    if (key instanceof Atom) {
      const atom = bytesOfAtom(key);
      scratch.bytes(atom.bytes);
      units.push(atom.length);
    } else if (typeof key === 'number' && Number.isSafeInteger(key) && !Object.is(key, -0)) {
      scratch.bytes(INT_OPEN);
      scratch.integer(key);
      scratch.byte(CLOSE_BRACE);
      units.push(0);
    } else if (key instanceof Uint8Array && key.length <= MAX_PREFIX_KEY_BYTES) {
      scratch.bytes(BIN_OPEN);
      const text = writeCopyableText(key, scratch);
      if (text < 0) return rewound(mark);
      scratch.byte(QUOTE);
      scratch.byte(CLOSE_BRACE);
      units.push(text + 10);
    } else return rewound(mark);
    scratch.byte(COMMA);
    bytes.push(scratch.cutSince(mark));
  }
  return { bytes, units };
});

/** Binary keys longer than this are written one by one (far below the display limit, which would cut them). */
const MAX_PREFIX_KEY_BYTES = 256;
const scratch = new Utf8Lines();

function rewound(mark: number): null {
  scratch.rewind(mark);
  return null;
}

/** A tuple's or list's elements after `open`, as long as the budget lasts. */
function writeItems(
  open: Uint8Array,
  items: readonly Term[],
  depth: number,
  budget: RenderBudget,
  out: Utf8Lines,
): void {
  out.bytes(open);
  let i = 0;
  for (; i < items.length && !budget.exhausted; i++) {
    if (i > 0) out.byte(COMMA);
    write(items[i]!, depth + 1, budget, out);
  }
  closeItems(i, items.length, out);
}

function closeItems(shown: number, size: number, out: Utf8Lines): void {
  if (shown < size) out.ascii(`],"truncated":true,"size":${size}}`);
  else {
    out.byte(CLOSE_BRACKET);
    out.byte(CLOSE_BRACE);
  }
}

/**
 * `{"bin":"…"}` for a binary whose bytes can stand in a JSON string as they are (copyableText);
 * returns false, having written nothing, for any other binary.
 */
function copyText(bytes: Uint8Array, budget: RenderBudget, out: Utf8Lines): boolean {
  const start = out.mark();
  out.bytes(BIN_OPEN);
  const units = writeCopyableText(bytes, out);
  if (units < 0) {
    out.rewind(start);
    return false;
  }
  // `{"bin":` + the quoted text + `}`, as binaryText counts it.
  budget.spend(units + 10);
  out.byte(QUOTE);
  out.byte(CLOSE_BRACE);
  return true;
}

/**
 * Writes `bytes` as they are, for inside a JSON string, when they can stand there (copyableText),
 * and returns their length in UTF-16 units; returns -1, having written nothing, when they cannot.
 * Plain printable ASCII, the usual case, is checked while it is copied, in one pass.
 */
export function writeCopyableText(bytes: Uint8Array, out: Utf8Lines): number {
  if (out.plainAscii(bytes)) return bytes.length;
  const units = copyableText(bytes);
  if (units >= 0) out.bytes(bytes);
  return units;
}

/**
 * Whether `bytes` can stand in a JSON string as they are: UTF-8 without what JSON escapes (C0,
 * `"`, `\`) or a terminal must not get (DEL, C1, bidi controls, the line and paragraph
 * separators). Returns the text's length in UTF-16 units, or -1 when they cannot.
 */
function copyableText(bytes: Uint8Array): number {
  const n = bytes.length;
  let units = 0;
  let ascii = true;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b < 0x80) {
      if (b < 0x20 || b === 0x22 || b === 0x5c || b === 0x7f) return -1;
      units++;
    } else {
      ascii = false;
      if (b === 0xc2) {
        if (bytes[i + 1]! <= 0x9f) return -1; // C1 (a continuation byte is ≥ 0x80)
      } else if (b === 0xd8) {
        if (bytes[i + 1] === 0x9c) return -1; // U+061C
      } else if (b === 0xe2) {
        const b1 = bytes[i + 1];
        const b2 = bytes[i + 2]!;
        if (b1 === 0x80 && (b2 === 0x8e || b2 === 0x8f || (b2 >= 0xa8 && b2 <= 0xae))) return -1;
        if (b1 === 0x81 && b2 >= 0xa6 && b2 <= 0xa9) return -1; // U+2066..U+2069
      }
      // One UTF-16 unit per character, two for one beyond the BMP (a 4-byte sequence).
      if ((b & 0xc0) !== 0x80) units += b >= 0xf0 ? 2 : 1;
    }
  }
  return ascii || isUtf8(bytes) ? units : -1;
}

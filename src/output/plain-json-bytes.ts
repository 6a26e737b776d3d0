/**
 * Plain JSON (src/etf/render/plain-json.ts) written straight into the output bytes, for the
 * `--json` hot path: the UTF-8 of `jsonForTerminal(JSON.stringify(toPlainJson(term)))` without the
 * intermediate object, its JSON text, or decoding payload strings that are copied byte for byte.
 *
 * Only for the payloads a flood is made of: maps with text or atom keys, lists, tuples, binaries,
 * atoms, numbers, nesting and sizes well inside the display limits (so no budget ever cuts them).
 * Anything else — a key JSON objects would reorder (an array index such as "1") or that collides,
 * bitstrings, pids, funs, a MapSet, a large binary — makes it give up, having written nothing,
 * and the caller takes the general path.
 */
import { utf8Text } from '../etf/utf8-text.js';
import { MAPSET_MODULE } from '../etf/render/structs.js';
import { toBase64 } from '../etf/render/typed-json-text.js';
import { Atom, ErlFloat, ErlMap, Tuple, atoms, type Term } from '../etf/term.js';
import { writeCopyableText } from './typed-json-bytes.js';
import { IdentityMemo } from './identity-memo.js';
import { Utf8Lines } from './utf8-lines.js';

/** Well inside the display limits (16 Mi characters, 1 MiB per binary) and plain-json's depth bound. */
const MAX_DEPTH = 100;
const MAX_TEXT_BYTES = 1024 * 1024;
const MAX_ITEMS = 100_000;

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
// A key JSON.stringify would write before the others: an array index (0 … 2^32 − 2, no leading zero).
const ARRAY_INDEX = /^(?:0|[1-9][0-9]{0,9})$/;

class GiveUp extends Error {}
const GIVE_UP = new GiveUp();

/**
 * Writes the plain JSON of `term` to `out` and returns true, or returns false having written
 * nothing when the term is not one this writer takes (see above).
 */
export function writePlainJson(term: Term, out: Utf8Lines): boolean {
  const start = out.mark();
  const state = { text: 0, items: 0 };
  try {
    write(term, 0, state, out);
    return true;
  } catch (error) {
    if (error !== GIVE_UP) throw error;
    out.rewind(start);
    return false;
  }
}

const QUOTE = 0x22;

/** `"…"` for a binary whose bytes stand in a JSON string as they are; false, nothing written, otherwise. */
function quotedText(bytes: Uint8Array, out: Utf8Lines): boolean {
  const start = out.mark();
  out.byte(QUOTE);
  if (writeCopyableText(bytes, out) < 0) {
    out.rewind(start);
    return false;
  }
  out.byte(QUOTE);
  return true;
}

interface State {
  text: number;
  items: number;
}

function write(t: Term, depth: number, state: State, out: Utf8Lines): void {
  if (++state.items > MAX_ITEMS || depth > MAX_DEPTH) throw GIVE_UP;
  if (typeof t === 'number') {
    out.integer(t); // -0 as 0, as JSON.stringify writes it
  } else if (t instanceof Uint8Array) {
    state.text += t.length;
    if (state.text > MAX_TEXT_BYTES) throw GIVE_UP;
    if (!quotedText(t, out)) {
      const text = utf8Text(t);
      out.jsonString(text ?? 'base64:' + toBase64(t));
    }
  } else if (t instanceof Atom) {
    if (t === atoms.true) out.ascii('true');
    else if (t === atoms.false) out.ascii('false');
    else if (t === atoms.nil) out.ascii('null');
    else out.jsonString(t.name);
  } else if (t instanceof ErlFloat) {
    out.ascii(t.value === 0 ? '0' : JSON.stringify(t.value));
  } else if (typeof t === 'bigint') {
    if (t >= MIN_SAFE && t <= MAX_SAFE) out.ascii(String(Number(t)));
    else out.ascii(`"${t}"`);
  } else if (Array.isArray(t)) {
    writeItems(t, depth, state, out);
  } else if (t instanceof Tuple) {
    writeItems(t.elements, depth, state, out);
  } else if (t instanceof ErlMap) {
    writeMap(t, depth, state, out);
  } else {
    throw GIVE_UP;
  }
}

function writeItems(items: readonly Term[], depth: number, state: State, out: Utf8Lines): void {
  out.ascii('[');
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out.ascii(',');
    write(items[i]!, depth + 1, state, out);
  }
  out.ascii(']');
}

function writeMap(map: ErlMap, depth: number, state: State, out: Utf8Lines): void {
  const { keys, values } = map;
  const names = keyNames.of(keys);
  if (names === null) throw GIVE_UP;
  out.ascii('{');
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const value = values[i]!;
    out.bytes(names[i]!);
    if (key === atoms.struct && value instanceof Atom) {
      if (value.name === MAPSET_MODULE) throw GIVE_UP;
      out.jsonString(value.name.startsWith('Elixir.') ? value.name.slice('Elixir.'.length) : value.name);
    } else write(value, depth + 1, state, out);
  }
  out.ascii('}');
}

/**
 * Each key's `"name":` as bytes (`,"name":` after the first), or null when this writer gives up on
 * the keys: one that is not text, an array index, or two keys with one name. Made once per keys
 * array (maps of one kind share theirs).
 */
const keyNames = new IdentityMemo((keys: readonly Term[]): Uint8Array[] | null => {
  const names: string[] = [];
  const written: Uint8Array[] = [];
  for (let i = 0; i < keys.length; i++) {
    const name = keyName(keys[i]!);
    if (name === undefined || ARRAY_INDEX.test(name) || names.includes(name)) return null;
    names.push(name);
    const mark = scratch.mark();
    if (i > 0) scratch.byte(COMMA);
    scratch.jsonString(name);
    scratch.byte(COLON);
    written.push(scratch.cutSince(mark));
  }
  return written;
});

const scratch = new Utf8Lines();
const COMMA = 0x2c;
const COLON = 0x3a;

/** A key's name as plain-json.ts names it: a binary's text, an atom's name (else undefined). */
function keyName(key: Term): string | undefined {
  if (key instanceof Atom) return key.name;
  if (key instanceof Uint8Array && key.length <= 1024) return utf8Text(key);
  return undefined;
}

/**
 * Typed JSON (the contract of src/etf/render/typed-json.ts) written straight to text, for the
 * NDJSON hot path: `typedJsonText(t)` is exactly `stringifyTypedJson(t)` — same keys, same order,
 * -0 kept — without building the intermediate objects and walking them again. Building them and
 * calling JSON.stringify cost ~3× as much per message (see bench/e2e.mjs), most of a `--json`
 * watcher's time. Iterative, so any depth works. A test keeps the two equal on random terms.
 */
import { isUtf8 } from 'node:buffer';
import { utf8Text } from '../utf8-text.js';
import { RenderBudget, utf8Prefix } from './display-limits.js';
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

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

// Characters JSON text must escape, plus lone surrogates (JSON.stringify writes them as \u
// escapes): strings without any are written as they are, the rest through JSON.stringify.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

export function jsonString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/** A number when it is a safe integer, else its decimal string (as typed JSON writes `int`). */
function bigText(n: number | bigint): string {
  if (typeof n === 'number') return String(n);
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? String(n) : `"${n}"`;
}

function pidText(pid: Pid): string {
  const format = pid.oldFormat ? ',"format":"old"' : '';
  return `{"node":${jsonString(pid.node.name)},"id":${pid.id},"serial":${pid.serial},"creation":${pid.creation}${format}}`;
}

function floatText(value: number): string {
  if (!Number.isFinite(value)) throw new TypeError(`not representable in JSON: ${value}`);
  return Object.is(value, -0) ? '-0' : String(value);
}

// Atoms repeat in every message (struct names, :except, node names); decoded atoms are shared
// instances, so their text is kept — weakly, as the atoms themselves are interned.
const atomTexts = new WeakMap<Atom, string>();

function atomText(atom: Atom): string {
  let text = atomTexts.get(atom);
  if (text === undefined) {
    text = `{"atom":${jsonString(atom.name)}}`;
    atomTexts.set(atom, text);
  }
  return text;
}

// Recursion is faster than the explicit stack below for the small terms messages hold; past
// this depth a subterm is handed to the iterative writer, so no depth can overflow the stack.
const RECURSION_LIMIT = 200;

/** The typed-JSON text of `term`, bounded as typed-json.ts describes (display-limits.ts). */
export function typedJsonText(term: Term): string {
  return fast(term, 0, new RenderBudget());
}

/**
 * A binary: `{"bin":…}` / `{"bin64":…}`; one over the limit shows its first bytes and
 * `"truncated":true,"size":N`, and once the budget is spent none of them.
 */
export function binaryText(t: Uint8Array, budget: RenderBudget): string {
  if (!budget.cuts(t) && !budget.exhausted) {
    const text = utf8Text(t);
    const json = text === undefined ? `{"bin64":"${toBase64(t)}"}` : `{"bin":${jsonString(text)}}`;
    budget.spend(json.length);
    return json;
  }
  const shown = budget.exhausted ? 0 : budget.limits.binaryBytes;
  budget.spend(shown * 2);
  const head = isUtf8(t) ? `"bin":${jsonString(utf8Prefix(t, shown))}` : `"bin64":"${toBase64(t.subarray(0, shown))}"`;
  return `{${head},"truncated":true,"size":${t.length}}`;
}

/** `,"truncated":true,"size":N` after the items of a container the budget cut at `shown` of `size`. */
function cutNote(shown: number, size: number): string {
  return shown < size ? `,"truncated":true,"size":${size}` : '';
}

function fast(t: Term, depth: number, budget: RenderBudget): string {
  if (depth > RECURSION_LIMIT) return iterative(t, budget);
  if (typeof t === 'number') return Object.is(t, -0) ? '{"int":-0}' : `{"int":${t}}`;
  if (t instanceof Uint8Array) return binaryText(t, budget);
  if (t instanceof Atom) {
    const text = atomText(t);
    budget.spend(text.length);
    return text;
  }
  if (t instanceof Tuple) {
    const e = t.elements;
    let out = '{"tuple":[';
    let i = 0;
    for (; i < e.length && !budget.exhausted; i++) out += (i > 0 ? ',' : '') + fast(e[i]!, depth + 1, budget);
    return `${out}]${cutNote(i, e.length)}}`;
  }
  if (t instanceof ErlMap) {
    const { keys, values } = t;
    let out = '{"map":[';
    let i = 0;
    for (; i < keys.length && !budget.exhausted; i++)
      out += `${i > 0 ? ',[' : '['}${fast(keys[i]!, depth + 1, budget)},${fast(values[i]!, depth + 1, budget)}]`;
    return `${out}]${cutNote(i, keys.length)}}`;
  }
  if (Array.isArray(t)) {
    let out = '{"list":[';
    let i = 0;
    for (; i < t.length && !budget.exhausted; i++) out += (i > 0 ? ',' : '') + fast(t[i]!, depth + 1, budget);
    return `${out}]${cutNote(i, t.length)}}`;
  }
  if (t instanceof ErlFloat) return `{"float":${floatText(t.value)}}`;
  return iterative(t, budget);
}

/**
 * The typed-JSON text of `term` spending from `budget`, for writers that handle the common terms
 * themselves and hand the rest here (src/output/typed-json-bytes.ts).
 */
export function typedJsonTextWithin(term: Term, budget: RenderBudget): string {
  return iterative(term, budget);
}

/** The complete writer, for any term at any depth. */
function iterative(term: Term, budget: RenderBudget): string {
  let out = '';
  // Work items, last first: a term to write, text to append as is, or the rest of a container.
  const stack: Array<Term | Text | Rest> = [term];
  // Items are pushed one at a time with the rest of their container after them, so the budget is
  // checked before each item, as the recursive writer does; a cut container ends with its note.
  const pushItems = (items: readonly Term[], from: number, tail: Term | undefined): void => {
    if (from < items.length && !budget.exhausted) {
      stack.push({ rest: items, from: from + 1, tail }, items[from]!);
      if (from > 0) stack.push(COMMA);
    } else if (from >= items.length && tail !== undefined) stack.push(tail, TAIL);
    else stack.push({ text: `]${cutNote(from, items.length)}` });
  };
  const pushPairs = (map: ErlMap, from: number): void => {
    const { keys, values } = map;
    if (from < keys.length && !budget.exhausted) {
      stack.push({ rest: map, from: from + 1, tail: undefined }, CLOSE_PAIR, values[from]!, COMMA, keys[from]!);
      stack.push(from > 0 ? COMMA_OPEN_PAIR : OPEN_PAIR);
    } else stack.push({ text: `]${cutNote(from, keys.length)}` });
  };
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (typeof t === 'number') out += Object.is(t, -0) ? '{"int":-0}' : `{"int":${t}}`;
    else if (t instanceof Uint8Array) out += binaryText(t, budget);
    else if (t instanceof Atom) {
      const text = atomText(t);
      budget.spend(text.length);
      out += text;
    } else if (isText(t)) out += t.text;
    else if (isRest(t)) {
      if (t.rest instanceof ErlMap) pushPairs(t.rest, t.from);
      else pushItems(t.rest, t.from, t.tail);
    } else if (t instanceof Tuple) {
      out += '{"tuple":[';
      stack.push(CLOSE_OBJECT);
      pushItems(t.elements, 0, undefined);
    } else if (t instanceof ErlMap) {
      out += '{"map":[';
      stack.push(CLOSE_OBJECT);
      pushPairs(t, 0);
    } else if (Array.isArray(t)) {
      out += '{"list":[';
      stack.push(CLOSE_OBJECT);
      pushItems(t, 0, undefined);
    } else if (typeof t === 'bigint') out += `{"int":${bigText(t)}}`;
    else if (t instanceof ErlFloat) out += `{"float":${floatText(t.value)}}`;
    else if (t instanceof ImproperList) {
      out += '{"list":[';
      stack.push(CLOSE_OBJECT);
      pushItems(t.elements, 0, t.tail);
    } else if (t instanceof BitBinary) {
      // Bitstrings are rare and small in practice; over the binary limit they are cut like binaries.
      const shown = budget.cuts(t.bytes) ? t.bytes.subarray(0, budget.limits.binaryBytes) : t.bytes;
      const note = shown === t.bytes ? '' : `,"truncated":true,"size":${t.bytes.length}`;
      out += `{"bits":"${toBase64(shown)}","bits_in_last":${t.bitsInLast}${note}}`;
    } else if (t instanceof Pid) out += `{"pid":${pidText(t)}}`;
    else if (t instanceof Port) {
      const format = t.format !== 'new' ? `,"format":"${t.format}"` : '';
      out += `{"port":{"node":${jsonString(t.node.name)},"id":${bigText(t.id)},"creation":${t.creation}${format}}}`;
    } else if (t instanceof Ref) {
      const format = t.format !== 'newer' ? `,"format":"${t.format}"` : '';
      out += `{"ref":{"node":${jsonString(t.node.name)},"creation":${t.creation},"ids":[${t.ids.join(',')}]${format}}}`;
    } else if (t instanceof ExportFun) {
      out += `{"export":{"module":${jsonString(t.module.name)},"function":${jsonString(t.fun.name)},"arity":${t.arity}}}`;
    } else if (t instanceof Fun) {
      const uniq = Buffer.from(t.uniq.buffer, t.uniq.byteOffset, t.uniq.byteLength).toString('hex');
      out +=
        `{"fun":{"module":${jsonString(t.module.name)},"arity":${t.arity},"index":${t.index},"uniq":"${uniq}",` +
        `"old_index":${bigText(t.oldIndex)},"old_uniq":${bigText(t.oldUniq)},"pid":${pidText(t.pid)},"free_vars":[`;
      stack.push(CLOSE_FUN);
      pushItems(t.freeVars, 0, undefined);
    } else throw new TypeError(`not a term: ${String(t)}`);
  }
  return out;
}

interface Text {
  text: string;
}
/** The items of a container from `from` on (then its improper tail, if any). */
interface Rest {
  rest: readonly Term[] | ErlMap;
  from: number;
  tail: Term | undefined;
}

const COMMA = { text: ',' };
const CLOSE_OBJECT = { text: '}' };
const CLOSE_FUN = { text: '}}' };
const TAIL = { text: '],"tail":' };
const OPEN_PAIR = { text: '[' };
const COMMA_OPEN_PAIR = { text: ',[' };
const CLOSE_PAIR = { text: ']' };

function isText(t: Term | Text | Rest): t is Text {
  return typeof t === 'object' && t !== null && t.constructor === Object && 'text' in t;
}

function isRest(t: Term | Text | Rest): t is Rest {
  return typeof t === 'object' && t !== null && t.constructor === Object && 'rest' in t;
}

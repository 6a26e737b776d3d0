/**
 * Typed JSON (the contract of src/etf/render/typed-json.ts) written straight to text, for the
 * NDJSON hot path: `typedJsonText(t)` is exactly `stringifyTypedJson(t)` — same keys, same order,
 * -0 kept — without building the intermediate objects and walking them again. Building them and
 * calling JSON.stringify cost ~3× as much per message (see bench/e2e.mjs), most of a `--json`
 * watcher's time. Iterative, so any depth works. A test keeps the two equal on random terms.
 */
import { decodeUtf8 } from './strings.js';
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

/** The typed-JSON text of `term`. */
export function typedJsonText(term: Term): string {
  return fast(term, 0);
}

function fast(t: Term, depth: number): string {
  if (depth > RECURSION_LIMIT) return iterative(t);
  if (typeof t === 'number') return Object.is(t, -0) ? '{"int":-0}' : `{"int":${t}}`;
  if (t instanceof Uint8Array) {
    const text = decodeUtf8(t);
    return text === undefined ? `{"bin64":"${toBase64(t)}"}` : `{"bin":${jsonString(text)}}`;
  }
  if (t instanceof Atom) return atomText(t);
  if (t instanceof Tuple) {
    const e = t.elements;
    let out = '{"tuple":[';
    for (let i = 0; i < e.length; i++) out += (i > 0 ? ',' : '') + fast(e[i]!, depth + 1);
    return `${out}]}`;
  }
  if (t instanceof ErlMap) {
    const { keys, values } = t;
    let out = '{"map":[';
    for (let i = 0; i < keys.length; i++)
      out += `${i > 0 ? ',[' : '['}${fast(keys[i]!, depth + 1)},${fast(values[i]!, depth + 1)}]`;
    return `${out}]}`;
  }
  if (Array.isArray(t)) {
    let out = '{"list":[';
    for (let i = 0; i < t.length; i++) out += (i > 0 ? ',' : '') + fast(t[i]!, depth + 1);
    return `${out}]}`;
  }
  if (t instanceof ErlFloat) return `{"float":${floatText(t.value)}}`;
  return iterative(t);
}

/** The complete writer, for any term at any depth. */
function iterative(term: Term): string {
  let out = '';
  // Work items, last first: a term to write, or text to append as is.
  const stack: Array<Term | { text: string }> = [term];
  const pushAll = (items: readonly Term[]): void => {
    for (let i = items.length - 1; i >= 0; i--) {
      stack.push(items[i]!);
      if (i > 0) stack.push(COMMA);
    }
  };
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (typeof t === 'number') out += Object.is(t, -0) ? '{"int":-0}' : `{"int":${t}}`;
    else if (t instanceof Uint8Array) {
      const text = decodeUtf8(t);
      out += text === undefined ? `{"bin64":"${toBase64(t)}"}` : `{"bin":${jsonString(text)}}`;
    } else if (t instanceof Atom) out += `{"atom":${jsonString(t.name)}}`;
    else if (isText(t)) out += t.text;
    else if (t instanceof Tuple) {
      out += '{"tuple":[';
      stack.push(CLOSE_ARRAY);
      pushAll(t.elements);
    } else if (t instanceof ErlMap) {
      out += '{"map":[';
      stack.push(CLOSE_ARRAY);
      const { keys, values } = t;
      for (let i = keys.length - 1; i >= 0; i--) {
        stack.push(CLOSE_PAIR, values[i]!, COMMA, keys[i]!);
        stack.push(i > 0 ? COMMA_OPEN_PAIR : OPEN_PAIR);
      }
    } else if (Array.isArray(t)) {
      out += '{"list":[';
      stack.push(CLOSE_ARRAY);
      pushAll(t);
    } else if (typeof t === 'bigint') out += `{"int":${bigText(t)}}`;
    else if (t instanceof ErlFloat) out += `{"float":${floatText(t.value)}}`;
    else if (t instanceof ImproperList) {
      out += '{"list":[';
      stack.push(CLOSE_OBJECT, t.tail, TAIL);
      pushAll(t.elements);
    } else if (t instanceof BitBinary) out += `{"bits":"${toBase64(t.bytes)}","bits_in_last":${t.bitsInLast}}`;
    else if (t instanceof Pid) out += `{"pid":${pidText(t)}}`;
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
      stack.push(CLOSE_OBJECT_ARRAY);
      pushAll(t.freeVars);
    } else throw new TypeError(`not a term: ${String(t)}`);
  }
  return out;
}

const COMMA = { text: ',' };
const CLOSE_ARRAY = { text: ']}' };
const CLOSE_OBJECT = { text: '}' };
const CLOSE_OBJECT_ARRAY = { text: ']}}' };
const TAIL = { text: '],"tail":' };
const OPEN_PAIR = { text: '[' };
const COMMA_OPEN_PAIR = { text: ',[' };
const CLOSE_PAIR = { text: ']' };

function isText(t: Term | { text: string }): t is { text: string } {
  return typeof t === 'object' && t !== null && 'text' in t && t.constructor === Object;
}

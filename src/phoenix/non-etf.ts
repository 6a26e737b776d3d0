/**
 * Payloads that are not Erlang terms — other publishers on a `phx:*` pattern, or a wrong
 * channel. The rule, in order:
 *
 *  1. Valid UTF-8 that `JSON.parse` accepts → `json`. Checked before msgpack because short text
 *     is also valid msgpack: `7` is the positive fixint 0x37 = 55.
 *  2. Otherwise, msgpack → `msgpack` only when `decode` consumes every byte AND the bytes are not
 *     plain text (printable UTF-8 plus tab/CR/LF). Without the text test, any one-character
 *     payload (`a` = fixint 97) would be called msgpack.
 *  3. Otherwise → `raw`.
 *
 * A JSON or msgpack value nested deeper than MAX_NESTING is not taken as one (→ `raw`): every
 * consumer (line printer, NDJSON, the UI) walks these values with JSON.stringify, which recurses
 * and ran out of stack at 10 000 levels — a 20 KB payload of brackets.
 *
 * ETF payloads (first byte 131) are not handled here, except for a fallback the classifier uses
 * when ETF decoding fails: 131 is also the msgpack fixmap header of a 3-entry map.
 */
import { decode as decodeMsgpack } from '@msgpack/msgpack';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export type NonEtf = { kind: 'json' | 'msgpack'; data: unknown } | { kind: 'raw' };

export function classifyNonEtf(bytes: Uint8Array): NonEtf {
  const text = utf8Text(bytes);
  if (text !== undefined) {
    const json = parseJson(text);
    if (json.ok) return { kind: 'json', data: json.value };
    if (isPlainText(text)) return { kind: 'raw' };
  }
  const msgpack = msgpackValue(bytes);
  return msgpack.ok ? { kind: 'msgpack', data: msgpack.value } : { kind: 'raw' };
}

type Parsed = { ok: true; value: unknown } | { ok: false };

function utf8Text(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

function parseJson(text: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return { ok: false };
  }
  return nestedTooDeep(value) ? { ok: false } : { ok: true, value };
}

/** Far beyond real data, well within JSON.stringify's reach. */
export const MAX_NESTING = 1000;

/** Whether arrays/objects nest deeper than MAX_NESTING (iterative: the value may be very deep). */
function nestedTooDeep(value: unknown): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: v, depth } = stack.pop()!;
    if (v === null || typeof v !== 'object' || v instanceof Uint8Array) continue;
    if (depth >= MAX_NESTING) return true;
    const children = v instanceof Map ? [...v.keys(), ...v.values()] : Array.isArray(v) ? v : Object.values(v);
    for (const child of children) stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}

/** Printable text: no C0/C1 control characters other than tab, LF and CR (and not empty). */
function isPlainText(text: string): boolean {
  return text.length > 0 && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/.test(text);
}

/** The msgpack value of all of `bytes`; `decode` throws on trailing bytes, so none go unread. */
export function msgpackValue(bytes: Uint8Array): Parsed {
  if (bytes.length === 0) return { ok: false };
  try {
    // Every element, string byte or map entry needs at least one byte of input, so no length
    // header may claim more than the payload has: a 5-byte payload cannot allocate 4 GB.
    const limit = bytes.length;
    const value = decodeMsgpack(bytes, {
      useBigInt64: true, // keep 64-bit integers exact instead of failing on them
      maxStrLength: limit,
      maxBinLength: limit,
      maxArrayLength: limit,
      maxMapLength: limit,
      maxExtLength: limit,
    });
    return nestedTooDeep(value) ? { ok: false } : { ok: true, value };
  } catch {
    return { ok: false };
  }
}

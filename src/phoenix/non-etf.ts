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
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
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
    return { ok: true, value };
  } catch {
    return { ok: false };
  }
}

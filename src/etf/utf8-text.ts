/**
 * Strict UTF-8 decoding of a binary, with the short ones remembered: map keys, topics, events and
 * many values repeat message after message, and TextDecoder costs ~150 ns per call however short
 * the input (its JS wrapper, mostly), where finding a remembered text costs ~30 ns
 * (bench/run.mjs codec, and the e2e worker profile). A direct-mapped table, as atom-cache.ts:
 * bounded memory, and a miss costs only the decode it would have cost anyway.
 */

// ignoreBOM: a leading U+FEFF is text, not a marker to drop. Fatal: Erlang's `<<c::utf8>>`
// refuses overlongs and surrogates, and so does WHATWG UTF-8.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const SLOTS = 2048; // power of two
/** Longer texts are rarer and dearer to compare; they are decoded each time. */
const MAX_REMEMBERED_LENGTH = 48;
const slotBytes: Array<Uint8Array | undefined> = new Array<Uint8Array | undefined>(SLOTS).fill(undefined);
const slotTexts: string[] = new Array<string>(SLOTS).fill('');

/** The text of `bytes` when they are valid UTF-8 (no surrogates, no overlongs), else undefined. */
export function utf8Text(bytes: Uint8Array): string | undefined {
  const n = bytes.length;
  if (n === 0) return '';
  if (n > MAX_REMEMBERED_LENGTH) return decode(bytes);
  const slot = (n * 0x9e5 + bytes[0]! * 0x3b + bytes[n - 1]! * 0x1f1 + bytes[n >> 1]! * 0x65) & (SLOTS - 1);
  const kept = slotBytes[slot];
  if (kept !== undefined && kept.length === n) {
    let i = 0;
    while (i < n && kept[i] === bytes[i]) i++;
    if (i === n) return slotTexts[slot];
  }
  const text = decode(bytes);
  if (text !== undefined) {
    // A copy (Buffer#slice would be a view): a view would keep the whole message it came from
    // alive, and change with it.
    slotBytes[slot] = new Uint8Array(bytes);
    slotTexts[slot] = text;
  }
  return text;
}

function decode(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

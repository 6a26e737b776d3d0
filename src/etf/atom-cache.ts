import { Atom } from './term.js';

/**
 * Atoms repeat in every message (`:except`, node names, struct modules, map keys), so the decoder
 * looks them up by their raw bytes before building a string: a direct-mapped table of the last
 * atom seen per hash slot. Bounded memory; a miss only costs the string decode it would have
 * cost anyway.
 */
const SLOTS = 4096; // power of two
const MAX_CACHED_LENGTH = 64; // longer atoms are rare; hashing them would cost more than it saves

const slotBytes: Array<Uint8Array | undefined> = new Array<Uint8Array | undefined>(SLOTS);
const slotAtoms: Atom[] = new Array<Atom>(SLOTS);
// ignoreBOM: a leading U+FEFF is part of the atom's name (:"\uFEFFok" is not :ok).
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The atom spelled by `bytes[start, start+length)`: Latin-1 (ATOM_EXT, SMALL_ATOM_EXT) or UTF-8
 * (ATOM_UTF8_EXT, SMALL_ATOM_UTF8_EXT). The two are different atoms for the same non-ASCII bytes,
 * so the encoding is part of the cache key. Throws a bare reason string on invalid input; the
 * decoder adds the position.
 */
export function atomFromBytes(bytes: Uint8Array, start: number, length: number, utf8: boolean): Atom {
  if (length > MAX_CACHED_LENGTH) return decodeAtom(bytes, start, length, utf8);
  // Length and three sampled bytes make a good enough slot; the full comparison below decides.
  const end = start + length;
  const slot =
    length === 0
      ? 0
      : (length * 0x9e5 +
          bytes[start]! * 0x3b +
          bytes[end - 1]! * 0x1f1 +
          bytes[start + (length >> 1)]! * 0x65 +
          (utf8 ? 0x800 : 0)) &
        (SLOTS - 1);
  const cached = slotBytes[slot];
  // The last byte of a cached key records its encoding (1 = UTF-8) so that both live in one table.
  if (cached !== undefined && cached.length === length + 1 && cached[length] === (utf8 ? 1 : 0)) {
    let same = true;
    for (let i = 0; i < length; i++) {
      if (cached[i] !== bytes[start + i]) {
        same = false;
        break;
      }
    }
    if (same) return slotAtoms[slot]!;
  }
  const atom = decodeAtom(bytes, start, length, utf8);
  const key = new Uint8Array(length + 1);
  key.set(bytes.subarray(start, end));
  key[length] = utf8 ? 1 : 0;
  slotBytes[slot] = key;
  slotAtoms[slot] = atom;
  return atom;
}

/** Thrown by decodeAtom; the decoder turns it into a DecodeError with position and path. */
export class AtomTextError extends Error {}

function decodeAtom(bytes: Uint8Array, start: number, length: number, utf8: boolean): Atom {
  let ascii = true;
  for (let i = start; i < start + length; i++) {
    if (bytes[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  let name: string;
  if (ascii || !utf8) {
    // Latin-1 bytes are exactly the first 256 code points; ASCII is both encodings.
    if (length > 255) throw new AtomTextError(`atom of ${length} characters (the limit is 255)`);
    name = latin1(bytes, start, length);
  } else {
    try {
      name = utf8Decoder.decode(bytes.subarray(start, start + length));
    } catch {
      throw new AtomTextError('atom text is not valid UTF-8');
    }
    let chars = 0;
    for (const _ of name) chars++;
    if (chars > 255) throw new AtomTextError(`atom of ${chars} characters (the limit is 255)`);
  }
  return Atom.of(name);
}

function latin1(bytes: Uint8Array, start: number, length: number): string {
  if (length < 32) {
    let s = '';
    for (let i = start; i < start + length; i++) s += String.fromCharCode(bytes[i]!);
    return s;
  }
  return String.fromCharCode.apply(null, Array.from(bytes.subarray(start, start + length)));
}

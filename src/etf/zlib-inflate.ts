/**
 * Inflate for small zlib streams (RFC 1950 around RFC 1951), in plain TypeScript.
 *
 * Why: node:zlib's inflateSync spends ~4 µs a call on setup (a stream object, a native handle, a
 * window) whatever the size, most of the cost of a small stream. This one keeps its scratch tables
 * between calls; per byte it is slower than native zlib, so inflate.ts uses it for small streams.
 *
 * It is exactly as strict as the node:zlib path it replaces, and fails with zlib's own words at
 * the same point, including when a stream both holds more than the declared size and is broken:
 * node:zlib inflates into chunks of max(declared, 64) bytes and checks the total only after each
 * chunk, so a fault zlib meets before that check wins over "too large". `outputLimit` below is
 * where that check first fails.
 */

/** A zlib stream that node:zlib's inflateSync refuses; `message` is zlib's own. */
export class InflateFailure extends Error {
  constructor(
    message: string,
    /** Set when the stream holds more than the declared size (node:zlib's ERR_BUFFER_TOO_LARGE). */
    readonly tooLarge: boolean,
  ) {
    super(message);
  }
}

/** node:zlib's smallest output chunk: a declared size below it is only checked after 64 bytes. */
export const MIN_CHUNK = 64;
/** The largest declared size inflate.ts trusts as node:zlib's chunk size (one allocation up front). */
export const MAX_EXACT_CHUNK = 1024 * 1024;

// A decoding table entry is one int32:
//   bits 0-4    bits the code takes (a link: the root bits)
//   bits 5-8    extra bits after the code (a link: its sub-table's index bits)
//   bits 9-11   kind
//   bits 16-30  value: literal byte, base length or distance, code length, or sub-table offset
const LENGTH_MASK = 0x1f;
const EXTRA_SHIFT = 5;
const KIND_MASK = 7 << 9;
const LITERAL = 0 << 9;
const BASE = 1 << 9;
const END = 2 << 9;
const INVALID = 3 << 9;
const LINK = 4 << 9;

// Root bits of the tables: one lookup for nearly every code; longer codes go through a sub-table.
const LIT_ROOT = 9;
const DIST_ROOT = 6;
const CODES_ROOT = 7; // code length codes are at most 7 bits: never a sub-table
const LIT_MASK = (1 << LIT_ROOT) - 1;
const DIST_MASK = (1 << DIST_ROOT) - 1;
const CODES_MASK = (1 << CODES_ROOT) - 1;

/**
 * Table sizes: the root, plus at most one sub-table per two symbols (a sub-table is only made for a
 * complete code, so it holds two codes or more), each of at most 2^(15 - root) entries.
 */
const LIT_TABLE_SIZE = (1 << LIT_ROOT) + (288 / 2) * (1 << (15 - LIT_ROOT));
const DIST_TABLE_SIZE = (1 << DIST_ROOT) + (32 / 2) * (1 << (15 - DIST_ROOT));

/** Per symbol, its table entry without the code length. */
const LIT_ENTRIES = new Int32Array(288);
const DIST_ENTRIES = new Int32Array(32);
const CODES_ENTRIES = new Int32Array(19);
{
  for (let sym = 0; sym < 256; sym++) LIT_ENTRIES[sym] = LITERAL | (sym << 16);
  LIT_ENTRIES[256] = END;
  const lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31];
  lengthBase.push(35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258);
  const lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
  for (let i = 0; i < 29; i++) LIT_ENTRIES[257 + i] = BASE | (lengthExtra[i]! << EXTRA_SHIFT) | (lengthBase[i]! << 16);
  LIT_ENTRIES[286] = LIT_ENTRIES[287] = INVALID; // only the fixed code has them, and they mean nothing
  for (let i = 0; i < 30; i++) {
    const extra = i < 4 ? 0 : (i >> 1) - 1;
    const base = i < 4 ? i + 1 : (1 << (extra + 1)) + 1 + ((i & 1) << extra);
    DIST_ENTRIES[i] = BASE | (extra << EXTRA_SHIFT) | (base << 16);
  }
  DIST_ENTRIES[30] = DIST_ENTRIES[31] = INVALID;
  for (let sym = 0; sym < 19; sym++) CODES_ENTRIES[sym] = LITERAL | (sym << 16);
}

/** The order code length code lengths come in (RFC 1951 3.2.7). */
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

const REVERSED_BYTE = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let r = 0;
  for (let b = 0; b < 8; b++) r |= ((i >> b) & 1) << (7 - b);
  REVERSED_BYTE[i] = r;
}

// Scratch, reused by every call (decoding is synchronous, so never shared by two at once).
const litTable = new Int32Array(LIT_TABLE_SIZE);
const distTable = new Int32Array(DIST_TABLE_SIZE);
const codesTable = new Int32Array(1 << CODES_ROOT);
const lengths = new Uint8Array(286 + 30);
const codeLengths = new Uint8Array(19);
/** How many codes of each length (index 0 unused) a table has: counted as the lengths are read. */
const codeCounts = new Uint16Array(16);
const litCounts = new Uint16Array(16);
const distCounts = new Uint16Array(16);
const nextCode = new Uint16Array(16);
/** Codes longer than the root bits, met while building a table: symbol and reversed code. */
const longSymbol = new Uint16Array(288);
const longReversed = new Uint16Array(288);
/** Per root index of long codes: the sub-table's index bits, and where it starts (0: none yet). */
const subBits = new Uint8Array(1 << LIT_ROOT);
const subStart = new Uint16Array(1 << LIT_ROOT);
let output = new Uint8Array(0);
/** `output` for 4-byte copies, which may write up to 3 bytes past a match: `output` has room for them. */
let outputView = new DataView(output.buffer);
let fixedLit: Int32Array | undefined;
let fixedDist: Int32Array | undefined;

// Where decoding is. The hot loop copies these into locals; between blocks they live here
// (module variables rather than an object's fields, whose changing types cost V8 deopts).
let input: Uint8Array = output;
let inputEnd = 0;
/** The next byte to load into `bitBuffer`. */
let inputPos = 0;
/** Bits loaded and not yet used, the next one lowest; never more than 31. */
let bitBuffer = 0;
let bitCount = 0;
/** Bytes inflated so far, into `output`. */
let written = 0;
/** Where node:zlib would have found the output too large. */
let outputLimit = 0;
/** Where node:zlib's second output chunk starts (`outputLimit` when there is none). */
let secondChunk = 0;
/**
 * How far back the second chunk may reach into the first: zlib checks a distance against the
 * bytes of the current call plus its window, which the header sizes and the first chunk fills.
 */
let lowestInSecond = 0;

/**
 * Inflates the zlib stream at `src[start..]`, which must hold at most `declared` bytes; bytes after
 * the stream's Adler-32 are ignored, as node:zlib does. Throws an InflateFailure where node:zlib's
 * inflateSync(stream, { maxOutputLength: declared, chunkSize: max(declared, 64) }) throws. May hand
 * back fewer bytes than declared: the caller says what that means. The bytes are a view of
 * scratch that the next call overwrites: the caller copies them (into memory of its choosing).
 * The scratch is twice the declared size: callers keep `declared` small.
 */
export function inflateZlib(src: Uint8Array, start: number, declared: number): Uint8Array {
  // node:zlib checks the total after each output chunk, and a chunk of max(declared, 64) holds
  // the whole declared size: it finds "too large" at the end of the first chunk when that is
  // over the declared size, and otherwise at the end of the second.
  const chunk = Math.max(declared, MIN_CHUNK);
  outputLimit = chunk > declared ? chunk : 2 * chunk;
  secondChunk = outputLimit === 2 * chunk ? chunk : outputLimit;
  if (output.length < outputLimit + 3) {
    output = new Uint8Array(outputLimit + 3);
    outputView = new DataView(output.buffer);
  }
  input = src;
  inputEnd = src.length;
  inputPos = start;
  bitBuffer = 0;
  bitCount = 0;
  written = 0;

  readHeader();
  let last: number;
  do {
    need(3);
    last = take(1);
    const type = take(2);
    if (type === 0) copyStored();
    else if (type === 1) inflateCodes(fixedLit ?? buildFixed(), fixedDist!);
    else if (type === 2) inflateCodes(readDynamicTables(), distTable);
    else throw new InflateFailure('invalid block type', false);
  } while (last === 0);

  // The Adler-32 of the inflated bytes, big-endian, from the byte after the last block.
  toByteBoundary();
  const at = inputPos;
  if (inputEnd - at < 4) throw endOfInput();
  const check = ((src[at]! << 24) | (src[at + 1]! << 16) | (src[at + 2]! << 8) | src[at + 3]!) >>> 0;
  if (check !== adler32(output, written)) throw new InflateFailure('incorrect data check', false);
  if (written > declared) throw tooLarge();
  return output.subarray(0, written);
}

function readHeader(): void {
  const at = inputPos;
  if (inputEnd - at < 2) throw endOfInput();
  const cmf = input[at]!;
  const flg = input[at + 1]!;
  if (((cmf << 8) | flg) % 31 !== 0) throw new InflateFailure('incorrect header check', false);
  if ((cmf & 0x0f) !== 8) throw new InflateFailure('unknown compression method', false);
  const windowBits = (cmf >> 4) + 8;
  if (windowBits > 15) throw new InflateFailure('invalid window size', false);
  lowestInSecond = Math.max(0, secondChunk - (1 << windowBits));
  if (flg & 0x20) {
    // zlib reads the dictionary's id before asking for the dictionary, which we never have.
    if (inputEnd - at < 6) throw endOfInput();
    throw new InflateFailure('Missing dictionary', false);
  }
  inputPos = at + 2;
}

/** Input ran out: zlib's "unexpected end of file", unless the output was full just then. */
function endOfInput(): InflateFailure {
  // A full chunk hides the end of input from node:zlib: it checks the size first.
  return written === outputLimit ? tooLarge() : new InflateFailure('unexpected end of file', false);
}

function endOfInputAt(at: number): InflateFailure {
  written = at;
  return endOfInput();
}

/** The failure node:zlib reports as ERR_BUFFER_TOO_LARGE. */
export function tooLarge(): InflateFailure {
  return new InflateFailure('the stream inflates to more than the declared size', true);
}

/** Ensures `n` (≤ 24) bits are in `bitBuffer`, or fails as zlib does when the input ends. */
function need(n: number): void {
  while (bitCount < n && inputPos < inputEnd) {
    bitBuffer |= input[inputPos++]! << bitCount;
    bitCount += 8;
  }
  if (bitCount < n) throw endOfInput();
}

/** Takes `n` bits that `need` made sure of. */
function take(n: number): number {
  const value = bitBuffer & ((1 << n) - 1);
  bitBuffer >>= n;
  bitCount -= n;
  return value;
}

/** Drops the bits up to the next byte and gives back the whole bytes read ahead into `bitBuffer`. */
function toByteBoundary(): void {
  inputPos -= bitCount >> 3;
  bitBuffer = 0;
  bitCount = 0;
}

function copyStored(): void {
  toByteBoundary();
  if (inputEnd - inputPos < 4) throw endOfInput();
  let length = input[inputPos]! | (input[inputPos + 1]! << 8);
  const complement = input[inputPos + 2]! | (input[inputPos + 3]! << 8);
  if (length !== (complement ^ 0xffff)) throw new InflateFailure('invalid stored block lengths', false);
  inputPos += 4;
  // zlib copies what the input and the output chunk both allow, then stops on whichever ran out.
  while (length > 0) {
    if (written === outputLimit) throw tooLarge();
    if (inputPos === inputEnd) throw endOfInput();
    const n = Math.min(length, inputEnd - inputPos, outputLimit - written);
    output.set(input.subarray(inputPos, inputPos + n), written);
    inputPos += n;
    written += n;
    length -= n;
  }
}

/** Reads a dynamic block's code lengths and builds its tables; returns the literal/length table. */
function readDynamicTables(): Int32Array {
  need(14);
  const litCount = take(5) + 257;
  const distCount = take(5) + 1;
  const codeCount = take(4) + 4;
  if (litCount > 286 || distCount > 30) throw new InflateFailure('too many length or distance symbols', false);
  codeLengths.fill(0);
  codeCounts.fill(0);
  for (let i = 0; i < codeCount; i++) {
    need(3);
    const len = take(3);
    codeLengths[CODE_LENGTH_ORDER[i]!] = len;
    codeCounts[len]!++;
  }
  // An empty code is allowed here as zlib allows it: each length then takes one bit and is 0.
  if (!buildTable(codeLengths, 0, 19, codeCounts, CODES_ENTRIES, codesTable, CODES_ROOT, false, LITERAL | 1)) {
    throw new InflateFailure('invalid code lengths set', false);
  }
  const total = litCount + distCount;
  const src = input;
  const end = inputEnd;
  let hold = bitBuffer;
  let bits = bitCount;
  let pos = inputPos;
  litCounts.fill(0);
  distCounts.fill(0);
  let i = 0;
  while (i < total) {
    // 24 bits (or all that is left) hold a code (≤ 7 bits) and its repeat count (≤ 7).
    while (bits < 24 && pos < end) {
      hold |= src[pos++]! << bits;
      bits += 8;
    }
    const e = codesTable[hold & CODES_MASK]!;
    const n = e & LENGTH_MASK;
    if (n > bits) throw endOfInput();
    hold >>= n;
    bits -= n;
    const symbol = e >> 16;
    if (symbol < 16) {
      if (i < litCount) litCounts[symbol]!++;
      else distCounts[symbol]!++;
      lengths[i++] = symbol;
      continue;
    }
    const extra = symbol === 16 ? 2 : symbol === 17 ? 3 : 7;
    if (bits < extra) throw endOfInput();
    let repeat = (symbol === 18 ? 11 : 3) + (hold & ((1 << extra) - 1));
    hold >>= extra;
    bits -= extra;
    let length = 0;
    if (symbol === 16) {
      // zlib reads the repeat count before it finds there is nothing to repeat.
      if (i === 0) throw new InflateFailure('invalid bit length repeat', false);
      length = lengths[i - 1]!;
    }
    if (i + repeat > total) throw new InflateFailure('invalid bit length repeat', false);
    // A run may go on from the literal/length lengths into the distance ones.
    const inLit = Math.max(0, Math.min(repeat, litCount - i));
    litCounts[length]! += inLit;
    distCounts[length]! += repeat - inLit;
    for (; repeat > 0; repeat--) lengths[i++] = length;
  }
  bitBuffer = hold;
  bitCount = bits;
  inputPos = pos;
  if (lengths[256] === 0) throw new InflateFailure('invalid code -- missing end-of-block', false);
  if (!buildTable(lengths, 0, litCount, litCounts, LIT_ENTRIES, litTable, LIT_ROOT, true, INVALID | 1)) {
    throw new InflateFailure('invalid literal/lengths set', false);
  }
  if (!buildTable(lengths, litCount, distCount, distCounts, DIST_ENTRIES, distTable, DIST_ROOT, true, INVALID | 1)) {
    throw new InflateFailure('invalid distances set', false);
  }
  return litTable;
}

function buildFixed(): Int32Array {
  const fixed = new Uint8Array(288 + 32);
  fixed.fill(8, 0, 144);
  fixed.fill(9, 144, 256);
  fixed.fill(7, 256, 280);
  fixed.fill(8, 280, 288);
  fixed.fill(5, 288, 320);
  fixedLit = new Int32Array(1 << LIT_ROOT);
  fixedDist = new Int32Array(1 << DIST_ROOT);
  const counts = new Uint16Array(16);
  for (let s = 0; s < 288; s++) counts[fixed[s]!]!++;
  buildTable(fixed, 0, 288, counts, LIT_ENTRIES, fixedLit, LIT_ROOT, true, INVALID | 1);
  counts.fill(0);
  counts[5] = 32;
  buildTable(fixed, 288, 32, counts, DIST_ENTRIES, fixedDist, DIST_ROOT, true, INVALID | 1);
  return fixedLit;
}

/**
 * Builds the decoding table of the canonical Huffman code given by `lens[start..start+count]`
 * (`countOf[len]` of them `len` bits long),
 * or returns false where zlib refuses the code: over-subscribed, or incomplete — except that a
 * literal/length or distance code may be a single one-bit code, and any code may have no symbols
 * at all (every lookup then finds `empty`, which takes one bit, as in zlib).
 */
function buildTable(
  lens: Uint8Array,
  start: number,
  count: number,
  countOf: Uint16Array,
  entries: Int32Array,
  table: Int32Array,
  root: number,
  singleAllowed: boolean,
  empty: number,
): boolean {
  let max = 15;
  while (max > 0 && countOf[max] === 0) max--;
  const rootSize = 1 << root;
  if (max === 0) {
    table.fill(empty, 0, rootSize);
    return true;
  }
  let left = 1;
  for (let len = 1; len <= 15; len++) {
    left = (left << 1) - countOf[len]!;
    if (left < 0) return false; // over-subscribed
  }
  if (left > 0) {
    if (!singleAllowed || max !== 1) return false; // incomplete
    table.fill(empty, 0, rootSize); // the other one-bit code: invalid
  }

  // The first code of each length (RFC 1951 3.2.2); codes of one length follow symbol order.
  let code = 0;
  countOf[0] = 0;
  for (let len = 1; len <= max; len++) {
    code = (code + countOf[len - 1]!) << 1;
    nextCode[len] = code;
  }
  let longCount = 0;
  for (let s = 0; s < count; s++) {
    const len = lens[start + s]!;
    if (len === 0) continue;
    const c = nextCode[len]!++;
    // Codes are read least significant bit first: index tables by the reversed code.
    const reversed = ((REVERSED_BYTE[c & 0xff]! << 8) | REVERSED_BYTE[c >> 8]!) >> (16 - len);
    if (len <= root) {
      const entry = entries[s]! | len;
      for (let j = reversed; j < rootSize; j += 1 << len) table[j] = entry;
    } else {
      longSymbol[longCount] = s;
      longReversed[longCount++] = reversed;
    }
  }
  if (longCount > 0) placeLongCodes(lens, start, longCount, entries, table, root);
  return true;
}

/**
 * Codes longer than the root bits go to sub-tables, one per root index, sized for the longest
 * code under it. A code is complete here (only a one-bit code may be incomplete), so every root
 * index that starts a long code leads to long codes only, two or more.
 */
function placeLongCodes(
  lens: Uint8Array,
  start: number,
  longCount: number,
  entries: Int32Array,
  table: Int32Array,
  root: number,
): void {
  const rootMask = (1 << root) - 1;
  for (let i = 0; i < longCount; i++) {
    const prefix = longReversed[i]! & rootMask;
    const bits = lens[start + longSymbol[i]!]! - root;
    if (subBits[prefix]! < bits) subBits[prefix] = bits;
  }
  let free = 1 << root;
  for (let i = 0; i < longCount; i++) {
    const reversed = longReversed[i]!;
    const prefix = reversed & rootMask;
    const bits = subBits[prefix]!;
    let at = subStart[prefix]!;
    if (at === 0) {
      at = free;
      free += 1 << bits;
      subStart[prefix] = at;
      table[prefix] = LINK | (bits << EXTRA_SHIFT) | root | (at << 16);
    }
    const symbol = longSymbol[i]!;
    const drop = lens[start + symbol]! - root;
    const entry = entries[symbol]! | drop;
    for (let j = reversed >> root; j < 1 << bits; j += 1 << drop) table[at + j] = entry;
  }
  for (let i = 0; i < longCount; i++) {
    const prefix = longReversed[i]! & rootMask;
    subBits[prefix] = 0;
    subStart[prefix] = 0;
  }
}

/** Inflates one block's literal/length and distance codes up to its end-of-block code. */
function inflateCodes(lit: Int32Array, dist: Int32Array): void {
  const src = input;
  const end = inputEnd;
  const out = output;
  const view = outputView;
  const limit = outputLimit;
  const second = secondChunk;
  const lowest = lowestInSecond;
  let hold = bitBuffer;
  let bits = bitCount;
  let pos = inputPos;
  let at = written;
  for (;;) {
    // A code takes at most 15 bits: load two bytes when fewer are left (or what input is left).
    // `hold` never holds more than 31 bits, so it stays a positive int32 (no floats in V8), and
    // is loaded only when needed, which keeps loads off the path from one code to the next.
    if (bits < 15) {
      if (pos + 1 < end) {
        hold |= (src[pos]! | (src[pos + 1]! << 8)) << bits;
        pos += 2;
        bits += 16;
      } else {
        while (bits < 24 && pos < end) {
          hold |= src[pos++]! << bits;
          bits += 8;
        }
      }
    }
    let e = lit[hold & LIT_MASK]!;
    let n = e & LENGTH_MASK;
    if ((e & KIND_MASK) === LINK) {
      e = lit[(e >> 16) + ((hold >> LIT_ROOT) & ((1 << ((e >> EXTRA_SHIFT) & 15)) - 1))]!;
      n = LIT_ROOT + (e & LENGTH_MASK);
    }
    // A code longer than the bits left means the input ended inside it (missing bits read as 0,
    // and no shorter code can hide behind them: the code is prefix-free).
    if (n > bits) throw endOfInputAt(at);
    hold >>= n;
    bits -= n;
    const kind = e & KIND_MASK;
    if (kind === LITERAL) {
      if (at === limit) throw tooLarge();
      out[at++] = e >> 16;
      continue;
    }
    if (kind === END) break;
    if (kind === INVALID) throw new InflateFailure('invalid literal/length code', false);

    let extra = (e >> EXTRA_SHIFT) & 15;
    if (bits < extra) {
      while (bits < 24 && pos < end) {
        hold |= src[pos++]! << bits;
        bits += 8;
      }
      if (bits < extra) throw endOfInputAt(at);
    }
    const length = (e >> 16) + (hold & ((1 << extra) - 1));
    hold >>= extra;
    bits -= extra;

    if (bits < 15) {
      if (pos + 1 < end) {
        hold |= (src[pos]! | (src[pos + 1]! << 8)) << bits;
        pos += 2;
        bits += 16;
      } else {
        while (bits < 24 && pos < end) {
          hold |= src[pos++]! << bits;
          bits += 8;
        }
      }
    }
    e = dist[hold & DIST_MASK]!;
    n = e & LENGTH_MASK;
    if ((e & KIND_MASK) === LINK) {
      e = dist[(e >> 16) + ((hold >> DIST_ROOT) & ((1 << ((e >> EXTRA_SHIFT) & 15)) - 1))]!;
      n = DIST_ROOT + (e & LENGTH_MASK);
    }
    if (n > bits) throw endOfInputAt(at);
    hold >>= n;
    bits -= n;
    if ((e & KIND_MASK) === INVALID) throw new InflateFailure('invalid distance code', false);
    extra = (e >> EXTRA_SHIFT) & 15;
    if (bits < extra) {
      while (bits < 24 && pos < end) {
        hold |= src[pos++]! << bits;
        bits += 8;
      }
      if (bits < extra) throw endOfInputAt(at);
    }
    const distance = (e >> 16) + (hold & ((1 << extra) - 1));
    hold >>= extra;
    bits -= extra;

    // zlib looks for room before it looks how far back the distance goes.
    if (at === limit) throw tooLarge();
    if (distance > at || (at + length > second && Math.max(at, second) - distance < lowest)) {
      throw new InflateFailure('invalid distance too far back', false);
    }
    let to = at + length;
    const over = to > limit;
    if (over) to = limit;
    if (to - at >= LONG_COPY) {
      at = copyMatch(out, at, to, distance);
    } else if (distance >= 4) {
      // Four bytes at a time: each read lies before what it writes, so is already inflated.
      for (let from = at - distance; at < to; at += 4, from += 4) view.setUint32(at, view.getUint32(from, true), true);
      at = to;
    } else {
      for (let from = at - distance; at < to;) out[at++] = out[from++]!;
    }
    if (over) throw tooLarge();
  }
  bitBuffer = hold;
  bitCount = bits;
  inputPos = pos;
  written = at;
}

/**
 * From this length on, a match is copied by copyWithin: a call costs about as much as copying 70
 * bytes four at a time.
 */
const LONG_COPY = 64;

/** Copies a match of `to - at` bytes from `distance` back, which may overlap what it writes. */
function copyMatch(out: Uint8Array, at: number, to: number, distance: number): number {
  if (distance === 1) {
    out.fill(out[at - 1]!, at, to);
    return to;
  }
  // The bytes repeat with a period of `distance`: copy the span written so far, doubling it.
  const from = at - distance;
  while (at < to) {
    const n = Math.min(at - from, to - at);
    out.copyWithin(at, from, from + n);
    at += n;
  }
  return at;
}

/** Adler-32 (RFC 1950) of `bytes[0..length]`. */
function adler32(bytes: Uint8Array, length: number): number {
  let a = 1;
  let b = 0;
  let i = 0;
  while (i < length) {
    // 3800 bytes keep `b` under 2^31 (a small integer to V8) before it is reduced.
    const stop = Math.min(i + 3800, length);
    // Eight bytes a step: `b` adds each running `a`, i.e. 8a and the bytes weighted 8, 7, … 1.
    for (; i + 8 <= stop; i += 8) {
      const x0 = bytes[i]!;
      const x1 = bytes[i + 1]!;
      const x2 = bytes[i + 2]!;
      const x3 = bytes[i + 3]!;
      const x4 = bytes[i + 4]!;
      const x5 = bytes[i + 5]!;
      const x6 = bytes[i + 6]!;
      const x7 = bytes[i + 7]!;
      b += 8 * a + 8 * x0 + 7 * x1 + 6 * x2 + 5 * x3 + 4 * x4 + 3 * x5 + 2 * x6 + x7;
      a += x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7;
    }
    for (; i < stop; i++) {
      a += bytes[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

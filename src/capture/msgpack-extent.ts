/**
 * Finds where one MessagePack value ends without decoding it. The reader needs this before it
 * decodes anything: it tells a whole value from one cut off by the end of the file, gives every
 * value its exact byte offset for error messages, and lets a corrupt length field be checked
 * against the bytes that really exist instead of being allocated.
 */

/** A byte that MessagePack never uses (0xc1) was found where a value should start. */
export class InvalidMsgpackByteError extends Error {
  constructor(
    readonly offset: number,
    readonly byte: number,
  ) {
    super(`0x${byte.toString(16).padStart(2, '0')} is not a MessagePack type byte`);
    this.name = 'InvalidMsgpackByteError';
  }
}

/**
 * Returns the offset just past the value starting at `bytes[start]`, reading no further than
 * `limit`. A result greater than `limit` means the value is cut off; the result is then a lower
 * bound of where it would end (exact when only a string/binary body is missing, since each
 * still-missing nested value is counted as one byte). Never allocates: a declared length of 4 GiB
 * is only arithmetic here.
 *
 * @throws InvalidMsgpackByteError (offset relative to `bytes`)
 */
export function msgpackValueEnd(bytes: Uint8Array, start: number, limit: number): number {
  let pos = start;
  // Values still to be walked: a container adds its elements (a map adds two per entry).
  let pending = 1;
  while (pending > 0) {
    if (pos >= limit) return pos + pending;
    const head = bytes[pos]!;
    pending--;
    if (head <= 0x7f || head >= 0xe0) {
      pos += 1; // positive / negative fixint
    } else if (head <= 0x8f) {
      pending += 2 * (head & 0x0f);
      pos += 1;
    } else if (head <= 0x9f) {
      pending += head & 0x0f;
      pos += 1;
    } else if (head <= 0xbf) {
      pos += 1 + (head & 0x1f); // fixstr
    } else {
      const step = variableStep(bytes, pos, limit, head);
      if (step.pastLimit) return pos + step.headerSize + pending;
      pending += step.elements;
      pos += step.headerSize + step.bodySize;
    }
  }
  return pos;
}

interface Step {
  /** The length field itself runs past `limit`. */
  pastLimit: boolean;
  headerSize: number;
  bodySize: number;
  elements: number;
}

// One reused result object: this runs once per value on the read path.
const step: Step = { pastLimit: false, headerSize: 0, bodySize: 0, elements: 0 };

function variableStep(bytes: Uint8Array, pos: number, limit: number, head: number): Step {
  step.pastLimit = false;
  step.bodySize = 0;
  step.elements = 0;
  switch (head) {
    case 0xc0:
    case 0xc2:
    case 0xc3: // nil, false, true
      step.headerSize = 1;
      return step;
    case 0xcc:
    case 0xd0:
      return fixed(2);
    case 0xcd:
    case 0xd1:
      return fixed(3);
    case 0xca:
    case 0xce:
    case 0xd2:
      return fixed(5);
    case 0xcb:
    case 0xcf:
    case 0xd3:
      return fixed(9);
    case 0xd4:
      return fixed(3); // fixext 1: type byte + 1
    case 0xd5:
      return fixed(4);
    case 0xd6:
      return fixed(6);
    case 0xd7:
      return fixed(10);
    case 0xd8:
      return fixed(18);
    case 0xc4:
    case 0xd9:
      return sized(bytes, pos, limit, 1, 0);
    case 0xc5:
    case 0xda:
      return sized(bytes, pos, limit, 2, 0);
    case 0xc6:
    case 0xdb:
      return sized(bytes, pos, limit, 4, 0);
    case 0xc7:
      return sized(bytes, pos, limit, 1, 1); // ext 8: length, then a type byte
    case 0xc8:
      return sized(bytes, pos, limit, 2, 1);
    case 0xc9:
      return sized(bytes, pos, limit, 4, 1);
    case 0xdc:
      return counted(bytes, pos, limit, 2, 1);
    case 0xdd:
      return counted(bytes, pos, limit, 4, 1);
    case 0xde:
      return counted(bytes, pos, limit, 2, 2);
    case 0xdf:
      return counted(bytes, pos, limit, 4, 2);
    default:
      throw new InvalidMsgpackByteError(pos, head); // only 0xc1 reaches here
  }
}

function fixed(size: number): Step {
  step.headerSize = size;
  return step;
}

/** str/bin/ext: a big-endian length of `lengthBytes`, then `extraHeader` bytes, then the body. */
function sized(bytes: Uint8Array, pos: number, limit: number, lengthBytes: number, extraHeader: number): Step {
  step.headerSize = 1 + lengthBytes + extraHeader;
  if (pos + 1 + lengthBytes > limit) {
    step.pastLimit = true;
    return step;
  }
  step.bodySize = readLength(bytes, pos + 1, lengthBytes);
  return step;
}

/** array/map: a big-endian element count; the elements follow as values of their own. */
function counted(bytes: Uint8Array, pos: number, limit: number, lengthBytes: number, perEntry: number): Step {
  step.headerSize = 1 + lengthBytes;
  if (pos + step.headerSize > limit) {
    step.pastLimit = true;
    return step;
  }
  step.elements = perEntry * readLength(bytes, pos + 1, lengthBytes);
  return step;
}

function readLength(bytes: Uint8Array, at: number, lengthBytes: number): number {
  if (lengthBytes === 1) return bytes[at]!;
  if (lengthBytes === 2) return (bytes[at]! << 8) | bytes[at + 1]!;
  // Multiply the top byte instead of shifting it: `<< 24` would make lengths ≥ 2^31 negative.
  return bytes[at]! * 0x1000000 + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!);
}

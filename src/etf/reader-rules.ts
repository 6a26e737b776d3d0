import * as T from './tags.js';

/**
 * What binary_to_term (OTP 25) refuses in pids, ports, references and funs beyond their byte
 * layout. Each rule was checked against `erl` at its boundary (test/etf/otp-rules-erl.test.ts):
 *
 * - The old formats (PID_EXT, PORT_EXT, REFERENCE_EXT, NEW_REFERENCE_EXT) carry a 2-bit creation:
 *   a creation byte above 3 is refused. The new formats take any 32-bit creation.
 * - REFERENCE_EXT and NEW_REFERENCE_EXT come from the time when a reference's first id word had
 *   18 bits: a first word of 2^18 or more is refused, for any node.
 * - A reference has 1..5 id words. Zero words is refused here although OTP sometimes accepts it:
 *   erts then reads the id from the bytes after the reference (its answer depends on them), and
 *   no node writes such a reference.
 * - An identifier of the decoding node itself is rebuilt as a local one and must fit local
 *   limits: pid number < 2^15 and serial < 2^13, port number < 2^28, reference of at most 3 words
 *   whose first word is < 2^18. The decoding node is the one whose name the identifier carries
 *   with creation 0 (or the node's own creation). A tool that is not a node decodes the way a
 *   non-distributed runtime (`nonode@nohost`, creation 0) does, which is how `erl` is checked;
 *   a named node receiving an identifier that names itself applies the same limits.
 * - NEW_FUN_EXT: at most 255 free variables; OldIndex and OldUniq must be small integers
 *   (−2^59 .. 2^59−1 on a 64-bit emulator).
 */

/** The node a non-distributed runtime calls itself; with creation 0 its identifiers are local. */
export const LOCAL_NODE = 'nonode@nohost';

export const MAX_OLD_CREATION = 3;
/** Refs written in the old formats had an 18-bit first word. */
export const REF_FIRST_WORD_LIMIT = 2 ** 18;
export const MAX_REF_WORDS = 5;
const MAX_LOCAL_REF_WORDS = 3;
const LOCAL_PID_NUMBER_LIMIT = 2 ** 15;
const LOCAL_PID_SERIAL_LIMIT = 2 ** 13;
const LOCAL_PORT_NUMBER_LIMIT = 2 ** 28;
export const MAX_FUN_FREE_VARS = 255;
const SMALL_LIMIT = 2n ** 59n;

function isLocal(node: string, creation: number): boolean {
  return creation === 0 && node === LOCAL_NODE;
}

/** Why binary_to_term refuses this pid, or undefined. */
export function pidProblem(
  tag: number,
  node: string,
  num: number,
  serial: number,
  creation: number,
): string | undefined {
  if (tag === T.PID_EXT && creation > MAX_OLD_CREATION) {
    return `PID_EXT with creation ${creation} (the old format's creation is 0..3)`;
  }
  if (isLocal(node, creation) && (num >= LOCAL_PID_NUMBER_LIMIT || serial >= LOCAL_PID_SERIAL_LIMIT)) {
    return `${T.tagName(tag)} of the local node ${node} with number ${num} and serial ${serial} (local pids have 15 and 13 bits)`;
  }
  return undefined;
}

/** Why binary_to_term refuses this port, or undefined. */
export function portProblem(tag: number, node: string, id: number | bigint, creation: number): string | undefined {
  if (tag === T.PORT_EXT && creation > MAX_OLD_CREATION) {
    return `PORT_EXT with creation ${creation} (the old format's creation is 0..3)`;
  }
  if (isLocal(node, creation) && id >= LOCAL_PORT_NUMBER_LIMIT) {
    return `${T.tagName(tag)} of the local node ${node} with number ${id} (local ports have 28 bits)`;
  }
  return undefined;
}

/** Why binary_to_term refuses this reference (its word count already checked ≤ 5), or undefined. */
export function refProblem(tag: number, node: string, creation: number, ids: readonly number[]): string | undefined {
  const name = T.tagName(tag);
  if (ids.length === 0) return `${name} with no id words`;
  const first = ids[0]!;
  if (tag !== T.NEWER_REFERENCE_EXT) {
    if (creation > MAX_OLD_CREATION) return `${name} with creation ${creation} (the old format's creation is 0..3)`;
    if (first >= REF_FIRST_WORD_LIMIT) return `${name} with first id word ${first} (the old format's is below 2^18)`;
  }
  if (isLocal(node, creation)) {
    if (ids.length > MAX_LOCAL_REF_WORDS) {
      return `${name} of the local node ${node} with ${ids.length} id words (local references have at most 3)`;
    }
    if (first >= REF_FIRST_WORD_LIMIT) {
      return `${name} of the local node ${node} with first id word ${first} (local references keep it below 2^18)`;
    }
  }
  return undefined;
}

/** Why binary_to_term refuses a fun's OldIndex/OldUniq, or undefined. */
export function funIntegerProblem(what: string, value: number | bigint): string | undefined {
  const v = BigInt(value);
  if (v >= SMALL_LIMIT || v < -SMALL_LIMIT)
    return `NEW_FUN_EXT ${what} ${value} is not a small integer (−2^59..2^59−1)`;
  return undefined;
}

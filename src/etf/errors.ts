/** Errors thrown by the codec. Both are plain `Error`s so that callers can print `message` as is. */

/**
 * Input that is not a term `binary_to_term/1` would accept (or that a limit refuses).
 * `offset` is the byte where the problem was found (into the inflated bytes for a compressed
 * payload — the message says so), `tag` the tag byte of the term being read, and `path` where
 * in the term it happened, outermost first, e.g. `['elem 4', 'map value "payload"', 'list item 3']`.
 */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';

  constructor(
    readonly reason: string,
    readonly offset: number,
    readonly tag: number | undefined,
    readonly path: readonly string[],
    /** Set when `offset` counts within the inflated bytes of a compressed payload. */
    readonly inInflated = false,
  ) {
    super(formatMessage(reason, offset, tag, path, inInflated));
  }
}

function formatMessage(
  reason: string,
  offset: number,
  tag: number | undefined,
  path: readonly string[],
  inInflated: boolean,
): string {
  let message = `${reason} at byte ${offset}${inInflated ? ' of the inflated term' : ''}`;
  if (tag !== undefined) message += ` (tag ${tag})`;
  if (path.length > 0) message += ` in ${path.join(' → ')}`;
  return message;
}

/** A value that has no External Term Format encoding (NaN, a 300-character atom, a JS function…). */
export class EncodeError extends Error {
  override readonly name = 'EncodeError';
}

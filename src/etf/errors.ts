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

/** A message stays one readable line even for a 100 000-deep path (the full path is in `path`). */
const MAX_PATH_SHOWN = 12;

function formatMessage(
  reason: string,
  offset: number,
  tag: number | undefined,
  path: readonly string[],
  inInflated: boolean,
): string {
  let message = `${reason} at byte ${offset}${inInflated ? ' of the inflated term' : ''}`;
  if (tag !== undefined) message += ` (tag ${tag})`;
  if (path.length > MAX_PATH_SHOWN) {
    const hidden = path.length - MAX_PATH_SHOWN;
    const shown = [...path.slice(0, MAX_PATH_SHOWN / 2), `… ${hidden} more …`, ...path.slice(-MAX_PATH_SHOWN / 2)];
    message += ` in ${shown.join(' → ')}`;
  } else if (path.length > 0) {
    message += ` in ${path.join(' → ')}`;
  }
  return message;
}

/** A value that has no External Term Format encoding (NaN, a 300-character atom, a JS function…). */
export class EncodeError extends Error {
  override readonly name = 'EncodeError';
}

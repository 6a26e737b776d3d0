/**
 * A message as Redis delivered it, before any decoding. Produced by src/redis (live) and
 * src/capture (from a file); consumed by everything downstream. Types only: every layer may
 * import this module without depending on another layer.
 */
export interface RawMessage {
  /** Wall-clock receive time, ms since the epoch. */
  receivedAt: number;
  channel: string;
  /** The PSUBSCRIBE pattern that matched, or null for an exact SUBSCRIBE. */
  pattern: string | null;
  /** The payload bytes exactly as published (never converted to a JS string). */
  payload: Uint8Array;
}

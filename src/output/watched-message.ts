import type { RawMessage } from '../model/raw-message.js';
import type { Classified } from '../phoenix/classified.js';

/**
 * One message as the watch pipeline sees it: what Redis delivered plus what src/phoenix made of
 * it. `seq` is assigned by the receiver (1, 2, 3, … in arrival order) so that every view can name
 * a message even after the ring buffer has let older ones go.
 */
export interface WatchedMessage {
  seq: number;
  raw: RawMessage;
  classified: Classified;
}

/**
 * True when the payload could not be decoded: ETF that failed (`error` is set) or bytes that are
 * neither ETF, msgpack nor JSON (kind `raw`) — on a Phoenix channel both mean something is wrong.
 */
export function isUndecodable(c: Classified): boolean {
  return c.error !== undefined || c.kind === 'raw';
}

/** The topic to show and count: the inner message's when known, else the envelope's. */
export function topicOf(c: Classified): string | undefined {
  return c.topic ?? c.envelope?.topic;
}

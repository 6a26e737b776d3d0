/**
 * What the watcher, the recorder and the UI say when the connection drops and comes back: one
 * wording everywhere. The reason may quote a server's reply, so it is made terminal-safe.
 */
import { escapeUnsafe } from '../text/terminal-safe.js';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** `lost connection to …; reconnecting in 0.1 s`, then `…; retrying in 0.4 s (attempt 3)`. */
export function reconnectingNotice(e: { reason: string; delayMs: number; attempt: number }): string {
  const reason = escapeUnsafe(e.reason);
  return e.attempt === 1
    ? `${reason}; reconnecting in ${seconds(e.delayMs)}`
    : `${reason}; retrying in ${seconds(e.delayMs)} (attempt ${e.attempt})`;
}

/** `reconnected after 2.3 s — messages published meanwhile were not received` (or `recorded`). */
export function reconnectedNotice(e: { gapMs: number }, missed: 'received' | 'recorded' = 'received'): string {
  return `reconnected after ${seconds(e.gapMs)} — messages published meanwhile were not ${missed}`;
}

/**
 * Text that is safe to put on the screen, cut to a number of columns.
 *
 * Everything shown comes from the network (topics, node names, payloads), so control characters
 * and bidi overrides are escaped before anything reaches blessed: a hostile topic must not be
 * able to move the cursor or recolour the terminal. Widths are measured in terminal columns
 * (wide CJK characters and emoji count two), with the same measure the line printer uses.
 */
import { truncateVisible, visibleWidth } from '../output/line-format.js';
import { escapeUnsafe, unsafeCharacters } from '../text/terminal-safe.js';

// The terminal-unsafe characters (src/text/terminal-safe.ts) — and characters whose width
// terminals and blessed disagree on: emoji (blessed's table predates them and counts one column
// where terminals draw two, which shifts the rest of the row), the joiners and variation
// selectors that glue emoji together, and anything outside the Basic Multilingual Plane.
const UNSAFE_ON_SCREEN = unsafeCharacters('\\p{Emoji_Presentation}\\u200d\\ufe0e\\ufe0f\\u{10000}-\\u{10ffff}');

/** Unsafe characters written the way Elixir escapes them in a string (`\n`, `\e`, `\u{1F44D}`). */
export function safeText(text: string): string {
  return escapeUnsafe(text, UNSAFE_ON_SCREEN);
}

export { visibleWidth };

/** Exactly `width` columns: cut with `…` when longer, padded with spaces when shorter. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const w = visibleWidth(text);
  if (w > width) return padTo(truncateVisible(text, width), width);
  const pad = ' '.repeat(width - w);
  return align === 'left' ? text + pad : pad + text;
}

/** At most `width` columns (cut with `…`), never padded. */
export function clip(text: string, width: number): string {
  if (width <= 0) return '';
  return visibleWidth(text) > width ? truncateVisible(text, width) : text;
}

function padTo(text: string, width: number): string {
  const w = visibleWidth(text);
  return w < width ? text + ' '.repeat(width - w) : text;
}

/** blessed reads `{…}` as style tags; text shown with tags on must have its braces escaped. */
export function escapeTags(text: string): string {
  return /[{}]/.test(text) ? text.replace(/[{}]/g, (ch) => (ch === '{' ? '{open}' : '{close}')) : text;
}

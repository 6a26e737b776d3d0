/**
 * Text that is safe to put on the screen, cut to a number of columns.
 *
 * Everything shown comes from the network (topics, node names, payloads), so control characters
 * and bidi overrides are escaped before anything reaches blessed: a hostile topic must not be
 * able to move the cursor or recolour the terminal. Widths are measured in terminal columns
 * (wide CJK characters and emoji count two), with the same measure the line printer uses; the
 * screen (screen.ts) makes blessed draw them at that width.
 */
import { truncateVisible, visibleWidth } from '../output/display-width.js';
import { escapeUnsafe, unsafeCharacters } from '../text/terminal-safe.js';

// The terminal-unsafe characters (src/text/terminal-safe.ts) — and the few characters that glue
// others into one glyph whose width terminals disagree on (a ZWJ family is two columns in one
// terminal and six in another; a skin tone, a flag, a keycap, VS16 likewise): written out, each
// character left takes the same columns everywhere, so rows stay aligned. Emoji and CJK
// themselves are shown, measured by the Unicode rules (display-width.ts).
const UNSAFE_ON_SCREEN = unsafeCharacters(
  '\\u200d\\ufe0e\\ufe0f\\u20e3\\u{1F1E6}-\\u{1F1FF}\\u{1F3FB}-\\u{1F3FF}\\u{E0020}-\\u{E007F}',
);

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

/**
 * `text` without its first `columns` columns (scrolling sideways); a wide character cut in half
 * becomes a space, so what follows stays in its column.
 */
export function skipColumns(text: string, columns: number): string {
  if (columns <= 0) return text;
  let skipped = 0;
  let i = 0;
  for (const { segment } of segmenter.segment(text)) {
    if (skipped >= columns) break;
    skipped += visibleWidth(segment);
    i += segment.length;
  }
  return ' '.repeat(Math.max(0, skipped - columns)) + text.slice(i);
}

const segmenter = new Intl.Segmenter();

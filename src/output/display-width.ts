/**
 * How many terminal columns text takes, and cutting it to a number of columns — by the Unicode
 * rules terminals follow (string-width: East Asian Width, emoji presentation, grapheme clusters,
 * so ☕ and 👍 take two columns, a ZWJ family two, a combining accent none). ANSI colour codes
 * are kept whole and take no room. Plain ASCII, most of what is printed, skips all of that.
 */
import stringWidth from 'string-width';

// Printable ASCII only: one column a character.
const PLAIN = /^[\x20-\x7e]*$/;
// A run that needs the Unicode rules: anything but printable ASCII and ESC (colour codes).
const SPECIAL_RUN = /[^\x20-\x7e\x1b]+/g;
const segmenter = new Intl.Segmenter();

// Characters that join the one before them into one cluster (marks, joiners, variation selectors,
// skin tones, flag halves, keycaps, emoji tags, Hangul jamo): a run with one needs segmenting.
const JOINING =
  /[\p{M}\u200d\ufe00-\ufe0f\u20e3\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff\u{1F1E6}-\u{1F1FF}\u{1F3FB}-\u{1F3FF}\u{E0020}-\u{E007F}]/u;

/**
 * Terminal columns `text` takes, ANSI colour codes not counted. Printable ASCII counts one a
 * character; other runs go through string-width (segmenting is ~50× the cost of counting), with
 * the character before them, which a combining mark or a keycap joins — unless nothing in the run
 * joins anything: then it is the sum of each character's width, remembered per character.
 */
export function visibleWidth(text: string): number {
  if (PLAIN.test(text)) return text.length;
  let width = 0;
  let at = 0;
  for (const run of text.matchAll(SPECIAL_RUN)) {
    width += plainWidth(text, at, run.index);
    width += runWidth(text, run.index, run[0]);
    at = run.index + run[0].length;
  }
  return width + plainWidth(text, at, text.length);
}

function runWidth(text: string, index: number, run: string): number {
  if (!JOINING.test(run)) {
    let width = 0;
    for (const ch of run) width += charWidth(ch);
    return width;
  }
  const withBase = index > 0 && isPrintableAscii(text.charCodeAt(index - 1));
  return withBase ? stringWidth(text.slice(index - 1, index + run.length)) - 1 : stringWidth(run);
}

const charWidths = new Map<string, number>();

/** One character (code point) that joins nothing: its width, looked up once. */
function charWidth(ch: string): number {
  let width = charWidths.get(ch);
  if (width === undefined) {
    width = stringWidth(ch);
    if (charWidths.size < 8192) charWidths.set(ch, width);
  }
  return width;
}

function isPrintableAscii(code: number): boolean {
  return code >= 0x20 && code < 0x7f;
}

/** Columns of printable ASCII between `from` and `to`, skipping ANSI colour codes. */
function plainWidth(text: string, from: number, to: number): number {
  let width = 0;
  for (let i = from; i < to; i++) {
    if (text.charCodeAt(i) === 0x1b) {
      const end = text.indexOf('m', i);
      i = end === -1 || end >= to ? to : end;
    } else width++;
  }
  return width;
}

/**
 * Cut to `width` terminal columns, ending with `…`. ANSI colour codes are kept whole and do not
 * count; when any were cut short, a reset closes them. Never splits a grapheme cluster (an emoji
 * with its skin tone, a letter with its accent).
 */
export function truncateVisible(line: string, width: number): string {
  if (visibleWidth(line) <= width) return line;
  const room = width - 1; // one column for the ellipsis
  let visible = 0;
  let out = '';
  let coloured = false;
  let i = 0;
  while (i < line.length) {
    const code = line.charCodeAt(i);
    if (code === 0x1b) {
      const end = line.indexOf('m', i);
      const stop = end === -1 ? line.length : end + 1;
      out += line.slice(i, stop);
      coloured = true;
      i = stop;
      continue;
    }
    if (isPrintableAscii(code) && !joinsNext(line, i + 1)) {
      if (visible + 1 > room) break;
      out += line[i];
      visible++;
      i++;
      continue;
    }
    // A run of text that needs the Unicode rules, with the ASCII character a mark may join.
    let end = i + 1;
    while (end < line.length && !isPrintableAscii(line.charCodeAt(end)) && line.charCodeAt(end) !== 0x1b) end++;
    let full = true;
    const run = line.slice(i, end);
    const pieces = JOINING.test(run) ? Array.from(segmenter.segment(run), (s) => s.segment) : run;
    for (const segment of pieces) {
      const w = segment.length <= 2 && !JOINING.test(segment) ? charWidth(segment) : stringWidth(segment);
      if (visible + w > room) {
        full = false;
        break;
      }
      out += segment;
      visible += w;
    }
    if (!full) break;
    i = end;
  }
  return coloured ? `${out}…\u001b[0m` : `${out}…`;
}

/** True when the character at `i` is not printable ASCII or ESC: it may belong to the one before. */
function joinsNext(line: string, i: number): boolean {
  if (i >= line.length) return false;
  const code = line.charCodeAt(i);
  return !isPrintableAscii(code) && code !== 0x1b;
}

/**
 * The one rule for text from the wire (channel names, topics, atoms, payload text, error messages
 * quoting them, a Redis server's own error text) on its way to a terminal: no character that a
 * terminal acts on instead of showing gets there raw.
 *
 * Unsafe are the C0 controls (ESC starts every escape sequence), DEL, the C1 controls
 * U+0080–U+009F (U+009B is an 8-bit CSI, which some terminals obey), the line and paragraph
 * separators, and the bidi marks, embeddings, overrides and isolates (which make a line read
 * differently from what it holds). Pure: every layer may use it.
 */

// A character class body, so callers can widen it (whitespace for one-word columns, emoji for
// the UI, whose library measures them wrongly).
const UNSAFE_CLASS = '\\p{Cc}\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069';

const UNSAFE = new RegExp(`[${UNSAFE_CLASS}]`, 'u');
const UNSAFE_G = new RegExp(`[${UNSAFE_CLASS}]`, 'gu');

/** The unsafe characters plus `extra` (a character class body such as `\\s\\\\`), for escapeUnsafe. */
export function unsafeCharacters(extra = ''): RegExp {
  return new RegExp(`[${UNSAFE_CLASS}${extra}]`, 'gu');
}

/** Whether `text` holds a character that must not reach a terminal raw. */
export function hasUnsafe(text: string): boolean {
  return UNSAFE.test(text);
}

const NAMED: Record<string, string> = {
  ' ': '\\s',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
  '\u001b': '\\e',
  '\\': '\\\\',
};

/** One character the way Elixir writes it in a string: `\n`, `\e`, `\s`, `\\`, else `\u{9B}`. */
export function escapeCharacter(ch: string): string {
  return NAMED[ch] ?? `\\u{${ch.codePointAt(0)!.toString(16).toUpperCase()}}`;
}

/**
 * `text` with every unsafe character (or every match of `pattern`, a global regex from
 * unsafeCharacters) escaped Elixir-style. Text without any is returned as it is.
 */
export function escapeUnsafe(text: string, pattern: RegExp = UNSAFE_G): string {
  pattern.lastIndex = 0;
  if (!pattern.test(text)) return text;
  pattern.lastIndex = 0;
  return text.replace(pattern, escapeCharacter);
}

const WORD_UNSAFE_G = unsafeCharacters('\\s\\\\');

/**
 * `text` as one word of a column: unsafe characters, whitespace (Unicode spaces and separators
 * too) and the backslash the escapes use, all escaped; so `awk` counts the same columns on every
 * line, and a topic cannot move the cursor.
 */
export function escapeWord(text: string): string {
  return escapeUnsafe(text, WORD_UNSAFE_G);
}

/**
 * Elixir or Erlang text from a renderer made terminal-safe. The renderers escape controls, but
 * Elixir counts bidi controls and the separators as printable and writes them raw; they can only
 * stand inside quotes there, where `\x{202E}` reads back as the same character in both languages.
 */
export function syntaxForTerminal(text: string): string {
  UNSAFE_G.lastIndex = 0;
  if (!UNSAFE_G.test(text)) return text;
  UNSAFE_G.lastIndex = 0;
  return text.replace(UNSAFE_G, (ch) => `\\x{${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}}`);
}

// What JSON text may hold raw that a terminal must not get: JSON escapes C0 (which also
// appears only inside strings) but not DEL, C1, the separators or bidi controls.
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const JSON_UNSAFE_G = new RegExp(JSON_UNSAFE.source, 'g');

/**
 * JSON text made terminal-safe: those characters can only stand inside strings, where `\uXXXX`
 * means the same, so the result is the same JSON value.
 */
export function jsonForTerminal(json: string): string {
  return JSON_UNSAFE.test(json)
    ? json.replace(JSON_UNSAFE_G, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : json;
}

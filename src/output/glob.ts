/**
 * Shell-style globs for filter values, matched against the whole value:
 *
 *   *        any run of characters, including none (and including `:` — topics are not paths)
 *   ?        exactly one character (a code point, so `?` matches one emoji)
 *   [abc]    one of the listed characters; ranges `[a-z]`; `[!abc]` or `[^abc]` negate
 *   \x       the character x literally (`\*`, `\?`, `\[`, `\\`)
 *
 * Matching is case-sensitive unless `ignoreCase` is asked for: Phoenix topics and events are
 * binaries compared byte for byte, so `Rooms:*` must not match `rooms:1`.
 *
 * The matcher is the classic two-pointer walk that backtracks only to the last `*`, so it is
 * O(pattern × value) even for hostile patterns like `*a*a*a*b` (a RegExp could go exponential).
 */

type Token =
  | { kind: 'star' }
  | { kind: 'any' }
  | { kind: 'char'; ch: string }
  | { kind: 'class'; negate: boolean; ranges: Array<[number, number]> };

export interface Glob {
  readonly source: string;
  /** True when the pattern has no wildcard: it matches exactly one value. */
  readonly literal: boolean;
  test(value: string): boolean;
}

export interface GlobError {
  message: string;
  /** Offset of the problem within the pattern (UTF-16 units). */
  offset: number;
}

export type GlobResult = { ok: true; glob: Glob } | { ok: false; error: GlobError };

export interface GlobOptions {
  ignoreCase?: boolean;
}

export function compileGlob(source: string, options: GlobOptions = {}): GlobResult {
  const ignoreCase = options.ignoreCase ?? false;
  const pattern = ignoreCase ? source.toLowerCase() : source;
  const parsed = tokenize(pattern);
  if ('message' in parsed) return { ok: false, error: parsed };
  const tokens = parsed;
  const literal = tokens.every((t) => t.kind === 'char');
  const fold = (v: string): string => (ignoreCase ? v.toLowerCase() : v);

  if (literal) {
    const text = tokens.map((t) => (t.kind === 'char' ? t.ch : '')).join('');
    return { ok: true, glob: { source, literal, test: (v) => fold(v) === text } };
  }
  return { ok: true, glob: { source, literal, test: (v) => matchTokens(tokens, codePoints(fold(v))) } };
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** Indexable characters: the string itself when it is all BMP (the common, allocation-free case). */
function codePoints(value: string): ArrayLike<string> {
  return SURROGATE.test(value) ? Array.from(value) : value;
}

function tokenize(pattern: string): Token[] | GlobError {
  const tokens: Token[] = [];
  const chars = Array.from(pattern);
  // Offsets are reported in UTF-16 units, as the caller's string indexes them.
  let offset = 0;
  for (let i = 0; i < chars.length; offset += chars[i]!.length, i++) {
    const ch = chars[i]!;
    if (ch === '*') {
      // Collapse `**` to one star: same meaning, less backtracking.
      if (tokens[tokens.length - 1]?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (ch === '?') {
      tokens.push({ kind: 'any' });
    } else if (ch === '\\') {
      const next = chars[i + 1];
      if (next === undefined) return { message: 'pattern ends with a lone \\', offset };
      tokens.push({ kind: 'char', ch: next });
      offset += ch.length;
      i++;
    } else if (ch === '[') {
      const cls = readClass(chars, i, offset);
      if ('message' in cls) return cls;
      tokens.push(cls.token);
      for (; i < cls.end; i++) offset += chars[i]!.length;
    } else {
      tokens.push({ kind: 'char', ch });
    }
  }
  return tokens;
}

/** Reads `[...]` starting at chars[start] === '['; `end` is the index of the closing `]`. */
function readClass(chars: string[], start: number, offset: number): { token: Token; end: number } | GlobError {
  let i = start + 1;
  let negate = false;
  if (chars[i] === '!' || chars[i] === '^') {
    negate = true;
    i++;
  }
  const ranges: Array<[number, number]> = [];
  // A `]` right after `[` or `[!` is a member, as in shells.
  let first = true;
  for (; i < chars.length; i++) {
    let ch = chars[i]!;
    if (ch === ']' && !first) {
      return { token: { kind: 'class', negate, ranges }, end: i };
    }
    first = false;
    if (ch === '\\' && i + 1 < chars.length) ch = chars[++i]!;
    const lo = ch.codePointAt(0)!;
    if (chars[i + 1] === '-' && i + 2 < chars.length && chars[i + 2] !== ']') {
      let hiCh = chars[i + 2]!;
      i += 2;
      if (hiCh === '\\' && i + 1 < chars.length) hiCh = chars[++i]!;
      const hi = hiCh.codePointAt(0)!;
      if (hi < lo) return { message: `empty range ${ch}-${hiCh} in [...]`, offset };
      ranges.push([lo, hi]);
    } else {
      ranges.push([lo, lo]);
    }
  }
  return { message: 'unclosed [ in pattern', offset };
}

function matchOne(token: Token, ch: string): boolean {
  switch (token.kind) {
    case 'any':
      return true;
    case 'char':
      return token.ch === ch;
    case 'class': {
      const cp = ch.codePointAt(0)!;
      let inside = false;
      for (const [lo, hi] of token.ranges) {
        if (cp >= lo && cp <= hi) {
          inside = true;
          break;
        }
      }
      return inside !== token.negate;
    }
    case 'star':
      return false;
  }
}

function matchTokens(tokens: Token[], value: ArrayLike<string>): boolean {
  let t = 0;
  let v = 0;
  let starT = -1;
  let starV = 0;
  while (v < value.length) {
    const token = tokens[t];
    if (token !== undefined && token.kind === 'star') {
      starT = t++;
      starV = v;
    } else if (token !== undefined && matchOne(token, value[v]!)) {
      t++;
      v++;
    } else if (starT >= 0) {
      // Let the last star swallow one more character and retry from just after it.
      t = starT + 1;
      v = ++starV;
    } else {
      return false;
    }
  }
  while (tokens[t]?.kind === 'star') t++;
  return t === tokens.length;
}

/**
 * Elixir's identifier tokenizer (`String.Tokenizer.tokenize/1`, Elixir 1.14), which decides
 * whether an atom can be written without quotes.
 *
 * ASCII is reproduced exactly. For other characters Elixir builds its tables from the Unicode
 * data files (UAX #31 identifiers, UTS #39 restrictions, UAX #24 scripts). We rebuild the same
 * decisions from the engine's Unicode properties:
 *  - identifier characters: `\p{ID_Start}` / `\p{ID_Continue}`, `\p{Lu}`/`\p{Lt}` for upper case;
 *  - "restricted" characters (UTS #39 Identifier_Type other than Recommended/Inclusion) are
 *    approximated as "characters of a script outside UAX #31's Recommended Scripts";
 *  - the mixed-script rule (one script, or Latin with Japanese, Chinese or Korean) uses
 *    `\p{Script_Extensions}` exactly as Elixir does.
 * The approximation can only differ for rare characters inside recommended scripts that UTS #39
 * marks obsolete or technical; such atoms may be printed unquoted where Elixir quotes them.
 */

export type TokenKind = 'alias' | 'identifier' | 'atom';

export interface Token {
  kind: TokenKind;
  /** Characters were left over (the atom is more than one identifier). */
  rest: boolean;
  /** Contains `@` (as in `:foo@bar`). */
  at: boolean;
  /** Needed Unicode normalisation (`µ`, or not in NFC). */
  nfkc: boolean;
}

// UAX #31 Table 5 (Recommended Scripts). Common and Inherited are handled as "any script".
const SCRIPTS = [
  'Latn',
  'Arab',
  'Armn',
  'Beng',
  'Bopo',
  'Cyrl',
  'Deva',
  'Ethi',
  'Geor',
  'Grek',
  'Gujr',
  'Guru',
  'Hani',
  'Hang',
  'Hebr',
  'Hira',
  'Knda',
  'Kana',
  'Khmr',
  'Laoo',
  'Mlym',
  'Mymr',
  'Orya',
  'Sinh',
  'Taml',
  'Telu',
  'Thaa',
  'Thai',
  'Tibt',
] as const;

const SCRIPT_TESTS = SCRIPTS.map((s) => new RegExp(`^\\p{scx=${s}}$`, 'u'));
const LATIN = 1; // bit 0: SCRIPTS[0]
const JAPANESE = 1 << 29;
const HAN_WITH_BOPOMOFO = 1 << 30;
const KOREAN = 1 << 31;
const TOP = -1; // all bits: Common / Inherited characters go with any script
const BOTTOM = 0;
const bit = (script: (typeof SCRIPTS)[number]): number => 1 << SCRIPTS.indexOf(script);

// Elixir's augmentation rules: Han counts as Japanese, Korean and Chinese-with-Bopomofo, etc.
const AUGMENT: Array<[number, number]> = [
  [bit('Hani'), HAN_WITH_BOPOMOFO | JAPANESE | KOREAN],
  [bit('Hira'), JAPANESE],
  [bit('Kana'), JAPANESE],
  [bit('Hang'), KOREAN],
  [bit('Bopo'), HAN_WITH_BOPOMOFO],
];
const HIGHLY_RESTRICTIVE = [LATIN | JAPANESE, LATIN | HAN_WITH_BOPOMOFO, LATIN | KOREAN];

const COMMON = /^[\p{scx=Zyyy}\p{scx=Zinh}]$/u;
const ID_START = /^\p{ID_Start}$/u;
const ID_CONTINUE = /^\p{ID_Continue}$/u;
const UPPER = /^[\p{Lu}\p{Lt}]$/u;
const MICRO = 'µ'; // U+00B5, normalised by Elixir to U+03BC

/** Script set of a non-ASCII character, BOTTOM when its script is not a recommended one. */
function scriptMask(ch: string): number {
  if (COMMON.test(ch)) return TOP;
  let mask = BOTTOM;
  for (let i = 0; i < SCRIPT_TESTS.length; i++) if (SCRIPT_TESTS[i]!.test(ch)) mask |= 1 << i;
  for (const [from, extra] of AUGMENT) if (mask & from) mask |= extra;
  return mask;
}

/** Script set of a non-ASCII identifier character, or BOTTOM when it is not one. */
function identifierMask(ch: string, start: boolean): number {
  if (!(start ? ID_START.test(ch) : ID_CONTINUE.test(ch))) return BOTTOM;
  return scriptMask(ch);
}

const isAsciiUpper = (c: number): boolean => c >= 65 && c <= 90;
const isAsciiLower = (c: number): boolean => c >= 97 && c <= 122;
const isAsciiDigit = (c: number): boolean => c >= 48 && c <= 57;

function scriptOfForRestrictive(ch: string): number {
  const c = ch.codePointAt(0)!;
  if (isAsciiUpper(c) || isAsciiLower(c)) return LATIN;
  if (c < 128) return TOP;
  const mask = identifierMask(ch, false);
  return mask === BOTTOM ? TOP : mask;
}

function highlyRestrictive(chars: readonly string[]): boolean {
  return HIGHLY_RESTRICTIVE.some((r) => chars.every((ch) => (scriptOfForRestrictive(ch) & r) !== 0));
}

/** `String.Tokenizer.tokenize/1`: undefined where Elixir returns an error. */
export function tokenizeIdentifier(text: string): Token | undefined {
  const chars = Array.from(text);
  if (chars.length === 0) return undefined;
  const head = chars[0]!;
  const h = head.codePointAt(0)!;
  let kind: TokenKind;
  let scripts: number;
  let asciiOnly = true;
  let nfkc = false;
  if (isAsciiUpper(h)) [kind, scripts] = ['alias', LATIN];
  else if (isAsciiLower(h)) [kind, scripts] = ['identifier', LATIN];
  else if (h === 95 /* _ */) [kind, scripts] = ['identifier', TOP];
  else {
    asciiOnly = false;
    const mask = identifierMask(head, true);
    if (mask !== BOTTOM) kind = UPPER.test(head) ? 'atom' : 'identifier';
    else if (head === MICRO) [kind, nfkc] = ['identifier', true];
    else return undefined;
    scripts = head === MICRO ? TOP : mask;
    if (head === MICRO) chars[0] = 'μ';
  }

  let at = false;
  let i = 1;
  for (; i < chars.length; i++) {
    const ch = chars[i]!;
    const c = ch.codePointAt(0)!;
    if (c === 33 /* ! */ || c === 63 /* ? */) {
      i++;
      break;
    }
    if (c === 64 /* @ */) at = true;
    else if (isAsciiUpper(c) || isAsciiLower(c)) scripts &= LATIN;
    else if (c === 95 || isAsciiDigit(c)) continue;
    else if (c < 128) break;
    else {
      asciiOnly = false;
      const mask = identifierMask(ch, false);
      if (mask !== BOTTOM) scripts &= mask;
      else if (ch === MICRO) {
        nfkc = true;
        chars[i] = 'μ';
      } else return undefined;
    }
  }
  const rest = i < chars.length;
  if (!asciiOnly) {
    const consumed = chars.slice(0, i);
    const joined = consumed.join('');
    if (joined.normalize('NFC') !== joined) nfkc = true;
    if (scripts === BOTTOM && !highlyRestrictive(Array.from(joined.normalize('NFC')))) return undefined;
  }
  return { kind, rest, at, nfkc };
}

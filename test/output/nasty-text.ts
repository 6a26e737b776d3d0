/**
 * Text and terms that output writers must treat with care, for property tests: every kind of
 * character a writer treats apart (JSON escapes, DEL and C1, bidi controls and separators, lone
 * surrogates), byte runs that are not UTF-8, and containers of them.
 */
import fc from 'fast-check';
import { Atom, ErlMap, Tuple, type Term } from '../../src/etf/term.js';

// Every kind of character the writers treat apart, lone surrogates included.
export const NASTY = [
  'a',
  'Z',
  ' ',
  '"',
  '\\',
  '/',
  '\n',
  '\t',
  '\b',
  '\f',
  '\r',
  '\u0000',
  '\u001b',
  '\u001f',
  '\u007f',
  '\u0080',
  '\u0085',
  '\u009b',
  '\u009f',
  '\u00a0',
  'é',
  '\u061b',
  '\u061c',
  '\u200d',
  '\u200e',
  '\u200f',
  '\u2027',
  '\u2028',
  '\u2029',
  '\u202a',
  '\u202e',
  '\u202f',
  '\u2065',
  '\u2066',
  '\u2069',
  '\u206a',
  '日',
  '\ufeff',
  '\uffff',
  '😀',
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
];
export const nastyText = fc.array(fc.constantFrom(...NASTY), { maxLength: 12 }).map((parts) => parts.join(''));
// As bytes: UTF-8 of nasty text (lone surrogates become U+FFFD), and byte runs that are not
// UTF-8 or encode what must be escaped (C1 as C2 9B, a surrogate as ED A0 80, an overlong NUL).
export const nastyBinary = fc.oneof(
  nastyText.map((s) => Uint8Array.from(Buffer.from(s, 'utf8'))),
  fc
    .array(
      fc.constantFrom(
        [0x61],
        [0xc2, 0x9b],
        [0xc2, 0xa0],
        [0xed, 0xa0, 0x80],
        [0xc0, 0x80],
        [0xe2, 0x80, 0xae],
        [0xff],
        [0xf0, 0x9f, 0x98, 0x80],
        [0xe2, 0x81, 0xa6],
        [0xd8, 0x9c],
        [0xc2],
      ),
      { maxLength: 8 },
    )
    .map((parts) => Uint8Array.from(parts.flat())),
);
export const nastyTerm: fc.Arbitrary<Term> = fc.oneof(
  nastyBinary,
  fc
    .array(
      fc.tuple(
        fc.oneof(
          nastyBinary,
          nastyText.map((s) => Atom.of(s.slice(0, 50))),
        ),
        nastyBinary,
      ),
      { maxLength: 4 },
    )
    .map((pairs) =>
      ErlMap.fromPairs(
        pairs.filter(
          (p, i) =>
            pairs.findIndex((q) => Buffer.compare(Buffer.from(String(q[0])), Buffer.from(String(p[0]))) === 0) === i,
        ),
      ),
    ),
  fc.array(nastyBinary, { maxLength: 4 }).map((items) => new Tuple(items)),
);

import { describe, expect, it } from 'vitest';
import { utf8Text } from '../../src/etf/utf8-text.js';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function reference(bytes: Uint8Array): string | undefined {
  try {
    return strict.decode(bytes);
  } catch {
    return undefined;
  }
}

describe('utf8Text: strict UTF-8 with short texts remembered', () => {
  it('agrees with a fatal TextDecoder on valid, invalid and BOM-led input, first and second time', () => {
    const inputs = [
      [],
      [0x61],
      [...Buffer.from('rooms:lobby')],
      [...Buffer.from('Ça marche 👍')],
      [0xef, 0xbb, 0xbf, 0x6f, 0x6b], // a leading U+FEFF is text
      [0xc0, 0x80], // overlong
      [0xed, 0xa0, 0x80], // a surrogate
      [0xe2, 0x82], // cut
      [0xff],
      [...Buffer.from('x'.repeat(48))], // the longest remembered
      [...Buffer.from('x'.repeat(49))],
    ].map((bytes) => Uint8Array.from(bytes));
    for (let round = 0; round < 2; round++) {
      for (const bytes of inputs) expect(utf8Text(bytes)).toBe(reference(bytes));
    }
  });

  it('tells apart texts that share a slot: same length and the same first, middle and last bytes', () => {
    const a = Buffer.from('abcXdeZf');
    const b = Buffer.from('abcYdeZf');
    for (let round = 0; round < 3; round++) {
      expect(utf8Text(a)).toBe('abcXdeZf');
      expect(utf8Text(b)).toBe('abcYdeZf');
    }
  });

  it('remembers a copy: changing the input afterwards changes what it reads', () => {
    const bytes = Buffer.from('new:msg');
    expect(utf8Text(bytes)).toBe('new:msg');
    bytes[4] = 0x4d; // 'M'
    expect(utf8Text(bytes)).toBe('new:Msg');
    expect(utf8Text(Buffer.from('new:msg'))).toBe('new:msg');
  });

  it('never remembers invalid bytes as text', () => {
    const bad = Uint8Array.from([0x61, 0xc3, 0x62]);
    expect(utf8Text(bad)).toBeUndefined();
    expect(utf8Text(bad)).toBeUndefined();
  });
});

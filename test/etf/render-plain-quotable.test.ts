/**
 * The quick path for binaries in Elixir syntax: text plainQuotableText accepts is exactly what
 * printableText + escapeText would have put between the quotes, and it accepts the usual ASCII.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { escapeText, plainQuotableText, printableText } from '../../src/etf/render/strings.js';

test('plainQuotableText accepts only text escapeText leaves as it is, and gives that text', () => {
  const bytes = fc
    .array(
      fc.constantFrom(0x00, 0x07, 0x1b, 0x1f, 0x20, 0x22, 0x23, 0x27, 0x5c, 0x61, 0x7b, 0x7e, 0x7f, 0x80, 0xc3, 0xa9),
      {
        maxLength: 10,
      },
    )
    .map((b) => Uint8Array.from(b));
  let accepted = 0;
  fc.assert(
    fc.property(bytes, (b) => {
      const plain = plainQuotableText(b);
      if (plain === undefined) return;
      accepted++;
      const text = printableText(b);
      expect(text).toBeDefined();
      expect(plain).toBe(escapeText(text!, '"'));
    }),
    { numRuns: 5000, seed: 5 },
  );
  expect(accepted).toBeGreaterThan(100);
  expect(plainQuotableText(Buffer.from("it's a #tag {x} ~ok"))).toBe("it's a #tag {x} ~ok");
  for (const refused of ['a#{b}', 'q"', 'b\\s', 'tab\t', 'del\x7f', 'é'])
    expect(plainQuotableText(Buffer.from(refused))).toBeUndefined();
});

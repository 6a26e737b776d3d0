import { describe, expect, it } from 'vitest';
import { formatByteRate, formatBytes, formatCount, formatMsgRate, formatRate } from '../../src/output/units.js';

describe('units', () => {
  it('formats counts exactly below 1000, then with three significant digits', () => {
    expect([0, 7, 999, 1000, 1234, 12_345, 123_456, 999_499, 999_500, 1_234_567, 2e9, 3e12].map(formatCount)).toEqual([
      '0',
      '7',
      '999',
      '1.00k',
      '1.23k',
      '12.3k',
      '123k',
      '999k',
      '1.00M',
      '1.23M',
      '2.00G',
      '3.00T',
    ]);
    expect(formatCount(999.6)).toBe('1.00k');
  });

  it('formats sizes in binary units', () => {
    expect([0, 1, 1023, 1024, 1536, 102_400, 1_048_576, 5 * 1024 ** 3].map(formatBytes)).toEqual([
      '0 B',
      '1 B',
      '1023 B',
      '1.00 KiB',
      '1.50 KiB',
      '100 KiB',
      '1.00 MiB',
      '5.00 GiB',
    ]);
    expect(formatBytes(1023.7)).toBe('1.00 KiB');
  });

  it('keeps a trickle visible in rates', () => {
    expect([0, 0.04, 0.5, 9.9, 9.96, 12.4, 20_000].map(formatRate)).toEqual([
      '0',
      '0.0',
      '0.5',
      '9.9',
      '10',
      '12',
      '20.0k',
    ]);
    expect(formatMsgRate(20_000)).toBe('20.0k msg/s');
    expect(formatByteRate(2 * 1024 * 1024)).toBe('2.00 MiB/s');
  });

  it('shows nonsense input as zero rather than NaN', () => {
    expect([formatCount(Number.NaN), formatBytes(-5), formatRate(Number.POSITIVE_INFINITY)]).toEqual(['0', '0 B', '0']);
  });
});

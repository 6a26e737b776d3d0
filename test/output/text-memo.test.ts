import { describe, expect, test } from 'vitest';
import { TextMemo } from '../../src/output/text-memo.js';

describe('TextMemo', () => {
  test('makes a text once, and again only after it was forgotten or when too long to keep', () => {
    const made: string[] = [];
    const memo = new TextMemo((text) => (made.push(text), text.toUpperCase()), 4, 2);
    expect([memo.of('ab'), memo.of('ab'), memo.of('abcd'), memo.of('abcd')]).toEqual(['AB', 'AB', 'ABCD', 'ABCD']);
    expect(made).toEqual(['ab', 'abcd']);
    // Over maxLength: made each time, never kept.
    expect([memo.of('abcde'), memo.of('abcde')]).toEqual(['ABCDE', 'ABCDE']);
    expect(made).toEqual(['ab', 'abcd', 'abcde', 'abcde']);
    // Full (2 kept): the next new text forgets both, so 'ab' is made again.
    memo.of('x');
    memo.of('ab');
    expect(made.slice(4)).toEqual(['x', 'ab']);
  });
});

import { describe, expect, test } from 'vitest';
import { HeadMemo, type HeadKey } from '../../src/output/head-memo.js';

const V3 = Uint8Array.of(0x76);
const key = (over: Partial<HeadKey> = {}): HeadKey => ({
  channel: 'phx:A',
  envelope: V3,
  node: 'a@h',
  topic: 'rooms:lobby',
  event: 'new:msg',
  ...over,
});

describe('HeadMemo', () => {
  test('finds what was remembered for the same five columns, compared by value (new strings too)', () => {
    const memo = new HeadMemo();
    const bytes = Uint8Array.of(1, 2, 3);
    memo.remember(key(), bytes);
    // Texts decoded from each message are new string objects with the same characters.
    const fresh = key({ topic: ['rooms', 'lobby'].join(':'), event: ['new', 'msg'].join(':') });
    expect(memo.find(fresh)).toBe(bytes);
  });

  test('a difference in any one column is another head; absent and empty are different', () => {
    const memo = new HeadMemo();
    memo.remember(key(), Uint8Array.of(1));
    const others: HeadKey[] = [
      key({ channel: 'phx:B' }),
      key({ envelope: Uint8Array.of(0x76) }), // the same word, another array: envelope words are shared, identity decides
      key({ node: 'b@h' }),
      key({ node: undefined }),
      key({ topic: 'rooms:other' }),
      key({ topic: undefined }),
      key({ event: '' }),
      key({ event: undefined }),
    ];
    for (const other of others) expect(memo.find(other)).toBeUndefined();
  });

  test('keeps the last 8 heads: the oldest is forgotten first', () => {
    const memo = new HeadMemo();
    const topics = Array.from({ length: 9 }, (_, i) => `t${i}`);
    topics.forEach((topic, i) => memo.remember(key({ topic }), Uint8Array.of(i)));
    expect(memo.find(key({ topic: 't0' }))).toBeUndefined();
    for (let i = 1; i < 9; i++) expect(memo.find(key({ topic: `t${i}` }))).toEqual(Uint8Array.of(i));
  });

  test('a remembered head is not changed by a later key object being reused', () => {
    const memo = new HeadMemo();
    const reused = key();
    memo.remember(reused, Uint8Array.of(7));
    reused.topic = 'rooms:else';
    expect(memo.find(key())).toEqual(Uint8Array.of(7));
    expect(memo.find(reused)).toBeUndefined();
  });
});

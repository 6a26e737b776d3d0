import { expect, test } from 'vitest';
import { ChannelNames } from '../../src/redis/channel-names.js';

test('a run of messages on one channel gets the same string; another channel, or changed bytes, their own', () => {
  const names = new ChannelNames();
  const read = Buffer.from('xxphx:Elixir.Chat.PubSub.Adapterxx');
  const view = read.subarray(2, read.length - 2);
  const first = names.of(view);
  expect(first).toBe('phx:Elixir.Chat.PubSub.Adapter');
  expect(names.of(Buffer.from('phx:Elixir.Chat.PubSub.Adapter'))).toBe(first);
  // The bytes it compares with are its own: the reader's buffer being reused changes nothing.
  read.fill(0x41);
  expect(names.of(Buffer.from('phx:Elixir.Chat.PubSub.Adapter'))).toBe(first);
  expect(names.of(Buffer.from('phx:Elixir.Chat.PubSub.Adaptes'))).toBe('phx:Elixir.Chat.PubSub.Adaptes');
  expect(names.of(Buffer.from('phx:a'))).toBe('phx:a');
  expect(names.of(Buffer.from('caf\u00e9 \u{1f600}'))).toBe('caf\u00e9 \u{1f600}');
  expect(names.of(Buffer.from([0x61, 0xff]))).toBe('a\ufffd');
  expect(names.of(Buffer.alloc(0))).toBe('');
  const long = 'phx:'.repeat(50);
  expect(names.of(Buffer.from(long))).toBe(long);
  expect(names.of(Buffer.from(long))).toBe(long);
  expect(names.of(Buffer.from(`${long.slice(0, -1)}!`))).toBe(`${long.slice(0, -1)}!`);
});

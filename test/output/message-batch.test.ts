/**
 * Batches of raw messages for the render worker read back as the very messages added, in order:
 * times, channels, patterns (none too), payloads; across take(), which starts a new string table.
 */
import { expect, test } from 'vitest';
import type { RawMessage } from '../../src/model/raw-message.js';
import { BatchBuilder, readBatch, type MessageBatch } from '../../src/output/message-batch.js';

function readAll(batch: MessageBatch | null): RawMessage[] {
  const out: RawMessage[] = [];
  if (batch !== null) readBatch(batch, (raw) => out.push({ ...raw, payload: Uint8Array.from(raw.payload) }));
  return out;
}

test('messages on changing channels and patterns read back as added, batch after batch', () => {
  const channels = ['phx:a', 'phx:b', 'phx:*', 'ch\u00e9', ''];
  const patterns = [null, 'phx:*', 'phx:a', null, 'p?'];
  const builder = new BatchBuilder();
  let time = 1_764_800_000_000;
  for (const [runs, size] of [
    [1, 3],
    [3, 0],
    [7, 3000],
    [2, 10],
  ] as const) {
    const added: RawMessage[] = [];
    for (let i = 0; i < 40; i++) {
      // Runs of the same channel and pattern, then a change (the batch remembers the last ones).
      const k = Math.floor(i / runs) % channels.length;
      const payload = Uint8Array.from({ length: size + (i % 3) }, (_, j) => (i * 7 + j) & 0xff);
      const raw: RawMessage = {
        receivedAt: time++ + 0.5,
        channel: channels[k]!,
        pattern: patterns[(k + i) % 5]!,
        payload,
      };
      builder.add(raw);
      added.push(raw);
    }
    expect(builder.count).toBe(40);
    expect(readAll(builder.take())).toEqual(added);
    expect(builder.take()).toBeNull();
  }
});

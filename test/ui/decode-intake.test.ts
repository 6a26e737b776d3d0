/**
 * DecodeIntake: arriving messages are only queued; what does not fit the bound is dropped before
 * it is decoded and counted, in runs (until the queue is down to half); decoding happens later, in
 * turns of the event loop; what is still queued at close counts as dropped.
 */
import { describe, expect, test } from 'vitest';
import type { RawMessage } from '../../src/model/raw-message.js';
import { DecodeIntake } from '../../src/ui/decode-intake.js';

const raw = (n: number, size = 936): RawMessage => ({
  receivedAt: n,
  channel: 'phx:x',
  pattern: null,
  payload: new Uint8Array(size), // with its channel (5) and per-message cost (64): 1005 bytes
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(condition()).toBe(true);
}

describe('DecodeIntake', () => {
  test('queues without decoding; drops what does not fit, before decoding; decodes the rest later, in order', async () => {
    const decoded: number[] = [];
    let drops = 0;
    const intake = new DecodeIntake((m) => decoded.push(m.receivedAt), {
      maxQueuedBytes: 10_000,
      onDrop: () => drops++,
    });
    for (let i = 0; i < 30; i++) intake.push(raw(i));
    // Nothing decoded while the messages arrive (the same turn): 9 fit in 10 000 bytes.
    expect(decoded).toEqual([]);
    expect(intake.queued).toBe(9);
    expect(intake.dropped).toBe(21);
    expect(drops).toBe(21);
    await until(() => intake.queued === 0);
    expect(decoded).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(decoded.length + intake.dropped).toBe(30);
  });

  test('drops in runs: once full, it takes messages again only when down to half', () => {
    const intake = new DecodeIntake(() => undefined, { maxQueuedBytes: 10_000 });
    for (let i = 0; i < 10; i++) intake.push(raw(i));
    expect([intake.queued, intake.dropped]).toEqual([9, 1]);
    // Still over half (9 KB > 5 KB): dropped, though it would fit after one message went.
    intake.push(raw(10, 10));
    expect([intake.queued, intake.dropped]).toEqual([9, 2]);
  });

  test('a large message (half the bound or more) is let in one at a time beside the small ones, and the broadcast behind it too', async () => {
    const decoded: number[] = [];
    const intake = new DecodeIntake((m) => decoded.push(m.receivedAt), { maxQueuedBytes: 10_000 });
    intake.push(raw(0)); // a small one queued first: the large one is still let in
    intake.push(raw(1, 50_000)); // larger than the whole bound
    intake.push(raw(2)); // right behind it (a hostile payload, then the next broadcast)
    intake.push(raw(3, 5_000)); // a second large one while the first waits: dropped
    expect([intake.queued, intake.dropped]).toEqual([3, 1]);
    await until(() => intake.queued === 0);
    expect(decoded).toEqual([0, 1, 2]);
    // Once decoded, the large one's place is free again.
    intake.push(raw(4, 50_000));
    expect(intake.dropped).toBe(1);
    await until(() => decoded.length === 4);
  });

  test('what is still queued at close counts as dropped, and nothing is decoded after', async () => {
    const decoded: number[] = [];
    const intake = new DecodeIntake((m) => decoded.push(m.receivedAt), { maxQueuedBytes: 100_000 });
    for (let i = 0; i < 50; i++) intake.push(raw(i));
    intake.close();
    intake.push(raw(50));
    expect(intake.dropped).toBe(50);
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(decoded).toEqual([]);
  });
});

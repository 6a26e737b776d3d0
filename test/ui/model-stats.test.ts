import { describe, expect, it } from 'vitest';
import type { WatchedMessage } from '../../src/output/watched-message.js';
import { nodeOf } from '../../src/phoenix/classify.js';
import { NO_VALUE_KEY, OTHER_KEY, StatsModel } from '../../src/ui/model/stats.js';
import { sparkline } from '../../src/ui/model/sparkline.js';
import { bytesMessage, fixtureMessages } from '../output/filter-fixture-messages.js';

const fixtures = fixtureMessages(['phoenix_pubsub_redis-3.1.0']).map((f) => f.message);
const lobby = fixtures.find((m) => m.classified.topic === 'rooms:lobby' && m.classified.event === 'new:msg')!;
const other = fixtures.find((m) => m.classified.topic === 'rooms:other')!;
const heartbeat = fixtures.find((m) => m.classified.tracker?.type === 'heartbeat')!;

/** A clock the test moves by hand. */
function clock(start = 1_700_000_000_000): {
  now: () => number;
  set: (t: number) => void;
  advance: (ms: number) => void;
} {
  let t = start;
  return { now: () => t, set: (v) => (t = v), advance: (ms) => (t += ms) };
}

const size = (m: WatchedMessage): number => m.raw.payload.length;

describe('StatsModel', () => {
  it('ranks topics, events and nodes by messages or bytes over the window', () => {
    const c = clock();
    const stats = new StatsModel({ now: c.now });
    for (let i = 0; i < 5; i++) stats.record(lobby);
    for (let i = 0; i < 2; i++) stats.record(heartbeat);
    stats.record(other);
    c.advance(1000);

    const topics = stats.top('topic');
    expect(topics.map((r) => [r.key, r.msgs, r.bytes])).toEqual([
      ['rooms:lobby', 5, 5 * size(lobby)],
      [heartbeat.classified.topic, 2, 2 * size(heartbeat)],
      ['rooms:other', 1, size(other)],
    ]);
    expect(stats.top('event', { limit: 1 }).map((r) => r.key)).toEqual(['new:msg']);
    expect(stats.top('node')[0]).toMatchObject({ key: nodeOf(lobby.classified), msgs: 6 });

    // The 100 KB message outweighs many small ones by bytes, not by count.
    const large = fixtures.find((m) => m.raw.payload.length > 100_000)!;
    stats.record(large);
    expect(stats.top('event', { by: 'bytes' })[0]!.key).toBe(large.classified.event);
    expect(stats.top('event', { by: 'msgs' })[0]!.key).toBe('new:msg');
  });

  it('computes rates over the window, never counting time before the start', () => {
    const c = clock(1_700_000_000_000);
    const stats = new StatsModel({ now: c.now, windowSeconds: 10 });
    for (let s = 0; s < 4; s++) {
      for (let i = 0; i < 10; i++) stats.record(lobby);
      c.advance(1000);
    }
    // 40 messages over the 4 s since the start.
    expect(stats.totals()).toMatchObject({ msgs: 40, msgRate: 10, byteRate: 10 * size(lobby) });
    expect(stats.top('topic')[0]).toMatchObject({ msgRate: 10 });
    expect(stats.totals('total')).toMatchObject({ msgs: 40, msgRate: 10 });
  });

  it("with startAtFirstRecord, counts since the first message (a capture's recorded clock)", () => {
    let recorded = 0; // a capture's clock: the time of the last record read, 0 before any
    const stats = new StatsModel({ now: () => recorded, startAtFirstRecord: true });
    const fromConstruction = new StatsModel({ now: () => recorded });
    for (let s = 0; s < 4; s++) {
      for (let i = 0; i < 10; i++) {
        recorded = 1_600_000_000_000 + s * 1000 + i * 10;
        stats.record(lobby, recorded);
        fromConstruction.record(lobby, recorded);
      }
    }
    recorded = 1_600_000_004_000;
    expect(stats.totals('total')).toMatchObject({ msgs: 40, msgRate: 10 });
    // Without it, "since start" runs from the clock's 0, the epoch: a rate of about nothing.
    expect(fromConstruction.totals('total').msgs).toBe(40);
    expect(fromConstruction.totals('total').msgRate).toBeLessThan(0.001);
  });

  it('slides the window second by second and forgets what falls out', () => {
    const c = clock(1_700_000_000_000);
    const stats = new StatsModel({ now: c.now, windowSeconds: 3 });
    stats.record(lobby); // second 0
    c.advance(1000);
    stats.record(other); // second 1
    c.advance(1000);
    stats.record(other); // second 2
    expect(stats.top('topic').map((r) => [r.key, r.msgs])).toEqual([
      ['rooms:other', 2],
      ['rooms:lobby', 1],
    ]);
    c.advance(1000); // second 3: second 0 leaves the window
    expect(stats.top('topic').map((r) => [r.key, r.msgs])).toEqual([['rooms:other', 2]]);
    // Window span: seconds 1..3 with the current one just begun = 2 s.
    expect(stats.totals().msgRate).toBe(1);
    c.advance(5000);
    expect(stats.top('topic')).toEqual([]);
    expect(stats.totals()).toMatchObject({ msgs: 0, msgRate: 0 });
    // Since the start, nothing is forgotten.
    expect(stats.top('topic', { scope: 'total' }).map((r) => [r.key, r.msgs])).toEqual([
      ['rooms:other', 2],
      ['rooms:lobby', 1],
    ]);
    expect(stats.totals('total').msgRate).toBeCloseTo(3 / 8);
  });

  it('reuses a bucket slot only after clearing what it held a window ago', () => {
    const c = clock(1_700_000_000_000);
    const stats = new StatsModel({ now: c.now, windowSeconds: 2 });
    stats.record(lobby);
    c.advance(2000); // same slot (second % 2), two seconds later
    stats.record(other);
    expect(stats.top('topic').map((r) => r.key)).toEqual(['rooms:other']);
  });

  it('keeps a per-second history of complete seconds for the sparkline', () => {
    const c = clock(1_700_000_000_000);
    const stats = new StatsModel({ now: c.now, historySeconds: 5 });
    const perSecond = [3, 0, 1, 4];
    for (const n of perSecond) {
      for (let i = 0; i < n; i++) stats.record(lobby);
      c.advance(1000);
    }
    stats.record(lobby); // the current, partial second is not shown
    expect(stats.history()).toEqual([0, 3, 0, 1, 4]);
    expect(stats.history('bytes')).toEqual([0, 3, 0, 1, 4].map((n) => n * size(lobby)));
    c.advance(3000);
    expect(stats.history()).toEqual([1, 4, 1, 0, 0]);
    expect(sparkline(stats.history())).toBe('▂█▂  ');
  });

  it('treats a clock that steps back as standing still', () => {
    const c = clock(1_700_000_010_000);
    const stats = new StatsModel({ now: c.now, windowSeconds: 10 });
    stats.record(lobby);
    c.set(1_699_999_990_000);
    stats.record(other);
    expect(stats.totals().msgs).toBe(2);
    expect(stats.history().reduce((a, b) => a + b, 0)).toBe(0);
    c.set(1_700_000_011_000);
    expect(stats.history().slice(-1)).toEqual([2]);
  });

  it('counts messages without topic, event or node under "(none)"', () => {
    const c = clock();
    const stats = new StatsModel({ now: c.now });
    stats.record(bytesMessage(1, 'hello'));
    expect(stats.top('topic')[0]!.key).toBe(NO_VALUE_KEY);
    expect(stats.top('node')[0]!.key).toBe(NO_VALUE_KEY);
  });

  it('caps distinct keys, counting the rest under "(other)"', () => {
    const c = clock();
    const stats = new StatsModel({ now: c.now, maxKeys: 3 });
    for (let i = 0; i < 10; i++) {
      stats.record({ ...lobby, classified: { ...lobby.classified, topic: `users:${i}` } });
    }
    const rows = stats.top('topic', { scope: 'total' });
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatchObject({ key: OTHER_KEY, msgs: 7 });
    expect(stats.top('topic')).toHaveLength(4);
  });

  it('refuses nonsense sizes', () => {
    expect(() => new StatsModel({ now: () => 0, windowSeconds: 0 })).toThrow(RangeError);
    expect(() => new StatsModel({ now: () => 0, maxKeys: -1 })).toThrow(RangeError);
  });
});

describe('sparkline', () => {
  it('scales to the largest value, zero as a space, any traffic at least the lowest bar', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7, 8])).toBe(' ▁▂▃▄▅▆▇█');
    expect(sparkline([1, 1000])).toBe('▁█');
    expect(sparkline([0, 0])).toBe('  ');
    expect(sparkline([])).toBe('');
  });

  it('draws the newest values into a fixed width, or against a fixed maximum', () => {
    expect(sparkline([8, 4, 8], { width: 2 })).toBe('▄█');
    expect(sparkline([8], { width: 3 })).toBe('  █');
    expect(sparkline([4, 16], { max: 8 })).toBe('▄█');
  });
});

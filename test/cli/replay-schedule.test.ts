/**
 * The replay timeline (src/cli/capture/replay-schedule.ts) and --map-channel parsing: pure, no
 * clock — the sender reads the clock, these say when each record is due.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChannelMap } from '../../src/cli/capture/channel-map.js';
import { ReplaySchedule } from '../../src/cli/capture/replay-schedule.js';

const T0 = 1_714_564_800_000;

function dues(schedule: ReplaySchedule, records: Array<[number, number]>): number[] {
  return records.map(([at, segment]) => schedule.next(at, segment));
}

describe('ReplaySchedule', () => {
  it('puts each record at start + its recorded offset, divided by the speed', () => {
    const records: Array<[number, number]> = [
      [T0, 0],
      [T0 + 100, 0],
      [T0 + 250, 0],
      [T0 + 1250.5, 0],
    ];
    expect(dues(new ReplaySchedule({ kind: 'scaled', factor: 1 }, 5000), records)).toEqual([5000, 5100, 5250, 6250.5]);
    expect(dues(new ReplaySchedule({ kind: 'scaled', factor: 2.5 }, 0), records)).toEqual([0, 40, 100, 500.2]);
    expect(dues(new ReplaySchedule({ kind: 'scaled', factor: 0.5 }, 0), records)).toEqual([0, 200, 500, 2501]);
  });

  it('sends everything at once as fast as possible', () => {
    expect(
      dues(new ReplaySchedule({ kind: 'asap' }, 42), [
        [T0, 0],
        [T0 + 9000, 0],
        [T0 + 1, 1],
      ]),
    ).toEqual([42, 42, 42]);
  });

  it('treats a recorded clock stepping back as no gap, and keeps the gaps after it', () => {
    const records: Array<[number, number]> = [
      [T0, 0],
      [T0 + 100, 0],
      [T0 - 5000, 0], // NTP stepped the recorder's clock back
      [T0 - 4900, 0],
    ];
    expect(dues(new ReplaySchedule({ kind: 'scaled', factor: 1 }, 0), records)).toEqual([0, 100, 100, 200]);
  });

  it('leaves out the time between appended sessions, keeps the gaps within each', () => {
    const dayLater = T0 + 86_400_000;
    const records: Array<[number, number]> = [
      [T0, 0],
      [T0 + 300, 0],
      [dayLater, 1],
      [dayLater + 50, 1],
    ];
    const schedule = new ReplaySchedule({ kind: 'scaled', factor: 1 }, 0);
    expect(dues(schedule, records)).toEqual([0, 300, 300, 350]);
    expect(schedule.recordedElapsedMs).toBe(350);
  });

  it('does not let timer lateness accumulate: each record is at most one wake-up late', () => {
    // A sender whose every sleep overshoots by up to 30 ms, over 500 records 10 ms apart.
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 30, noNaN: true }), { minLength: 500, maxLength: 500 }),
        (lateness) => {
          const schedule = new ReplaySchedule({ kind: 'scaled', factor: 1 }, 0);
          let now = 0;
          lateness.forEach((late, i) => {
            const due = schedule.next(T0 + i * 10, 0);
            if (due > now) now = due + late; // sleeps until due and wakes up late; already past due: sends at once
            expect(now - due).toBeLessThanOrEqual(30);
          });
          // Cumulative sleeps would end ~sum(lateness) late (~7.5 s on average); this ends ≤ 30 ms late.
          expect(now - 4990).toBeLessThanOrEqual(30);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('gives non-decreasing due times spanning the sum of forward gaps within sessions', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -5000, max: 5000 }), fc.boolean()), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        (steps, speed) => {
          const schedule = new ReplaySchedule({ kind: 'scaled', factor: speed }, 1000);
          let at = T0;
          let segment = 0;
          let forward = 0;
          let previous = -Infinity;
          steps.forEach(([step, newSegment], i) => {
            if (i > 0 && newSegment) segment++;
            else if (i > 0) forward += Math.max(0, step);
            at += step;
            const due = schedule.next(at, segment);
            expect(due).toBeGreaterThanOrEqual(previous);
            previous = due;
          });
          expect(previous).toBeCloseTo(1000 + forward / speed, 6);
        },
      ),
    );
  });

  it('refuses a speed that is not a positive number', () => {
    for (const factor of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new ReplaySchedule({ kind: 'scaled', factor }, 0)).toThrow(RangeError);
    }
  });
});

describe('ChannelMap (--map-channel FROM=TO)', () => {
  it('maps exact channel names and leaves the others alone', () => {
    const map = ChannelMap.parse([
      'phx:Elixir.Staging.PubSub.Adapter=phx:Elixir.Local.PubSub.Adapter',
      'phx:a=phx:b=c',
    ]);
    expect(map.map('phx:Elixir.Staging.PubSub.Adapter')).toBe('phx:Elixir.Local.PubSub.Adapter');
    expect(map.map('phx:a')).toBe('phx:b=c'); // split at the first '='
    expect(map.map('phx:Elixir.Staging.PubSub')).toBe('phx:Elixir.Staging.PubSub');
    expect(map.map('phx:*')).toBe('phx:*');
  });

  it('refuses specs without both names, and a channel mapped two ways', () => {
    for (const spec of ['phx:a', '=phx:b', 'phx:a=', '']) {
      expect(() => ChannelMap.parse([spec]), spec).toThrow(/--map-channel needs FROM=TO/);
    }
    expect(() => ChannelMap.parse(['a=b', 'a=c'])).toThrow(/maps "a" twice/);
    expect(ChannelMap.parse(['a=b', 'a=b']).size).toBe(1);
  });
});

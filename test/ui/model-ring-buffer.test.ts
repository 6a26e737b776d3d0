import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RingBuffer } from '../../src/ui/model/ring-buffer.js';

describe('RingBuffer', () => {
  it('keeps the newest `capacity` items, oldest first, and counts what it let go', () => {
    const ring = new RingBuffer<number>(3);
    expect(ring.push(1)).toBeUndefined();
    ring.push(2);
    ring.push(3);
    expect(ring.evicted).toBe(0);
    expect(ring.push(4)).toBe(1);
    expect(ring.push(5)).toBe(2);
    expect(ring.toArray()).toEqual([3, 4, 5]);
    expect(ring.length).toBe(3);
    expect(ring.evicted).toBe(2);
    expect([ring.get(0), ring.get(2), ring.get(-1), ring.get(-3), ring.get(3), ring.get(-4)]).toEqual([
      3,
      5,
      5,
      3,
      undefined,
      undefined,
    ]);
    expect([ring.first(), ring.last()]).toEqual([3, 5]);
  });

  it('defaults to 10 000 items and refuses a nonsense capacity', () => {
    expect(new RingBuffer().capacity).toBe(10_000);
    expect(() => new RingBuffer(0)).toThrow(RangeError);
    expect(() => new RingBuffer(2.5)).toThrow(RangeError);
  });

  it('addresses items by absolute index across evictions, shifts and clears', () => {
    const ring = new RingBuffer<string>(2);
    ring.push('a');
    ring.push('b');
    ring.push('c'); // evicts a
    expect([ring.absoluteStart, ring.absoluteEnd]).toEqual([1, 3]);
    expect([ring.getAbsolute(0), ring.getAbsolute(1), ring.getAbsolute(2), ring.getAbsolute(3)]).toEqual([
      undefined,
      'b',
      'c',
      undefined,
    ]);
    expect(ring.shift()).toBe('b');
    expect([ring.absoluteStart, ring.evicted, ring.toArray()]).toEqual([2, 1, ['c']]);
    ring.clear();
    expect([ring.length, ring.absoluteStart, ring.absoluteEnd, ring.evicted]).toEqual([0, 3, 3, 1]);
    expect(ring.shift()).toBeUndefined();
    ring.push('d');
    expect([ring.getAbsolute(3), ring.first(), ring.last()]).toEqual(['d', 'd', 'd']);
  });

  it('behaves like an array trimmed to capacity under any sequence of operations', () => {
    const op = fc.oneof(
      fc.record({ push: fc.integer() }),
      fc.constant({ shift: true as const }),
      fc.constant({ clear: true as const }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.array(op, { maxLength: 60 }), (capacity, ops) => {
        const ring = new RingBuffer<number>(capacity);
        let model: number[] = [];
        let evicted = 0;
        let gone = 0;
        for (const o of ops) {
          if ('push' in o) {
            model.push(o.push);
            if (model.length > capacity) {
              expect(ring.push(o.push)).toBe(model.shift());
              evicted++;
              gone++;
            } else expect(ring.push(o.push)).toBeUndefined();
          } else if ('shift' in o) {
            if (model.length > 0) gone++;
            expect(ring.shift()).toBe(model.shift());
          } else {
            gone += model.length;
            model = [];
            ring.clear();
          }
          expect([...ring]).toEqual(model);
          expect(ring.evicted).toBe(evicted);
          expect(ring.absoluteStart).toBe(gone);
          model.forEach((v, i) => expect(ring.getAbsolute(gone + i)).toBe(v));
        }
      }),
      { numRuns: 500 },
    );
  });
});

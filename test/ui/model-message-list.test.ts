import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileFilter, type MessageFilter } from '../../src/output/filter.js';
import { parseFilterQuery } from '../../src/output/filter-query.js';
import type { WatchedMessage } from '../../src/output/watched-message.js';
import { MessageListModel } from '../../src/ui/model/message-list.js';
import { bytesMessage, fixtureMessages } from '../output/filter-fixture-messages.js';

const samples = fixtureMessages().map((f) => f.message);

/** Message number `seq`, cycling through the real fixtures. */
function msg(seq: number): WatchedMessage {
  const base = samples[(seq - 1) % samples.length]!;
  return { ...base, seq };
}

function filter(query: string): MessageFilter {
  return compileFilter(parseFilterQuery(query).spec).filter;
}

/** A filter over seq numbers, counting its calls. */
function seqFilter(pred: (seq: number) => boolean): MessageFilter & { calls: number } {
  const f = {
    spec: { clauses: [] },
    empty: false,
    needsText: false,
    calls: 0,
    matches(m: WatchedMessage): boolean {
      f.calls++;
      return pred(m.seq);
    },
  };
  return f;
}

function visibleSeqs(list: MessageListModel): number[] {
  return Array.from({ length: list.length }, (_, i) => list.at(i)!.seq);
}

function pushRange(list: MessageListModel, from: number, to: number): void {
  for (let s = from; s <= to; s++) list.push(msg(s));
}

describe('MessageListModel', () => {
  it('follows the tail by default and shows the last viewport of rows', () => {
    const list = new MessageListModel({ viewportHeight: 3 });
    expect([list.selectedIndex, list.selectedMessage, list.window()]).toEqual([-1, undefined, []]);
    pushRange(list, 1, 5);
    expect(list.follow).toBe(true);
    expect(list.selectedMessage?.seq).toBe(5);
    expect(list.top).toBe(2);
    expect(list.window().map((m) => m.seq)).toEqual([3, 4, 5]);
  });

  it('leaves follow mode when the selection moves up, and G brings it back', () => {
    const list = new MessageListModel({ viewportHeight: 3 });
    pushRange(list, 1, 5);
    list.moveSelection(-1);
    expect([list.follow, list.selectedMessage?.seq]).toEqual([false, 4]);
    pushRange(list, 6, 8);
    expect(list.selectedMessage?.seq).toBe(4);
    list.moveSelection(+10);
    expect([list.follow, list.selectedMessage?.seq]).toEqual([false, 8]);
    list.toBottom();
    pushRange(list, 9, 9);
    expect([list.follow, list.selectedMessage?.seq]).toEqual([true, 9]);
    list.setFollow(false);
    pushRange(list, 10, 10);
    expect(list.selectedMessage?.seq).toBe(9);
    list.setFollow(true);
    expect(list.selectedMessage?.seq).toBe(10);
  });

  it('pages by the viewport and clamps the selection to the list', () => {
    const list = new MessageListModel({ viewportHeight: 4 });
    pushRange(list, 1, 20);
    list.pageUp();
    expect([list.selectedIndex, list.top]).toEqual([15, 15]);
    list.pageUp();
    list.pageUp();
    list.pageUp();
    list.pageUp();
    expect([list.selectedIndex, list.top]).toEqual([0, 0]);
    list.pageDown();
    expect([list.selectedIndex, list.top]).toEqual([4, 1]);
    list.select(100);
    expect([list.selectedIndex, list.top]).toEqual([19, 16]);
    list.select(-5);
    expect([list.selectedIndex, list.top]).toEqual([0, 0]);
    list.toTop();
    expect([list.follow, list.selectedIndex]).toEqual([false, 0]);
    list.setViewportHeight(10);
    list.toBottom();
    expect([list.selectedIndex, list.top]).toEqual([19, 10]);
  });

  it('keeps the selection on its message while the ring evicts older ones, then moves to the oldest', () => {
    const list = new MessageListModel({ capacity: 5, viewportHeight: 2 });
    pushRange(list, 1, 5);
    list.select(2); // seq 3
    pushRange(list, 6, 7); // evicts 1 and 2
    expect(visibleSeqs(list)).toEqual([3, 4, 5, 6, 7]);
    expect([list.selectedIndex, list.selectedMessage?.seq]).toEqual([0, 3]);
    pushRange(list, 8, 8); // evicts the selected one
    expect([list.selectedIndex, list.selectedMessage?.seq]).toEqual([0, 4]);
    expect(list.counters.evicted).toBe(3);
  });

  it('freezes the list while paused, counts what waits, and catches up on resume', () => {
    const list = new MessageListModel({ capacity: 6, filter: filter('-kind:tracker') });
    const sample = (seq: number, tracker: boolean): WatchedMessage => {
      const base = samples.find((m) => (m.classified.kind === 'tracker') === tracker)!;
      return { ...base, seq };
    };
    for (let s = 1; s <= 4; s++) list.push(sample(s, false));
    list.pause();
    list.push(sample(5, true));
    list.push(sample(6, false));
    list.push(sample(7, false)); // the ring (6) lets seq 1 go
    expect(list.paused).toBe(true);
    expect(visibleSeqs(list)).toEqual([1, 2, 3, 4]);
    expect(list.at(0)?.seq).toBe(1); // still readable while paused
    expect(list.counters).toMatchObject({ received: 7, shown: 4, newWhilePaused: 2, evicted: 1, filteredOut: 1 });
    list.togglePause();
    expect(list.paused).toBe(false);
    expect(visibleSeqs(list)).toEqual([2, 3, 4, 6, 7]);
    expect(list.counters.newWhilePaused).toBe(0);
    expect(list.selectedMessage?.seq).toBe(7);
  });

  it('catches up with only what the ring still holds after a long pause', () => {
    const list = new MessageListModel({ capacity: 4 });
    pushRange(list, 1, 3);
    list.pause();
    pushRange(list, 4, 20);
    expect(list.counters.newWhilePaused).toBe(17);
    expect(visibleSeqs(list)).toEqual([1, 2, 3]);
    list.resume();
    expect(visibleSeqs(list)).toEqual([17, 18, 19, 20]);
  });

  it('filters each arriving message once, and everything again only when the filter changes', () => {
    const odd = seqFilter((s) => s % 2 === 1);
    const list = new MessageListModel({ capacity: 100, filter: odd });
    pushRange(list, 1, 150);
    expect(odd.calls).toBe(150);
    expect(list.counters).toMatchObject({ received: 150, shown: 50, filteredOut: 50, evicted: 50 });
    expect(visibleSeqs(list)[0]).toBe(51);

    const byThree = seqFilter((s) => s % 3 === 0);
    list.setFilter(byThree);
    expect(byThree.calls).toBe(100);
    expect(visibleSeqs(list)).toEqual(
      Array.from({ length: 150 }, (_, i) => i + 1).filter((s) => s > 50 && s % 3 === 0),
    );
    expect(list.filter).toBe(byThree);
  });

  it('keeps the selected message selected across a filter change when it still shows', () => {
    const list = new MessageListModel({ viewportHeight: 5 });
    pushRange(list, 1, 30);
    list.select(11); // seq 12
    list.setFilter(seqFilter((s) => s % 2 === 0));
    expect(list.selectedMessage?.seq).toBe(12);
    list.setFilter(seqFilter((s) => s % 5 === 0));
    // 12 is hidden now: the next visible one is selected.
    expect(list.selectedMessage?.seq).toBe(15);
    list.setFilter(seqFilter((s) => s < 10));
    expect(list.selectedMessage?.seq).toBe(9);
    list.setFilter(seqFilter(() => false));
    expect([list.selectedIndex, list.selectedMessage]).toEqual([-1, undefined]);
  });

  it('clears the messages but not the since-start counters', () => {
    const list = new MessageListModel();
    pushRange(list, 1, 10);
    list.push(bytesMessage(11, new Uint8Array([131, 200])));
    list.push(bytesMessage(12, 'not a phoenix payload'));
    expect(list.counters.undecodable).toBe(2);
    list.clear();
    expect(list.counters).toEqual({
      received: 12,
      shown: 0,
      filteredOut: 0,
      undecodable: 2,
      evicted: 0,
      newWhilePaused: 0,
    });
    expect([list.length, list.selectedIndex, list.top]).toEqual([0, -1, 0]);
    pushRange(list, 13, 13);
    expect(visibleSeqs(list)).toEqual([13]);
  });

  it('bumps version on every change and only then', () => {
    const list = new MessageListModel({ viewportHeight: 3 });
    const v0 = list.version;
    pushRange(list, 1, 3);
    const v1 = list.version;
    expect(v1).toBeGreaterThan(v0);
    list.moveSelection(0);
    list.setFollow(true);
    list.resume();
    list.setViewportHeight(3);
    expect(list.version).toBe(v1);
    list.moveSelection(-1);
    expect(list.version).toBeGreaterThan(v1);
  });

  it('agrees with a naive re-filter of everything, under any sequence of operations', () => {
    const filters = [(s: number) => s % 2 === 0, (s: number) => s % 3 !== 0, () => true, (s: number) => s > 20];
    const op = fc.oneof(
      { arbitrary: fc.integer({ min: 1, max: 8 }).map((n) => ({ push: n })), weight: 6 },
      { arbitrary: fc.integer({ min: 0, max: filters.length - 1 }).map((f) => ({ filter: f })), weight: 1 },
      { arbitrary: fc.constantFrom('pause', 'resume', 'clear', 'up', 'down', 'top', 'bottom', 'pgup'), weight: 3 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(op, { maxLength: 80 }), (capacity, ops) => {
        let pred = filters[2]!;
        const list = new MessageListModel({ capacity, viewportHeight: 4, filter: seqFilter(pred) });
        let all: number[] = [];
        let seq = 0;
        let paused = false;
        let frozen: number[] = [];
        let waiting = 0;
        const live = (): number[] => all.slice(-capacity).filter(pred);
        for (const o of ops) {
          const before = list.follow ? undefined : list.selectedMessage?.seq;
          if (typeof o === 'object' && 'push' in o) {
            for (let i = 0; i < o.push; i++) {
              list.push(msg(++seq));
              all.push(seq);
              if (paused && pred(seq)) waiting++;
            }
            // Not following: the selection stays on its message while that is still held.
            if (!paused && before !== undefined && all.slice(-capacity).includes(before)) {
              expect(list.selectedMessage?.seq).toBe(before);
            }
          } else if (typeof o === 'object') {
            pred = filters[o.filter]!;
            list.setFilter(seqFilter(pred));
            frozen = live();
            waiting = 0;
          } else if (o === 'pause') {
            if (!paused) {
              frozen = live();
              waiting = 0;
            }
            paused = true;
            list.pause();
          } else if (o === 'resume') {
            paused = false;
            waiting = 0;
            list.resume();
          } else if (o === 'clear') {
            all = [];
            frozen = [];
            waiting = 0;
            list.clear();
          } else if (o === 'up') list.moveSelection(-1);
          else if (o === 'down') list.moveSelection(1);
          else if (o === 'top') list.toTop();
          else if (o === 'bottom') list.toBottom();
          else list.pageUp();

          expect(visibleSeqs(list)).toEqual(paused ? frozen : live());
          expect(list.counters.newWhilePaused).toBe(waiting);
          expect(list.counters.filteredOut).toBe(all.slice(-capacity).filter((s) => !pred(s)).length);
          const n = list.length;
          if (n === 0) expect(list.selectedIndex).toBe(-1);
          else {
            expect(list.selectedIndex).toBeGreaterThanOrEqual(0);
            expect(list.selectedIndex).toBeLessThan(n);
            expect(list.selectedIndex).toBeGreaterThanOrEqual(list.top);
            expect(list.selectedIndex).toBeLessThan(list.top + list.viewportHeight);
            if (list.follow && !paused) expect(list.selectedIndex).toBe(n - 1);
          }
        }
      }),
      { numRuns: 400 },
    );
  });
});

/**
 * The observed-remove set (src/phoenix/presence/observed-set.ts) against a simple model of
 * Phoenix.Tracker replicas: each replica tracks and untracks values under its own clock and
 * gossips what changed since its last heartbeat the way `Phoenix.Tracker.State` builds a delta
 * (added values under new dots; the dots of removals and the clock bumps in `clouds`; no context),
 * or answers a transfer with its whole state (every live value; its clock as the context).
 * Whatever order the replicas interleave in, a watcher that merged every delta holds exactly the
 * values live at the last heartbeat; duplicates and stale replays change nothing; a transfer at
 * any moment gives that moment's truth.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ObservedSet, dotKey, type CausalState, type DotValue } from '../../src/phoenix/presence/observed-set.js';

type Op =
  | { replica: number; op: 'add'; value: string }
  | { replica: number; op: 'remove'; pick: number }
  | { replica: number; op: 'beat' };

class ModelReplica {
  clock = 0;
  live = new Map<number, string>(); // clock → value
  deltaValues = new Map<number, string>();
  deltaClouds = new Set<number>();
  constructor(readonly name: string) {}

  add(value: string): void {
    this.clock++;
    this.live.set(this.clock, value);
    this.deltaValues.set(this.clock, value);
    this.deltaClouds.add(this.clock);
  }

  remove(pick: number): void {
    const clocks = [...this.live.keys()];
    if (clocks.length === 0) return;
    const dot = clocks[pick % clocks.length]!;
    this.live.delete(dot);
    this.deltaValues.delete(dot);
    this.deltaClouds.add(dot);
    this.clock++; // State.remove/4 bumps the clock too
    this.deltaClouds.add(this.clock);
  }

  heartbeat(): CausalState<string> {
    const delta: CausalState<string> = {
      context: new Map(),
      clouds: new Map([[this.name, new Set(this.deltaClouds)]]),
      values: values(this.name, this.deltaValues),
    };
    this.deltaValues = new Map();
    this.deltaClouds = new Set();
    return delta;
  }

  transfer(): CausalState<string> {
    return { context: new Map([[this.name, this.clock]]), clouds: new Map(), values: values(this.name, this.live) };
  }
}

function values(replica: string, byClock: Map<number, string>): Map<string, DotValue<string>> {
  return new Map(
    [...byClock].map(([clock, value]) => {
      const dot = { replica, clock };
      return [dotKey(dot), { dot, value }];
    }),
  );
}

const ops = fc.array(
  fc.oneof(
    fc.record({ replica: fc.nat(2), op: fc.constant('add' as const), value: fc.string({ maxLength: 3 }) }),
    fc.record({ replica: fc.nat(2), op: fc.constant('remove' as const), pick: fc.nat(20) }),
    fc.record({ replica: fc.nat(2), op: fc.constant('beat' as const) }),
  ),
  { maxLength: 60 },
) as fc.Arbitrary<Op[]>;

function held(set: ObservedSet<string>): string[] {
  return [...set.entries()].map((e) => `${dotKey(e.dot)}=${e.value}`).sort();
}

function truth(replicas: ModelReplica[]): string[] {
  return replicas.flatMap((r) => [...r.live].map(([clock, v]) => `${r.name}#${clock}=${v}`)).sort();
}

function run(list: Op[], onDelta: (delta: CausalState<string>, all: CausalState<string>[]) => void): ModelReplica[] {
  const replicas = [0, 1, 2].map((i) => new ModelReplica(`r${i} 17000000000000${i}`));
  const sent: CausalState<string>[] = [];
  for (const op of list) {
    const r = replicas[op.replica]!;
    if (op.op === 'add') r.add(op.value);
    else if (op.op === 'remove') r.remove(op.pick);
    else {
      const delta = r.heartbeat();
      sent.push(delta);
      onDelta(delta, sent);
    }
  }
  for (const r of replicas) {
    const delta = r.heartbeat();
    sent.push(delta);
    onDelta(delta, sent);
  }
  return replicas;
}

describe('ObservedSet merge against a model of tracker replicas', () => {
  it('holds exactly the live values once every delta was merged, in any interleaving', () => {
    fc.assert(
      fc.property(ops, (list) => {
        const set = new ObservedSet<string>();
        const replicas = run(list, (delta) => set.merge(delta));
        expect(held(set)).toEqual(truth(replicas));
      }),
      { numRuns: 300 },
    );
  });

  it('ignores duplicated and replayed deltas (a removed value never comes back)', () => {
    fc.assert(
      fc.property(ops, fc.array(fc.nat(), { maxLength: 10 }), (list, replays) => {
        const set = new ObservedSet<string>();
        const replicas = run(list, (delta, all) => {
          set.merge(delta);
          set.merge(delta);
          for (const i of replays) set.merge(all[i % all.length]!);
        });
        expect(held(set)).toEqual(truth(replicas));
      }),
      { numRuns: 200 },
    );
  });

  it('reports joins and leaves that, applied in order, give the same set', () => {
    fc.assert(
      fc.property(ops, (list) => {
        const set = new ObservedSet<string>();
        const mirror = new Map<string, string>();
        const replicas = run(list, (delta) => {
          const { joins, leaves } = set.merge(delta);
          for (const l of leaves) expect(mirror.delete(dotKey(l.dot))).toBe(true);
          for (const j of joins) {
            expect(mirror.has(dotKey(j.dot))).toBe(false);
            mirror.set(dotKey(j.dot), j.value);
          }
        });
        expect([...mirror].map(([k, v]) => `${k}=${v}`).sort()).toEqual(truth(replicas));
      }),
      { numRuns: 200 },
    );
  });

  it('a watcher that joins late learns the truth from a transfer, then follows the deltas', () => {
    fc.assert(
      fc.property(ops, fc.nat(60), (list, joinAt) => {
        const set = new ObservedSet<string>();
        let beats = 0;
        const replicas = [0, 1, 2].map((i) => new ModelReplica(`r${i} 1`));
        const all = [...list, ...[0, 1, 2].map((replica) => ({ replica, op: 'beat' as const }))];
        let joined = false;
        for (const op of all) {
          const r = replicas[op.replica]!;
          if (op.op === 'add') r.add(op.value);
          else if (op.op === 'remove') r.remove(op.pick);
          else {
            const delta = r.heartbeat();
            if (!joined && beats++ >= joinAt) {
              joined = true;
              // The transfer answers at this moment: heartbeats before it were missed.
              for (const other of replicas) set.merge(other.transfer());
              continue;
            }
            if (joined) set.merge(delta);
          }
        }
        if (!joined) for (const other of replicas) set.merge(other.transfer());
        else for (const r of replicas) set.merge(r.heartbeat());
        expect(held(set)).toEqual(truth(replicas));
      }),
      { numRuns: 300 },
    );
  });

  it('dropReplica removes exactly that replica’s values', () => {
    const set = new ObservedSet<string>();
    const a = new ModelReplica('a 1');
    const b = new ModelReplica('b 1');
    a.add('x');
    b.add('y');
    set.merge(a.heartbeat());
    set.merge(b.heartbeat());
    expect(set.dropReplica('a 1').map((e) => e.value)).toEqual(['x']);
    expect(held(set)).toEqual(['b 1#1=y']);
  });
});

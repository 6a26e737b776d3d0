/**
 * The add-wins observed-remove set behind Phoenix.Tracker (phoenix_pubsub's
 * `Phoenix.Tracker.State`), as seen by a watcher that only listens: every tracked presence is a
 * value under a dot `{replica, clock}`; a replica's causal context (`context`: every clock up to n
 * seen; `clouds`: single clocks seen beyond that) says which dots it has observed.
 *
 * Merging a remote state (a heartbeat delta, or a transfer) does what `State.merge/2` does:
 *   - a join is a remote value whose dot we have not seen yet (neither held nor covered by our
 *     context/clouds — a dot once seen removed never comes back);
 *   - a leave is a value we hold whose dot the remote's context or clouds cover but for which the
 *     remote sends no value: the remote saw that dot and has since removed it.
 * Then the contexts are joined (pointwise maximum) and the clouds united and compacted.
 *
 * Where we differ from the tracker on purpose: a tracker ignores values of replicas it does not
 * know yet (it learns them by heartbeat first) and deletes a removed dot from its clouds; a
 * watcher hears every replica and remembers every dot it saw, so replaying an old delta can never
 * resurrect a presence.
 */

export interface Dot {
  /** The replica's identity (see replicaKey in tracker-state.ts). */
  replica: string;
  clock: number;
}

export interface DotValue<V> {
  dot: Dot;
  value: V;
}

/** What a remote sends: the causal context it speaks for, and its values under their dots. */
export interface CausalState<V> {
  context: ReadonlyMap<string, number>;
  clouds: ReadonlyMap<string, ReadonlySet<number>>;
  values: ReadonlyMap<string, DotValue<V>>;
}

export interface MergeResult<V> {
  joins: DotValue<V>[];
  leaves: DotValue<V>[];
}

export function dotKey(dot: Dot): string {
  return `${dot.replica}#${dot.clock}`;
}

export function covers(
  context: ReadonlyMap<string, number>,
  clouds: ReadonlyMap<string, ReadonlySet<number>>,
  dot: Dot,
): boolean {
  const upTo = context.get(dot.replica);
  if (upTo !== undefined && upTo >= dot.clock) return true;
  return clouds.get(dot.replica)?.has(dot.clock) === true;
}

export class ObservedSet<V> {
  private readonly values = new Map<string, DotValue<V>>();
  private readonly context = new Map<string, number>();
  private readonly clouds = new Map<string, Set<number>>();

  get size(): number {
    return this.values.size;
  }

  entries(): IterableIterator<DotValue<V>> {
    return this.values.values();
  }

  /** True when `dot` was seen (held now, or held once and removed). */
  seen(dot: Dot): boolean {
    return this.values.has(dotKey(dot)) || covers(this.context, this.clouds, dot);
  }

  merge(remote: CausalState<V>): MergeResult<V> {
    const joins: DotValue<V>[] = [];
    for (const [key, entry] of remote.values) {
      if (!this.values.has(key) && !covers(this.context, this.clouds, entry.dot)) joins.push(entry);
    }
    const leaves: DotValue<V>[] = [];
    for (const [key, entry] of this.values) {
      if (!remote.values.has(key) && covers(remote.context, remote.clouds, entry.dot)) leaves.push(entry);
    }
    for (const leave of leaves) this.values.delete(dotKey(leave.dot));
    for (const join of joins) {
      this.values.set(dotKey(join.dot), join);
      this.addCloud(join.dot.replica, join.dot.clock);
    }
    for (const [replica, clock] of remote.context) {
      if ((this.context.get(replica) ?? 0) < clock) this.context.set(replica, clock);
    }
    for (const [replica, cloud] of remote.clouds) for (const clock of cloud) this.addCloud(replica, clock);
    this.compact();
    return { joins, leaves };
  }

  /**
   * A replica is gone for good (graceful_permdown, permdown period over, or a new incarnation of
   * its node): its values go, as `State.remove_down_replicas/2` drops them. Returns what left.
   */
  dropReplica(replica: string): DotValue<V>[] {
    const left: DotValue<V>[] = [];
    for (const [key, entry] of this.values) {
      if (entry.dot.replica === replica) {
        left.push(entry);
        this.values.delete(key);
      }
    }
    return left;
  }

  private addCloud(replica: string, clock: number): void {
    let cloud = this.clouds.get(replica);
    if (cloud === undefined) this.clouds.set(replica, (cloud = new Set()));
    cloud.add(clock);
  }

  /** Clocks contiguous with the context move into it (State.compact/1), so clouds stay small. */
  private compact(): void {
    for (const [replica, cloud] of this.clouds) {
      let upTo = this.context.get(replica) ?? 0;
      while (cloud.has(upTo + 1)) cloud.delete(++upTo);
      for (const clock of cloud) if (clock <= upTo) cloud.delete(clock);
      if (upTo > 0) this.context.set(replica, upTo);
      if (cloud.size === 0) this.clouds.delete(replica);
    }
  }
}

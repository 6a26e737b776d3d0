/**
 * Phoenix.Presence as the cluster sees it, rebuilt from the tracker gossip that crosses Redis:
 * one observed set per tracker shard topic (`phx_presence:Elixir.MyApp.Presence_shard0`), fed by
 * heartbeats (deltas) and transfer_acks, with the replicas' lives (up, down, gone) followed the
 * way Phoenix.Tracker.Shard follows them. Pure: messages and times in, events and snapshots out.
 *
 * Choices (see docs/presence.md):
 *   - A replica is `down` once it was silent for `downPeriodMs` (the tracker's down_period, 30 s by
 *     default): peers then hide its presences; they are kept here, marked down. It is `gone` on
 *     graceful_permdown, or after `permdownPeriodMs` (20 min) of silence: its presences are dropped.
 *   - A second vsn under one node name is not taken as a restart at once (a tracker would drop the
 *     old replica and, if both live, flap between them): the old one is `gone` only once it stays
 *     silent for the down period, so two live nodes sharing a name both stay visible.
 *   - Completeness, per replica: complete once its whole state was seen — a transfer or delta
 *     reaching back to its clock 0, or its first message showing clock 0 — otherwise only the
 *     changes since watching began are known.
 */
import { ErlMap, Tuple, type Term } from '../../etf/term.js';
import type { Classified } from '../classified.js';
import { PRESENCE_TOPIC_PREFIX } from '../tracker.js';
import { ObservedSet, type DotValue } from './observed-set.js';
import { readPresenceDiff, type PresenceDiff } from './presence-diff.js';
import {
  readReplicaRef,
  readTrackerState,
  replicaKey,
  type ReadState,
  type ReplicaRef,
  type TrackedPresence,
} from './tracker-state.js';

export const DEFAULT_DOWN_PERIOD_MS = 30_000;
export const DEFAULT_PERMDOWN_PERIOD_MS = 20 * 60_000;

export type ReplicaStatus = 'up' | 'down' | 'gone';

export interface ReplicaInfo {
  ref: ReplicaRef;
  tracker: string;
  status: ReplicaStatus;
  /** Why it is down or gone, in a few words. */
  reason?: string;
  /** When it was first and last heard from directly (ms); undefined when only others named it. */
  firstSeen?: number;
  lastSeen?: number;
  /** Its whole state was seen (see the module comment). */
  complete: boolean;
  heartbeats: number;
}

export interface Presence extends TrackedPresence {
  tracker: string;
  replica: ReplicaRef;
  clock: number;
  /** When the join was seen (ms). */
  since: number;
  /** The owning replica is down: peers hide this presence until it comes back. */
  hidden: boolean;
}

export type PresenceEvent =
  | { type: 'join' | 'leave'; at: number; presence: Presence; why?: string }
  | { type: 'replica-up' | 'replica-down' | 'replica-gone'; at: number; replica: ReplicaInfo }
  | { type: 'diff'; at: number; topic: string; diff: PresenceDiff };

export interface PresenceWatchOptions {
  downPeriodMs?: number;
  permdownPeriodMs?: number;
  /** Only these presence topics are reported (all are merged: the CRDT needs every value). */
  topicFilter?: (topic: string) => boolean;
}

interface Tracker {
  topic: string;
  set: ObservedSet<TrackedPresence>;
  since: Map<string, number>;
  replicas: Map<string, ReplicaInfo>;
}

export interface DiffCount {
  topic: string;
  diffs: number;
  joins: number;
  leaves: number;
}

export class PresenceWatch {
  private readonly trackers = new Map<string, Tracker>();
  private readonly diffs = new Map<string, DiffCount>();
  readonly downPeriodMs: number;
  readonly permdownPeriodMs: number;
  private readonly topicFilter: (topic: string) => boolean;
  /** Gossip messages seen, and those whose state could not be read. */
  gossip = 0;
  unreadable = 0;

  constructor(options: PresenceWatchOptions = {}) {
    this.downPeriodMs = options.downPeriodMs ?? DEFAULT_DOWN_PERIOD_MS;
    this.permdownPeriodMs = options.permdownPeriodMs ?? DEFAULT_PERMDOWN_PERIOD_MS;
    this.topicFilter = options.topicFilter ?? (() => true);
  }

  /** One classified message received at `at` (ms); returns what changed. */
  observe(c: Classified, at: number): PresenceEvent[] {
    const events = this.tick(at);
    if (c.kind === 'presence_diff' && c.payload !== undefined && c.topic !== undefined) {
      const diff = readPresenceDiff(c.payload);
      if (diff !== undefined && this.topicFilter(c.topic)) {
        const count = this.diffs.get(c.topic) ?? { topic: c.topic, diffs: 0, joins: 0, leaves: 0 };
        count.diffs++;
        count.joins += diff.joins.length;
        count.leaves += diff.leaves.length;
        this.diffs.set(c.topic, count);
        events.push({ type: 'diff', at, topic: c.topic, diff });
      }
      return events;
    }
    const info = c.tracker;
    const topic = c.envelope?.topic;
    if (info === undefined || topic === undefined || !topic.startsWith(PRESENCE_TOPIC_PREFIX)) return events;
    if (!(c.message instanceof Tuple)) return events;
    this.gossip++;
    const tracker = this.tracker(topic);
    const e = c.message.elements;
    const senderRef = readReplicaRef(info.type === 'heartbeat' || info.type === 'graceful_permdown' ? e[2] : e[3]);
    if (senderRef === undefined) return events;
    const sender = this.heardFrom(tracker, senderRef, at, events);
    if (info.type === 'graceful_permdown') {
      this.gone(tracker, sender, at, 'graceful_permdown', events);
      return events;
    }
    if (info.type === 'heartbeat') sender.heartbeats++;
    // Heartbeats and transfer_reqs carry the sender's clocks: a clock of 0 for itself means it
    // has tracked nothing yet, so from here on we see all of it.
    if (info.type === 'heartbeat' || info.type === 'transfer_req') {
      const ownClock = ownClockOf(e[4], senderRef);
      if (ownClock === 0 && sender.heartbeats + (info.type === 'transfer_req' ? 1 : 0) <= 1) sender.complete = true;
    }
    const stateTerm =
      info.type === 'heartbeat' ? (info.empty ? undefined : e[3]) : info.type === 'transfer_ack' ? e[4] : undefined;
    if (stateTerm === undefined) return events;
    const state = readTrackerState(stateTerm);
    if (state === undefined) {
      this.unreadable++;
      return events;
    }
    this.merge(tracker, state, at, events);
    return events;
  }

  /** Replicas silent past the down / permdown periods change state; call it now and then. */
  tick(now: number): PresenceEvent[] {
    const events: PresenceEvent[] = [];
    for (const tracker of this.trackers.values()) {
      for (const replica of tracker.replicas.values()) {
        if (replica.lastSeen === undefined || replica.status === 'gone') continue;
        const silent = now - replica.lastSeen;
        if (silent > this.permdownPeriodMs) this.gone(tracker, replica, now, 'permdown period passed', events);
        else if (replica.status === 'up' && silent > this.downPeriodMs) {
          const successor = this.successorOf(tracker, replica);
          if (successor !== undefined) this.gone(tracker, replica, now, `replaced by vsn ${successor.ref.vsn}`, events);
          else {
            replica.status = 'down';
            replica.reason = `silent for ${Math.round(silent / 1000)} s`;
            events.push({ type: 'replica-down', at: now, replica });
          }
        }
      }
    }
    return events;
  }

  /** Every presence held, per tracker and topic (topics that pass the filter). */
  presences(): Presence[] {
    const out: Presence[] = [];
    for (const tracker of this.trackers.values()) {
      for (const entry of tracker.set.entries()) {
        if (!this.topicFilter(entry.value.topic)) continue;
        out.push(this.presence(tracker, entry));
      }
    }
    return out.sort(
      (a, b) => cmp(a.topic, b.topic) || cmp(a.key, b.key) || cmp(a.replica.name, b.replica.name) || a.clock - b.clock,
    );
  }

  replicas(): ReplicaInfo[] {
    const out: ReplicaInfo[] = [];
    for (const tracker of this.trackers.values()) out.push(...tracker.replicas.values());
    return out.sort((a, b) => cmp(a.tracker, b.tracker) || cmp(a.ref.name, b.ref.name) || cmp(a.ref.vsn, b.ref.vsn));
  }

  trackerTopics(): string[] {
    return [...this.trackers.keys()].sort();
  }

  diffCounts(): DiffCount[] {
    return [...this.diffs.values()].sort((a, b) => cmp(a.topic, b.topic));
  }

  /** True when every replica not gone has been seen whole. */
  complete(): boolean {
    const live = this.replicas().filter((r) => r.status !== 'gone');
    return live.length > 0 && live.every((r) => r.complete);
  }

  private tracker(topic: string): Tracker {
    let tracker = this.trackers.get(topic);
    if (tracker === undefined) {
      tracker = { topic, set: new ObservedSet(), since: new Map(), replicas: new Map() };
      this.trackers.set(topic, tracker);
    }
    return tracker;
  }

  private replica(tracker: Tracker, ref: ReplicaRef): ReplicaInfo {
    const key = replicaKey(ref);
    let replica = tracker.replicas.get(key);
    if (replica === undefined) {
      replica = { ref, tracker: tracker.topic, status: 'up', complete: false, heartbeats: 0 };
      tracker.replicas.set(key, replica);
    }
    return replica;
  }

  private heardFrom(tracker: Tracker, ref: ReplicaRef, at: number, events: PresenceEvent[]): ReplicaInfo {
    const replica = this.replica(tracker, ref);
    const first = replica.lastSeen === undefined;
    replica.firstSeen ??= at;
    replica.lastSeen = at;
    if (replica.status === 'down') {
      replica.status = 'up';
      delete replica.reason;
      events.push({ type: 'replica-up', at, replica });
    } else if (first && replica.status === 'up') events.push({ type: 'replica-up', at, replica });
    return replica;
  }

  private gone(tracker: Tracker, replica: ReplicaInfo, at: number, reason: string, events: PresenceEvent[]): void {
    if (replica.status === 'gone') return;
    replica.status = 'gone';
    replica.reason = reason;
    events.push({ type: 'replica-gone', at, replica });
    for (const entry of tracker.set.dropReplica(replicaKey(replica.ref))) {
      if (this.topicFilter(entry.value.topic))
        events.push({ type: 'leave', at, presence: this.presence(tracker, entry), why: reason });
      tracker.since.delete(entry.dot.replica + '#' + entry.dot.clock);
    }
  }

  /** A newer incarnation (same name, another vsn) heard after this one went quiet. */
  private successorOf(tracker: Tracker, replica: ReplicaInfo): ReplicaInfo | undefined {
    for (const other of tracker.replicas.values()) {
      if (other !== replica && other.ref.name === replica.ref.name && other.status === 'up') {
        if ((other.lastSeen ?? 0) > (replica.lastSeen ?? 0)) return other;
      }
    }
    return undefined;
  }

  private merge(tracker: Tracker, state: ReadState, at: number, events: PresenceEvent[]): void {
    for (const ref of state.replicas.values()) this.replica(tracker, ref);
    // Values of replicas already gone are not brought back by a peer that has not noticed yet.
    const gone = new Set([...tracker.replicas.entries()].filter(([, r]) => r.status === 'gone').map(([key]) => key));
    const values = new Map([...state.values].filter(([, v]) => !gone.has(v.dot.replica)));
    const { joins, leaves } = tracker.set.merge({ context: state.context, clouds: state.clouds, values });
    // Joins before leaves, as a tracker's handle_diff/2 lists them (an update is both).
    for (const join of joins) {
      tracker.since.set(join.dot.replica + '#' + join.dot.clock, at);
      if (this.topicFilter(join.value.topic)) events.push({ type: 'join', at, presence: this.presence(tracker, join) });
    }
    for (const leave of leaves) {
      if (this.topicFilter(leave.value.topic))
        events.push({ type: 'leave', at, presence: this.presence(tracker, leave) });
      tracker.since.delete(leave.dot.replica + '#' + leave.dot.clock);
    }
    for (const [key, replica] of tracker.replicas) {
      if (state.mode === 'normal' ? state.context.has(key) : state.rangeStart.get(key) === 0) replica.complete = true;
    }
  }

  private presence(tracker: Tracker, entry: DotValue<TrackedPresence>): Presence {
    const replica = tracker.replicas.get(entry.dot.replica);
    const ref = replica?.ref ?? { name: entry.dot.replica, vsn: '' };
    return {
      ...entry.value,
      tracker: tracker.topic,
      replica: ref,
      clock: entry.dot.clock,
      since: tracker.since.get(entry.dot.replica + '#' + entry.dot.clock) ?? 0,
      hidden: replica?.status === 'down',
    };
  }
}

/** `{ref, %{ref => clock}}` → the clock the sender gives itself. */
function ownClockOf(clocks: Term | undefined, ref: ReplicaRef): number | undefined {
  if (!(clocks instanceof Tuple) || clocks.length !== 2) return undefined;
  const map = clocks.elements[1];
  if (!(map instanceof ErlMap)) return undefined;
  const m = map;
  for (let i = 0; i < m.size; i++) {
    const key = readReplicaRef(m.keys[i]);
    if (key !== undefined && key.name === ref.name && key.vsn === ref.vsn) {
      const clock = m.values[i];
      return typeof clock === 'number' ? clock : undefined;
    }
  }
  return undefined;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

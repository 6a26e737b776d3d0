/**
 * Phoenix.Tracker gossip between shards (wire-format.md §6.2), the `message` of envelopes on
 * `phx_presence:` topics:
 *
 *   {:pub, :heartbeat, replica_ref, :empty | %State{}, clocks}
 *   {:pub, :transfer_req, ref, replica_ref, clocks}
 *   {:pub, :transfer_ack, ref, replica_ref, %State{} | {%State{}, values}}
 *   {:pub, :graceful_permdown, replica_ref}
 *
 * with replica_ref = {node_name, vsn}. In every one of them the replica is the sending shard's,
 * which makes it the one place a v1 message names its sender's node.
 */
import { Atom, ErlMap, Tuple, isInteger, type Term } from '../etf/term.js';
import type { TrackerInfo } from './classified.js';
import { keys, misc, structs } from './known-atoms.js';
import { nodeText } from './names.js';

export const PRESENCE_TOPIC_PREFIX = 'phx_presence:';

/** Tracker details of `message`, or undefined when it is not one of the four gossip shapes. */
export function trackerInfo(message: Term): TrackerInfo | undefined {
  if (!(message instanceof Tuple)) return undefined;
  const e = message.elements;
  if (e[0] !== misc.pub || !(e[1] instanceof Atom)) return undefined;
  switch (e[1].name) {
    case 'heartbeat': {
      if (e.length !== 5) return undefined;
      const replica = replicaRef(e[2]!);
      if (replica === undefined) return undefined;
      const delta = e[3]!;
      if (delta === misc.empty) return { type: 'heartbeat', ...replica, empty: true };
      return withDelta({ type: 'heartbeat', ...replica, empty: false }, delta);
    }
    case 'transfer_req': {
      if (e.length !== 5) return undefined;
      const replica = replicaRef(e[3]!);
      return replica && { type: 'transfer_req', ...replica };
    }
    case 'transfer_ack': {
      if (e.length !== 5) return undefined;
      const replica = replicaRef(e[3]!);
      return replica && withTransfer({ type: 'transfer_ack', ...replica }, e[4]!);
    }
    case 'graceful_permdown': {
      if (e.length !== 3) return undefined;
      const replica = replicaRef(e[2]!);
      return replica && { type: 'graceful_permdown', ...replica };
    }
    default:
      return undefined;
  }
}

/** `{name, vsn}` → replica text and vsn as decimal text (vsn ≈ 1.7·10¹⁵ µs, may be a bigint). */
function replicaRef(term: Term): { replica: string; vsn: string } | undefined {
  if (!(term instanceof Tuple) || term.length !== 2) return undefined;
  const [name, vsn] = term.elements as [Term, Term];
  if (!isInteger(vsn)) return undefined;
  return { replica: nodeText(name), vsn: String(vsn) };
}

/**
 * A delta state's joins and leaves: Phoenix.Tracker.State puts the dot `{replica, clock}` of every
 * join into the delta's `clouds` and its entry into `values`; a leave puts its dot into `clouds`
 * and deletes the entry from `values`. So joins are the values, and leaves the dots of the clouds
 * that have no value. `deltaSize` stays the number of values (joins) that travel.
 */
function withDelta(info: TrackerInfo, state: Term): TrackerInfo {
  const counts = deltaCounts(state);
  if (counts !== undefined) {
    info.deltaSize = counts.joins;
    info.joins = counts.joins;
    if (counts.leaves !== undefined) info.leaves = counts.leaves;
  }
  return info;
}

/**
 * A transfer_ack carries either a delta state (joins and leaves, as a heartbeat) or — when the
 * whole CRDT is sent — the pair `{%State{values: nil}, values}`: then `stateSize` is the number of
 * entries transferred (and `deltaSize` too, as before).
 */
function withTransfer(info: TrackerInfo, payload: Term): TrackerInfo {
  if (payload instanceof Tuple && payload.length === 2) {
    const values = payload.elements[1]!;
    if (values instanceof ErlMap) info.stateSize = info.deltaSize = values.size;
    return info;
  }
  return withDelta(info, payload);
}

function deltaCounts(state: Term): { joins: number; leaves?: number } | undefined {
  if (!(state instanceof ErlMap) || state.structName() !== structs.trackerState) return undefined;
  const values = state.get(keys.values);
  if (!(values instanceof ErlMap)) return undefined;
  const clouds = state.get(keys.clouds);
  if (!(clouds instanceof ErlMap)) return { joins: values.size };
  const joined = new Set<string>();
  for (const dot of values.keys) joined.add(dotKey(dot));
  let leaves = 0;
  for (const cloud of clouds.values) {
    for (const dot of mapSetElements(cloud) ?? []) if (!joined.has(dotKey(dot))) leaves++;
  }
  return { joins: values.size, leaves };
}

/** The elements of an Elixir MapSet (`%MapSet{map: %{element => []}}`), or undefined. */
function mapSetElements(term: Term): Term[] | undefined {
  if (!(term instanceof ErlMap) || term.structName() !== structs.mapSet) return undefined;
  const map = term.get(keys.map);
  return map instanceof ErlMap ? map.keys : undefined;
}

/** A dot `{{name, vsn}, clock}` as text, to compare dots of clouds with keys of values. */
function dotKey(dot: Term): string {
  if (dot instanceof Tuple && dot.length === 2) {
    const [replica, clock] = dot.elements as [Term, Term];
    if (replica instanceof Tuple && replica.length === 2 && isInteger(clock)) {
      const [name, vsn] = replica.elements as [Term, Term];
      if (isInteger(vsn)) return `${nodeText(name)}\u0000${String(vsn)}\u0000${String(clock)}`;
    }
  }
  return '?'; // not a dot (never written by Phoenix): all such compare equal, and count as joined
}

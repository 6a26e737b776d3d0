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
      return withDeltaSize({ type: 'heartbeat', ...replica, empty: false }, stateValuesSize(delta));
    }
    case 'transfer_req': {
      if (e.length !== 5) return undefined;
      const replica = replicaRef(e[3]!);
      return replica && { type: 'transfer_req', ...replica };
    }
    case 'transfer_ack': {
      if (e.length !== 5) return undefined;
      const replica = replicaRef(e[3]!);
      return replica && withDeltaSize({ type: 'transfer_ack', ...replica }, transferredValuesSize(e[4]!));
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

function withDeltaSize(info: TrackerInfo, size: number | undefined): TrackerInfo {
  if (size !== undefined) info.deltaSize = size;
  return info;
}

/** Number of entries in a `%Phoenix.Tracker.State{}`'s `values` map (a delta's), if it has one. */
function stateValuesSize(state: Term): number | undefined {
  if (!(state instanceof ErlMap) || state.structName() !== structs.trackerState) return undefined;
  const values = state.get(keys.values);
  return values instanceof ErlMap ? values.size : undefined;
}

/**
 * A transfer_ack carries either a delta state, or — when the whole CRDT is sent — the pair
 * `{%State{values: nil}, values}`; either way, count the values that travel.
 */
function transferredValuesSize(payload: Term): number | undefined {
  if (payload instanceof Tuple && payload.length === 2) {
    const values = payload.elements[1]!;
    return values instanceof ErlMap ? values.size : undefined;
  }
  return stateValuesSize(payload);
}

/**
 * Reading the `%Phoenix.Tracker.State{}` a heartbeat or transfer_ack carries (wire-format.md §6.2)
 * into the observed-set's terms:
 *
 *   replica  {name, vsn}
 *   context  %{replica_ref => clock}                           (empty in a delta)
 *   clouds   %{replica_ref => MapSet of {replica_ref, clock}}
 *   values   %{{replica_ref, clock} => {pid, topic, key, meta}}   (delta mode)
 *   range    {start_context, end_context}                        (delta mode)
 *
 * and the pair `{%State{mode: :normal, values: nil}, values}` of a whole-CRDT transfer. Anything
 * that is not this shape gives undefined: gossip we cannot read is not guessed at.
 */
import { Atom, ErlMap, Pid, Tuple, isInteger, type Term } from '../../etf/term.js';
import { mapSetElements } from '../../etf/render/structs.js';
import { structs } from '../known-atoms.js';
import { labelText, nodeText } from '../names.js';
import type { CausalState, Dot, DotValue } from './observed-set.js';

export interface ReplicaRef {
  /** The node name of the shard (the adapter's node_name). */
  name: string;
  /** vsn as decimal text (µs since the epoch + a unique integer: above 2^53). */
  vsn: string;
}

/** One tracked presence: `{pid, topic, key, meta}`. */
export interface TrackedPresence {
  /** The tracked process's node, from its pid (the channel process lives where the socket is). */
  pidNode: string;
  /** The pid as Elixir prints it. */
  pid: string;
  topic: string;
  key: string;
  meta: Term;
}

export interface ReadState extends CausalState<TrackedPresence> {
  mode: 'delta' | 'normal';
  /** Every replica the state names, by key. */
  replicas: Map<string, ReplicaRef>;
  /** delta mode: where the delta starts, per replica (clock 0 = since that replica started). */
  rangeStart: Map<string, number>;
}

const field = {
  replica: Atom.of('replica'),
  context: Atom.of('context'),
  clouds: Atom.of('clouds'),
  values: Atom.of('values'),
  mode: Atom.of('mode'),
  range: Atom.of('range'),
  delta: Atom.of('delta'),
  normal: Atom.of('normal'),
} as const;

/** The key a replica is known by: its name and vsn (a restarted node is another replica). */
export function replicaKey(ref: ReplicaRef): string {
  return `${ref.name} ${ref.vsn}`;
}

/** `{name, vsn}` → ReplicaRef, or undefined. */
export function readReplicaRef(term: Term | undefined): ReplicaRef | undefined {
  if (!(term instanceof Tuple) || term.length !== 2) return undefined;
  const [name, vsn] = term.elements as [Term, Term];
  if (!isInteger(vsn) || !(name instanceof Atom || name instanceof Uint8Array)) return undefined;
  return { name: nodeText(name), vsn: String(vsn) };
}

/** A heartbeat's delta or a transfer_ack's payload, read; undefined when it is not a State. */
export function readTrackerState(term: Term): ReadState | undefined {
  if (term instanceof Tuple && term.length === 2) {
    const [state, values] = term.elements as [Term, Term];
    const read = readStateStruct(state);
    if (read === undefined || !(values instanceof ErlMap)) return undefined;
    return readValues(values, read) ? read : undefined;
  }
  const read = readStateStruct(term);
  if (read === undefined) return undefined;
  const values = (term as ErlMap).get(field.values);
  if (values instanceof ErlMap && !readValues(values, read)) return undefined;
  return read;
}

function readStateStruct(term: Term): ReadState | undefined {
  if (!(term instanceof ErlMap) || term.structName() !== structs.trackerState) return undefined;
  const mode = term.get(field.mode);
  const read: ReadState = {
    mode: mode === field.delta ? 'delta' : 'normal',
    context: new Map(),
    clouds: new Map(),
    values: new Map(),
    replicas: new Map(),
    rangeStart: new Map(),
  };
  const own = readReplicaRef(term.get(field.replica));
  if (own !== undefined) read.replicas.set(replicaKey(own), own);
  const context = term.get(field.context);
  if (context instanceof ErlMap && !readClockMap(context, read, read.context as Map<string, number>)) return undefined;
  const clouds = term.get(field.clouds);
  if (clouds instanceof ErlMap && !readClouds(clouds, read)) return undefined;
  const range = term.get(field.range);
  if (range instanceof Tuple && range.length === 2 && range.elements[0] instanceof ErlMap) {
    if (!readClockMap(range.elements[0], read, read.rangeStart)) return undefined;
  }
  return read;
}

function readClockMap(map: ErlMap, read: ReadState, into: Map<string, number>): boolean {
  for (let i = 0; i < map.size; i++) {
    const ref = readReplicaRef(map.keys[i]);
    const clock = map.values[i];
    if (ref === undefined || typeof clock !== 'number') return false;
    into.set(noteReplica(read, ref), clock);
  }
  return true;
}

function readClouds(map: ErlMap, read: ReadState): boolean {
  const clouds = read.clouds as Map<string, Set<number>>;
  for (let i = 0; i < map.size; i++) {
    const ref = readReplicaRef(map.keys[i]);
    const set = map.values[i]!;
    const elements = set instanceof ErlMap ? mapSetElements(set, true) : undefined;
    if (ref === undefined || elements === undefined) return false;
    const cloud = new Set<number>();
    for (const tag of elements) {
      const dot = readDot(tag, read);
      if (dot === undefined) return false;
      cloud.add(dot.clock);
    }
    clouds.set(noteReplica(read, ref), cloud);
  }
  return true;
}

function readValues(map: ErlMap, read: ReadState): boolean {
  const values = read.values as Map<string, DotValue<TrackedPresence>>;
  for (let i = 0; i < map.size; i++) {
    const dot = readDot(map.keys[i]!, read);
    const value = readPresence(map.values[i]!);
    if (dot === undefined || value === undefined) return false;
    values.set(`${dot.replica}#${dot.clock}`, { dot, value });
  }
  return true;
}

function readDot(term: Term, read: ReadState): Dot | undefined {
  if (!(term instanceof Tuple) || term.length !== 2) return undefined;
  const ref = readReplicaRef(term.elements[0]);
  const clock = term.elements[1];
  if (ref === undefined || typeof clock !== 'number') return undefined;
  return { replica: noteReplica(read, ref), clock };
}

function readPresence(term: Term): TrackedPresence | undefined {
  if (!(term instanceof Tuple) || term.length !== 4) return undefined;
  const [pid, topic, key, meta] = term.elements as [Term, Term, Term, Term];
  if (!(topic instanceof Uint8Array)) return undefined;
  return {
    pidNode: pid instanceof Pid ? pid.node.name : '?',
    pid: pid instanceof Pid ? `#PID<${pid.node.name}.${pid.id}.${pid.serial}>` : labelText(pid),
    topic: labelText(topic),
    key: labelText(key),
    meta,
  };
}

function noteReplica(read: ReadState, ref: ReplicaRef): string {
  const key = replicaKey(ref);
  if (!read.replicas.has(key)) read.replicas.set(key, ref);
  return key;
}

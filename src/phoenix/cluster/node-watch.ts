/**
 * Who is talking on the adapter's channels: one record per node, built from every message the
 * watch pipeline classified (pure: messages and times in, a report out).
 *
 * A node is known by its Erlang name where the traffic tells it: a 3.x `:except` envelope names
 * its sender; a tracker message names the sending replica (so a 3.x `:only` transfer and a 2.x
 * node's gossip both tell who sent them); a 2.x `from` pid names its node. A 2.x node otherwise
 * has only its random 24-byte ref, shown short, until one of its messages resolves it.
 * A 3.x `:only` message that is not tracker gossip names only its target: it counts for the
 * target's `directReceived`, not as anyone's traffic.
 */
import type { RawMessage } from '../../model/raw-message.js';
import type { Classified, EnvelopeShape } from '../classified.js';
import { atomEncodingOf, pubsubNameOfChannel, type AtomEncoding } from './wire-traits.js';

export interface ReplicaSeen {
  tracker: string;
  vsn: string;
  /** vsn is System.system_time(:microsecond) + a small unique integer at shard start. */
  startedAt: number;
  firstSeen: number;
  lastSeen: number;
  heartbeats: number;
  /** Longest gap between two of its messages (ms), once it has sent two. */
  maxGapMs: number | null;
  /** It said goodbye (graceful_permdown). */
  leftAt: number | null;
}

export interface NodeRecord {
  /** Erlang node name (or adapter node_name) when known. */
  name: string | null;
  /** 2.x: the short node ref (first 8 hex digits of its 24 random bytes). */
  ref: string | null;
  generation: 1 | 3;
  shapes: Set<EnvelopeShape>;
  channels: Set<string>;
  pubsubs: Set<string>;
  dispatchers: Set<string>;
  compressed: { yes: number; no: number };
  atoms: { latin1: number; utf8: number };
  replicas: Map<string, ReplicaSeen>;
  firstSeen: number;
  lastSeen: number;
  messages: number;
  bytes: number;
  /** 3.x `:only` messages addressed to this node (not counted in messages). */
  directReceived: number;
  /** Messages of this node that validation says receivers crash on or drop. */
  problemPayloads: number;
}

export interface ChannelRecord {
  channel: string;
  pubsub: string;
  messages: number;
  bytes: number;
  /** Payloads that did not decode (no envelope, so no sender is known). */
  undecodable: number;
  largest: number;
  shapes: Map<EnvelopeShape, number>;
  firstSeen: number;
  lastSeen: number;
}

/** Our own publisher names itself like this (publish.ts): not a node of the cluster. */
export const OWN_SENDER_PREFIX = 'redis-print@';

export class NodeWatch {
  readonly nodes = new Map<string, NodeRecord>();
  readonly channels = new Map<string, ChannelRecord>();
  /** Per (tracker, node name): the vsns in the order heard, to tell a restart from two live nodes. */
  readonly vsnSwitches = new Map<string, { last: string; seen: Set<string>; interleaved: number }>();
  /** Per v1 name: the refs heard under it, same purpose. */
  readonly refSwitches = new Map<string, { last: string; seen: Set<string>; interleaved: number }>();
  firstSeen: number | null = null;
  lastSeen: number | null = null;
  messages = 0;
  bytes = 0;

  observe(raw: RawMessage, c: Classified): void {
    const at = raw.receivedAt;
    this.firstSeen ??= at;
    this.lastSeen = at;
    this.messages++;
    this.bytes += c.bytes;
    const channel = this.channel(raw.channel, at);
    channel.messages++;
    channel.bytes += c.bytes;
    channel.largest = Math.max(channel.largest, c.bytes);
    channel.lastSeen = at;
    if (c.error !== undefined || c.kind === 'raw') channel.undecodable++;
    const env = c.envelope;
    if (env === undefined) return;
    channel.shapes.set(env.shape, (channel.shapes.get(env.shape) ?? 0) + 1);

    const node = this.senderOf(c, at);
    if (node === undefined) {
      if (env.generation === 3 && env.mode === 'only') {
        const target = this.node(`name:${env.node}`, at, () => blankNode(env.node, null, 3, at));
        target.directReceived++;
      }
      return;
    }
    node.lastSeen = at;
    node.messages++;
    node.bytes += c.bytes;
    node.shapes.add(env.shape);
    node.channels.add(raw.channel);
    node.pubsubs.add(channel.pubsub);
    if (env.dispatcher !== null) node.dispatchers.add(env.dispatcher);
    if (env.compressed) node.compressed.yes++;
    else node.compressed.no++;
    const atoms = atomEncodingOf(raw.payload, c);
    if (atoms !== undefined) node.atoms[atoms]++;
    if (c.tracker !== undefined && c.tracker.replica === node.name) this.replica(node, c, at);
  }

  /** A message of `node` was found to be one receivers crash on or drop. */
  countProblem(c: Classified): void {
    const node = c.envelope && this.knownSenderOf(c);
    if (node !== undefined) node.problemPayloads++;
  }

  /** The sender's record, created on first sight; undefined when the message does not tell. */
  private senderOf(c: Classified, at: number): NodeRecord | undefined {
    const env = c.envelope!;
    if (env.generation === 3) {
      const name = env.mode === 'except' ? env.node : c.tracker?.replica;
      if (name === undefined || name.startsWith(OWN_SENDER_PREFIX)) return undefined;
      return this.node(`name:${name}`, at, () => blankNode(name, null, 3, at));
    }
    const named = env.fromNode ?? c.tracker?.replica;
    const node = this.node(`ref:${env.node}`, at, () => blankNode(null, env.node, 1, at));
    if (named !== undefined && node.name === null) node.name = named;
    if (node.name !== null) this.noteSwitch(this.refSwitches, node.name, env.node);
    return node;
  }

  private knownSenderOf(c: Classified): NodeRecord | undefined {
    const env = c.envelope!;
    if (env.generation === 1) return this.nodes.get(`ref:${env.node}`);
    const name = env.mode === 'except' ? env.node : c.tracker?.replica;
    return name === undefined ? undefined : this.nodes.get(`name:${name}`);
  }

  private replica(node: NodeRecord, c: Classified, at: number): void {
    const info = c.tracker!;
    const tracker = c.envelope!.topic;
    const key = `${tracker} ${info.vsn}`;
    let replica = node.replicas.get(key);
    if (replica === undefined) {
      replica = {
        tracker,
        vsn: info.vsn,
        startedAt: Math.floor(Number(info.vsn) / 1000),
        firstSeen: at,
        lastSeen: at,
        heartbeats: 0,
        maxGapMs: null,
        leftAt: null,
      };
      node.replicas.set(key, replica);
    } else {
      const gap = at - replica.lastSeen;
      replica.maxGapMs = Math.max(replica.maxGapMs ?? 0, gap);
      replica.lastSeen = at;
    }
    if (info.type === 'heartbeat') replica.heartbeats++;
    if (info.type === 'graceful_permdown') replica.leftAt = at;
    this.noteSwitch(this.vsnSwitches, `${tracker} ${info.replica}`, info.vsn);
  }

  /** Counts returns to an identity already left for another: A, B, A is two live nodes, A, B a restart. */
  private noteSwitch(
    switches: Map<string, { last: string; seen: Set<string>; interleaved: number }>,
    key: string,
    identity: string,
  ): void {
    const s = switches.get(key);
    if (s === undefined) {
      switches.set(key, { last: identity, seen: new Set([identity]), interleaved: 0 });
      return;
    }
    if (s.last === identity) return;
    if (s.seen.has(identity)) s.interleaved++;
    s.seen.add(identity);
    s.last = identity;
  }

  private node(key: string, at: number, create: () => NodeRecord): NodeRecord {
    let node = this.nodes.get(key);
    if (node === undefined) {
      node = create();
      node.firstSeen = at;
      this.nodes.set(key, node);
    }
    return node;
  }

  private channel(name: string, at: number): ChannelRecord {
    let channel = this.channels.get(name);
    if (channel === undefined) {
      channel = {
        channel: name,
        pubsub: pubsubNameOfChannel(name),
        messages: 0,
        bytes: 0,
        undecodable: 0,
        largest: 0,
        shapes: new Map(),
        firstSeen: at,
        lastSeen: at,
      };
      this.channels.set(name, channel);
    }
    return channel;
  }
}

function blankNode(name: string | null, ref: string | null, generation: 1 | 3, at: number): NodeRecord {
  return {
    name,
    ref,
    generation,
    shapes: new Set(),
    channels: new Set(),
    pubsubs: new Set(),
    dispatchers: new Set(),
    compressed: { yes: 0, no: 0 },
    atoms: { latin1: 0, utf8: 0 },
    replicas: new Map(),
    firstSeen: at,
    lastSeen: at,
    messages: 0,
    bytes: 0,
    directReceived: 0,
    problemPayloads: 0,
  };
}

export type { AtomEncoding };

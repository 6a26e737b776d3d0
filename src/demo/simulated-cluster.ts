/**
 * A simulated Phoenix cluster for `redis-print demo`: what three real nodes of a chat app would
 * put on Redis, built with the same envelope builders and encoder that `publish` uses.
 *
 *   a@demo, b@demo   adapter 3.x (channel phx:Elixir.Chat.PubSub.Adapter), OTP 25 encoding
 *   c@demo           adapter 2.1.8 (channel phx:Elixir.Chat.PubSub, v1 7-tuple), mid-upgrade
 *
 * Traffic: chat broadcasts, typing events, a direct broadcast to one node, Phoenix.Tracker
 * heartbeats (empty keep-alives and deltas when someone joins), a presence_diff from the old node,
 * now and then a big compressed history payload and a corrupt (truncated) payload. Pure: it only
 * produces {channel, payload}; the caller publishes.
 */
import { encode } from '../etf/encode.js';
import { Atom, ErlMap, Pid, Tuple, atoms, type Term } from '../etf/term.js';
import { broadcastStruct, buildV1, buildV3 } from '../phoenix/build.js';
import { channelFor } from '../phoenix/channel.js';

export interface DemoMessage {
  channel: string;
  payload: Uint8Array;
}

const PUBSUB = 'Chat.PubSub';
const V3_CHANNEL = channelFor(PUBSUB, 3);
const V1_CHANNEL = channelFor(PUBSUB, 1);
const PRESENCE_TOPIC = 'phx_presence:Elixir.ChatWeb.Presence_shard0';
const CHANNEL_SERVER = Atom.of('Elixir.Phoenix.Channel.Server');
const PUBSUB_DISPATCHER = Atom.of('Elixir.Phoenix.PubSub');
const ROOMS = ['rooms:lobby', 'rooms:elixir', 'rooms:random'];
const USERS = ['ana', 'bo', 'chen', 'dara', 'eli'];
const LINES = ['hi all', 'deploying now', 'anyone seen the flaky test?', 'lgtm', 'Ça marche 👍', 'brb'];

const k = (name: string): Atom => Atom.of(name);
const bin = (text: string): Uint8Array => Buffer.from(text, 'utf8');
const map = (pairs: Array<[Term, Term]>): ErlMap => ErlMap.fromPairs(pairs);

interface SimNode {
  name: Atom;
  generation: 1 | 3;
  vsn: bigint;
  clock: number;
  nodeRef: Uint8Array;
}

/** A deterministic stream of cluster traffic; `next()` gives the messages of one 100 ms tick. */
export class SimulatedCluster {
  private tick = 0;
  private seq = 0;
  private readonly nodes: SimNode[];
  private random: () => number;

  constructor(seed = 42) {
    this.random = mulberry32(seed);
    const vsnBase = BigInt(Date.now()) * 1000n;
    this.nodes = ['a@demo', 'b@demo', 'c@demo'].map((name, i) => ({
      name: Atom.of(name),
      generation: i < 2 ? 3 : 1,
      vsn: vsnBase + BigInt(i * 7919),
      clock: 0,
      nodeRef: new Uint8Array(Array.from({ length: 24 }, () => Math.floor(this.random() * 256))),
    }));
  }

  next(): DemoMessage[] {
    const t = this.tick++;
    const out: DemoMessage[] = [];
    const node = this.pick(this.nodes);
    out.push(this.chat(node));
    if (t % 3 === 0) out.push(this.typing(this.pick(this.nodes)));
    if (t % 15 === 0) for (const n of this.nodes) out.push(this.heartbeat(n, t % 150 !== 0));
    if (t % 40 === 7) out.push(this.join(this.pick(this.nodes)));
    if (t % 25 === 11) out.push(this.direct());
    if (t % 60 === 31) out.push(this.history());
    if (t % 90 === 53) out.push(this.corrupt());
    return out;
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  private wrap(node: SimNode, topic: string, message: Term, dispatcher: Atom, compressed = 0): DemoMessage {
    if (node.generation === 3) {
      const term = buildV3({ mode: 'except', node: node.name, topic, message, dispatcher });
      return { channel: V3_CHANNEL, payload: encode(term, { minorVersion: 1, compressed }) };
    }
    const fastlane = dispatcher === CHANNEL_SERVER ? CHANNEL_SERVER : atoms.nil;
    const term = buildV1({ shape: 7, nodeRef: node.nodeRef, fastlane, poolSize: 1, topic, message });
    return { channel: V1_CHANNEL, payload: encode(term, { minorVersion: 1 }) };
  }

  private chat(node: SimNode): DemoMessage {
    const room = this.pick(ROOMS);
    const payload = map([
      [bin('body'), bin(this.pick(LINES))],
      [bin('id'), ++this.seq],
      [bin('user'), bin(this.pick(USERS))],
    ]);
    return this.wrap(node, room, broadcastStruct(room, 'new:msg', payload), CHANNEL_SERVER);
  }

  private typing(node: SimNode): DemoMessage {
    const room = this.pick(ROOMS);
    const payload = map([[bin('user'), bin(this.pick(USERS))]]);
    return this.wrap(node, room, broadcastStruct(room, 'typing', payload), CHANNEL_SERVER);
  }

  /** `Phoenix.PubSub.direct_broadcast(:"b@demo", Chat.PubSub, "cache", {:invalidate, "user:42"})` from a@demo. */
  private direct(): DemoMessage {
    const term = buildV3({
      mode: 'only',
      node: this.nodes[1]!.name,
      topic: 'cache',
      message: new Tuple([k('invalidate'), bin(`user:${Math.floor(this.random() * 100)}`)]),
      dispatcher: PUBSUB_DISPATCHER,
    });
    return { channel: V3_CHANNEL, payload: encode(term, { minorVersion: 1 }) };
  }

  private replicaRef(node: SimNode): Tuple {
    return new Tuple([node.name, node.vsn]);
  }

  private clocks(node: SimNode): Tuple {
    return new Tuple([this.replicaRef(node), new ErlMap([this.replicaRef(node)], [node.clock])]);
  }

  /** Tracker gossip: `{:pub, :heartbeat, {name, vsn}, :empty | delta, clocks}`. */
  private heartbeat(node: SimNode, empty: boolean): DemoMessage {
    const delta: Term = empty ? k('empty') : this.deltaState(node, this.pick(USERS));
    const message = new Tuple([k('pub'), k('heartbeat'), this.replicaRef(node), delta, this.clocks(node)]);
    return this.wrap(node, PRESENCE_TOPIC, message, PUBSUB_DISPATCHER);
  }

  private join(node: SimNode): DemoMessage {
    node.clock++;
    const user = this.pick(USERS);
    const message = new Tuple([
      k('pub'),
      k('heartbeat'),
      this.replicaRef(node),
      this.deltaState(node, user),
      this.clocks(node),
    ]);
    return this.wrap(node, PRESENCE_TOPIC, message, PUBSUB_DISPATCHER);
  }

  /** A `%Phoenix.Tracker.State{mode: :delta}` with one tracked presence (keys in OTP 25 order). */
  private deltaState(node: SimNode, user: string): ErlMap {
    const ref = this.replicaRef(node);
    const tag = new Tuple([ref, node.clock]);
    const meta = map([
      [k('online_at'), 1_700_000_000 + this.seq],
      [k('phx_ref'), bin(Buffer.from(String(this.seq)).toString('base64url'))],
    ]);
    const pid = new Pid(node.name, 100 + Math.floor(this.random() * 900), 0, 1);
    const entry = new Tuple([pid, bin('users:lobby'), bin(user), meta]);
    const cloud = map([
      [atoms.struct, k('Elixir.MapSet')],
      [k('map'), new ErlMap([tag], [[]])],
      [k('version'), 2],
    ]);
    return map([
      [atoms.struct, k('Elixir.Phoenix.Tracker.State')],
      [k('clouds'), new ErlMap([ref], [cloud])],
      [k('context'), new ErlMap([], [])],
      [k('delta'), k('unset')],
      [k('mode'), k('delta')],
      [k('pids'), atoms.nil],
      [k('range'), new Tuple([new ErlMap([ref], [Math.max(0, node.clock - 1)]), new ErlMap([ref], [node.clock])])],
      [k('replica'), ref],
      [k('replicas'), new ErlMap([], [])],
      [k('values'), new ErlMap([tag], [entry])],
    ]);
  }

  /** A 200-message room history, compressed as adapter 3.0.1+ does with `compression_level: 6`. */
  private history(): DemoMessage {
    const rows: Term[] = Array.from({ length: 200 }, (_, i) =>
      map([
        [bin('body'), bin(LINES[i % LINES.length]!)],
        [bin('id'), i + 1],
        [bin('user'), bin(USERS[i % USERS.length]!)],
      ]),
    );
    const payload = map([[bin('messages'), rows]]);
    return this.wrap(
      this.nodes[0]!,
      'rooms:lobby',
      broadcastStruct('rooms:lobby', 'history', payload),
      CHANNEL_SERVER,
      6,
    );
  }

  /** A chat broadcast cut short, as a broken publisher might send: watch must say so and go on. */
  private corrupt(): DemoMessage {
    const whole = this.chat(this.nodes[0]!);
    return { channel: whole.channel, payload: whole.payload.subarray(0, Math.floor(whole.payload.length * 0.6)) };
  }
}

/** Small seeded PRNG so the demo is reproducible. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

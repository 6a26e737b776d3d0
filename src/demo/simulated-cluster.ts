/**
 * A simulated Phoenix cluster for `redis-print demo`: what the nodes of a chat app would put on
 * Redis, built with the same envelope builders and encoder that `publish` uses.
 *
 *   a@demo, b@demo       adapter 3.x (channel phx:Elixir.Chat.PubSub.Adapter), OTP 25 encoding
 *   c@demo               adapter 2.1.8 (channel phx:Elixir.Chat.PubSub, v1 7-tuple), mid-upgrade:
 *                        Phoenix 1.4, so its presence_diff broadcasts go through Redis too
 *   d@demo               3.x; falls silent from 10 s to 55 s (node-silent, replica down)
 *   web@demo, web@demo   two 3.x nodes sharing one node name (duplicate-node-name)
 *
 * Every node runs a ChatWeb.Presence tracker shard (simulated-tracker.ts): users join, leave and
 * update, and the deltas go out on the heartbeats, as phoenix_pubsub 2.x sends them. Traffic
 * besides: chat broadcasts, typing events, a direct broadcast, a transfer between replicas, a
 * bare `{:refresh, id}` term, a %Message{} and a %Reply{} of a LongPoll session, a compressed history, and now and then a
 * corrupt payload and a JSON one from a foreign publisher. The first ~30 messages hold every kind
 * (the opening schedule below), so the first screen of the UI shows them all. Pure: it only
 * produces {channel, payload}; the caller publishes.
 */
import { encode } from '../etf/encode.js';
import { Atom, ErlMap, Pid, Tuple, atoms, type Term } from '../etf/term.js';
import { broadcastStruct, buildV1, buildV3 } from '../phoenix/build.js';
import { channelFor } from '../phoenix/channel.js';
import { SimulatedTracker } from './simulated-tracker.js';

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
const USERS = ['ana', 'bo', 'chen', 'dara', 'eli', 'fay', 'gus', 'hana'];
const LINES = ['hi all', 'deploying now', 'anyone seen the flaky test?', 'lgtm', 'Ça marche 👍', 'brb'];
/** Heartbeats every broadcast_period (1.5 s = 15 ticks of 100 ms). */
const PERIOD_TICKS = 15;
/** d@demo is silent for these ticks (10 s to 55 s): longer than the 30 s down period. */
const D_SILENT: readonly [number, number] = [100, 550];

const k = (name: string): Atom => Atom.of(name);
const bin = (text: string): Uint8Array => Buffer.from(text, 'utf8');
const map = (pairs: Array<[Term, Term]>): ErlMap => ErlMap.fromPairs(pairs);

interface SimNode {
  name: Atom;
  generation: 1 | 3;
  nodeRef: Uint8Array;
  tracker: SimulatedTracker;
  /** Heartbeats at ticks ≡ offset (mod PERIOD_TICKS): nodes started at different moments. */
  offset: number;
  silent?: readonly [number, number];
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
    const specs: Array<[string, 1 | 3, number, (readonly [number, number])?]> = [
      ['a@demo', 3, 0],
      ['b@demo', 3, 4],
      ['c@demo', 1, 8],
      ['d@demo', 3, 12, D_SILENT],
      ['web@demo', 3, 2],
      ['web@demo', 3, 10],
    ];
    this.nodes = specs.map(([name, generation, offset, silent], i) => {
      const node: SimNode = {
        name: Atom.of(name),
        generation,
        nodeRef: new Uint8Array(Array.from({ length: 24 }, () => Math.floor(this.random() * 256))),
        tracker: new SimulatedTracker(Atom.of(name), vsnBase + BigInt(i * 7919)),
        offset,
      };
      if (silent !== undefined) node.silent = silent;
      return node;
    });
  }

  next(): DemoMessage[] {
    const t = this.tick++;
    const out: DemoMessage[] = [];
    const [a, b, c, d, web1, web2] = this.nodes as [SimNode, SimNode, SimNode, SimNode, SimNode, SimNode];
    const active = this.nodes.filter((n) => this.speaks(n, t));
    out.push(this.chat(this.pick(active)));
    if (t % 3 === 0) out.push(this.typing(this.pick(active)));
    // The opening: every kind within the first screenful.
    if (t === 1) {
      this.track(a, 'ana', out);
      this.track(a, 'bo', out);
      this.track(c, 'chen', out);
    }
    if (t === 2) {
      this.track(web1, 'eli', out);
      this.track(web2, 'fay', out);
      this.track(b, 'dara', out);
      this.track(d, 'gus', out);
    }
    if (t === 3 || t % 25 === 11) out.push(this.direct(a, b));
    if (t === 4 || t % 40 === 19) out.push(this.refresh(this.pick(active)));
    if (t === 5 || t % 90 === 53) out.push(this.corrupt(a));
    if (t === 6 || t % 120 === 66) out.push(this.foreignJson());
    if (t === 7 || t % 50 === 27) out.push(this.longPoll(b, 'message'));
    if (t === 9 || t % 50 === 29) out.push(this.longPoll(b, 'reply'));
    if (t === 11 || t % 60 === 31) out.push(this.history(a));
    if (t === 13) out.push(...this.transfer(web2, a));
    // Presence comes and goes.
    if (t > 20 && t % 12 === 0) this.track(this.pick(active), this.pick(USERS), out);
    if (t > 20 && t % 17 === 0) this.untrack(this.pick(active), out);
    if (t > 20 && t % 29 === 0) this.update(this.pick(active), out);
    for (const node of this.nodes) {
      if (!this.speaks(node, t) || (t - node.offset) % PERIOD_TICKS !== 0) continue;
      const heartbeat = node.tracker.heartbeat();
      if (heartbeat !== undefined) out.push(this.gossip(node, heartbeat));
    }
    return out;
  }

  private speaks(node: SimNode, t: number): boolean {
    return node.silent === undefined || t < node.silent[0] || t >= node.silent[1];
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  private track(node: SimNode, user: string, out: DemoMessage[]): void {
    const meta: Array<[string, Term]> = [
      ['online_at', 1_700_000_000 + this.seq++],
      ['device', bin(this.pick(['laptop', 'phone']))],
    ];
    const tracked = node.tracker.track('users:lobby', user, meta);
    if (node.generation === 1) out.push(this.presenceDiff(node, [[user, tracked.meta]], []));
  }

  private untrack(node: SimNode, out: DemoMessage[]): void {
    const keys = node.tracker.keys();
    if (keys.length === 0) return;
    const gone = node.tracker.untrack(this.pick(keys).clock);
    if (gone !== undefined && node.generation === 1) out.push(this.presenceDiff(node, [], [[gone.key, gone.meta]]));
  }

  private update(node: SimNode, out: DemoMessage[]): void {
    const keys = node.tracker.keys();
    if (keys.length === 0) return;
    const before = this.pick(keys);
    const after = node.tracker.update(before.clock, [
      ['online_at', 1_700_000_000 + this.seq++],
      ['status', bin('away')],
    ]);
    if (after !== undefined && node.generation === 1) out.push(this.presenceDiff(node, [[after.key, after.meta]], []));
  }

  private wrap(
    node: SimNode,
    topic: string,
    message: Term,
    dispatcher: Atom,
    compressed = 0,
    from?: Term,
  ): DemoMessage {
    if (node.generation === 3) {
      const term = buildV3({ mode: 'except', node: node.name, topic, message, dispatcher });
      return { channel: V3_CHANNEL, payload: encode(term, { minorVersion: 1, compressed }) };
    }
    const fastlane = dispatcher === CHANNEL_SERVER ? CHANNEL_SERVER : atoms.nil;
    const term = buildV1({
      shape: 7,
      nodeRef: node.nodeRef,
      fastlane,
      poolSize: 1,
      topic,
      message,
      ...(from !== undefined ? { from } : {}),
    });
    return { channel: V1_CHANNEL, payload: encode(term, { minorVersion: 1 }) };
  }

  /** Tracker gossip goes out with broadcast_from!(pubsub, shard_pid, …): the v1 envelope carries the shard's pid. */
  private gossip(node: SimNode, message: Tuple): DemoMessage {
    return this.wrap(node, PRESENCE_TOPIC, message, PUBSUB_DISPATCHER, 0, new Pid(node.name, 90, 0, 1));
  }

  /** Phoenix ≤ 1.4 sends presence_diff with direct_broadcast!(own node, …): on adapter 2.x every node gets it. */
  private presenceDiff(node: SimNode, joins: Array<[string, ErlMap]>, leaves: Array<[string, ErlMap]>): DemoMessage {
    const side = (entries: Array<[string, ErlMap]>): ErlMap =>
      map(entries.map(([key, meta]) => [bin(key), map([[k('metas'), [meta]]])]));
    const payload = map([
      [k('joins'), side(joins)],
      [k('leaves'), side(leaves)],
    ]);
    return this.wrap(node, 'users:lobby', broadcastStruct('users:lobby', 'presence_diff', payload), CHANNEL_SERVER);
  }

  /** A replica meeting another: transfer_req (`:only` to the peer) and the peer's transfer_ack back. */
  private transfer(from: SimNode, to: SimNode): DemoMessage[] {
    const request = from.tracker.transferReq();
    const ack = to.tracker.transferAck(request);
    const only = (target: Atom, message: Term): DemoMessage => ({
      channel: V3_CHANNEL,
      payload: encode(
        buildV3({ mode: 'only', node: target, topic: PRESENCE_TOPIC, message, dispatcher: PUBSUB_DISPATCHER }),
        { minorVersion: 1 },
      ),
    });
    return [only(to.name, request), only(from.name, ack)];
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
  private direct(_from: SimNode, to: SimNode): DemoMessage {
    const term = buildV3({
      mode: 'only',
      node: to.name,
      topic: 'cache',
      message: new Tuple([k('invalidate'), bin(`user:${Math.floor(this.random() * 100)}`)]),
      dispatcher: PUBSUB_DISPATCHER,
    });
    return { channel: V3_CHANNEL, payload: encode(term, { minorVersion: 1 }) };
  }

  /** `Phoenix.PubSub.broadcast(Chat.PubSub, "user:42", {:refresh, 42})`: a bare term for handle_info/2. */
  private refresh(node: SimNode): DemoMessage {
    const id = Math.floor(this.random() * 100);
    return this.wrap(node, `user:${id}`, new Tuple([k('refresh'), id]), PUBSUB_DISPATCHER);
  }

  /** A LongPoll session's traffic between nodes: a %Phoenix.Socket.Message{} in, a %Reply{} out. */
  private longPoll(node: SimNode, what: 'message' | 'reply'): DemoMessage {
    const topic = 'phx:lp:Xb2kq9';
    const struct =
      what === 'message'
        ? map([
            [atoms.struct, k('Elixir.Phoenix.Socket.Message')],
            [k('event'), bin('new:msg')],
            [k('join_ref'), bin('1')],
            [k('payload'), map([[bin('body'), bin('sent over long-polling')]])],
            [k('ref'), bin(String(++this.seq))],
            [k('topic'), bin('rooms:lobby')],
          ])
        : map([
            [atoms.struct, k('Elixir.Phoenix.Socket.Reply')],
            [k('join_ref'), bin('1')],
            [k('payload'), map([])],
            [k('ref'), bin(String(this.seq))],
            [k('status'), k('ok')],
            [k('topic'), bin('rooms:lobby')],
          ]);
    return this.wrap(node, topic, struct, PUBSUB_DISPATCHER);
  }

  /** A 200-message room history, compressed as adapter 3.0.1+ does with `compression_level: 6`. */
  private history(node: SimNode): DemoMessage {
    const rows: Term[] = Array.from({ length: 200 }, (_, i) =>
      map([
        [bin('body'), bin(LINES[i % LINES.length]!)],
        [bin('id'), i + 1],
        [bin('user'), bin(USERS[i % USERS.length]!)],
      ]),
    );
    const payload = map([[bin('messages'), rows]]);
    return this.wrap(node, 'rooms:lobby', broadcastStruct('rooms:lobby', 'history', payload), CHANNEL_SERVER, 6);
  }

  /** A chat broadcast cut short, as a broken publisher might send: watch must say so and go on. */
  private corrupt(node: SimNode): DemoMessage {
    const whole = this.chat(node);
    return { channel: whole.channel, payload: whole.payload.subarray(0, Math.floor(whole.payload.length * 0.6)) };
  }

  /** A service in another language publishing JSON on the adapter's channel: every 3.x node would crash on it. */
  private foreignJson(): DemoMessage {
    const text = JSON.stringify({
      topic: 'rooms:lobby',
      event: 'new:msg',
      payload: { body: 'from the node.js worker' },
    });
    return { channel: V3_CHANNEL, payload: bin(text) };
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

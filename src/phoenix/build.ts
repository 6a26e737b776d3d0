/**
 * Building the terms a real node would publish (wire-format.md §2, §5), so that what we inject
 * looks like — and is handled exactly like — a real node's message. Terms only: encoding is
 * src/etf's job, checking them is validate.ts's.
 */
import { Atom, ErlMap, Tuple, atoms, type Term } from '../etf/term.js';
import { misc, modes, structs } from './known-atoms.js';

const utf8 = new TextEncoder();

function binary(text: string | Uint8Array): Uint8Array {
  return typeof text === 'string' ? utf8.encode(text) : text;
}

/**
 * `%Phoenix.Socket.Broadcast{topic, event, payload}` with its keys in the order OTP ≤ 25 writes
 * a small map — Erlang term order, so alphabetical for atoms: `__struct__, event, payload, topic`
 * (§8.4) — making our bytes identical to a real node's.
 */
export function broadcastStruct(topic: string | Uint8Array, event: string | Uint8Array, payload: Term): ErlMap {
  return new ErlMap(
    [atoms.struct, Atom.of('event'), Atom.of('payload'), Atom.of('topic')],
    [structs.broadcast, binary(event), payload, binary(topic)],
  );
}

export interface V3Options {
  mode: 'except' | 'only';
  /** `except`: the sender's name (pick one no receiver has); `only`: the target's exact node_name. */
  node: Atom | Uint8Array;
  topic: string | Uint8Array;
  message: Term;
  /** `Phoenix.Channel.Server` for %Broadcast{} on channel topics, `Phoenix.PubSub` otherwise (§4.4). */
  dispatcher: Atom;
}

/** `{3, :except | :only, node, topic, message, dispatcher}` (adapter 3.x). */
export function buildV3(options: V3Options): Tuple {
  return new Tuple([3, modes[options.mode], options.node, binary(options.topic), options.message, options.dispatcher]);
}

export interface V1Options {
  /** 7: adapter 2.1.2–2.1.8; 6: 2.0.0–2.1.1; 5: 0.2.0–1.0.0. */
  shape: 5 | 6 | 7;
  /** Default: 24 fresh random bytes, like `:crypto.strong_rand_bytes(24)` at adapter start. */
  nodeRef?: Uint8Array | number;
  /**
   * 7-tuple only: `Phoenix.Channel.Server` (what Phoenix 1.2–1.4 endpoints configure) or `nil`.
   * Default `nil`: plain `send/2` to subscribers, which needs no module on the receiver.
   */
  fastlane?: Atom;
  /** 6/7-tuples: the shard count receivers walk; default 1 (Phoenix's default). */
  poolSize?: number;
  /** Default `:none`; receivers replace any `from` by `:none` unless the ref is their own. */
  from?: Term;
  topic: string | Uint8Array;
  message: Term;
}

/** The v1 envelope of the requested shape (`1` is the version in all of them). */
export function buildV1(options: V1Options): Tuple {
  const ref = options.nodeRef ?? randomNodeRef();
  const poolSize = options.poolSize ?? 1;
  const from = options.from ?? misc.none;
  const topic = binary(options.topic);
  switch (options.shape) {
    case 7:
      return new Tuple([1, ref, options.fastlane ?? atoms.nil, poolSize, from, topic, options.message]);
    case 6:
      return new Tuple([1, ref, poolSize, from, topic, options.message]);
    case 5:
      return new Tuple([1, ref, from, topic, options.message]);
  }
}

/** 24 random bytes, as the adapter's node_ref. */
export function randomNodeRef(): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(24));
}

/**
 * The sender name for a v3 `:except` broadcast: a node name no real node has, so no receiver
 * drops the message as its own echo.
 */
export function defaultSenderNode(hostname: string): Atom {
  return Atom.of(`redis-print@${hostname}`);
}

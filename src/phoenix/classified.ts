import type { Term, TermSpan } from '../etf/term.js';

/** Which adapter generation and tuple shape carried a message (wire-format.md §2.3). */
export type EnvelopeShape =
  | 'v3' // {3, :except|:only, node, topic, msg, dispatcher} — adapter 3.x
  | 'v1/fastlane' // {1, ref24, fastlane, pool_size, from, topic, msg} — adapter 2.1.2–2.1.8
  | 'v1/pool' // {1, ref24, pool_size, from, topic, msg} — adapter 2.0.0–2.1.1
  | 'v1/legacy'; // {1, ref, from, topic, msg} — adapter 0.x–1.0

export interface Envelope {
  generation: 1 | 3;
  shape: EnvelopeShape;
  /** v3: except (to every node but `node`) or only (to `node` alone); v1 has no target: all. */
  mode: 'except' | 'only' | 'all';
  /**
   * v3: the sender (except) or target (only) node name as text; v1: the node ref shown short
   * (first 8 hex digits of the 24 random bytes, or the integer ref of adapter 0.1).
   */
  node: string;
  /** v1 only: the node of the `from` pid, when the message carries one. */
  fromNode?: string;
  /** v1 only: the node name an earlier message of the same ref told (node-names.ts), when this one does not. */
  nodeName?: string;
  topic: string;
  /** v3 dispatcher / v1 fastlane module as Elixir writes it (`Phoenix.Channel.Server`), `nil`, or null when the shape has none. */
  dispatcher: string | null;
  /** v1 pool_size (the sender's shard count). */
  poolSize?: number;
  compressed: boolean;
}

export type MessageKind =
  | 'broadcast' // %Phoenix.Socket.Broadcast{}
  | 'message' // %Phoenix.Socket.Message{}
  | 'reply' // %Phoenix.Socket.Reply{}
  | 'tracker' // Phoenix.Tracker gossip on phx_presence:* topics
  | 'presence_diff' // a Broadcast with event "presence_diff"
  | 'term' // any other ETF term
  | 'msgpack'
  | 'json'
  | 'raw'; // not ETF, msgpack or JSON (or ETF that failed to decode: see `error`)

export interface TrackerInfo {
  type: 'heartbeat' | 'transfer_req' | 'transfer_ack' | 'graceful_permdown';
  /** The replica's node name and vsn (vsn as decimal text: it exceeds 2^53). */
  replica: string;
  vsn: string;
  /** heartbeat: true when the delta is :empty (a keep-alive). */
  empty?: boolean;
  /** Number of values carried by a delta heartbeat or transfer_ack (the joins; a whole state's entries). */
  deltaSize?: number;
  /** A delta's joins (entries added) and leaves (dots in its clouds with no entry). */
  joins?: number;
  leaves?: number;
  /** transfer_ack with the whole state `{%State{values: nil}, values}`: its number of entries. */
  stateSize?: number;
}

/** What src/phoenix makes of one payload. Pure data: no I/O, no rendering. */
export interface Classified {
  kind: MessageKind;
  /** Size of the payload in bytes as received. */
  bytes: number;
  envelope?: Envelope;
  /** Topic and event of the inner message when known (Broadcast/Message/Reply; envelope topic otherwise). */
  topic?: string;
  event?: string;
  /** The whole decoded ETF term (kind other than msgpack/json/raw). */
  term?: Term;
  /** The application message inside the envelope (or the whole term when there is no envelope). */
  message?: Term;
  /** Broadcast/Message/Reply payload. */
  payload?: Term;
  tracker?: TrackerInfo;
  /** Decoded msgpack / JSON value. */
  data?: unknown;
  /** Decoding failure of something that looked like ETF (starts with 131). */
  error?: { message: string; offset: number };
  /** Byte ranges of `term` (when requested), offsets into `inflated` for compressed payloads. */
  spans?: TermSpan;
  inflated?: Uint8Array;
}

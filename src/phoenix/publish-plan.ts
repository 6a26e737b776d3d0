/**
 * What `publish` will send, decided without any I/O: a draft (channel, generation, the message and
 * envelope settings) → a PublishPlan (the exact term, its bytes, the validation verdict and a
 * description). The CLI and the live UI's publish form both go through here, so what the UI
 * previews is what the CLI would send.
 */
import { encode } from '../etf/encode.js';
import { renderElixir } from '../etf/render/elixir.js';
import type { Atom, Term } from '../etf/term.js';
import { broadcastStruct, buildV1, buildV3, defaultSenderNode, randomNodeRef } from './build.js';
import { classify } from './classify.js';
import { describeEnvelope } from './envelope.js';
import { modules } from './known-atoms.js';
import { PHOENIX_STRUCTS } from './structs.js';
import { receiversOf, type HeardTraffic, type Receivers } from './receivers.js';
import { validateForPublish, type Validation } from './validate.js';
import { withOtpMapOrder } from '../etf/otp-map-order.js';

/** The application message: a channel broadcast, any other term, or ready-made bytes. */
export type PublishMessage =
  /** `%Phoenix.Socket.Broadcast{topic, event, payload}`, what `Endpoint.broadcast/3` sends. */
  | { kind: 'broadcast'; topic: string; event: string; payload: Term }
  /** Any term as the message, e.g. `{:refresh, 1}` for a LiveView `handle_info/2`. */
  | { kind: 'bare'; topic: string; message: Term }
  /** Bytes published exactly as they are (a saved fixture, a captured payload). */
  | { kind: 'etf'; bytes: Uint8Array };

export type V1Shape = 5 | 6 | 7;

export interface PublishDraft {
  channel: string;
  /** The envelope generation to build (flags); checked against what the channel's receivers speak. */
  generation: 1 | 3;
  /** Traffic heard on the channel, the strongest evidence of what its receivers speak (receivers.ts). */
  heard?: HeardTraffic;
  message: PublishMessage;
  /** v3: target one node (`{3, :only, node, …}`); otherwise `:except` with `sender`. */
  only?: Atom | Uint8Array;
  /** This machine's name, for the default sender (the caller reads it: this module does no I/O). */
  hostname?: string;
  /** v3 `:except` sender name. Default `:"redis-print@<hostname>"`, a name no real node has. */
  sender?: Atom | Uint8Array;
  /** v3 dispatcher. Default `Phoenix.Channel.Server` for a broadcast, `Phoenix.PubSub` otherwise. */
  dispatcher?: Atom;
  /** v1 envelope shape to build. Default 7 (adapter 2.1.2–2.1.8). */
  v1Shape?: V1Shape;
  /** v1 7-tuple fastlane. Default `Phoenix.Channel.Server`, as Phoenix 1.2–1.4 endpoints configure it. */
  fastlane?: Atom;
  /** v1 6/7-tuple pool_size. Default 1. */
  poolSize?: number;
  /** v1 node ref. Default: 24 fresh random bytes, so that no receiver takes it for its own. */
  nodeRef?: Uint8Array;
  /** zlib level 0–9 (0: not compressed, the adapter's default). */
  compression?: number;
  /** `latin1`: atoms as ATOM_EXT like OTP ≤ 25 (default); `utf8`: like OTP 26+. */
  atoms?: 'latin1' | 'utf8';
}

export interface PublishPlan {
  channel: string;
  generation: 1 | 3;
  /** What the receivers on `channel` speak, and on what evidence (what `bytes` was validated against). */
  receivers: Receivers;
  /**
   * The term that goes out, decoded back from `bytes` — so a preview rendered from it is exactly
   * what a node's binary_to_term makes of what is sent. Undefined only for bytes that do not decode.
   */
  term: Term | undefined;
  bytes: Uint8Array;
  /** Did we build the bytes (false: `etf`, sent as given)? */
  built: boolean;
  validation: Validation;
}

/** A draft that asks for something contradictory (e.g. `:only` on a 2.x channel). */
export class PublishDraftError extends Error {}

export function planPublish(draft: PublishDraft): PublishPlan {
  checkDraft(draft);
  const receivers = receiversOf(draft.channel, draft.heard);
  const built = draft.message.kind !== 'etf';
  const bytes =
    draft.message.kind === 'etf'
      ? draft.message.bytes
      : new Uint8Array(
          encode(buildEnvelope(draft, draft.message), {
            minorVersion: draft.atoms === 'utf8' ? 2 : 1,
            compressed: draft.compression ?? 0,
          }),
        );
  const validation = validateForPublish(bytes, draft.channel, { receivers });
  // Refused bytes may still decode (e.g. the other generation's envelope): show what they are.
  const term = validation.ok ? validation.classified.term : classify(bytes, {}, draft.channel).term;
  return { channel: draft.channel, generation: draft.generation, receivers, term, bytes, built, validation };
}

function checkDraft(draft: PublishDraft): void {
  const v3Only = (['only', 'sender', 'dispatcher'] as const).filter((k) => draft[k] !== undefined);
  const v1Only = (['fastlane', 'poolSize', 'nodeRef'] as const).filter((k) => draft[k] !== undefined);
  if (draft.generation === 1 && v3Only.length > 0) {
    throw new PublishDraftError(
      `${v3Only.join(', ')} apply to 3.x envelopes only: a 2.x envelope names no node and no dispatcher ` +
        '(every 2.x node delivers every message)',
    );
  }
  if (draft.generation === 3 && (v1Only.length > 0 || draft.v1Shape !== undefined)) {
    throw new PublishDraftError(
      `${[...v1Only, ...(draft.v1Shape ? ['v1Shape'] : [])].join(', ')} apply to 2.x envelopes only`,
    );
  }
  if (draft.only !== undefined && draft.sender !== undefined) {
    throw new PublishDraftError('only and sender exclude each other: :only names the target, :except the sender');
  }
  if (draft.message.kind === 'etf') {
    const built = (
      ['only', 'sender', 'dispatcher', 'fastlane', 'poolSize', 'nodeRef', 'compression', 'atoms'] as const
    ).filter((k) => draft[k] !== undefined);
    if (built.length > 0)
      throw new PublishDraftError(`ready-made bytes are sent as they are; ${built.join(', ')} cannot change them`);
  }
  if (draft.fastlane !== undefined && (draft.v1Shape ?? 7) !== 7) {
    throw new PublishDraftError('only the 7-tuple (adapter 2.1.2–2.1.8) carries a fastlane');
  }
  if (draft.poolSize !== undefined && draft.v1Shape === 5) {
    throw new PublishDraftError('the 5-tuple (adapter 0.x–1.0) carries no pool_size');
  }
  if (
    draft.compression !== undefined &&
    !(Number.isInteger(draft.compression) && draft.compression >= 0 && draft.compression <= 9)
  ) {
    throw new PublishDraftError(`compression level ${draft.compression} is not 0–9`);
  }
}

function buildEnvelope(draft: PublishDraft, message: Exclude<PublishMessage, { kind: 'etf' }>): Term {
  // A real OTP 25 node writes small maps in term order, whatever order the user typed.
  const inner =
    message.kind === 'broadcast'
      ? broadcastStruct(message.topic, message.event, withOtpMapOrder(message.payload))
      : withOtpMapOrder(message.message);
  if (draft.generation === 3) {
    const only = draft.only;
    return buildV3({
      mode: only === undefined ? 'except' : 'only',
      node: only ?? draft.sender ?? defaultSenderNode(draft.hostname ?? 'localhost'),
      topic: message.topic,
      message: inner,
      dispatcher: draft.dispatcher ?? (message.kind === 'broadcast' ? modules.channelServer : modules.pubsub),
    });
  }
  const shape = draft.v1Shape ?? 7;
  return buildV1({
    shape,
    nodeRef: draft.nodeRef ?? randomNodeRef(),
    fastlane: draft.fastlane ?? modules.channelServer,
    poolSize: draft.poolSize ?? 1,
    topic: message.topic,
    message: inner,
  });
}

export interface PlanDescription {
  /** The term in Elixir syntax, pretty-printed to `width`. */
  elixir: string;
  /** One line: `v3 except redis-print@box → phx:Elixir.Chat.PubSub.Adapter, 151 bytes`. */
  headline: string;
}

export function describePlan(plan: PublishPlan, options: { width?: number } = {}): PlanDescription {
  const elixir =
    plan.term === undefined
      ? '(the bytes do not decode as Erlang External Term Format)'
      : renderElixir(plan.term, { width: options.width ?? 80, structs: PHOENIX_STRUCTS });
  const validation = plan.validation;
  const envelope = validation.ok ? validation.classified.envelope : undefined;
  const what =
    envelope === undefined
      ? 'payload'
      : envelope.generation === 3
        ? `v3 ${envelope.mode} ${envelope.node}`
        : describeEnvelope(envelope);
  const size = `${plan.bytes.length} bytes${compressedNote(plan)}`;
  return { elixir, headline: `${what} → ${plan.channel}, ${size}` };
}

function compressedNote(plan: PublishPlan): string {
  const v = plan.validation;
  if (!v.ok || v.classified.inflated === undefined) return plan.bytes[1] === 80 ? ' (compressed)' : '';
  return ` (compressed; ${v.classified.inflated.length + 1} inflated)`;
}

/**
 * A publish draft prefilled from a message that was received — what the live UI's publish form
 * starts from (`P` on a selected message). Pure: etf and phoenix only, like plan.ts.
 *
 * What is copied and what is not, and why:
 *   - the channel, generation, envelope shape, topic, and the message (a Broadcast's topic, event
 *     and payload as separate fields, so they can be edited; any other term as it is);
 *   - the v3 dispatcher, v1 fastlane and pool_size, and a v3 `:only` target;
 *   - NOT a v3 `:except` sender: the original sender's node would drop the copy as its own echo,
 *     so the draft leaves it to plan.ts's default (a name no node has);
 *   - NOT a v1 node ref: a fresh one, so that no node (including the original sender, whose
 *     broadcast_from pid would be skipped) treats the copy as its own;
 *   - the message itself as traffic heard on its channel: a node sent that shape there, so that
 *     is what the channel's receivers speak (an older v1 shape then passes validation; an edited
 *     channel falls back to its name).
 */
import { Atom, ErlMap, Tuple, type Term } from '../etf/term.js';
import type { Classified } from './classified.js';
import type { PublishDraft, PublishMessage, V1Shape } from './publish-plan.js';

const v1Shapes: Record<string, V1Shape> = { 'v1/fastlane': 7, 'v1/pool': 6, 'v1/legacy': 5 };

/**
 * The draft to resend `classified` (received on `channel`), or undefined when it is not an
 * adapter envelope with a binary topic (there is nothing to prefill a topic/event form from; the
 * UI can still offer the raw bytes as `{ kind: 'etf' }`).
 */
export function draftFromMessage(channel: string, classified: Classified): PublishDraft | undefined {
  const env = classified.envelope;
  const term = classified.term;
  if (env === undefined || !(term instanceof Tuple)) return undefined;
  const e = term.elements;
  const topic = e[env.generation === 3 ? 3 : e.length - 2];
  if (!(topic instanceof Uint8Array)) return undefined;
  const topicText = new TextDecoder().decode(topic);

  const message: PublishMessage =
    classified.kind === 'broadcast' || classified.kind === 'presence_diff'
      ? {
          kind: 'broadcast',
          topic: classified.topic ?? topicText,
          event: classified.event ?? '',
          payload: classified.payload ?? emptyPayload(),
        }
      : { kind: 'bare', topic: topicText, message: classified.message ?? term };

  const heard = { channel, shapes: { [env.shape]: 1 }, source: 'in the message being copied' };
  if (env.generation === 3) {
    const draft: PublishDraft = { channel, generation: 3, message, heard };
    const [, , node, , , dispatcher] = e;
    if (env.mode === 'only' && (node instanceof Atom || node instanceof Uint8Array)) draft.only = node;
    if (dispatcher instanceof Atom) draft.dispatcher = dispatcher;
    return draft;
  }
  const shape = v1Shapes[env.shape] ?? 7;
  const draft: PublishDraft = { channel, generation: 1, message, heard, v1Shape: shape };
  if (shape === 7 && e[2] instanceof Atom) draft.fastlane = e[2];
  const poolSize = shape === 7 ? e[3] : shape === 6 ? e[2] : undefined;
  if (typeof poolSize === 'number') draft.poolSize = poolSize;
  return draft;
}

/** `%{}`: only for a Broadcast that lacks its payload key (not something Phoenix sends). */
function emptyPayload(): Term {
  return new ErlMap([], []);
}

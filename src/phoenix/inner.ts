/**
 * What the application message inside an envelope is (wire-format.md §4, §6.4): a Phoenix socket
 * struct, Tracker gossip, LongPoll session traffic, or any other term. Never an error: whatever
 * is not recognised is a plain `term`.
 */
import { Atom, ErlMap, Tuple, type Term } from '../etf/term.js';
import type { MessageKind, TrackerInfo } from './classified.js';
import { keys, structs } from './known-atoms.js';
import { labelText } from './names.js';
import { PRESENCE_TOPIC_PREFIX, trackerInfo } from './tracker.js';

export const LONG_POLL_TOPIC_PREFIX = 'phx:lp:';

export interface InnerInfo {
  kind: MessageKind;
  topic?: string;
  event?: string;
  payload?: Term;
  tracker?: TrackerInfo;
}

/**
 * Labels `message`. `envelopeTopic` is the topic text of the envelope around it (undefined for a
 * bare term): Tracker and LongPoll traffic are only recognised by their topic, as Phoenix routes them.
 */
export function classifyInner(message: Term, envelopeTopic: string | undefined): InnerInfo {
  if (message instanceof ErlMap) {
    const socket = socketStruct(message);
    if (socket !== undefined) return socket;
  }
  if (envelopeTopic !== undefined && envelopeTopic.startsWith(PRESENCE_TOPIC_PREFIX)) {
    const tracker = trackerInfo(message);
    if (tracker !== undefined) return { kind: 'tracker', topic: envelopeTopic, event: tracker.type, tracker };
  }
  const info: InnerInfo = { kind: 'term' };
  if (envelopeTopic !== undefined) info.topic = envelopeTopic;
  if (envelopeTopic !== undefined && envelopeTopic.startsWith(LONG_POLL_TOPIC_PREFIX)) {
    // {:dispatch, …}, {:flush, …}, {:ok, ref}, {:messages, …}: the leading atom says what it is.
    const first = message instanceof Tuple ? message.elements[0] : undefined;
    if (first instanceof Atom) info.event = first.name;
  }
  return info;
}

/**
 * %Phoenix.Socket.Broadcast{} (→ `presence_diff` when that is its event), %Message{}, %Reply{}.
 * A Reply has no event: its status (`ok` / `error`) stands in, which is what a list wants to show.
 */
function socketStruct(map: ErlMap): InnerInfo | undefined {
  const struct = map.structName();
  let kind: MessageKind;
  let eventKey = keys.event;
  if (struct === structs.broadcast) kind = 'broadcast';
  else if (struct === structs.message) kind = 'message';
  else if (struct === structs.reply) {
    kind = 'reply';
    eventKey = keys.status;
  } else return undefined;

  const info: InnerInfo = { kind };
  const topic = map.get(keys.topic);
  if (topic !== undefined) info.topic = labelText(topic);
  const event = map.get(eventKey);
  if (event !== undefined) info.event = event instanceof Atom ? event.name : labelText(event);
  const payload = map.get(keys.payload);
  if (payload !== undefined) info.payload = payload;
  if (kind === 'broadcast' && info.event === 'presence_diff') info.kind = 'presence_diff';
  return info;
}

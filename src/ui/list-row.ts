/**
 * One row of the message list: the text of each cell and the style of the row by message kind
 * (model/list-columns.ts sizes the columns). Pure, so the widget only joins and paints.
 *
 *   TIME         K CHANNEL             GEN       NODE    TOPIC       EVENT   SIZE PAYLOAD
 *   12:03:41.207 B Chat.PubSub.Adapter v3/except a@demo  rooms:lobby new:msg 222B %{"body" => "hi"}
 *
 * K is a one-letter kind marker, so kinds stay apart without colour (NO_COLOR).
 */
import { payloadText } from '../output/line-format.js';
import { formatBytes } from '../output/units.js';
import { topicOf, isUndecodable, type WatchedMessage } from '../output/watched-message.js';
import type { Classified } from '../phoenix/classified.js';
import { describeEnvelope } from '../phoenix/envelope.js';
import { nodeOf } from '../phoenix/classify.js';
import { fullMessage } from './compact-message.js';
import type { Cells } from './model/list-columns.js';
import type { Style } from './theme.js';
import { safeText } from './text.js';

export type { ColumnId, Cells } from './model/list-columns.js';

/** The colour of a row. */
export function rowStyle(c: Classified): Style {
  if (isUndecodable(c)) return 'undecodable';
  if (c.kind === 'tracker') return 'tracker';
  if (c.envelope?.mode === 'only') return 'direct';
  if (c.kind === 'broadcast' || c.kind === 'presence_diff') return 'broadcast';
  return 'other';
}

const KIND_LETTER: Record<Classified['kind'], string> = {
  broadcast: 'B',
  presence_diff: 'P',
  message: 'M',
  reply: 'R',
  tracker: 'T',
  term: '·',
  msgpack: 'J',
  json: 'J',
  raw: '!',
};

/** `B` broadcast, `D` direct (v3 :only), `T` tracker, `!` undecodable, … (see KIND_LEGEND). */
export function kindLetter(c: Classified): string {
  if (isUndecodable(c)) return '!';
  if (c.envelope?.mode === 'only' && c.kind !== 'tracker') return 'D';
  return KIND_LETTER[c.kind];
}

export const KIND_LEGEND =
  'B broadcast · D direct (v3 :only) · T tracker · P presence diff · M message · R reply · J JSON/msgpack · · other term · ! undecodable';

/**
 * `phx:Elixir.Chat.PubSub.Adapter` → `Chat.PubSub.Adapter`: without the prefixes every channel
 * has, but with `.Adapter`, which is how a 3.x channel differs from a 2.x one (`Chat.PubSub`).
 */
export function shortChannel(channel: string): string {
  let name = channel.startsWith('phx:') ? channel.slice(4) : channel;
  if (name.startsWith('Elixir.')) name = name.slice(7);
  return name;
}

/** `12:03:41.207` on the day `now` falls on (local time), `2026-11-27 12:03:41.207` on another. */
export function clockText(ms: number, now: number = Date.now()): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  const time = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
  const today = new Date(now);
  const sameDay =
    d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate();
  return sameDay ? time : `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${time}`;
}

// Previews are cut to the screen anyway: keep a bounded prefix per message, rendered once.
const PREVIEW_CHARS = 400;
const previews = new WeakMap<WatchedMessage, string>();

function previewOf(m: WatchedMessage): string {
  let text = previews.get(m);
  if (text === undefined) {
    let rendered: string;
    try {
      rendered = payloadText(fullMessage(m), false);
    } catch (error) {
      rendered = `! cannot render: ${error instanceof Error ? error.message : String(error)}`;
    }
    text = safeText(rendered.length > PREVIEW_CHARS ? rendered.slice(0, PREVIEW_CHARS) : rendered);
    previews.set(m, text);
  }
  return text;
}

/** Every cell's text, escaped for the terminal but not cut. `now` decides whether the time shows its date. */
export function listCells(m: WatchedMessage, now: number = Date.now()): Cells {
  const c = m.classified;
  return {
    time: clockText(m.raw.receivedAt, now),
    kind: kindLetter(c),
    channel: safeText(shortChannel(m.raw.channel)),
    gen: c.envelope ? describeEnvelope(c.envelope).replace(' ', '/') : '-',
    node: safeText(nodeOf(c) ?? '-'),
    topic: safeText(topicOf(c) ?? '-'),
    event: safeText(c.event ?? '-'),
    size: formatBytes(c.bytes).replace(' ', ''),
    payload: previewOf(m),
  };
}

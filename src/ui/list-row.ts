/**
 * One row of the message list: which columns fit the terminal, the text of each cell, and the
 * style of the row by message kind. Pure, so the widget only joins and paints.
 *
 *   TIME         K CHANNEL      GEN        NODE        TOPIC          EVENT        SIZE  PAYLOAD
 *   12:03:41.207 B Chat.PubSub  v3/except  a@demo      rooms:lobby    new_msg      222B  %{"body" => "hi"}
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
import type { Style } from './theme.js';
import { safeText } from './text.js';

export type ColumnId = 'time' | 'kind' | 'channel' | 'gen' | 'node' | 'topic' | 'event' | 'size' | 'payload';

export interface ListColumn {
  id: ColumnId;
  title: string;
  width: number;
  align: 'left' | 'right';
}

interface ColumnSpec {
  id: ColumnId;
  title: string;
  min: number;
  /** Share of the space left once every column has its minimum. */
  grow: number;
  max: number;
  align?: 'right';
  /** Columns with a higher number are dropped first when the terminal is narrow. */
  dropOrder: number;
}

const SPECS: readonly ColumnSpec[] = [
  { id: 'time', title: 'TIME', min: 12, grow: 0, max: 12, dropOrder: 0 },
  { id: 'kind', title: 'K', min: 1, grow: 0, max: 1, dropOrder: 0 },
  { id: 'channel', title: 'CHANNEL', min: 10, grow: 1, max: 18, dropOrder: 3 },
  { id: 'gen', title: 'GEN', min: 11, grow: 0, max: 11, dropOrder: 2 },
  { id: 'node', title: 'NODE', min: 8, grow: 1, max: 18, dropOrder: 1 },
  { id: 'topic', title: 'TOPIC', min: 10, grow: 2, max: 32, dropOrder: 0 },
  { id: 'event', title: 'EVENT', min: 8, grow: 1, max: 20, dropOrder: 0 },
  { id: 'size', title: 'SIZE', min: 7, grow: 0, max: 7, align: 'right', dropOrder: 0 },
  { id: 'payload', title: 'PAYLOAD', min: 16, grow: 5, max: Number.POSITIVE_INFINITY, dropOrder: 0 },
];

/** The columns for `width` terminal columns (one space between columns). */
export function listColumns(width: number): ListColumn[] {
  let specs = [...SPECS];
  const needed = (list: readonly ColumnSpec[]): number => list.reduce((n, s) => n + s.min + 1, -1);
  // Drop the least useful columns until the minimums fit; below that the payload gives way.
  for (let order = 3; order >= 1 && needed(specs) > width; order--) specs = specs.filter((s) => s.dropOrder < order);
  const widths = specs.map((s) => s.min);
  const over = needed(specs) - width;
  if (over > 0) widths[widths.length - 1] = Math.max(0, widths[widths.length - 1]! - over); // the payload, last
  let spare = Math.max(0, width - needed(specs));
  // Hand out the spare columns in proportion to `grow`, a column at a time, up to each max.
  while (spare > 0) {
    let given = 0;
    const totalGrow = specs.reduce((n, s, i) => n + (widths[i]! < s.max ? s.grow : 0), 0);
    if (totalGrow === 0) break;
    for (let i = 0; i < specs.length && spare > 0; i++) {
      const s = specs[i]!;
      if (widths[i]! >= s.max || s.grow === 0) continue;
      const share = Math.max(1, Math.floor((spare * s.grow) / totalGrow));
      const add = Math.min(share, s.max - widths[i]!, spare);
      widths[i]! += add;
      spare -= add;
      given += add;
    }
    if (given === 0) break;
  }
  return specs.map((s, i) => ({ id: s.id, title: s.title, width: widths[i]!, align: s.align ?? 'left' }));
}

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

/** `phx:Elixir.Chat.PubSub.Adapter` → `Chat.PubSub` (the generation has its own column). */
export function shortChannel(channel: string): string {
  let name = channel.startsWith('phx:') ? channel.slice(4) : channel;
  if (name.startsWith('Elixir.')) name = name.slice(7);
  if (name.endsWith('.Adapter') && name.length > 8) name = name.slice(0, -8);
  return name;
}

export function clockText(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
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

/** Every cell's text, escaped for the terminal but not cut. */
export function listCells(m: WatchedMessage): Record<ColumnId, string> {
  const c = m.classified;
  return {
    time: clockText(m.raw.receivedAt),
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

/**
 * One line per message for `watch` on a pipe (or `--no-tui`):
 *
 *   12:03:41.207 phx:Elixir.Chat.PubSub.Adapter v3/except a@10.0.0.5 rooms:lobby new:msg 222B %{"body" => "hi"}
 *
 * time with ms (local; `--time utc|delta`), channel, generation/mode, node, topic, event, size, then the
 * payload as Elixir's `inspect` prints it (term-text.ts). The seven head fields are always one word each, so `awk '{print $5}'` is the
 * topic on every line: fields a message does not have print as `-`, and whitespace or control
 * characters inside a field are escaped the way Elixir writes them in a string (`\s`, `\n`,
 * `\e`…) — which also keeps a hostile topic from sending escape sequences to the terminal.
 */
import type { Term } from '../etf/term.js';
import { describeEnvelope } from '../phoenix/envelope.js';
import type { Classified, TrackerInfo } from '../phoenix/classified.js';
import { nodeOf } from '../phoenix/classify.js';
import { escapeUnsafe, escapeWord, syntaxForTerminal } from '../text/terminal-safe.js';
import { TextMemo } from './text-memo.js';
import { formatBytes } from './units.js';
import { jsonTextForTerminal, previewBytes } from './preview.js';
import { paint, type Palette } from './palette.js';
import { termLine } from './term-text.js';
import { topicOf, type WatchedMessage } from './watched-message.js';
import { truncateVisible } from './display-width.js';

export interface LineFormatOptions {
  /** Truncate the line to this many columns (undefined: never). */
  width?: number;
  palette: Palette;
  /** The time field (default: local time, see lineClock). */
  clock?: LineClock;
}

/** `--time`: local time of day (with the date when not today), UTC ISO 8601, or seconds since the previous line. */
export type TimeMode = 'local' | 'utc' | 'delta';
export const TIME_MODES: readonly TimeMode[] = ['local', 'utc', 'delta'];

/** The time field of each line; one word, so field positions stay the same. */
export type LineClock = (receivedAt: number) => string;

/**
 * A clock for one run of lines:
 *   local  12:03:41.207 today, 2026-11-20T12:03:41.207 on another day (the machine's time zone)
 *   utc    2026-11-27T11:03:41.207Z
 *   delta  +0.012 — seconds since the previous line (+0.000 for the first)
 */
export function lineClock(mode: TimeMode = 'local', now: () => number = Date.now): LineClock {
  if (mode === 'utc') {
    // Messages come in bursts within one millisecond: format each millisecond once.
    let last = NaN;
    let text = '';
    return (ms) => {
      if (ms !== last) {
        last = ms;
        text = new Date(ms).toISOString();
      }
      return text;
    };
  }
  if (mode === 'delta') {
    let previous: number | undefined;
    return (ms) => {
      const delta = previous === undefined ? 0 : ms - previous;
      previous = ms;
      return `${delta < 0 ? '-' : '+'}${(Math.abs(delta) / 1000).toFixed(3)}`;
    };
  }
  return (ms) => localClock(ms, now());
}

// Without --full a line is cut to the terminal anyway: never render a 100 KB binary to cut it.
const ELIDE_BINARIES_OVER = 512;
const PREVIEW_BYTES = 48;
// With --full, still a look rather than the whole thing: the hex of a 16 MiB payload is 48 MB.
const FULL_PREVIEW_BYTES = 64 * 1024;

export function formatLine(m: WatchedMessage, options: LineFormatOptions): string {
  const c = m.classified;
  const { palette } = options;
  const head =
    paint(palette, 'dim', (options.clock ?? defaultClock)(m.raw.receivedAt)) +
    ' ' +
    fieldOf(m.raw.channel) +
    ' ' +
    (c.envelope ? envelopeWords.of(describeEnvelope(c.envelope)) : '-') +
    ' ' +
    nodeLabel(c) +
    ' ' +
    fieldOf(topicOf(c)) +
    ' ' +
    fieldOf(c.event) +
    ' ' +
    sizeField(c.bytes);
  const body = payloadText(m, options.width === undefined);
  const line = `${head} ${paint(palette, c.error ? 'error' : c.kind, body)}`;
  return options.width === undefined ? line : truncateVisible(line, options.width);
}

/** The payload part: what a reader wants to see for each kind. */
export function payloadText(m: WatchedMessage, full: boolean): string {
  const c = m.classified;
  // The one rendering (term-text.ts): the same text as `decode --format inspect`, long binaries cut.
  const render = (t: Term): string => syntaxForTerminal(termLine(t, full ? undefined : ELIDE_BINARIES_OVER));
  if (c.error)
    return `! ${escapeUnsafe(c.error.message)} — ${previewBytes(m.raw.payload, full ? FULL_PREVIEW_BYTES : PREVIEW_BYTES)}`;
  switch (c.kind) {
    case 'broadcast':
    case 'presence_diff':
    case 'message':
    case 'reply':
      return c.payload === undefined ? '-' : render(c.payload);
    case 'tracker': {
      const t = c.tracker!;
      return `replica=${field(t.replica)} vsn=${t.vsn}${trackerChange(t)} ${render(c.message!)}`;
    }
    case 'term':
      return render(c.message ?? c.term!);
    case 'json':
    case 'msgpack':
      return `${c.kind} ${jsonTextForTerminal(c.data, jsonSafe)}`;
    case 'raw':
      return `raw ${previewBytes(m.raw.payload, full ? FULL_PREVIEW_BYTES : PREVIEW_BYTES)}`;
  }
}

/** ` (empty)`, a delta's ` +joins −leaves`, or a transferred whole state's ` state=N` entries. */
function trackerChange(t: TrackerInfo): string {
  if (t.empty === true) return ' (empty)';
  if (t.stateSize !== undefined) return ` state=${t.stateSize}`;
  if (t.joins !== undefined) return ` +${t.joins} \u2212${t.leaves ?? 0}`;
  return '';
}

/**
 * v3: the node name. v1: the short node ref, and in parentheses the sender's Erlang node when
 * the message tells it (the `from` pid's node, or the Tracker replica that sent it).
 */
function nodeLabel(c: Classified): string {
  const env = c.envelope;
  if (!env) return '-';
  const sender = nodeOf(c);
  return fieldOf(sender !== undefined && sender !== env.node ? `${env.node}(${sender})` : env.node);
}

/** One head column: `-` when absent, `""` when empty, whitespace and control characters escaped. */
function field(text: string | undefined): string {
  if (text === undefined) return '-';
  if (text === '') return '""';
  return escapeWord(text);
}

// field() is a function of the text alone, so one memo serves every column.
const fieldTexts = new TextMemo(field);

/** field() of one column, remembered: a flood repeats a few channels, nodes, topics and events. */
function fieldOf(text: string | undefined): string {
  return text === undefined ? '-' : fieldTexts.of(text);
}

/** `v3 except` as one word, `v3/except` (a handful: v3 and its modes, the v1 shapes). */
const envelopeWords = new TextMemo((text) => text.replace(' ', '/'));

/** The size column (`246B`, `1.2KiB`); sizes below 1 KiB, most messages, are made once. */
const smallSizes: string[] = [];
function sizeField(bytes: number): string {
  if (Number.isInteger(bytes) && bytes >= 0 && bytes < 1024) return (smallSizes[bytes] ??= `${bytes}B`);
  return formatBytes(bytes).replace(' ', '');
}

// Messages come in bursts within one millisecond: format each millisecond once; and find which
// day is today once a day, not per line.
let clockMs = NaN;
let clockText = '';
let todayStart = NaN;
let todayEnd = NaN;

function localClock(ms: number, now: number): string {
  if (!(now >= todayStart && now < todayEnd)) {
    const d = new Date(now);
    todayStart = new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
    todayEnd = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
    clockMs = NaN;
  }
  if (ms === clockMs) return clockText;
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  const time = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
  clockMs = ms;
  clockText =
    ms >= todayStart && ms < todayEnd
      ? time
      : `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${time}`;
  return clockText;
}

const defaultClock = lineClock('local');

/** JSON.stringify replacer for msgpack values: bigints as strings, bytes as base64. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return { base64: Buffer.from(value).toString('base64') };
  return value;
}

// Width measuring lives in display-width.ts; re-exported for the modules that import it from here.
export { truncateVisible, visibleWidth } from './display-width.js';

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
import type { Classified, Envelope, TrackerInfo } from '../phoenix/classified.js';
import { nodeOf } from '../phoenix/classify.js';
import { escapeUnsafe, escapeWord, syntaxForTerminal } from '../text/terminal-safe.js';
import { TextMemo } from './text-memo.js';
import { HeadMemo, type HeadKey } from './head-memo.js';
import { formatBytes } from './units.js';
import { jsonTextForTerminal, previewBytes } from './preview.js';
import { paint, paintClose, paintOpen, type Palette } from './palette.js';
import { termLine, writeTermLine } from './term-text.js';
import { ElixirLineSink } from './elixir-line-sink.js';
import { asciiBytes, Utf8Lines } from './utf8-lines.js';
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
  const body = payloadText(m, options.width === undefined);
  const line = `${lineHead(m, options)} ${paint(options.palette, c.error ? 'error' : c.kind, body)}`;
  return options.width === undefined ? line : truncateVisible(line, options.width);
}

/**
 * formatLine's line and a newline, written into `out`. Without a width (nothing to cut, the
 * common case on a pipe) the payload's Elixir text goes straight into the bytes (writeTermLine),
 * with no string made of it; the bytes are formatLine's all the same.
 */
export function writeLine(m: WatchedMessage, options: LineFormatOptions, out: Utf8Lines): void {
  if (options.width !== undefined) {
    out.add(formatLine(m, options));
    return;
  }
  const c = m.classified;
  const { palette } = options;
  writeHead(m, options, out);
  out.ascii(' ' + paintOpen(palette, c.error ? 'error' : c.kind));
  const term = c.error ? undefined : lineTerm(c);
  if (term === undefined) out.text(payloadText(m, true));
  else {
    if (c.kind === 'tracker') out.text(trackerHead(c.tracker!) + ' ');
    const start = out.mark();
    if (!writeTermLine(term, lineSink.begin(out))) {
      out.rewind(start);
      out.text(termText(term, true));
    }
  }
  out.ascii(paintClose(palette));
  out.newline();
}

const lineSink = new ElixirLineSink();

/** The time, channel, envelope, node, topic, event and size columns, as text. */
function lineHead(m: WatchedMessage, options: LineFormatOptions): string {
  headScratch.rewind(0);
  writeHead(m, options, headScratch);
  return headScratch.textSince(0);
}

const headScratch = new Utf8Lines();

/**
 * The head columns written into `out`. Each column's bytes are made once per text, and the five
 * between time and size once per combination (head-memo.ts): a flood repeats a few channels,
 * nodes, topics and events, so a line's head is the time, one copy and the size.
 */
function writeHead(m: WatchedMessage, options: LineFormatOptions, out: Utf8Lines): void {
  const c = m.classified;
  // Every clock form is ASCII, and so are paint()'s escape sequences.
  out.ascii(paint(options.palette, 'dim', (options.clock ?? defaultClock)(m.raw.receivedAt)));
  out.byte(SPACE);
  const key = headKey;
  key.channel = m.raw.channel;
  key.envelope = c.envelope ? envelopeWord(c.envelope) : DASH;
  key.node = nodeText(c);
  key.topic = topicOf(c);
  key.event = c.event;
  let middle = heads.find(key);
  if (middle === undefined) {
    middle = middleBytes(key);
    heads.remember(key, middle);
  }
  out.bytes(middle);
  out.byte(SPACE);
  writeSize(c.bytes, out);
}

const heads = new HeadMemo();
const headKey: HeadKey = {
  channel: '',
  envelope: new Uint8Array(0),
  node: undefined,
  topic: undefined,
  event: undefined,
};

/** Channel, envelope, node, topic and event, a space between each (made once per combination). */
function middleBytes(key: HeadKey): Uint8Array {
  const space = SPACE_BYTES;
  return Buffer.concat([
    fieldBytesOf(key.channel),
    space,
    key.envelope,
    space,
    fieldBytesOf(key.node),
    space,
    fieldBytesOf(key.topic),
    space,
    fieldBytesOf(key.event),
  ]);
}

/** The term payloadText renders in Elixir (kinds json, msgpack and raw show none). */
function lineTerm(c: Classified): Term | undefined {
  switch (c.kind) {
    case 'broadcast':
    case 'presence_diff':
    case 'message':
    case 'reply':
      return c.payload;
    case 'tracker':
      return c.message;
    case 'term':
      return c.message ?? c.term;
    default:
      return undefined;
  }
}

/** The payload part: what a reader wants to see for each kind. */
export function payloadText(m: WatchedMessage, full: boolean): string {
  const c = m.classified;
  const preview = full ? FULL_PREVIEW_BYTES : PREVIEW_BYTES;
  if (c.error) return `! ${escapeUnsafe(c.error.message)} — ${previewBytes(m.raw.payload, preview)}`;
  if (c.kind === 'json' || c.kind === 'msgpack') return `${c.kind} ${jsonTextForTerminal(c.data, jsonSafe)}`;
  if (c.kind === 'raw') return `raw ${previewBytes(m.raw.payload, preview)}`;
  const term = lineTerm(c);
  const text = term === undefined ? '-' : termText(term, full);
  return c.kind === 'tracker' ? `${trackerHead(c.tracker!)} ${text}` : text;
}

/** The one rendering (term-text.ts): the same text as `decode --format inspect`, long binaries cut unless `full`. */
function termText(term: Term, full: boolean): string {
  return syntaxForTerminal(termLine(term, full ? undefined : ELIDE_BINARIES_OVER));
}

/** What a tracker message's line says before its term: `replica=… vsn=…` and the change. */
function trackerHead(t: TrackerInfo): string {
  return `replica=${field(t.replica)} vsn=${t.vsn}${trackerChange(t)}`;
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
function nodeText(c: Classified): string | undefined {
  const env = c.envelope;
  if (!env) return undefined;
  const sender = nodeOf(c);
  return sender !== undefined && sender !== env.node ? `${env.node}(${sender})` : env.node;
}

/** One head column: `-` when absent, `""` when empty, whitespace and control characters escaped. */
function field(text: string | undefined): string {
  if (text === undefined) return '-';
  if (text === '') return '""';
  return escapeWord(text);
}

const SPACE = 0x20;
const SPACE_BYTES = asciiBytes(' ');
const DASH = asciiBytes('-');

// field() is a function of the text alone, so one memo serves every column.
const fieldBytes = new TextMemo((text) => utf8Bytes(field(text)));

/** field() of one column as UTF-8, remembered: a flood repeats a few channels, nodes, topics and events. */
function fieldBytesOf(text: string | undefined): Uint8Array {
  return text === undefined ? DASH : fieldBytes.of(text);
}

/**
 * describeEnvelope's `v3 except` as one word, `v3/except` (a handful: v3 and its modes, the v1
 * shapes); remembered by mode or shape, so no text is made per line to look it up by.
 */
function envelopeWord(env: Envelope): Uint8Array {
  return env.generation === 3 ? v3Words.of(env.mode) : envelopeWords.of(describeEnvelope(env));
}

const envelopeWords = new TextMemo((text) => utf8Bytes(text.replace(' ', '/')));
const v3Words = new TextMemo((mode) => envelopeWords.of(`v3 ${mode}`));

/** The size column (`246B`, `1.2KiB`). */
function writeSize(bytes: number, out: Utf8Lines): void {
  if (Number.isInteger(bytes) && bytes >= 0 && bytes < 1024) {
    out.integer(bytes);
    out.byte(0x42); // B
  } else out.ascii(formatBytes(bytes).replace(' ', ''));
}

function utf8Bytes(text: string): Uint8Array {
  return Buffer.from(text, 'utf8');
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

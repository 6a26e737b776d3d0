/**
 * One line per message for `watch` on a pipe (or `--no-tui`):
 *
 *   12:03:41.207 phx:Elixir.Chat.PubSub.Adapter v3/except a@10.0.0.5 rooms:lobby new:msg 222B %{"body" => "hi"}
 *
 * time with ms (local), channel, generation/mode, node, topic, event, size, then the payload as
 * Elixir's `inspect` prints it (term-text.ts). The seven head fields are always one word each, so `awk '{print $5}'` is the
 * topic on every line: fields a message does not have print as `-`, and whitespace or control
 * characters inside a field are escaped the way Elixir writes them in a string (`\s`, `\n`,
 * `\e`…) — which also keeps a hostile topic from sending escape sequences to the terminal.
 */
import type { Term } from '../etf/term.js';
import { describeEnvelope } from '../phoenix/envelope.js';
import type { Classified, TrackerInfo } from '../phoenix/classified.js';
import { nodeOf } from '../phoenix/classify.js';
import { escapeUnsafe, escapeWord, syntaxForTerminal } from '../text/terminal-safe.js';
import { formatBytes } from './units.js';
import { jsonTextForTerminal, previewBytes } from './preview.js';
import { paint, type Palette } from './palette.js';
import { termLine } from './term-text.js';
import { topicOf, type WatchedMessage } from './watched-message.js';

export interface LineFormatOptions {
  /** Truncate the line to this many columns (undefined: never). */
  width?: number;
  palette: Palette;
}

// Without --full a line is cut to the terminal anyway: never render a 100 KB binary to cut it.
const ELIDE_BINARIES_OVER = 512;
const PREVIEW_BYTES = 48;
// With --full, still a look rather than the whole thing: the hex of a 16 MiB payload is 48 MB.
const FULL_PREVIEW_BYTES = 64 * 1024;

export function formatLine(m: WatchedMessage, options: LineFormatOptions): string {
  const c = m.classified;
  const { palette } = options;
  const head = [
    paint(palette, 'dim', clock(m.raw.receivedAt)),
    field(m.raw.channel),
    c.envelope ? describeEnvelope(c.envelope).replace(' ', '/') : '-',
    nodeLabel(c),
    field(topicOf(c)),
    field(c.event),
    formatBytes(c.bytes).replace(' ', ''),
  ].join(' ');
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
  return field(sender !== undefined && sender !== env.node ? `${env.node}(${sender})` : env.node);
}

/** One head column: `-` when absent, `""` when empty, whitespace and control characters escaped. */
function field(text: string | undefined): string {
  if (text === undefined) return '-';
  if (text === '') return '""';
  return escapeWord(text);
}

// Messages come in bursts within one millisecond: format each millisecond once.
let clockMs = NaN;
let clockText = '';

function clock(ms: number): string {
  if (ms === clockMs) return clockText;
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  clockMs = ms;
  clockText = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
  return clockText;
}

/** JSON.stringify replacer for msgpack values: bigints as strings, bytes as base64. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return { base64: Buffer.from(value).toString('base64') };
  return value;
}

/**
 * Cut to `width` terminal columns, ending with `…`. ANSI colour codes are kept whole and do not
 * count; when any were cut short, a reset closes them. Counts code points, not UTF-16 units (an
 * emoji is never split), and East Asian wide characters and emoji as two columns.
 */
export function truncateVisible(line: string, width: number): string {
  if (visibleWidth(line) <= width) return line;
  let visible = 0;
  let out = '';
  let coloured = false;
  for (let i = 0; i < line.length;) {
    if (line.charCodeAt(i) === 0x1b) {
      const end = line.indexOf('m', i);
      const stop = end === -1 ? line.length : end + 1;
      out += line.slice(i, stop);
      coloured = true;
      i = stop;
      continue;
    }
    const cp = line.codePointAt(i)!;
    const w = columns(cp);
    if (visible + w > width - 1) break; // leave one column for the ellipsis
    out += String.fromCodePoint(cp);
    visible += w;
    i += cp > 0xffff ? 2 : 1;
  }
  return coloured ? `${out}…\u001b[0m` : `${out}…`;
}

/** Terminal columns `text` takes, ANSI colour codes not counted. */
export function visibleWidth(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length;) {
    if (text.charCodeAt(i) === 0x1b) {
      const end = text.indexOf('m', i);
      i = end === -1 ? text.length : end + 1;
      continue;
    }
    const cp = text.codePointAt(i)!;
    n += columns(cp);
    i += cp > 0xffff ? 2 : 1;
  }
  return n;
}

// A rough wcwidth: enough that CJK text and emoji do not overflow the line.
function columns(cp: number): number {
  if (cp < 0x300) return 1;
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (cp >= 0x1f3fb && cp <= 0x1f3ff) return 0; // skin-tone modifiers join the emoji before them
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

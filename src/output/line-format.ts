/**
 * One line per message for `watch` on a pipe (or `--no-tui`):
 *
 *   12:03:41.207 phx:Elixir.Chat.PubSub.Adapter v3 except a@10.0.0.5 rooms:lobby new:msg 222B %{"body" => "hi"}
 *
 * time with ms (local), channel, generation/mode, node, topic, event, size, then the payload in
 * compact Elixir. Fields a message does not have print as `-` so columns stay countable by awk.
 */
import { renderElixir } from '../etf/render/elixir.js';
import type { Term } from '../etf/term.js';
import { describeEnvelope } from '../phoenix/envelope.js';
import { PHOENIX_STRUCTS } from '../phoenix/structs.js';
import type { Classified } from '../phoenix/classified.js';
import { formatBytes } from './units.js';
import { previewBytes } from './preview.js';
import { paint, type Palette } from './palette.js';
import { topicOf, type WatchedMessage } from './watched-message.js';

export interface LineFormatOptions {
  /** Truncate the line to this many columns (undefined: never). */
  width?: number;
  palette: Palette;
}

// Without --full a line is cut to the terminal anyway: never render a 100 KB binary to cut it.
const ELIDE_BINARIES_OVER = 512;
const PREVIEW_BYTES = 48;

export function formatLine(m: WatchedMessage, options: LineFormatOptions): string {
  const c = m.classified;
  const { palette } = options;
  const head = [
    paint(palette, 'dim', clock(m.raw.receivedAt)),
    m.raw.channel,
    c.envelope ? describeEnvelope(c.envelope) : '-',
    nodeLabel(c),
    topicOf(c) ?? '-',
    c.event ?? '-',
    formatBytes(c.bytes),
  ].join(' ');
  const body = payloadText(m, options.width === undefined);
  const line = `${head} ${paint(palette, c.error ? 'error' : c.kind, body)}`;
  return options.width === undefined ? line : truncateVisible(line, options.width);
}

/** The payload part: what a reader wants to see for each kind. */
export function payloadText(m: WatchedMessage, full: boolean): string {
  const c = m.classified;
  const render = (t: Term): string =>
    renderElixir(t, {
      pretty: false,
      structs: PHOENIX_STRUCTS,
      ...(full ? {} : { maxBinaryLength: ELIDE_BINARIES_OVER }),
    });
  if (c.error) return `! ${c.error.message} — ${previewBytes(m.raw.payload, full ? Infinity : PREVIEW_BYTES)}`;
  switch (c.kind) {
    case 'broadcast':
    case 'presence_diff':
    case 'message':
    case 'reply':
      return c.payload === undefined ? '-' : render(c.payload);
    case 'tracker': {
      const t = c.tracker!;
      const delta = t.empty ? ' (empty)' : t.deltaSize !== undefined ? ` delta=${t.deltaSize}` : '';
      return `replica=${t.replica} vsn=${t.vsn}${delta} ${render(c.message!)}`;
    }
    case 'term':
      return render(c.message ?? c.term!);
    case 'json':
    case 'msgpack':
      return `${c.kind} ${JSON.stringify(c.data, jsonSafe)}`;
    case 'raw':
      return `raw ${previewBytes(m.raw.payload, full ? Infinity : PREVIEW_BYTES)}`;
  }
}

function nodeLabel(c: Classified): string {
  const env = c.envelope;
  if (!env) return '-';
  return env.fromNode ? `${env.node}(${env.fromNode})` : env.node;
}

function clock(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** JSON.stringify replacer for msgpack values: bigints as strings, bytes as base64. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return { base64: Buffer.from(value).toString('base64') };
  return value;
}

/** Cut to `width` visible columns, keeping ANSI colour codes intact and closing them. */
function truncateVisible(line: string, width: number): string {
  let visible = 0;
  let out = '';
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\u001b') {
      const end = line.indexOf('m', i);
      out += line.slice(i, end + 1);
      i = end;
      continue;
    }
    if (visible === width - 1 && i < line.length - 1) return `${out}…\u001b[0m`;
    out += line[i];
    visible++;
  }
  return out;
}

/**
 * What the detail and hex panes show for the selected message: a fold-able tree of the decoded
 * term (with byte spans, so the hex pane can highlight the node under the cursor), or text lines
 * for payloads that are not terms (JSON, msgpack, undecodable bytes).
 *
 * The buffer keeps messages compact (see compact-message.ts): the term and its byte spans are
 * decoded here, for the one selected message, rather than kept for every message received.
 * Decoding one payload again takes microseconds.
 */
import { formatBytes } from '../output/units.js';
import { previewBytes } from '../output/preview.js';
import { termLine, termPretty } from '../output/term-text.js';
import type { WatchedMessage } from '../output/watched-message.js';
import type { Classified, EnvelopeShape } from '../phoenix/classified.js';
import { fullMessage } from './compact-message.js';
import { DetailTree } from './model/detail-tree.js';
import type { ByteRange } from './model/hex-dump.js';

/** Names of the envelope tuple's elements, shown next to them (wire-format.md §2.3). */
const ENVELOPE_FIELDS: Record<EnvelopeShape, readonly string[]> = {
  v3: ['vsn', 'mode', 'node', 'topic', 'message', 'dispatcher'],
  'v1/fastlane': ['vsn', 'node_ref', 'fastlane', 'pool_size', 'from', 'topic', 'message'],
  'v1/pool': ['vsn', 'node_ref', 'pool_size', 'from', 'topic', 'message'],
  'v1/legacy': ['vsn', 'node_ref', 'from', 'topic', 'message'],
};

/** Binaries longer than this are shown cut, with their size. */
export const DETAIL_MAX_BINARY = 160;
const MAX_TEXT_LINES = 5000;

export interface DetailContent {
  readonly message: WatchedMessage;
  /** The decoded term as a tree, when the payload is ETF that decoded. */
  readonly tree: DetailTree | undefined;
  /** Text lines for what is not a term (the pane wraps them). */
  readonly text: readonly string[];
  /** Element names of the envelope tuple, when the term is one. */
  readonly envelopeFields: readonly string[] | undefined;
  /** The bytes the hex pane shows: the inflated term of a compressed payload, else the payload. */
  readonly hexBytes: Uint8Array;
  /** What those bytes are, for the hex pane's title. */
  readonly hexTitle: string;
  /** Bytes to highlight when there is no tree (where decoding failed). */
  readonly fixedHighlight: ByteRange | undefined;
  /** First row shown (kept with the content so that going back to a message keeps its place). */
  scrollTop: number;
  hexScroll: number;
  /** Start of the highlight the hex pane last scrolled to (it scrolls again only when it moves). */
  hexAnchor: number;
}

export function detailContent(message: WatchedMessage): DetailContent {
  const c: Classified = fullMessage(message, { spans: true }).classified;
  const payload = message.raw.payload;
  const inflated = c.inflated;
  const hexBytes = inflated ?? payload;
  const hexTitle =
    inflated === undefined
      ? `payload ${formatBytes(payload.length)}`
      : `inflated ${formatBytes(inflated.length)} (zlib payload ${formatBytes(payload.length)})`;
  const base = { message, hexBytes, hexTitle, scrollTop: 0, hexScroll: 0, hexAnchor: -1 };

  if (c.term !== undefined) {
    const tree = new DetailTree(c.term, {
      ...(c.spans ? { spans: c.spans } : {}),
      renderTerm: (t) => termLine(t, DETAIL_MAX_BINARY),
    });
    const envelopeFields = c.envelope ? ENVELOPE_FIELDS[c.envelope.shape] : undefined;
    return { ...base, tree, text: [], envelopeFields, fixedHighlight: undefined };
  }
  if (c.error !== undefined) {
    const at = c.error.offset;
    const text = [
      `! not decodable: ${c.error.message}`,
      `  at byte ${at} of ${payload.length} (highlighted in the hex pane)`,
      '',
      previewBytes(payload, 4096),
    ];
    return { ...base, tree: undefined, text, envelopeFields: undefined, fixedHighlight: { start: at, end: at + 1 } };
  }
  if (c.kind === 'json' || c.kind === 'msgpack') {
    const json = JSON.stringify(c.data, jsonSafe, 2) ?? 'undefined';
    const lines = [`${c.kind === 'json' ? 'JSON' : 'msgpack'} (not Erlang External Term Format):`, ...json.split('\n')];
    return { ...base, tree: undefined, text: capLines(lines), envelopeFields: undefined, fixedHighlight: undefined };
  }
  const text = ['raw bytes (not Erlang External Term Format, JSON or msgpack):', '', previewBytes(payload, 4096)];
  return { ...base, tree: undefined, text, envelopeFields: undefined, fixedHighlight: undefined };
}

/** The byte range to highlight in the hex pane now. */
export function highlightOf(content: DetailContent): ByteRange | undefined {
  return content.tree?.selectedRange ?? content.fixedHighlight;
}

function capLines(lines: string[]): string[] {
  if (lines.length <= MAX_TEXT_LINES) return lines;
  return [...lines.slice(0, MAX_TEXT_LINES), `… ${lines.length - MAX_TEXT_LINES} more lines`];
}

/** msgpack values made printable: 64-bit integers as text, binaries as base64. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return { base64: Buffer.from(value).toString('base64') };
  return value;
}

/** The selected message's term in Elixir, pretty, as `y` copies it. */
export function copyText(message: WatchedMessage): string {
  const c = fullMessage(message).classified;
  const term = c.term;
  if (term !== undefined) return termPretty(term, 98);
  if (c.kind === 'json' || c.kind === 'msgpack') return JSON.stringify(c.data, jsonSafe, 2) ?? '';
  return previewBytes(message.raw.payload, Number.POSITIVE_INFINITY);
}

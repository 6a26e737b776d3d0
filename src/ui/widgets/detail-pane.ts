/**
 * The detail pane: a title line naming the message, then the fold-able tree of its term (▸/▾ per
 * container, the envelope's elements named in a trailing `# comment`), or text for payloads that
 * are not terms. Only the rows in view are turned into text.
 */
import { formatBytes } from '../../output/units.js';
import { topicOf, type WatchedMessage } from '../../output/watched-message.js';
import { describeEnvelope } from '../../phoenix/envelope.js';
import type { DetailContent } from '../detail-content.js';
import { rowText, type DetailRow } from '../model/detail-tree.js';
import { clockText } from '../list-row.js';
import { clip, escapeTags, fit, safeText, visibleWidth } from '../text.js';
import type { Theme } from '../theme.js';

export interface PaneView {
  width: number;
  /** Rows including the title line. */
  height: number;
  focused: boolean;
}

export function detailTitle(m: WatchedMessage): string {
  const c = m.classified;
  const env = c.envelope;
  const parts = [
    `#${m.seq}`,
    clockText(m.raw.receivedAt),
    c.error ? 'undecodable' : c.kind,
    env ? describeEnvelope(env) : undefined,
    topicOf(c),
    c.event,
    formatBytes(c.bytes) + (env?.compressed ? ' zlib' : ''),
  ];
  return safeText(parts.filter((p) => p !== undefined && p !== '').join(' · '));
}

export function drawDetail(content: DetailContent | undefined, view: PaneView, theme: Theme): string[] {
  const title = content === undefined ? ' Detail' : ` Detail  ${detailTitle(content.message)}`;
  const lines = [theme.paint(view.focused ? 'headerFocused' : 'header', escapeTags(fit(title, view.width)))];
  const body = Math.max(0, view.height - 1);
  if (content === undefined) {
    lines.push(theme.paint('dim', escapeTags(fit(' select a message to see it decoded here', view.width))));
    return lines;
  }
  const tree = content.tree;
  if (tree === undefined) return lines.concat(drawText(content, view.width, body, theme));

  const rows = tree.rows();
  const cursor = tree.cursor;
  content.scrollTop = scrollToShow(content.scrollTop, cursor, body, rows.length);
  const end = Math.min(rows.length, content.scrollTop + body);
  for (let i = content.scrollTop; i < end; i++) {
    const row = rows[i]!;
    const text = safeText(rowText(row, { maxIndent: 12 }));
    const note = envelopeNote(content, row);
    if (i === cursor) {
      const style = view.focused ? 'selected' : 'cursor';
      lines.push(theme.paint(style, escapeTags(fit(text + (note ? `  # ${note}` : ''), view.width))));
      continue;
    }
    if (note === undefined) {
      lines.push(escapeTags(clip(text, view.width)));
      continue;
    }
    const shown = clip(text, Math.max(0, view.width - note.length - 4));
    lines.push(
      escapeTags(shown) + theme.paint('dim', escapeTags(clip(`  # ${note}`, view.width - visibleWidth(shown)))),
    );
  }
  return lines;
}

/** `# topic` after an envelope element, so nobody has to count tuple positions. */
function envelopeNote(content: DetailContent, row: DetailRow): string | undefined {
  const names = content.envelopeFields;
  const node = row.node;
  if (names === undefined || row.more !== undefined || node.parent === undefined || node.parent.parent !== undefined)
    return undefined;
  return names[node.parent.builtChildren.indexOf(node)];
}

function drawText(content: DetailContent, width: number, body: number, theme: Theme): string[] {
  const wrapped = wrapLines(content.text, Math.max(1, width));
  content.scrollTop = Math.max(0, Math.min(content.scrollTop, wrapped.length - body));
  return wrapped.slice(content.scrollTop, content.scrollTop + body).map((line, i) => {
    const text = escapeTags(line);
    return i === 0 && content.scrollTop === 0 ? theme.paint('accent', text) : text;
  });
}

/** Lines cut into pieces of `width` characters (the text here is escaped, mostly ASCII). */
export function wrapLines(lines: readonly string[], width: number): string[] {
  const out: string[] = [];
  for (const raw of lines) {
    const line = safeText(raw);
    if (line.length <= width) out.push(line);
    else for (let i = 0; i < line.length; i += width) out.push(line.slice(i, i + width));
  }
  return out;
}

/** The first row to show so that `cursor` is in view, moving as little as possible. */
export function scrollToShow(top: number, cursor: number, height: number, total: number): number {
  if (height <= 0) return 0;
  let next = top;
  if (cursor < next) next = cursor;
  else if (cursor >= next + height) next = cursor - height + 1;
  return Math.max(0, Math.min(next, Math.max(0, total - height)));
}

/**
 * The hex pane: `hexdump -C` lines of the selected message's bytes (the inflated term for a
 * compressed payload, and the title says so), with the bytes of the detail node under the cursor
 * highlighted — the same offsets the decoder reported, so tree and bytes always agree.
 */
import type { DetailContent } from '../detail-content.js';
import { highlightOf } from '../detail-content.js';
import { hexDump, hexLineCount, hexLineOf, type HexSegment } from '../model/hex-dump.js';
import { escapeTags, fit } from '../text.js';
import type { Theme } from '../theme.js';
import type { PaneView } from './detail-pane.js';

/** Bytes per line that fit `width` columns: 16 (78 columns), 8 (45) or 4. */
export function hexBytesPerLine(width: number): number {
  if (width >= 78) return 16;
  if (width >= 45) return 8;
  return 4;
}

/** Columns a hex pane needs to show `perLine` bytes a line. */
export function hexPaneWidth(perLine: number): number {
  return perLine === 16 ? 78 : perLine === 8 ? 45 : 29;
}

export function drawHex(content: DetailContent | undefined, view: PaneView, theme: Theme): string[] {
  const title = content === undefined ? ' Hex' : ` Hex  ${content.hexTitle}`;
  const lines = [theme.paint(view.focused ? 'headerFocused' : 'header', escapeTags(fit(title, view.width)))];
  if (content === undefined) return lines;
  const body = Math.max(0, view.height - 1);
  const perLine = hexBytesPerLine(view.width);
  const total = hexLineCount(content.hexBytes.length, perLine);
  const highlight = highlightOf(content);
  // Follow the highlight when it moves (the detail cursor moved); otherwise keep the user's scroll.
  if (highlight !== undefined && highlight.start !== content.hexAnchor) {
    content.hexAnchor = highlight.start;
    const first = hexLineOf(highlight.start, perLine);
    const last = hexLineOf(Math.max(highlight.start, highlight.end - 1), perLine);
    const span = last - first + 1;
    if (first < content.hexScroll || last >= content.hexScroll + body) {
      // Centred when it fits, else from its first line.
      content.hexScroll = span >= body ? first : Math.max(0, first - Math.floor((body - span) / 2));
    }
  }
  content.hexScroll = Math.max(0, Math.min(content.hexScroll, total - body));
  const dump = hexDump(content.hexBytes, {
    width: perLine,
    fromLine: content.hexScroll,
    lineCount: body,
    ...(highlight ? { highlight } : {}),
  });
  for (const line of dump) lines.push(line.segments.map((s) => paintSegment(s, theme)).join(''));
  return lines;
}

function paintSegment(segment: HexSegment, theme: Theme): string {
  const text = escapeTags(segment.text);
  if (segment.highlight) return theme.paint('highlight', text);
  return segment.role === 'offset' ? theme.paint('dim', text) : text;
}

/**
 * The message list pane: a header line of column titles, then only the rows in the viewport
 * (the model hands out that window; nothing is drawn for the thousands of rows off screen).
 */
import type { MessageListModel } from '../model/message-list.js';
import { listCells, listColumns, rowStyle, type ListColumn } from '../list-row.js';
import { escapeTags, fit } from '../text.js';
import type { Theme } from '../theme.js';

export interface MessageListView {
  width: number;
  /** Rows including the header line. */
  height: number;
  focused: boolean;
  /** Shown when the list is empty. */
  emptyText: string;
}

export function drawMessageList(list: MessageListModel, view: MessageListView, theme: Theme): string[] {
  const columns = listColumns(view.width);
  const header = fit(columns.map((c) => fit(c.title, c.width, c.align)).join(' '), view.width);
  const lines = [theme.paint(view.focused ? 'headerFocused' : 'header', escapeTags(header))];
  const rows = list.window();
  if (rows.length === 0) {
    lines.push(theme.paint('dim', escapeTags(fit(view.emptyText, view.width))));
    return lines;
  }
  const top = list.top;
  rows.forEach((m, i) => {
    const cells = listCells(m);
    const selected = top + i === list.selectedIndex;
    if (selected) {
      const text = joinCells(columns, (c) => cells[c.id]);
      lines.push(theme.paint('selected', escapeTags(fit(text, view.width))));
      return;
    }
    const style = rowStyle(m.classified);
    // Time dim, the rest in the kind's colour: the eye finds kinds by colour, times by position.
    const time = columns[0]!;
    const rest = joinCells(columns.slice(1), (c) => cells[c.id]);
    const restWidth = Math.max(0, view.width - time.width - 1);
    lines.push(
      `${theme.paint('dim', escapeTags(fit(cells.time, time.width)))} ${theme.paint(style, escapeTags(fit(rest, restWidth)))}`,
    );
  });
  return lines;
}

function joinCells(columns: readonly ListColumn[], text: (c: ListColumn) => string): string {
  return columns.map((c) => (c.width === 0 ? '' : fit(text(c), c.width, c.align))).join(' ');
}

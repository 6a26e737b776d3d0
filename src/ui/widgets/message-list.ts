/**
 * The message list pane: a header line of column titles, then only the rows in the viewport
 * (the model hands out that window; nothing is drawn for the thousands of rows off screen).
 * Columns are sized from those rows (model/list-columns.ts); time and kind stay put when the
 * rest of the row is scrolled sideways.
 */
import type { MessageListModel } from '../model/message-list.js';
import { elide, layoutColumns, type Cells, type ColumnPrefs, type ListColumn } from '../model/list-columns.js';
import { listCells, rowStyle } from '../list-row.js';
import { escapeTags, fit, skipColumns } from '../text.js';
import type { Theme } from '../theme.js';

export interface MessageListView {
  width: number;
  /** Rows including the header line. */
  height: number;
  focused: boolean;
  /** Shown when the list is empty. */
  emptyText: string;
  columns: ColumnPrefs;
  /** The day whose times show without a date. */
  now: number;
}

/** Time and kind: never scrolled away. */
const FROZEN = 2;

export function drawMessageList(list: MessageListModel, view: MessageListView, theme: Theme): string[] {
  const rows = list.window();
  const cells = rows.map((m) => listCells(m, view.now));
  const columns = layoutColumns(cells, view.width, view.columns);
  const lines = [drawHeader(columns, view, theme)];
  if (rows.length === 0) {
    lines.push(theme.paint('dim', escapeTags(fit(view.emptyText, view.width))));
    return lines;
  }
  const top = list.top;
  rows.forEach((m, i) => {
    const [frozen, rest] = rowParts(columns, cells[i]!, view);
    const selected = top + i === list.selectedIndex;
    if (selected) {
      lines.push(theme.paint('selected', escapeTags(fit(`${frozen}${rest}`, view.width))));
      return;
    }
    // Time dim, the rest in the kind's colour: the eye finds kinds by colour, times by position.
    const style = rowStyle(m.classified);
    const time = columns[0]!;
    const restWidth = Math.max(0, view.width - time.width - 1);
    lines.push(
      `${theme.paint('dim', escapeTags(fit(cells[i]!.time, time.width)))} ${theme.paint(style, escapeTags(fit(`${frozen.slice(time.width + 1)}${rest}`, restWidth)))}`,
    );
  });
  return lines;
}

/** The frozen part (time and kind, with their spaces) and the rest, scrolled. */
function rowParts(columns: readonly ListColumn[], cells: Cells, view: MessageListView): [string, string] {
  const frozen = columns
    .slice(0, FROZEN)
    .map((c) => `${fit(cells[c.id], c.width, c.align)} `)
    .join('');
  const restColumns = columns.slice(FROZEN);
  const scroll = view.columns.scroll;
  const text = restColumns
    .map((c) =>
      // Scrolled, the payload shows what follows its cut; otherwise every cell fits its column.
      c.id === 'payload' && scroll > 0 ? cells.payload : fit(elide(cells[c.id], c.elidePrefix), c.width, c.align),
    )
    .join(' ');
  return [frozen, skipColumns(text, scroll)];
}

function drawHeader(columns: readonly ListColumn[], view: MessageListView, theme: Theme): string {
  const style = view.focused ? 'headerFocused' : 'header';
  const titles = columns.map((c) => fit(c.title, c.width, c.align));
  const frozen = titles.slice(0, FROZEN).join(' ');
  const rest = skipColumns(titles.slice(FROZEN).join(' '), view.columns.scroll);
  const line = fit(`${frozen} ${rest}`, view.width);
  // The selected column's title is marked (`[`/`]` move it, `+`/`-` resize, `H` hides it).
  const selected = columns.find((c) => c.id === view.columns.selected);
  if (selected === undefined || view.columns.scroll > 0) return theme.paint(style, escapeTags(line));
  let start = 0;
  for (const c of columns) {
    if (c === selected) break;
    start += c.width + 1;
  }
  const end = Math.min(view.width, start + selected.width);
  if (start >= view.width) return theme.paint(style, escapeTags(line));
  return (
    theme.paint(style, escapeTags(line.slice(0, start))) +
    theme.paint('key', escapeTags(line.slice(start, end))) +
    theme.paint(style, escapeTags(line.slice(end)))
  );
}

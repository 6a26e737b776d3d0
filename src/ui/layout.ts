/**
 * Where each pane goes for a terminal size: the list on top, detail (and hex, when shown) below
 * it, the status bar and the prompt/notice line at the bottom. Works down to 80×24 and below
 * (the panes shrink, nothing overlaps); the hex pane takes 16, 8 or 4 bytes a line as room allows.
 */
import { hexPaneWidth } from './widgets/hex-pane.js';

export interface Rect {
  top: number;
  left: number;
  width: number;
  height: number;
}

export interface MainLayout {
  list: Rect;
  detail: Rect;
  hex: Rect | undefined;
  status: Rect;
  bottom: Rect;
  /** Everything above the status bar (the stats and help views use it whole). */
  body: Rect;
}

/**
 * Columns the detail pane keeps beside a hex pane of 16 and of 8 bytes a line: the tree is what
 * people read, the hex pane what they glance at, so 16 bytes a line only on wide terminals.
 */
const DETAIL_BESIDE: ReadonlyArray<[perLine: number, detailWidth: number]> = [
  [16, 60],
  [8, 34],
  [4, 30],
];

export function mainLayout(width: number, height: number, showHex: boolean): MainLayout {
  const bodyHeight = Math.max(2, height - 2);
  // Header + at least 2 rows each; the list gets a little less than half.
  const listHeight = Math.max(Math.min(3, bodyHeight), Math.min(bodyHeight - 3, Math.floor(bodyHeight * 0.45)));
  const lowerTop = listHeight;
  const lowerHeight = Math.max(0, bodyHeight - listHeight);
  let hex: Rect | undefined;
  let detailWidth = width;
  if (showHex) {
    const fit = DETAIL_BESIDE.find(([perLine, detail]) => width - hexPaneWidth(perLine) - 1 >= detail);
    const hexWidth = fit === undefined ? 0 : hexPaneWidth(fit[0]);
    if (hexWidth > 0) {
      detailWidth = width - hexWidth - 1;
      hex = { top: lowerTop, left: detailWidth + 1, width: hexWidth, height: lowerHeight };
    }
  }
  return {
    list: { top: 0, left: 0, width, height: listHeight },
    detail: { top: lowerTop, left: 0, width: detailWidth, height: lowerHeight },
    hex,
    status: { top: height - 2, left: 0, width, height: 1 },
    bottom: { top: height - 1, left: 0, width, height: 1 },
    body: { top: 0, left: 0, width, height: bodyHeight },
  };
}

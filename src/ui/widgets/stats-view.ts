/**
 * The stats view (`t`): the total rate with a sparkline of the last minute, then the top topics,
 * events and nodes — each with msg/s and bytes/s over the last 10 s and since the start, plus
 * totals. `s` sorts by messages or bytes, `a` ranks by the last 10 s or by since start.
 */
import { formatBytes, formatByteRate, formatCount, formatRate } from '../../output/units.js';
import { sparkline } from '../model/sparkline.js';
import type { StatsDimension, StatsModel, StatsRow, StatsScope, StatsSort } from '../model/stats.js';
import { escapeTags, fit, safeText } from '../text.js';
import type { Theme } from '../theme.js';

export interface StatsViewState {
  sort: StatsSort;
  scope: StatsScope;
}

const DIMENSIONS: ReadonlyArray<[StatsDimension, string]> = [
  ['topic', 'TOPIC'],
  ['event', 'EVENT'],
  ['node', 'NODE'],
];

const NUMBER_COLUMNS = [
  { title: 'msg/s 10s', width: 10 },
  { title: 'B/s 10s', width: 11 },
  { title: 'msg/s all', width: 10 },
  { title: 'B/s all', width: 11 },
  { title: 'msgs', width: 8 },
  { title: 'bytes', width: 10 },
] as const;

export function drawStats(
  stats: StatsModel,
  state: StatsViewState,
  width: number,
  height: number,
  theme: Theme,
): string[] {
  const window = stats.totals('window');
  const total = stats.totals('total');
  const history = stats.history('msgs');
  const peak = Math.max(0, ...history);
  const sortText = `${state.sort === 'msgs' ? 'messages' : 'bytes'} ${state.scope === 'window' ? 'over the last 10 s' : 'since start'}`;
  const lines: string[] = [
    theme.paint(
      'headerFocused',
      escapeTags(
        fit(
          ` Traffic stats — ranked by ${sortText}   (s: sort by ${state.sort === 'msgs' ? 'bytes' : 'messages'}, a: ${state.scope === 'window' ? 'since start' : 'last 10 s'}, Esc: back)`,
          width,
        ),
      ),
    ),
    escapeTags(
      fit(
        ` now ${formatRate(window.msgRate)} msg/s ${formatByteRate(window.byteRate)} (10 s)   since start ${formatRate(total.msgRate)} msg/s ${formatByteRate(total.byteRate)}, ${formatCount(total.msgs)} msgs ${formatBytes(total.bytes)}`,
        width,
      ),
    ),
  ];
  const label = (w: number): string => `msg/s, last ${w} s, peak ${formatRate(peak)}`;
  const sparkWidth = Math.max(0, Math.min(history.length, width - label(history.length).length - 3));
  lines.push(
    ` ${theme.paint('accent', escapeTags(sparkline(history, { width: sparkWidth })))} ${theme.paint('dim', escapeTags(fit(label(sparkWidth), Math.max(0, width - sparkWidth - 2))))}`,
  );

  const left = height - lines.length;
  // Each table: a blank line, a header, and its rows; the space is shared equally.
  const perTable = Math.max(1, Math.floor(left / DIMENSIONS.length) - 2);
  // Narrow terminals lose the totals first: the key needs room to be readable.
  let shown: number = NUMBER_COLUMNS.length;
  const numbersWidth = (): number => NUMBER_COLUMNS.slice(0, shown).reduce((n, c) => n + c.width + 1, 0);
  while (shown > 2 && width - numbersWidth() - 1 < 24) shown--;
  const keyWidth = Math.max(8, width - numbersWidth() - 1);
  for (const [dimension, title] of DIMENSIONS) {
    if (lines.length + 2 > height) break;
    lines.push('');
    const header =
      ' ' +
      fit(title, keyWidth - 1) +
      NUMBER_COLUMNS.slice(0, shown)
        .map((c) => ' ' + fit(c.title, c.width, 'right'))
        .join('');
    lines.push(theme.paint('header', escapeTags(fit(header, width))));
    const rows = rankedRows(stats, dimension, state, perTable);
    if (rows.length === 0) lines.push(theme.paint('dim', escapeTags(fit(' (nothing yet)', width))));
    for (const row of rows) {
      if (lines.length >= height) break;
      lines.push(escapeTags(fit(' ' + fit(safeText(row.key), keyWidth - 1) + numbers(row, shown), width)));
    }
  }
  return lines.slice(0, height);
}

interface RankedRow {
  key: string;
  window: StatsRow | undefined;
  total: StatsRow | undefined;
}

function rankedRows(stats: StatsModel, dimension: StatsDimension, state: StatsViewState, limit: number): RankedRow[] {
  const ranked = stats.top(dimension, { by: state.sort, scope: state.scope, limit });
  const other = stats.top(dimension, { by: state.sort, scope: state.scope === 'window' ? 'total' : 'window' });
  const byKey = new Map(other.map((r) => [r.key, r]));
  return ranked.map((r) =>
    state.scope === 'window'
      ? { key: r.key, window: r, total: byKey.get(r.key) }
      : { key: r.key, window: byKey.get(r.key), total: r },
  );
}

function numbers(row: RankedRow, shown: number): string {
  const w = row.window;
  const t = row.total;
  const cells = [
    w ? formatRate(w.msgRate) : '0',
    w ? formatByteRate(w.byteRate) : '0 B/s',
    t ? formatRate(t.msgRate) : '0',
    t ? formatByteRate(t.byteRate) : '0 B/s',
    t ? formatCount(t.msgs) : '0',
    t ? formatBytes(t.bytes) : '0 B',
  ];
  return cells
    .slice(0, shown)
    .map((text, i) => ' ' + fit(text, NUMBER_COLUMNS[i]!.width, 'right'))
    .join('');
}

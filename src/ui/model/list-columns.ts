/**
 * The message list's columns, sized from the rows on screen: each column as wide as what it shows
 * (between a minimum and a maximum), the payload taking the rest. When the terminal is too narrow,
 * columns shrink to their minimum and then the least important go first (by priority, whatever
 * their position). What the rows of a column have in common at the start — the `myapp@ip-10-0-1-`
 * of `…-23.eu-west-1.compute.internal` and `…-24…`, the `user_socket:lv_phx-F` of LiveView topics —
 * is elided (`…`) when the column is too narrow for the whole names, so the part that tells rows
 * apart stays visible; cutting from the right then drops the common tail.
 *
 * The user can widen or narrow the selected column, hide columns, and scroll the row sideways
 * (time and kind stay put). Pure: cells in, widths and texts out.
 */
import { visibleWidth } from '../../output/display-width.js';

export type ColumnId = 'time' | 'kind' | 'channel' | 'gen' | 'node' | 'topic' | 'event' | 'size' | 'payload';

export interface ListColumn {
  id: ColumnId;
  title: string;
  width: number;
  align: 'left' | 'right';
  /** The start shared by the cells of this column, elided to `…` (empty: none). */
  elidePrefix: string;
}

interface ColumnSpec {
  id: ColumnId;
  title: string;
  /** Narrower than this (or than its content, when that is less) a column is no use: it goes instead. */
  min: number;
  max: number;
  /** Higher stays longer when the terminal is too narrow for every column. */
  priority: number;
  align?: 'right';
  /** Shows whole names, so a shared prefix may be elided. */
  names?: boolean;
}

export const COLUMN_SPECS: readonly ColumnSpec[] = [
  { id: 'time', title: 'TIME', min: 12, max: 23, priority: 90 },
  { id: 'kind', title: 'K', min: 1, max: 1, priority: 95 },
  { id: 'channel', title: 'CHANNEL', min: 10, max: 32, priority: 30, names: true },
  { id: 'gen', title: 'GEN', min: 11, max: 11, priority: 40 },
  { id: 'node', title: 'NODE', min: 8, max: 48, priority: 60, names: true },
  { id: 'topic', title: 'TOPIC', min: 8, max: 48, priority: 85, names: true },
  { id: 'event', title: 'EVENT', min: 8, max: 20, priority: 70, names: true },
  { id: 'size', title: 'SIZE', min: 7, max: 7, priority: 50, align: 'right' },
  { id: 'payload', title: 'PAYLOAD', min: 10, max: Number.POSITIVE_INFINITY, priority: 100 },
];

/**
 * Columns the payload should have (24, or a third of a wide terminal): the other columns shrink,
 * least important first, then the least important go, until it does.
 */
const EXTRA = 50;

function payloadRoom(width: number): number {
  return Math.max(24, Math.floor(width / 3));
}

/** What the user changed: `[` `]` select, `+` `-` resize, `H` hides, `0` resets; `←` `→` scroll. */
export interface ColumnPrefs {
  selected: ColumnId;
  /** Columns added to (or taken from) a column's width as sized from the rows. */
  extra: Partial<Record<ColumnId, number>>;
  hidden: ReadonlySet<ColumnId>;
  /** Columns the row is scrolled sideways by (everything after time and kind). */
  scroll: number;
}

export function defaultPrefs(): ColumnPrefs {
  return { selected: 'topic', extra: {}, hidden: new Set(), scroll: 0 };
}

export type Cells = Record<ColumnId, string>;

/**
 * The columns for `width` terminal columns (one space between columns), sized from `rows` (the
 * cells of the rows on screen; none: the columns' minimums).
 */
export function layoutColumns(
  rows: readonly Cells[],
  width: number,
  prefs: ColumnPrefs = defaultPrefs(),
): ListColumn[] {
  const specs = COLUMN_SPECS.filter((s) => !prefs.hidden.has(s.id) || s.id === 'payload');
  let kept = specs.map((s) => planColumn(s, rows, prefs.extra[s.id] ?? 0));
  // The least important columns go (by priority, wherever they stand) while the payload would get
  // less than its room; time, kind, topic and the payload itself always stay.
  const droppable = [...kept].filter((p) => p.spec.priority < 85).sort((a, b) => a.spec.priority - b.spec.priority);
  let widths = fitWidths(kept, width);
  for (const p of droppable) {
    const payloadWidth = widths[kept.findIndex((k) => k.spec.id === 'payload')]!;
    // Channel and generation, mere extras, also go when a more important column is cut short.
    const cutShort = kept.some(
      (k, i) => k.spec.id !== 'payload' && k.spec.priority > p.spec.priority && widths[i]! < k.want,
    );
    if (payloadWidth >= payloadRoom(width) && !(p.spec.priority < EXTRA && cutShort)) break;
    kept = kept.filter((k) => k !== p);
    widths = fitWidths(kept, width);
  }
  return kept.map((p, i) => {
    const w = widths[i]!;
    return {
      id: p.spec.id,
      title: p.spec.title,
      width: w,
      align: p.spec.align ?? 'left',
      elidePrefix: p.full > w ? p.prefix : '',
    };
  });
}

/** Each column as wide as it wants; when that is too much, the widest give way first; the payload gets the rest. */
function fitWidths(plans: readonly ColumnPlan[], width: number): number[] {
  const payload = plans.findIndex((p) => p.spec.id === 'payload');
  const widths = plans.map((p, i) => (i === payload ? 0 : p.want));
  // Each column but the payload, and the space after it.
  const used = (): number => widths.reduce((n, w, i) => (i === payload ? n : n + w + 1), 0);
  let over = used() + payloadRoom(width) - width;
  while (over > 0) {
    let widest = -1; // the least important column still above its minimum
    for (let i = 0; i < plans.length; i++) {
      if (i === payload || widths[i]! <= plans[i]!.min) continue;
      if (widest === -1 || plans[i]!.spec.priority < plans[widest]!.spec.priority) widest = i;
    }
    if (widest === -1) break;
    const p = plans[widest]!;
    // Names that no longer fit whole are shown elided: straight to that width, then column by column.
    const next =
      p.prefix !== '' && widths[widest]! >= p.full
        ? Math.max(p.min, Math.min(p.elided, widths[widest]! - 1))
        : widths[widest]! - 1;
    over -= widths[widest]! - next;
    widths[widest] = next;
  }
  // Going to elided names may have freed more than needed: give it back, most important first.
  let spare = -over;
  const byImportance = [...plans.keys()].sort((a, b) => plans[b]!.spec.priority - plans[a]!.spec.priority);
  for (const i of byImportance) {
    const p = plans[i]!;
    if (i === payload || spare <= 0 || widths[i]! >= p.want) continue;
    const elided = p.prefix !== '' && widths[i]! < p.full;
    const target = elided && spare < p.want - widths[i]! ? Math.max(widths[i]!, Math.min(p.want, p.elided)) : p.want;
    const add = Math.min(spare, target - widths[i]!);
    widths[i]! += add;
    spare -= add;
  }
  widths[payload] = Math.max(0, width - used());
  return widths;
}

interface ColumnPlan {
  spec: ColumnSpec;
  min: number;
  /** The width that shows every cell on screen (after eliding the shared prefix), within min–max. */
  want: number;
  /** Width of the widest whole cell. */
  full: number;
  /** Width of the widest cell with the shared prefix elided. */
  elided: number;
  /** Shared start that may be elided ('' when none). */
  prefix: string;
}

function planColumn(spec: ColumnSpec, rows: readonly Cells[], extra: number): ColumnPlan {
  const texts = rows.map((r) => r[spec.id]);
  const full = Math.max(visibleWidth(spec.title), ...texts.map(visibleWidth));
  const prefix = spec.names === true ? sharedPrefix(texts) : '';
  const elided = prefix !== '' ? Math.max(...texts.map((t) => visibleWidth(elide(t, prefix)))) : full;
  // Whole names when they fit the maximum, else elided ones.
  const content = full <= spec.max ? full : Math.max(elided, visibleWidth(spec.title));
  const want = Math.max(1, Math.min(spec.max, content) + extra);
  return { spec, min: Math.min(spec.min, want), want, full, elided, prefix };
}

/** Characters separating the parts of node names and topics. */
const SEPARATORS = new Set(['@', '.', '-', ':', '_', '/', ' ']);

/**
 * The start the distinct values share, cut back to just before a separator so that what stays
 * starts with one (`…-23.eu…`, `…_x123`). Empty when fewer than two distinct values, or when the
 * shared part is too short to be worth an ellipsis.
 */
export function sharedPrefix(texts: readonly string[]): string {
  const distinct = [...new Set(texts.filter((t) => t !== '-'))];
  if (distinct.length < 2) return '';
  let n = distinct[0]!.length;
  for (const t of distinct) {
    let i = 0;
    while (i < n && i < t.length && t.charCodeAt(i) === distinct[0]!.charCodeAt(i)) i++;
    n = i;
  }
  // Back to the last separator within the shared part: it stays, as the start of what is shown.
  while (n > 0 && !SEPARATORS.has(distinct[0]![n - 1]!)) n--;
  n = Math.max(0, n - 1);
  // No surrogate half at the cut.
  if (n > 0 && /[\ud800-\udbff]/.test(distinct[0]![n - 1]!)) n--;
  return n >= 4 ? distinct[0]!.slice(0, n) : '';
}

/** `text` without `prefix` at its start, marked with `…` (unchanged when it does not start so). */
export function elide(text: string, prefix: string): string {
  return prefix !== '' && text.length > prefix.length && text.startsWith(prefix)
    ? `…${text.slice(prefix.length)}`
    : text;
}

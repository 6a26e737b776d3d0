/**
 * The status bar: connection state and (redacted) target, subscription, totals, current rates,
 * paused/following and the active filter — and the line under it, which shows the filter prompt,
 * a transient notice, or the most used keys.
 *
 * On a narrow terminal the parts take their short form, then the least important ones go, so
 * the state that matters (connection, paused, counts) is always there.
 */
import type { ListCounters } from '../model/message-list.js';
import { formatByteRate, formatCount, formatRate } from '../../output/units.js';
import { escapeTags, fit, safeText, visibleWidth } from '../text.js';
import type { Style, Theme } from '../theme.js';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'closed';

export interface StatusInfo {
  connection: ConnectionState;
  /** Redacted target (no password), or the capture file being viewed. */
  target: string;
  /** Patterns and channels, e.g. `phx:*`. */
  subscription: string;
  counters: ListCounters;
  /** Messages let go undecoded because decoding was behind (not in `counters.received`). */
  dropped: number;
  msgRate: number;
  byteRate: number;
  paused: boolean;
  following: boolean;
  /** The active UI filter as typed (empty: none). */
  filter: string;
  /** Capture file being recorded with --record. */
  recording?: string;
}

interface Part {
  full: string;
  short: string;
  /** Lower is shortened first, then dropped first, when space runs out. */
  priority: number;
  /** Shortened but never dropped. */
  keep?: boolean;
  style?: Style;
}

const CONNECTION_TEXT: Record<ConnectionState, string> = {
  connecting: '◌ connecting',
  live: '● live',
  reconnecting: '◌ reconnecting',
  offline: '■ capture',
  closed: '○ closed',
};

export function drawStatus(info: StatusInfo, width: number, theme: Theme): string {
  const c = info.counters;
  const alert = info.connection === 'reconnecting' || info.connection === 'connecting';
  // In order of importance, left to right: what is cut at the right edge matters least.
  const parts: Part[] = [
    {
      full: `${CONNECTION_TEXT[info.connection]} ${safeText(info.target)}`,
      // A capture keeps its file name (without the directories); a live target just its state.
      short:
        info.connection === 'offline'
          ? `${CONNECTION_TEXT.offline} ${safeText(info.target.split('/').pop() ?? '')}`
          : CONNECTION_TEXT[info.connection],
      priority: 9,
      keep: true,
      ...(alert ? { style: 'statusAlert' as const } : {}),
    },
    info.paused
      ? {
          full: `PAUSED ${formatCount(c.newWhilePaused)} new`,
          short: `PAUSED +${formatCount(c.newWhilePaused)}`,
          priority: 10,
          keep: true,
          style: 'statusAlert',
        }
      : {
          full: info.following ? 'following' : 'not following',
          short: info.following ? 'follow' : 'scroll',
          priority: 7,
        },
    {
      full: `recv ${formatCount(c.received)} shown ${formatCount(c.shown)} filtered ${formatCount(c.filteredOut)} undecodable ${formatCount(c.undecodable)} dropped ${formatCount(info.dropped)} evicted ${formatCount(c.evicted)}`,
      // Label then number at every width, as in the full form (never "1.07k rx 0 shown 1.07k filt").
      short: `rx ${formatCount(c.received)} shown ${formatCount(c.shown)} filt ${formatCount(c.filteredOut)} bad ${formatCount(c.undecodable)} drop ${formatCount(info.dropped)}`,
      priority: 4,
      keep: true,
    },
    {
      full: `${formatRate(info.msgRate)} msg/s ${formatByteRate(info.byteRate)}`,
      short: `${formatRate(info.msgRate)}/s`,
      priority: 6,
    },
  ];
  if (info.filter !== '')
    parts.push({
      full: `filter: ${safeText(info.filter)}`,
      short: `/${safeText(info.filter)}`,
      priority: 5,
      keep: true,
    });
  if (info.recording !== undefined) parts.push({ full: `rec ${safeText(info.recording)}`, short: 'rec', priority: 4 });
  parts.push({ full: safeText(info.subscription), short: '', priority: 2 });

  const SEP = ' │ ';
  const fits = (texts: string[]): boolean => visibleWidth(' ' + texts.filter((t) => t !== '').join(SEP)) <= width;
  const use = parts.map((p) => p.full);
  // Shorten from the least important part up, then drop from the least important up.
  const order = [...parts.keys()].sort((a, b) => parts[a]!.priority - parts[b]!.priority);
  for (const i of order) {
    if (fits(use)) break;
    use[i] = parts[i]!.short;
  }
  for (const i of order) {
    if (fits(use)) break;
    if (!parts[i]!.keep) use[i] = '';
  }
  const pieces: string[] = [];
  let used = 0;
  parts.forEach((p, i) => {
    const text = use[i]!;
    if (text === '') return;
    const sep = pieces.length === 0 ? ' ' : SEP;
    const room = width - used - sep.length;
    if (room <= 0) return;
    const shown = fit(text, Math.min(room, visibleWidth(text)));
    used += sep.length + visibleWidth(shown);
    pieces.push(theme.paint('status', sep) + theme.paint(p.style ?? 'status', escapeTags(shown)));
  });
  const rest = Math.max(0, width - used);
  return pieces.join('') + theme.paint('status', ' '.repeat(rest));
}

const HINTS: ReadonlyArray<[string, string]> = [
  ['q', 'quit'],
  ['?', 'help'],
  ['/', 'filter'],
  ['p', 'pause'],
  ['f', 'follow'],
  ['t', 'stats'],
  ['x', 'hex'],
  ['Tab', 'pane'],
  ['s', 'save'],
  ['y', 'copy'],
  ['w', 'write'],
  ['P', 'publish'],
];

/** The most used keys, as many as fit. */
export function drawHints(width: number, theme: Theme, hints: ReadonlyArray<[string, string]> = HINTS): string {
  const out: string[] = [];
  let used = 0;
  for (const [key, what] of hints) {
    const w = key.length + 1 + what.length + 2;
    if (used + w > width) break;
    out.push(`${theme.paint('key', escapeTags(key))} ${what}`);
    used += w;
  }
  return ' ' + out.join('  ');
}

/** A notice or problem on the bottom line. */
export function drawNotice(text: string, width: number, theme: Theme, style: Style = 'notice'): string {
  return theme.paint(style, escapeTags(fit(' ' + safeText(text), width)));
}

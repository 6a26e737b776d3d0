/**
 * The UI's styles as blessed tags, in one place. With NO_COLOR (https://no-color.org) only
 * attributes that are not colours remain (bold, inverse, underline), so every state — the
 * selected row, the focused pane, the highlighted bytes — stays visible without colour.
 */
export type Style =
  | 'broadcast' // a channel broadcast (or presence diff)
  | 'direct' // a v3 :only message, meant for one node
  | 'tracker' // Phoenix.Tracker gossip
  | 'undecodable'
  | 'other' // messages, replies, other terms, JSON/msgpack
  | 'dim'
  | 'header' // pane title bar
  | 'headerFocused'
  | 'selected' // the selected row
  | 'cursor' // the detail cursor when the detail pane is not focused
  | 'highlight' // bytes of the selected detail node
  | 'status'
  | 'statusAlert' // reconnecting, paused
  | 'problem'
  | 'notice'
  | 'key'
  | 'accent';

const COLOURED: Record<Style, string> = {
  broadcast: '{green-fg}',
  direct: '{yellow-fg}',
  tracker: '{magenta-fg}',
  undecodable: '{red-fg}{bold}',
  other: '{cyan-fg}',
  dim: '{gray-fg}',
  header: '{black-fg}{white-bg}',
  headerFocused: '{white-fg}{blue-bg}{bold}',
  selected: '{inverse}',
  cursor: '{underline}',
  highlight: '{black-fg}{yellow-bg}',
  status: '{white-fg}{blue-bg}',
  statusAlert: '{black-fg}{yellow-bg}{bold}',
  problem: '{red-fg}{bold}',
  notice: '{yellow-fg}',
  key: '{bold}',
  accent: '{bold}',
};

const PLAIN: Record<Style, string> = {
  broadcast: '',
  direct: '',
  tracker: '',
  undecodable: '{bold}',
  other: '',
  dim: '',
  header: '{underline}',
  headerFocused: '{inverse}{bold}',
  selected: '{inverse}',
  cursor: '{underline}',
  highlight: '{inverse}',
  status: '{inverse}',
  statusAlert: '{inverse}{bold}',
  problem: '{bold}',
  notice: '{bold}',
  key: '{bold}',
  accent: '{bold}',
};

export interface Theme {
  readonly colour: boolean;
  /** `text` (already tag-escaped) in `style`; styles do not nest, each closes everything. */
  paint(style: Style, text: string): string;
}

/** `colours`: what the terminal supports; with only 8, grey would come out black (invisible). */
export function themeFor(env: NodeJS.ProcessEnv = process.env, colours = 256): Theme {
  const colour = !env.NO_COLOR;
  const table = colour ? (colours >= 16 ? COLOURED : { ...COLOURED, dim: '' }) : PLAIN;
  return {
    colour,
    paint: (style, text) => {
      const open = table[style];
      return open === '' || text === '' ? text : `${open}${text}{/}`;
    },
  };
}

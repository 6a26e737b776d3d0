/**
 * Every key of the UI as data: the dispatcher looks actions up here and the help view (`?`)
 * prints this same table, so the help can never disagree with what the keys do.
 *
 * Key names are blessed's `key.full`: `j`, `S-g` (G), `C-c`, `pageup`, `enter`, `space`, `tab`.
 */
export type Action =
  | 'quit'
  | 'help'
  | 'stats'
  | 'down'
  | 'up'
  | 'top'
  | 'bottom'
  | 'pageDown'
  | 'pageUp'
  | 'nextPane'
  | 'prevPane'
  | 'filter'
  | 'pause'
  | 'follow'
  | 'clear'
  | 'toggleHex'
  | 'toggleNode'
  | 'foldAll'
  | 'expand'
  | 'collapse'
  | 'save'
  | 'copy'
  | 'writeCapture'
  | 'publish'
  | 'statsSort'
  | 'statsScope'
  | 'close'
  | 'nodes'
  | 'presence'
  | 'columnNext'
  | 'columnPrev'
  | 'columnWider'
  | 'columnNarrower'
  | 'columnHide'
  | 'columnsReset'
  | 'scrollRight'
  | 'scrollLeft';

/** Bindings with an empty label are the second half of the line above them in the help. */
/** Where a binding applies: everywhere in the main screen, or only with one pane focused / one view open. */
export type KeyContext = 'global' | 'list' | 'detail' | 'hex' | 'stats' | 'insight';

export interface KeyBinding {
  keys: readonly string[];
  /** How the help view writes the keys. */
  label: string;
  action: Action;
  help: string;
  context: KeyContext;
}

export const KEY_BINDINGS: readonly KeyBinding[] = [
  {
    context: 'global',
    keys: ['q', 'C-c'],
    label: 'q  Ctrl-C',
    action: 'quit',
    help: 'quit (the terminal is restored)',
  },
  { context: 'global', keys: ['?'], label: '?', action: 'help', help: 'this help' },
  { context: 'global', keys: ['t'], label: 't', action: 'stats', help: 'traffic stats: top topics, events, nodes' },
  {
    context: 'global',
    keys: ['n'],
    label: 'n',
    action: 'nodes',
    help: 'nodes: who publishes, adapter, OTP, tracker replicas, and findings (what loses broadcasts)',
  },
  {
    context: 'global',
    keys: ['r'],
    label: 'r',
    action: 'presence',
    help: 'presence: every tracked presence per topic, replicas up/down, latest joins and leaves',
  },
  { context: 'global', keys: ['tab'], label: 'Tab', action: 'nextPane', help: 'next pane (list → detail → hex)' },
  { context: 'global', keys: ['S-tab'], label: 'Shift-Tab', action: 'prevPane', help: 'previous pane' },
  { context: 'global', keys: ['j', 'down'], label: 'j  ↓', action: 'down', help: 'next message / node / line' },
  {
    context: 'global',
    keys: ['k', 'up'],
    label: 'k  ↑',
    action: 'up',
    help: 'previous message / node / line (stops following)',
  },
  { context: 'global', keys: ['g', 'home'], label: 'g  Home', action: 'top', help: 'first' },
  {
    context: 'global',
    keys: ['S-g', 'end'],
    label: 'G  End',
    action: 'bottom',
    help: 'last (in the list: follow again)',
  },
  { context: 'global', keys: ['pagedown', 'C-f', 'C-d'], label: 'PgDn  Ctrl-F', action: 'pageDown', help: 'page down' },
  { context: 'global', keys: ['pageup', 'C-b', 'C-u'], label: 'PgUp  Ctrl-B', action: 'pageUp', help: 'page up' },
  {
    context: 'global',
    keys: ['/'],
    label: '/',
    action: 'filter',
    help: 'filter: topic:rooms:* event:new:msg node:a@* kind:tracker -kind:tracker text (Esc clears)',
  },
  {
    context: 'global',
    keys: ['p'],
    label: 'p',
    action: 'pause',
    help: 'pause / resume the list (messages keep being received and counted)',
  },
  { context: 'list', keys: ['space'], label: 'Space', action: 'pause', help: 'pause / resume (in the list)' },
  { context: 'global', keys: ['f'], label: 'f', action: 'follow', help: 'follow the newest message on / off' },
  { context: 'global', keys: ['c'], label: 'c', action: 'clear', help: 'clear the list (counters since start stay)' },
  { context: 'global', keys: ['x'], label: 'x', action: 'toggleHex', help: 'show / hide the hex pane' },
  {
    context: 'list',
    keys: ['enter'],
    label: 'Enter',
    action: 'nextPane',
    help: 'open the selected message in the detail pane',
  },
  {
    context: 'detail',
    keys: ['enter', 'space'],
    label: 'Enter  Space',
    action: 'toggleNode',
    help: 'fold / unfold the node (or list more)',
  },
  { context: 'detail', keys: ['right', 'l'], label: '→  l', action: 'expand', help: 'unfold, then step into' },
  {
    context: 'detail',
    keys: ['left', 'h'],
    label: '←  h',
    action: 'collapse',
    help: 'fold, then step out to the parent',
  },
  { context: 'global', keys: ['z'], label: 'z', action: 'foldAll', help: 'fold all / unfold all in the detail pane' },
  {
    context: 'global',
    keys: ['s'],
    label: 's',
    action: 'save',
    help: 'save the selected payload as a raw .etf file (asks a path)',
  },
  {
    context: 'global',
    keys: ['y'],
    label: 'y',
    action: 'copy',
    help: 'copy the selected term as Elixir (OSC 52 clipboard)',
  },
  {
    context: 'global',
    keys: ['w'],
    label: 'w',
    action: 'writeCapture',
    help: 'write the messages shown to a capture file (asks a path)',
  },
  {
    context: 'global',
    keys: ['S-p'],
    label: 'P',
    action: 'publish',
    help: 'publish a copy of the selected message (edit, preview, confirm)',
  },
  {
    context: 'list',
    keys: ['right', 'l'],
    label: '→  l',
    action: 'scrollRight',
    help: 'scroll the rows sideways (time and kind stay)',
  },
  { context: 'list', keys: ['left', 'h'], label: '←  h', action: 'scrollLeft', help: 'scroll back' },
  {
    context: 'global',
    keys: [']'],
    label: ']  [',
    action: 'columnNext',
    help: 'select the next / previous column (its title is marked)',
  },
  { context: 'global', keys: ['['], label: '', action: 'columnPrev', help: '' },
  {
    context: 'global',
    keys: ['+', '='],
    label: '+  -',
    action: 'columnWider',
    help: 'widen / narrow the selected column',
  },
  { context: 'global', keys: ['-', '_'], label: '', action: 'columnNarrower', help: '' },
  {
    context: 'global',
    keys: ['S-h'],
    label: 'H',
    action: 'columnHide',
    help: 'hide the selected column (0 shows all again)',
  },
  {
    context: 'global',
    keys: ['0'],
    label: '0',
    action: 'columnsReset',
    help: 'every column back, sized from the rows, no scroll',
  },
  { context: 'stats', keys: ['s'], label: 's', action: 'statsSort', help: 'stats: sort by messages / bytes' },
  { context: 'stats', keys: ['a'], label: 'a', action: 'statsScope', help: 'stats: last 10 s / since start' },
  { context: 'stats', keys: ['escape', 't'], label: 'Esc  t', action: 'close', help: 'stats: back to the list' },
  { context: 'insight', keys: ['escape'], label: 'Esc', action: 'close', help: 'nodes / presence: back to the list' },
];

/** The action bound to `key` in `context`, falling back to the global bindings. */
export function actionFor(key: string, context: KeyContext): Action | undefined {
  return (
    KEY_BINDINGS.find((b) => b.context === context && b.keys.includes(key))?.action ??
    KEY_BINDINGS.find((b) => b.context === 'global' && b.keys.includes(key))?.action
  );
}

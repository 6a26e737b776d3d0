/**
 * Keys → changes to the UI state. The prompt, the help, the stats view and the publish form take
 * keys first when open; otherwise the key map (keys.ts) names the action for the focused pane.
 * What reaches outside the state (quit, files, clipboard, Redis) goes through `Effects`.
 */
import { actionFor, type Action } from './keys.js';
import { LineEditor, type KeyPress } from './line-editor.js';
import type { Pane, UiState } from './ui-state.js';
import { listViewportRows } from './frame.js';
import { COLUMN_SPECS, defaultPrefs } from './model/list-columns.js';
import { publishFormKey } from './widgets/publish-form.js';

export interface Effects {
  quit(): void;
  save(): void;
  copy(): void;
  writeCapture(): void;
  publish(): void;
  sendPublish(): void;
  /** Rows in view, for paging. */
  size(): { width: number; height: number };
}

export function handleKey(state: UiState, key: KeyPress, fx: Effects): void {
  // blessed reports Enter as `enter` and again as `return`: act on the first only.
  if (key.full === 'return') return;
  if (key.full === 'C-c') return fx.quit();
  if (state.prompt !== undefined) return promptKey(state, key);
  if (state.view === 'help') return helpKey(state, key);
  if (state.view === 'publish') return publishKey(state, key, fx);

  const context =
    state.view === 'stats' ? 'stats' : state.view === 'nodes' || state.view === 'presence' ? 'insight' : state.focus;
  const action = actionFor(key.full, context);
  if (action !== undefined) runAction(state, action, fx);
}

function runAction(state: UiState, action: Action, fx: Effects): void {
  const list = state.list;
  const detail = state.selectedDetail();
  const { width, height } = fx.size();
  const page = listViewportRows(width, height, state.showHex);
  const bodyRows = Math.max(1, height - page - 4);
  switch (action) {
    case 'quit':
      return fx.quit();
    case 'help':
      state.view = 'help';
      state.helpScroll = 0;
      return;
    case 'stats':
      state.view = state.view === 'stats' ? 'main' : 'stats';
      return;
    case 'close':
      state.view = 'main';
      return;
    case 'nodes':
    case 'presence':
      state.view = state.view === action ? 'main' : action;
      return;
    case 'statsSort':
      state.statsView.sort = state.statsView.sort === 'msgs' ? 'bytes' : 'msgs';
      return;
    case 'statsScope':
      state.statsView.scope = state.statsView.scope === 'window' ? 'total' : 'window';
      return;
    case 'filter':
      state.prompt = { kind: 'filter', editor: new LineEditor(state.query), problem: undefined };
      return;
    case 'pause':
      list.togglePause();
      return;
    case 'follow':
      list.setFollow(!list.follow);
      return;
    case 'clear':
      list.clear();
      state.forgetDetails();
      return;
    case 'toggleHex':
      state.showHex = !state.showHex;
      state.hexChosen = true;
      if (!state.showHex && state.focus === 'hex') state.focus = 'detail';
      list.setViewportHeight(listViewportRows(width, height, state.showHex));
      return;
    case 'nextPane':
    case 'prevPane': {
      const panes = state.panes();
      const step = action === 'nextPane' ? 1 : panes.length - 1;
      state.focus = panes[(panes.indexOf(state.focus) + step) % panes.length] as Pane;
      return;
    }
    case 'save':
      return fx.save();
    case 'copy':
      return fx.copy();
    case 'writeCapture':
      return fx.writeCapture();
    case 'publish':
      return fx.publish();
    case 'columnNext':
    case 'columnPrev':
    case 'columnWider':
    case 'columnNarrower':
    case 'columnHide':
    case 'columnsReset':
      return columnAction(state, action);
    case 'scrollRight':
    case 'scrollLeft':
      if (state.view === 'main' && state.focus === 'list') return columnAction(state, action);
      break;
    default:
      break; // movement and folding: below
  }

  if (state.view === 'stats') return;
  if (state.view === 'nodes' || state.view === 'presence') {
    const scroll = state.insight.scroll;
    const step = { down: 1, up: -1, pageDown: height - 4, pageUp: -(height - 4), top: -Infinity, bottom: Infinity }[
      action as string
    ];
    if (step !== undefined)
      scroll[state.view] = Math.max(0, Math.min(Number.MAX_SAFE_INTEGER, scroll[state.view] + step));
    return;
  }
  // Movement and folding act on the focused pane.
  if (state.focus === 'list') {
    if (action === 'down') list.moveSelection(1);
    else if (action === 'up') list.moveSelection(-1);
    else if (action === 'top') list.toTop();
    else if (action === 'bottom') list.toBottom();
    else if (action === 'pageDown') list.pageDown();
    else if (action === 'pageUp') list.pageUp();
    else if (action === 'foldAll') detail?.tree?.toggleAll();
    return;
  }
  if (detail === undefined) return;
  if (state.focus === 'hex') {
    const step = { down: 1, up: -1, pageDown: bodyRows, pageUp: -bodyRows, top: -Infinity, bottom: Infinity }[
      action as string
    ];
    if (step !== undefined) {
      detail.hexScroll = Number.isFinite(step)
        ? Math.max(0, detail.hexScroll + step)
        : step > 0
          ? Number.MAX_SAFE_INTEGER
          : 0;
    } else if (action === 'foldAll') detail.tree?.toggleAll();
    return;
  }
  const tree = detail.tree;
  if (tree === undefined) {
    // Text (JSON, undecodable bytes): the keys scroll it.
    const step = { down: 1, up: -1, pageDown: bodyRows, pageUp: -bodyRows, top: -Infinity, bottom: Infinity }[
      action as string
    ];
    if (step !== undefined)
      detail.scrollTop = Number.isFinite(step)
        ? Math.max(0, detail.scrollTop + step)
        : step > 0
          ? Number.MAX_SAFE_INTEGER
          : 0;
    return;
  }
  if (action === 'down') tree.moveCursor(1);
  else if (action === 'up') tree.moveCursor(-1);
  else if (action === 'top') tree.setCursor(0);
  else if (action === 'bottom') tree.setCursor(tree.rows().length - 1);
  else if (action === 'pageDown') tree.moveCursor(bodyRows);
  else if (action === 'pageUp') tree.moveCursor(-bodyRows);
  else if (action === 'toggleNode') tree.toggle();
  else if (action === 'expand') tree.expand();
  else if (action === 'collapse') tree.collapse();
  else if (action === 'foldAll') tree.toggleAll();
}

const SCROLL_STEP = 8;

/** Column keys: select, resize, hide, reset, scroll sideways (model/list-columns.ts lays them out). */
function columnAction(state: UiState, action: Extract<Action, `column${string}` | 'scrollRight' | 'scrollLeft'>): void {
  const prefs = state.columns;
  const shown = COLUMN_SPECS.map((s) => s.id).filter((id) => !prefs.hidden.has(id));
  const at = Math.max(0, shown.indexOf(prefs.selected));
  switch (action) {
    case 'columnNext':
    case 'columnPrev':
      prefs.selected = shown[(at + (action === 'columnNext' ? 1 : shown.length - 1)) % shown.length]!;
      return;
    case 'columnWider':
    case 'columnNarrower':
      prefs.extra[prefs.selected] = (prefs.extra[prefs.selected] ?? 0) + (action === 'columnWider' ? 2 : -2);
      return;
    case 'columnHide': {
      if (prefs.selected === 'payload' || prefs.selected === 'time')
        return state.say(`the ${prefs.selected} column stays (0 shows every column again)`, 'problem');
      const hidden = new Set(prefs.hidden).add(prefs.selected);
      state.columns = { ...prefs, hidden, selected: shown[at + 1] ?? shown[at - 1] ?? 'topic' };
      return state.say(`${prefs.selected} column hidden — 0 shows every column again`);
    }
    case 'columnsReset':
      state.columns = defaultPrefs();
      return;
    case 'scrollRight':
      prefs.scroll += SCROLL_STEP;
      return;
    case 'scrollLeft':
      prefs.scroll = Math.max(0, prefs.scroll - SCROLL_STEP);
      return;
  }
}

function promptKey(state: UiState, key: KeyPress): void {
  const prompt = state.prompt!;
  if (prompt.kind === 'confirm') {
    state.prompt = undefined;
    if (key.ch === 'y' || key.ch === 'Y') prompt.yes();
    else state.say('cancelled');
    return;
  }
  const result = prompt.editor.handle(key);
  if (prompt.kind === 'filter') {
    if (result === 'changed') prompt.problem = state.applyQuery(prompt.editor.text);
    else if (result === 'cancel') {
      state.applyQuery('');
      state.prompt = undefined;
    } else if (result === 'submit') {
      state.prompt = undefined;
      if (prompt.problem !== undefined) state.say(`filter not changed: ${prompt.problem}`, 'problem');
    }
    return;
  }
  if (result === 'cancel') state.prompt = undefined;
  else if (result === 'submit') {
    state.prompt = undefined;
    prompt.submit(prompt.editor.text);
  } else if (result === 'changed') prompt.problem = undefined;
}

function helpKey(state: UiState, key: KeyPress): void {
  if (key.full === 'j' || key.full === 'down') state.helpScroll++;
  else if (key.full === 'k' || key.full === 'up') state.helpScroll = Math.max(0, state.helpScroll - 1);
  else if (key.full === 'q')
    state.view = 'main'; // q closes the help rather than quitting from it
  else state.view = 'main';
}

function publishKey(state: UiState, key: KeyPress, fx: Effects): void {
  const form = state.publishForm;
  if (form === undefined) {
    state.view = 'main';
    return;
  }
  const result = publishFormKey(form, key, fx.size().width);
  if (result === 'close') {
    state.view = 'main';
    state.publishForm = undefined;
  } else if (result === 'send') fx.sendPublish();
}

/**
 * One frame: the regions of the screen built from the UI state. Only what is visible is turned
 * into text (the list's viewport, the detail rows in view, one screenful of hex).
 */
import { formatCount } from '../output/units.js';
import { mainLayout, type Rect } from './layout.js';
import type { Region, RegionName } from './screen.js';
import { escapeTags, fit } from './text.js';
import type { Theme } from './theme.js';
import type { UiState } from './ui-state.js';
import { drawDetail } from './widgets/detail-pane.js';
import { drawPrompt } from './widgets/filter-prompt.js';
import { helpLines } from './widgets/help.js';
import { drawHex } from './widgets/hex-pane.js';
import { drawInsightView } from './widgets/insight-view.js';
import { drawMessageList } from './widgets/message-list.js';
import { drawPublishForm } from './widgets/publish-form.js';
import { drawStats } from './widgets/stats-view.js';
import { drawHints, drawNotice, drawStatus, type StatusInfo } from './widgets/status-bar.js';
import type { PublishSink } from './publish.js';

export interface FrameContext {
  state: UiState;
  theme: Theme;
  width: number;
  height: number;
  status: Omit<StatusInfo, 'counters' | 'paused' | 'following' | 'filter' | 'connection'>;
  /** Shown in the empty list. */
  waitingText: string;
  publish: PublishSink | undefined;
  /** The clock of the nodes and presence views (a capture's recorded time when offline), and which list times show a date. */
  now?: number;
}

/** Rows of the list pane without its header: the model pages and scrolls by it. */
export function listViewportRows(width: number, height: number, showHex: boolean): number {
  return Math.max(1, mainLayout(width, height, showHex).list.height - 1);
}

export function buildFrame(ctx: FrameContext): Partial<Record<RegionName, Region>> {
  const { state, theme, width, height } = ctx;
  const layout = mainLayout(width, height, state.showHex);
  const list = state.list;
  const regions: Partial<Record<RegionName, Region>> = {};
  const region = (rect: Rect, lines: readonly string[]): Region => ({ ...rect, lines });

  if (state.view === 'main') {
    const counters = list.counters;
    const emptyText =
      counters.received === 0
        ? ` ${ctx.waitingText}`
        : list.paused
          ? ' paused (nothing was shown yet) — p resumes'
          : counters.filteredOut > 0
            ? ` no message matches the filter (${formatCount(counters.filteredOut)} hidden) — / to change it, Esc in it to clear`
            : ' cleared — new messages appear here';
    regions.list = region(
      layout.list,
      drawMessageList(
        list,
        {
          width: layout.list.width,
          height: layout.list.height,
          focused: state.focus === 'list',
          emptyText,
          columns: state.columns,
          now: ctx.now ?? Date.now(),
        },
        theme,
      ),
    );
    const detail = state.selectedDetail();
    regions.detail = region(
      layout.detail,
      drawDetail(
        detail,
        { width: layout.detail.width, height: layout.detail.height, focused: state.focus === 'detail' },
        theme,
      ),
    );
    if (layout.hex !== undefined) {
      regions.hex = region(
        layout.hex,
        drawHex(detail, { width: layout.hex.width, height: layout.hex.height, focused: state.focus === 'hex' }, theme),
      );
    }
  } else if (state.view === 'stats') {
    regions.overlay = region(layout.body, drawStats(state.stats, state.statsView, width, layout.body.height, theme));
  } else if (state.view === 'nodes' || state.view === 'presence') {
    const now = ctx.now ?? Date.now();
    const model = state.insight;
    model.tick(now);
    const nodes = state.view === 'nodes';
    const lines = nodes ? model.nodesLines(now, ctx.status.target) : model.presenceLines(now);
    const scroll = { value: model.scroll[state.view] };
    regions.overlay = region(
      layout.body,
      drawInsightView(
        nodes
          ? 'Nodes — who publishes, and what loses broadcasts'
          : 'Presence — Phoenix.Presence as the cluster sees it',
        lines,
        scroll,
        width,
        layout.body.height,
        theme,
      ),
    );
    model.scroll[state.view] = scroll.value;
  } else if (state.view === 'help') {
    const lines = helpLines(theme, width);
    state.helpScroll = Math.max(0, Math.min(state.helpScroll, lines.length - layout.body.height));
    regions.overlay = region(layout.body, padLines(lines.slice(state.helpScroll), layout.body.height));
  } else if (state.publishForm !== undefined && ctx.publish !== undefined) {
    regions.overlay = region(
      layout.body,
      padLines(drawPublishForm(state.publishForm, ctx.publish, width, layout.body.height, theme), layout.body.height),
    );
  }

  regions.status = region(layout.status, [
    drawStatus(
      {
        ...ctx.status,
        connection: state.connection,
        counters: list.counters,
        paused: list.paused,
        following: list.follow,
        filter: state.query,
      },
      width,
      theme,
    ),
  ]);
  regions.bottom = region(layout.bottom, [bottomLine(ctx)]);
  return regions;
}

function bottomLine(ctx: FrameContext): string {
  const { state, theme, width } = ctx;
  const prompt = state.prompt;
  if (prompt?.kind === 'filter') {
    const hint = `${formatCount(state.list.length)} shown · Enter keep · Esc clear`;
    return drawPrompt({ label: '/', editor: prompt.editor, problem: prompt.problem, hint }, width, theme);
  }
  if (prompt?.kind === 'input')
    return drawPrompt({ label: prompt.label, editor: prompt.editor, problem: prompt.problem }, width, theme);
  if (prompt?.kind === 'confirm')
    return theme.paint('statusAlert', escapeTags(fit(` ${prompt.question} [y/N]`, width)));
  if (state.notice !== undefined) return drawNotice(state.notice.text, width, theme, state.notice.style);
  return drawHints(width, theme);
}

/** Blank lines to `height`, so an overlay hides what is under it. */
function padLines(lines: readonly string[], height: number): string[] {
  const out = lines.slice(0, height);
  while (out.length < height) out.push('');
  return out;
}

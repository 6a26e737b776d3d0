/**
 * Everything the UI shows, in one place: the message list and stats models, which pane has the
 * focus, which view is open, the prompt, the transient notice, the connection state, and the
 * detail of the selected message (kept for the last few messages, so that going back to one
 * keeps its folds). The frame is drawn from this; keys change it.
 */
import { compileFilter, MATCH_ALL, type FilterSpec, type MessageFilter } from '../output/filter.js';
import { formatFilterSpec, parseFilterQuery } from '../output/filter-query.js';
import { defaultSearchText, memoizeSearchText } from '../output/search-text.js';
import type { WatchedMessage } from '../output/watched-message.js';
import { fullMessage } from './compact-message.js';
import { detailContent, type DetailContent } from './detail-content.js';
import type { LineEditor } from './line-editor.js';
import { InsightViewModel } from './model/insight-view.js';
import { defaultPrefs, type ColumnPrefs } from './model/list-columns.js';
import { MessageListModel } from './model/message-list.js';
import { StatsModel } from './model/stats.js';
import type { Style } from './theme.js';
import type { ConnectionState } from './widgets/status-bar.js';
import type { StatsViewState } from './widgets/stats-view.js';
import type { PublishFormState } from './widgets/publish-form.js';

export type Pane = 'list' | 'detail' | 'hex';
export type View = 'main' | 'stats' | 'help' | 'publish' | 'nodes' | 'presence';

export type Prompt =
  | { kind: 'filter'; editor: LineEditor; problem: string | undefined }
  | { kind: 'input'; label: string; editor: LineEditor; problem: string | undefined; submit: (text: string) => void }
  | { kind: 'confirm'; question: string; yes: () => void };

export interface Notice {
  text: string;
  style: Style;
  /** performance.now() after which it goes away. */
  until: number;
}

const DETAIL_CACHE = 16;

export class UiState {
  readonly list: MessageListModel;
  readonly stats: StatsModel;
  /** The nodes (`n`) and presence (`r`) views. */
  readonly insight = new InsightViewModel();
  /** Text for bare words in the filter, rendered once per message. */
  readonly searchText = memoizeSearchText((m) => defaultSearchText(fullMessage(m)));
  focus: Pane = 'list';
  showHex: boolean;
  /** The user toggled the hex pane: resizing no longer decides whether it shows. */
  hexChosen = false;
  view: View = 'main';
  prompt: Prompt | undefined;
  notice: Notice | undefined;
  helpScroll = 0;
  statsView: StatsViewState = { sort: 'msgs', scope: 'window' };
  connection: ConnectionState;
  publishForm: PublishFormState | undefined;
  /** Column widths, hidden columns and sideways scroll of the list, as the user set them. */
  columns: ColumnPrefs = defaultPrefs();
  /** The filter as the user typed it (what `/` starts editing from). */
  query = '';
  private readonly details = new Map<WatchedMessage, DetailContent>();

  constructor(options: {
    capacity: number;
    now: () => number;
    showHex: boolean;
    connection: ConnectionState;
    filter?: FilterSpec;
    /** Stats count from the first message's time (a capture's recorded clock). */
    statsFromFirstMessage?: boolean;
  }) {
    this.list = new MessageListModel({ capacity: options.capacity });
    this.stats = new StatsModel({ now: options.now, startAtFirstRecord: options.statsFromFirstMessage === true });
    this.showHex = options.showHex;
    this.connection = options.connection;
    if (options.filter !== undefined && options.filter.clauses.length > 0) {
      this.query = formatFilterSpec(options.filter);
      this.list.setFilter(this.compile(options.filter).filter);
    }
  }

  /** Applies `query` unless it has a problem; returns the problem (the previous filter stays then). */
  applyQuery(query: string): string | undefined {
    const parsed = parseFilterQuery(query);
    const problem = parsed.problems[0];
    if (problem !== undefined) return describeProblem(problem.message, problem.offset);
    const compiled = this.compile(parsed.spec);
    const compileProblem = compiled.problems[0];
    if (compileProblem !== undefined) return describeProblem(compileProblem.message, compileProblem.offset);
    this.query = query;
    this.list.setFilter(compiled.filter.empty ? MATCH_ALL : compiled.filter);
    return undefined;
  }

  private compile(spec: FilterSpec): { filter: MessageFilter; problems: { message: string; offset?: number }[] } {
    return compileFilter(spec, { searchText: this.searchText });
  }

  /** The detail of the selected message, built on first use. */
  selectedDetail(): DetailContent | undefined {
    const m = this.list.selectedMessage;
    if (m === undefined) return undefined;
    let content = this.details.get(m);
    if (content === undefined) {
      content = detailContent(m);
      if (this.details.size >= DETAIL_CACHE) this.details.delete(this.details.keys().next().value!);
    } else this.details.delete(m);
    this.details.set(m, content); // most recent last
    return content;
  }

  forgetDetails(): void {
    this.details.clear();
  }

  say(text: string, style: Style = 'notice', seconds = 6): void {
    this.notice = { text, style, until: performance.now() + seconds * 1000 };
  }

  /** Drops an expired notice; true when it did (the screen must be redrawn). */
  expireNotice(now = performance.now()): boolean {
    if (this.notice === undefined || this.notice.until > now) return false;
    this.notice = undefined;
    return true;
  }

  /** Panes Tab cycles through. */
  panes(): Pane[] {
    return this.showHex ? ['list', 'detail', 'hex'] : ['list', 'detail'];
  }
}

function describeProblem(message: string, offset: number | undefined): string {
  return offset === undefined ? message : `${message} (at column ${offset + 1})`;
}

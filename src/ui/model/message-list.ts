/**
 * The message list behind the live UI: every received message in a ring buffer, the filtered
 * (visible) subsequence, the selection, follow-tail and pause. Pure state, no terminal.
 *
 * Cost model, for floods of tens of thousands of messages a second: each message is tested
 * against the filter once, when it arrives; eviction, follow and selection are O(1) per message.
 * Only a filter change walks the whole buffer again.
 *
 * Pause freezes the visible list (the user is reading it) while messages keep arriving, being
 * filtered and counted; `counters.newWhilePaused` says how many matching ones wait. Messages the
 * ring lets go during a pause stay readable in the frozen list until it resumes. Resuming catches
 * up with what is still in the buffer.
 *
 * `version` changes whenever anything the UI shows may have changed, so a redraw can be skipped
 * when it has not.
 */
import { MATCH_ALL, type MessageFilter } from '../../output/filter.js';
import { isUndecodable, type WatchedMessage } from '../../output/watched-message.js';
import { RingBuffer } from './ring-buffer.js';

interface Entry {
  readonly message: WatchedMessage;
  /** Absolute position in the buffer (everything ever pushed), to find entries across evictions. */
  readonly index: number;
  matched: boolean;
  evicted: boolean;
}

export interface ListCounters {
  /** Every message pushed since the model was created (clear does not reset it). */
  received: number;
  /** Messages in the visible list. */
  shown: number;
  /** Messages held in the buffer that the current filter hides. */
  filteredOut: number;
  /** Messages that failed to decode (see isUndecodable), since the start. */
  undecodable: number;
  /** Messages the ring buffer let go because it was full, since the start. */
  evicted: number;
  /** Matching messages that arrived while paused, not yet in the visible list. */
  newWhilePaused: number;
}

export interface MessageListOptions {
  /** Messages kept (default 10 000). */
  capacity?: number;
  filter?: MessageFilter;
  /** Rows the list widget shows; paging and scrolling use it. */
  viewportHeight?: number;
}

export class MessageListModel {
  private readonly buffer: RingBuffer<Entry>;
  private readonly visible: RingBuffer<Entry>;
  private activeFilter: MessageFilter;
  private selected = -1;
  private scrollTop = 0;
  private viewport: number;
  private following = true;
  private isPaused = false;
  /** Buffer position from which messages are not yet in the (frozen) visible list. */
  private pauseMark = 0;
  private newCount = 0;
  private receivedCount = 0;
  private undecodableCount = 0;
  private matchedInBuffer = 0;
  private versionCount = 0;

  constructor(options: MessageListOptions = {}) {
    this.buffer = new RingBuffer<Entry>(options.capacity ?? 10_000);
    // The visible list is a subsequence of the buffer, so the same capacity always suffices.
    this.visible = new RingBuffer<Entry>(this.buffer.capacity);
    this.activeFilter = options.filter ?? MATCH_ALL;
    this.viewport = Math.max(1, options.viewportHeight ?? 20);
  }

  get version(): number {
    return this.versionCount;
  }
  get capacity(): number {
    return this.buffer.capacity;
  }
  get filter(): MessageFilter {
    return this.activeFilter;
  }
  get follow(): boolean {
    return this.following;
  }
  get paused(): boolean {
    return this.isPaused;
  }
  /** Number of visible messages. */
  get length(): number {
    return this.visible.length;
  }
  /** Index of the selected row in the visible list, -1 when it is empty. */
  get selectedIndex(): number {
    return this.selected;
  }
  get selectedMessage(): WatchedMessage | undefined {
    return this.visible.get(this.selected)?.message;
  }
  /** First visible row shown in the viewport. */
  get top(): number {
    return this.scrollTop;
  }
  get viewportHeight(): number {
    return this.viewport;
  }

  get counters(): ListCounters {
    return {
      received: this.receivedCount,
      shown: this.visible.length,
      filteredOut: this.buffer.length - this.matchedInBuffer,
      undecodable: this.undecodableCount,
      evicted: this.buffer.evicted,
      newWhilePaused: this.newCount,
    };
  }

  /** Visible message `i` (0 = oldest shown). */
  at(i: number): WatchedMessage | undefined {
    return i < 0 ? undefined : this.visible.get(i)?.message;
  }

  /** The rows in the viewport, from `top`. */
  window(): WatchedMessage[] {
    const rows: WatchedMessage[] = [];
    const end = Math.min(this.visible.length, this.scrollTop + this.viewport);
    for (let i = this.scrollTop; i < end; i++) rows.push(this.visible.get(i)!.message);
    return rows;
  }

  push(message: WatchedMessage): void {
    this.receivedCount++;
    if (isUndecodable(message.classified)) this.undecodableCount++;
    const entry: Entry = {
      message,
      index: this.buffer.absoluteEnd,
      matched: this.activeFilter.matches(message),
      evicted: false,
    };
    const dropped = this.buffer.push(entry);
    if (dropped !== undefined) {
      dropped.evicted = true;
      if (dropped.matched) this.matchedInBuffer--;
      if (!this.isPaused && this.visible.first() === dropped) this.dropVisibleHead();
    }
    if (entry.matched) {
      this.matchedInBuffer++;
      if (this.isPaused) this.newCount++;
      else {
        this.visible.push(entry);
        if (this.following) this.stickToBottom();
        else if (this.selected < 0) this.selected = 0;
      }
    }
    this.versionCount++;
  }

  /** Applies a new filter to everything held; the selection stays on the same message if it still shows. */
  setFilter(filter: MessageFilter): void {
    const keep = this.visible.get(this.selected)?.index;
    this.activeFilter = filter;
    this.visible.clear();
    this.matchedInBuffer = 0;
    for (const entry of this.buffer) {
      entry.matched = filter.matches(entry.message);
      if (entry.matched) {
        this.matchedInBuffer++;
        this.visible.push(entry);
      }
    }
    // A filter change while paused shows the buffer as it is now: nothing is waiting any more.
    this.pauseMark = this.buffer.absoluteEnd;
    this.newCount = 0;
    if (this.following || keep === undefined) this.stickToBottom();
    else this.selectAt(this.firstVisibleAtOrAfter(keep));
    this.versionCount++;
  }

  pause(): void {
    if (this.isPaused) return;
    this.isPaused = true;
    this.pauseMark = this.buffer.absoluteEnd;
    this.newCount = 0;
    this.versionCount++;
  }

  resume(): void {
    if (!this.isPaused) return;
    this.isPaused = false;
    while (this.visible.first()?.evicted === true) this.dropVisibleHead();
    const from = Math.max(this.pauseMark, this.buffer.absoluteStart);
    for (let abs = from; abs < this.buffer.absoluteEnd; abs++) {
      const entry = this.buffer.getAbsolute(abs)!;
      if (entry.matched) this.visible.push(entry);
    }
    this.newCount = 0;
    if (this.following) this.stickToBottom();
    else if (this.selected < 0 && this.visible.length > 0) this.selectAt(0);
    this.versionCount++;
  }

  togglePause(): void {
    if (this.isPaused) this.resume();
    else this.pause();
  }

  /** Drops every held message; the since-start counters (received, undecodable, evicted) stay. */
  clear(): void {
    this.buffer.clear();
    this.visible.clear();
    this.matchedInBuffer = 0;
    this.pauseMark = this.buffer.absoluteEnd;
    this.newCount = 0;
    this.selected = -1;
    this.scrollTop = 0;
    this.versionCount++;
  }

  setViewportHeight(rows: number): void {
    const next = Math.max(1, Math.floor(rows));
    if (next === this.viewport) return;
    this.viewport = next;
    if (this.following) this.stickToBottom();
    else this.scrollToSelection();
    this.versionCount++;
  }

  /** Follow the tail: the newest message is selected as it arrives (`f`). */
  setFollow(on: boolean): void {
    if (on === this.following) return;
    this.following = on;
    if (on) this.stickToBottom();
    this.versionCount++;
  }

  /** Moves the selection by `delta` rows; moving up leaves follow mode. */
  moveSelection(delta: number): void {
    if (this.visible.length === 0 || delta === 0) return;
    if (delta < 0) this.following = false;
    this.selectAt(this.selected + delta);
    this.versionCount++;
  }

  pageUp(): void {
    this.moveSelection(-this.viewport);
  }

  pageDown(): void {
    this.moveSelection(this.viewport);
  }

  /** First message (`g`); leaves follow mode. */
  toTop(): void {
    if (this.visible.length === 0) return;
    this.following = false;
    this.selectAt(0);
    this.versionCount++;
  }

  /** Last message and follow mode on (`G`). */
  toBottom(): void {
    this.following = true;
    this.stickToBottom();
    this.versionCount++;
  }

  /** Selects visible row `i` (e.g. a click); anything but the last row leaves follow mode. */
  select(i: number): void {
    if (this.visible.length === 0) return;
    if (i < this.visible.length - 1) this.following = false;
    this.selectAt(i);
    this.versionCount++;
  }

  private selectAt(i: number): void {
    const n = this.visible.length;
    this.selected = n === 0 ? -1 : Math.min(n - 1, Math.max(0, i));
    this.scrollToSelection();
  }

  private stickToBottom(): void {
    const n = this.visible.length;
    this.selected = n - 1;
    this.scrollTop = Math.max(0, n - this.viewport);
  }

  private scrollToSelection(): void {
    if (this.selected < this.scrollTop) this.scrollTop = Math.max(0, this.selected);
    else if (this.selected >= this.scrollTop + this.viewport) this.scrollTop = this.selected - this.viewport + 1;
    this.scrollTop = Math.min(this.scrollTop, Math.max(0, this.visible.length - this.viewport));
  }

  /** The oldest visible row went away: rows shift up by one, the selection stays on its message. */
  private dropVisibleHead(): void {
    this.visible.shift();
    if (this.selected > 0) this.selected--;
    else if (this.visible.length === 0) this.selected = -1;
    if (this.scrollTop > 0) this.scrollTop--;
  }

  /** Visible row of the first entry at buffer position `index` or later (binary search). */
  private firstVisibleAtOrAfter(index: number): number {
    let lo = 0;
    let hi = this.visible.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.visible.get(mid)!.index < index) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

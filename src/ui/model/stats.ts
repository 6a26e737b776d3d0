/**
 * Traffic statistics for the stats pane: top topics, events and nodes by messages and bytes,
 * over a sliding window (1-second buckets, 10 s by default) and since the start, plus a
 * per-second history of the total rate for a sparkline.
 *
 * Time is never read from the clock here: the caller injects `now()` (ms), which keeps tests
 * deterministic and lets a replay drive the stats with recorded time. A clock that steps back is
 * treated as standing still.
 *
 * Distinct keys are capped per table (`maxKeys`); past the cap, new keys are counted under
 * "(other)" so that a topic per user or per long-poll session cannot grow memory without bound.
 */
import { topicOf, type WatchedMessage } from '../../output/watched-message.js';
import { nodeOf } from '../../phoenix/classify.js';

export type StatsDimension = 'topic' | 'event' | 'node';
export type StatsSort = 'msgs' | 'bytes';
export type StatsScope = 'window' | 'total';

export const NO_VALUE_KEY = '(none)';
export const OTHER_KEY = '(other)';

export interface StatsRow {
  key: string;
  msgs: number;
  bytes: number;
  /** Per second over the scope. */
  msgRate: number;
  byteRate: number;
}

export interface StatsTotals {
  msgs: number;
  bytes: number;
  msgRate: number;
  byteRate: number;
}

export interface StatsOptions {
  now: () => number;
  /** Length of the sliding window in seconds (default 10). */
  windowSeconds?: number;
  /** Seconds of per-second history kept for the sparkline (default 60). */
  historySeconds?: number;
  /** Distinct keys per table before the rest go to "(other)" (default 10 000). */
  maxKeys?: number;
  /**
   * Count "since start" from the first recorded message rather than from construction: for a
   * capture read back, whose clock is the recorded times and means nothing before the first one.
   */
  startAtFirstRecord?: boolean;
}

interface Counter {
  msgs: number;
  bytes: number;
}

const DIMENSIONS: readonly StatsDimension[] = ['topic', 'event', 'node'];

class KeyTable {
  readonly counts = new Map<string, Counter>();
  constructor(private readonly maxKeys: number) {}

  add(key: string, bytes: number): void {
    let c = this.counts.get(key);
    if (c === undefined) {
      // "(other)" itself may go one past the cap.
      if (this.counts.size >= this.maxKeys && key !== OTHER_KEY) return this.add(OTHER_KEY, bytes);
      c = { msgs: 0, bytes: 0 };
      this.counts.set(key, c);
    }
    c.msgs++;
    c.bytes += bytes;
  }
}

class Bucket {
  second = Number.NEGATIVE_INFINITY;
  msgs = 0;
  bytes = 0;
  tables: Record<StatsDimension, KeyTable>;

  constructor(private readonly maxKeys: number) {
    this.tables = newTables(maxKeys);
  }

  reset(second: number): void {
    this.second = second;
    this.msgs = 0;
    this.bytes = 0;
    this.tables = newTables(this.maxKeys);
  }
}

function newTables(maxKeys: number): Record<StatsDimension, KeyTable> {
  return { topic: new KeyTable(maxKeys), event: new KeyTable(maxKeys), node: new KeyTable(maxKeys) };
}

export class StatsModel {
  private readonly now: () => number;
  private readonly windowSeconds: number;
  private readonly historySeconds: number;
  private readonly maxKeys: number;
  private startedAt: number;
  private lastTime: number;
  private waitingForFirst: boolean;
  private readonly buckets: Bucket[];
  private readonly totalTables: Record<StatsDimension, KeyTable>;
  private readonly total: Counter = { msgs: 0, bytes: 0 };
  private readonly historyLabels: Float64Array;
  private readonly historyMsgs: Float64Array;
  private readonly historyBytes: Float64Array;

  constructor(options: StatsOptions) {
    this.now = options.now;
    this.windowSeconds = positiveInteger(options.windowSeconds ?? 10, 'windowSeconds');
    this.historySeconds = positiveInteger(options.historySeconds ?? 60, 'historySeconds');
    this.maxKeys = positiveInteger(options.maxKeys ?? 10_000, 'maxKeys');
    this.startedAt = this.lastTime = options.now();
    this.waitingForFirst = options.startAtFirstRecord === true;
    this.buckets = Array.from({ length: this.windowSeconds }, () => new Bucket(this.maxKeys));
    this.totalTables = newTables(this.maxKeys);
    this.historyLabels = new Float64Array(this.historySeconds).fill(Number.NEGATIVE_INFINITY);
    this.historyMsgs = new Float64Array(this.historySeconds);
    this.historyBytes = new Float64Array(this.historySeconds);
  }

  /** Counts one message at `at` (default: now()). */
  record(m: WatchedMessage, at: number = this.now()): void {
    if (this.waitingForFirst) {
      this.waitingForFirst = false;
      this.startedAt = this.lastTime = at;
    }
    const time = this.clamp(at);
    const second = Math.floor(time / 1000);
    const bytes = m.raw.payload.byteLength;
    const keys: Record<StatsDimension, string> = {
      topic: topicOf(m.classified) ?? NO_VALUE_KEY,
      event: m.classified.event ?? NO_VALUE_KEY,
      node: nodeOf(m.classified) ?? NO_VALUE_KEY,
    };

    const bucket = this.buckets[mod(second, this.windowSeconds)]!;
    if (bucket.second !== second) bucket.reset(second);
    bucket.msgs++;
    bucket.bytes += bytes;
    for (const dim of DIMENSIONS) {
      bucket.tables[dim].add(keys[dim], bytes);
      this.totalTables[dim].add(keys[dim], bytes);
    }
    this.total.msgs++;
    this.total.bytes += bytes;

    const slot = mod(second, this.historySeconds);
    if (this.historyLabels[slot] !== second) {
      this.historyLabels[slot] = second;
      this.historyMsgs[slot] = 0;
      this.historyBytes[slot] = 0;
    }
    this.historyMsgs[slot]! += 1;
    this.historyBytes[slot]! += bytes;
  }

  /** Rows of one dimension, largest first by `by`, at most `limit`. */
  top(dimension: StatsDimension, options: { by?: StatsSort; scope?: StatsScope; limit?: number } = {}): StatsRow[] {
    const by = options.by ?? 'msgs';
    const scope = options.scope ?? 'window';
    const span = this.spanSeconds(scope);
    let counts: Map<string, Counter>;
    if (scope === 'total') counts = this.totalTables[dimension].counts;
    else {
      counts = new Map();
      for (const bucket of this.liveBuckets()) {
        for (const [key, c] of bucket.tables[dimension].counts) {
          const sum = counts.get(key);
          if (sum === undefined) counts.set(key, { msgs: c.msgs, bytes: c.bytes });
          else {
            sum.msgs += c.msgs;
            sum.bytes += c.bytes;
          }
        }
      }
    }
    const rows: StatsRow[] = [];
    for (const [key, c] of counts) {
      rows.push({ key, msgs: c.msgs, bytes: c.bytes, msgRate: c.msgs / span, byteRate: c.bytes / span });
    }
    // Ties broken by the other measure, then by key, so the table does not flicker.
    const other: StatsSort = by === 'msgs' ? 'bytes' : 'msgs';
    rows.sort((a, b) => b[by] - a[by] || b[other] - a[other] || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return options.limit === undefined ? rows : rows.slice(0, options.limit);
  }

  totals(scope: StatsScope = 'window'): StatsTotals {
    let msgs = 0;
    let bytes = 0;
    if (scope === 'total') ({ msgs, bytes } = this.total);
    else {
      for (const bucket of this.liveBuckets()) {
        msgs += bucket.msgs;
        bytes += bucket.bytes;
      }
    }
    const span = this.spanSeconds(scope);
    return { msgs, bytes, msgRate: msgs / span, byteRate: bytes / span };
  }

  /**
   * Messages (or bytes) per complete second, oldest first, `historySeconds` values ending with the
   * second before the current one (a partial second would always look like a drop).
   */
  history(metric: StatsSort = 'msgs'): number[] {
    const current = Math.floor(this.clamp(this.now()) / 1000);
    const values = metric === 'msgs' ? this.historyMsgs : this.historyBytes;
    const out: number[] = [];
    for (let s = current - this.historySeconds; s < current; s++) {
      const slot = mod(s, this.historySeconds);
      out.push(this.historyLabels[slot] === s ? values[slot]! : 0);
    }
    return out;
  }

  /** Buckets inside the window ending now: (now − windowSeconds, now]. */
  private *liveBuckets(): Generator<Bucket> {
    const current = Math.floor(this.clamp(this.now()) / 1000);
    for (const bucket of this.buckets) {
      if (bucket.second > current - this.windowSeconds && bucket.second <= current) yield bucket;
    }
  }

  /**
   * Seconds the counts cover: the window (its oldest bucket from its start, the current one up
   * to now) or the time since start, never before the start, and at least 1 s so that the first
   * messages do not extrapolate to absurd rates.
   */
  private spanSeconds(scope: StatsScope): number {
    const now = this.clamp(this.now());
    const windowStart = (Math.floor(now / 1000) - this.windowSeconds + 1) * 1000;
    const from = scope === 'total' ? this.startedAt : Math.max(this.startedAt, windowStart);
    return Math.max(1, (now - from) / 1000);
  }

  private clamp(time: number): number {
    if (time > this.lastTime) this.lastTime = time;
    return this.lastTime;
  }
}

function mod(n: number, m: number): number {
  return ((n % m) + m) % m;
}

function positiveInteger(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be a positive integer, got ${n}`);
  return n;
}

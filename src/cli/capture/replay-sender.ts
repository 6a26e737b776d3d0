/**
 * The second pass of a replay: read the capture again and publish the planned records, each at
 * its due time (ReplaySchedule), with up to `maxInFlight` PUBLISHes awaiting their reply. On one
 * connection Redis executes commands in the order sent, so the window keeps the recorded order
 * while not paying a round trip per message.
 */
import { performance } from 'node:perf_hooks';
import { readCapture } from '../../capture/reader.js';
import type { ChannelMap } from './channel-map.js';
import type { ReplayPlan } from './replay-plan.js';
import { ReplaySchedule, type ReplaySpeed } from './replay-schedule.js';

export interface ReplayProgress {
  /** PUBLISHes answered. */
  sent: number;
  /** Sum of PUBLISH replies: receivers connected to the node that took each message. */
  receivers: number;
  /** Recorded time replayed so far, in ms. */
  recordedElapsedMs: number;
}

export interface ReplaySenderOptions {
  path: string;
  plan: ReplayPlan;
  channels: ChannelMap;
  speed: ReplaySpeed;
  publish: (channel: string, payload: Uint8Array) => Promise<number>;
  maxInFlight: number;
  /** Resolves when the user asks to stop (Ctrl-C): no new record is sent after that. */
  stopRequested: Promise<void>;
}

export interface ReplayResult extends ReplayProgress {
  /** False when stopped before the last planned record. */
  completed: boolean;
}

export class ReplaySender {
  readonly progress: ReplayProgress = { sent: 0, receivers: 0, recordedElapsedMs: 0 };
  private stopping = false;

  constructor(private readonly options: ReplaySenderOptions) {
    void options.stopRequested.then(() => (this.stopping = true));
  }

  /** Publishes every planned record; rejects with the first publish error (after the others settle). */
  async run(): Promise<ReplayResult> {
    const { plan, channels, publish, maxInFlight } = this.options;
    // The clock starts at the first record, not before the file is open and read: otherwise the
    // first record goes out late and the first gap comes out short.
    let schedule: ReplaySchedule | null = null;
    const window = new InFlightWindow(maxInFlight);
    let failure: unknown = null;
    let index = 0;
    let completed = true;
    read: for await (const batch of readCapture(this.options.path).batches()) {
      for (const entry of batch) {
        if (entry.kind === 'bad-record') index++; // counted by the plan too, never selected
        if (entry.kind !== 'record') continue;
        // Records appended after planning were neither filtered nor validated: leave them.
        if (index >= plan.records) break read;
        const i = index++;
        schedule ??= new ReplaySchedule(this.options.speed, performance.now());
        const due = schedule.next(entry.message.receivedAt, entry.segmentIndex);
        if (!plan.isSelected(i)) continue;
        // Awaiting only when there is something to wait for: an await per message costs more than its PUBLISH.
        if (due > performance.now()) await this.waitUntil(due);
        if (window.full) await window.slot();
        if (this.stopping || failure !== null) {
          completed = false;
          break read;
        }
        this.progress.recordedElapsedMs = schedule.recordedElapsedMs;
        window.add(
          publish(channels.map(entry.message.channel), entry.message.payload).then(
            (receivers) => {
              this.progress.sent++;
              this.progress.receivers += receivers;
            },
            (error: unknown) => {
              failure ??= error;
            },
          ),
        );
      }
    }
    await window.drained();
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the publisher's own error, passed on as it came
    if (failure !== null) throw failure;
    return { ...this.progress, completed };
  }

  /** Sleeps until `due` (performance.now() time), cut short by a stop request. */
  private async waitUntil(due: number): Promise<void> {
    const wait = due - performance.now();
    if (wait <= 0 || this.stopping) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => (timer = setTimeout(resolve, wait))),
      this.options.stopRequested,
    ]);
    clearTimeout(timer);
  }
}

/**
 * Counts PUBLISHes awaiting a reply. One waiter at a time (the send loop), so freeing a slot is
 * O(1) — racing a set of hundreds of promises per message would cost more than the PUBLISH.
 */
class InFlightWindow {
  private count = 0;
  private wake: (() => void) | null = null;

  constructor(private readonly limit: number) {}

  /** `settled` must never reject. */
  add(settled: Promise<void>): void {
    this.count++;
    void settled.then(() => {
      this.count--;
      const wake = this.wake;
      this.wake = null;
      wake?.();
    });
  }

  get full(): boolean {
    return this.count >= this.limit;
  }

  /** Resolves once fewer than `limit` are in flight. */
  async slot(): Promise<void> {
    while (this.count >= this.limit) await new Promise<void>((resolve) => (this.wake = resolve));
  }

  async drained(): Promise<void> {
    while (this.count > 0) await new Promise<void>((resolve) => (this.wake = resolve));
  }
}

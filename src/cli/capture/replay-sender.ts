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
    const schedule = new ReplaySchedule(this.options.speed, performance.now());
    const inFlight = new Set<Promise<void>>();
    let failure: unknown = null;
    let index = 0;
    let completed = true;
    for await (const entry of readCapture(this.options.path).entries()) {
      if (entry.kind !== 'record') continue;
      // Records appended after planning were neither filtered nor validated: leave them.
      if (index >= plan.records) break;
      const i = index++;
      const due = schedule.next(entry.message.receivedAt, entry.segmentIndex);
      if (!plan.isSelected(i)) continue;
      await this.waitUntil(due);
      while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
      if (this.stopping || failure !== null) {
        completed = false;
        break;
      }
      this.progress.recordedElapsedMs = schedule.recordedElapsedMs;
      const sending: Promise<void> = publish(channels.map(entry.message.channel), entry.message.payload).then(
        (receivers) => {
          this.progress.sent++;
          this.progress.receivers += receivers;
          inFlight.delete(sending);
        },
        (error: unknown) => {
          failure ??= error;
          inFlight.delete(sending);
        },
      );
      inFlight.add(sending);
    }
    await Promise.all(inFlight);
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

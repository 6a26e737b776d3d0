/**
 * Between the socket and the live UI's decoding. Receiving a message only queues its raw bytes
 * (no decoding); the queue is decoded in slices of at most SLICE_MS, one slice per event-loop
 * turn, so between two slices the loop reads the socket again. Reading thus never waits for more
 * than one slice, whatever the flood, and Redis never disconnects the UI for being slow.
 *
 * While messages keep arriving, slices are short (BUSY_SHARE): reading comes first; the queue is
 * decoded at full speed once the socket is quiet.
 *
 * The queue is bounded (MAX_QUEUED_BYTES of payload + channel + per-message cost). Drop policy,
 * as the line watcher's (output/render-queue.ts): a message arriving while the queue is full is
 * dropped BEFORE it is decoded and counted in `dropped`; dropping goes on until the queue is down
 * to half, so drops come in runs. A dropped message was never decoded: it is in no count but
 * `dropped` (not received, not filtered, not in the stats or the nodes and presence views), so
 * received + dropped is what arrived.
 *
 * Why on the main thread rather than a worker: the UI needs every decoded message on the main
 * thread anyway (the list's filter, the stats, the nodes and presence views read the terms), so a
 * worker would decode and then send it all back; slicing keeps reading first at no such cost.
 * A large message (half the bound or more) is let in one at a time beside the small messages'
 * bound, as in the line watcher: otherwise the broadcast right behind a 10 MiB payload would always
 * be dropped.
 */
import type { RawMessage } from '../model/raw-message.js';

/** About 30 000 small (~250 B) messages: around a second of the UI's decoding. */
export const MAX_QUEUED_BYTES = 8 * 1024 * 1024;
/** Decoding time per event-loop turn before the socket (and keys, and drawing) get their turn. */
export const SLICE_MS = 10;
/**
 * While messages arrived since the last slice the socket is busy and likely has more, which must
 * be read first (Redis holds at most 32 MB for us; at 100 MB/s that is a third of a second): a
 * slice then lasts this share of the time since the previous one ended, so decoding takes at
 * most a tenth of the main thread. (A fixed 1 ms slice still took two thirds: a turn of reading
 * is often shorter than that.)
 */
export const BUSY_SHARE = 0.1;
/** What a queued message costs beyond its payload and channel (its share of objects). */
const MESSAGE_OVERHEAD = 64;

export interface DecodeIntakeOptions {
  maxQueuedBytes?: number;
  sliceMs?: number;

  /** A message was dropped (to redraw the counter). */
  onDrop?: () => void;
}

export class DecodeIntake {
  private readonly queue: Array<RawMessage | undefined> = [];
  /** Index of the next message to decode in `queue` (shifting each one would be O(n)). */
  private head = 0;
  /** Weight of the small messages queued (the bound applies to these). */
  private queuedBytes = 0;
  /** Weight of the large message queued, if any (one at a time). */
  private largeQueued = 0;
  private droppedCount = 0;
  private dropping = false;
  private scheduled = false;
  /** Messages that arrived since the last slice began. */
  private arrived = 0;
  /** When the last slice ended (performance.now()). */
  private lastSliceEnd = 0;
  /** Milliseconds of decoding earned and not yet spent (negative: overspent by the last message). */
  private credit = 0;
  private closed = false;
  private readonly maxQueued: number;
  private readonly sliceMs: number;

  constructor(
    private readonly decode: (raw: RawMessage) => void,
    private readonly options: DecodeIntakeOptions = {},
  ) {
    this.maxQueued = options.maxQueuedBytes ?? MAX_QUEUED_BYTES;
    this.sliceMs = options.sliceMs ?? SLICE_MS;
  }

  /** Arrived but let go undecoded: the queue was full, or still held it when the UI closed. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Messages waiting to be decoded. */
  get queued(): number {
    return this.queue.length - this.head;
  }

  /** Queues a message, or drops and counts it when the queue is full. Cheap: no decoding here. */
  push(raw: RawMessage): void {
    if (this.closed) return;
    this.arrived++;
    const weight = weightOf(raw);
    const large = this.isLarge(weight);
    if (this.dropping) {
      if (this.queuedBytes > this.maxQueued / 2) return this.drop();
      this.dropping = false;
    }
    if (large ? this.largeQueued > 0 : this.queuedBytes > 0 && this.queuedBytes + weight > this.maxQueued) {
      this.dropping = true;
      return this.drop();
    }
    this.queue.push(raw);
    if (large) this.largeQueued = weight;
    else this.queuedBytes += weight;
    this.schedule();
  }

  /** Stops decoding; what is still queued counts as dropped (it was never decoded). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.droppedCount += this.queued;
    this.queue.length = 0;
    this.head = 0;
    this.queuedBytes = 0;
    this.largeQueued = 0;
  }

  private isLarge(weight: number): boolean {
    return weight >= this.maxQueued / 2;
  }

  private drop(): void {
    this.droppedCount++;
    this.options.onDrop?.();
  }

  /** The next slice: on the next turn, or, out of credit, after a millisecond (no busy loop). */
  private schedule(later = false): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const run = (): void => {
      this.scheduled = false;
      this.runSlice();
    };
    if (later) setTimeout(run, 1);
    else setImmediate(run);
  }

  private runSlice(): void {
    const start = performance.now();
    // Busy: decoding earns BUSY_SHARE of the time that passed (a message can take longer than one
    // turn's share, so the credit carries over, and an overdraft is paid back first). Quiet: a
    // whole slice.
    this.credit =
      this.arrived > 0
        ? Math.min(this.sliceMs, this.credit + (start - this.lastSliceEnd) * BUSY_SHARE)
        : Math.max(this.credit, this.sliceMs);
    this.arrived = 0;
    let now = start;
    while (!this.closed && this.head < this.queue.length && this.credit > 0) {
      const raw = this.queue[this.head]!;
      this.queue[this.head++] = undefined; // let it go now, not at the next compaction
      const weight = weightOf(raw);
      if (this.isLarge(weight)) this.largeQueued = 0;
      else this.queuedBytes -= weight;
      this.decode(raw);
      const after = performance.now();
      this.credit -= after - now;
      now = after;
    }
    this.lastSliceEnd = now;
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    if (!this.closed && this.head < this.queue.length) this.schedule(this.credit <= 0);
  }
}

/** What a queued message weighs against the bound. */
function weightOf(raw: RawMessage): number {
  return raw.payload.length + raw.channel.length + MESSAGE_OVERHEAD;
}

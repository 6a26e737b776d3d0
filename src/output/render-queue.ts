/**
 * The watcher's main-thread side of rendering: messages go, a burst at a time, to a worker thread
 * (render-worker.ts) that decodes, filters and renders them; its output comes back and is written
 * here. The main thread thus only reads the socket and writes output, so a flood is read at the
 * socket's speed and Redis never disconnects the watcher for being slow.
 *
 * The queue is bounded. Drop policy: a message that arrives while the queue is full is dropped
 * BEFORE it is decoded, and counted; dropping goes on until the queue is down to half, so drops
 * come in runs and each run is reported once, in its place in the output (a `dropped` NDJSON
 * record or a `# dropped N` line; render-spec.ts). Stdout policy: backpressure onto the queue — a
 * paused or slow reader (`| less` left open) makes written output wait in the stream, which counts
 * against the same bound, so the queue fills and drops; memory stays bounded, and the drops are
 * reported as soon as the reader catches up (or at exit).
 *
 * Bounds: MAX_QUEUED_BYTES of messages not yet rendered (payload + channel + per-message cost),
 * and MAX_OUTPUT_BYTES of output not yet taken by the stream.
 */
import { Worker } from 'node:worker_threads';
import type { Writable } from 'node:stream';
import type { RawMessage } from '../model/raw-message.js';
import { BatchBuilder } from './message-batch.js';
import type { Counters } from './pipeline.js';
import type { RenderReply, ToRenderWorker } from './render-protocol.js';
import type { WatchRenderSpec } from './render-spec.js';
import { Utf8Lines } from './utf8-lines.js';

/** About 25 000 small (~250 B) messages: a tenth of a second of a flood at full speed. */
export const MAX_QUEUED_BYTES = 8 * 1024 * 1024;
export const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;
/** What a queued message costs beyond its payload and channel (its share of objects and headers). */
const MESSAGE_OVERHEAD = 64;
/** A batch this large is sent at once rather than at the end of the event-loop turn. */
const BATCH_BYTES = 1024 * 1024;

export interface RenderQueueOptions {
  spec: WatchRenderSpec;
  out: Writable;
  /** Lines the worker wants on stderr (NDJSON mode: a message that could not be rendered). */
  onStderr: (line: string) => void;
  /** After each piece of output was handed to `out` (counters updated): check stop conditions. */
  onProgress?: () => void;
  /** The worker died (a bug of ours): the watcher should stop. */
  onFailure?: (error: Error) => void;
  maxQueuedBytes?: number;
  maxOutputBytes?: number;
}

export interface RenderCounters extends Counters {
  /** Arrived but let go undecoded because the queue was full. Not part of `received`. */
  dropped: number;
}

export class RenderQueue {
  readonly counters: RenderCounters = { received: 0, shown: 0, filtered: 0, undecodable: 0, dropped: 0 };
  private readonly worker: Worker;
  private readonly batch = new BatchBuilder();
  private readonly maxQueued: number;
  private readonly maxOutput: number;
  private batchWeight = 0;
  /** Weight sent to the worker or waiting in `batch`, not yet rendered. */
  private queued = 0;
  /** Items sent to the worker and not answered yet. */
  private pending = 0;
  /**
   * The large message (≥ half the bound) queued, if any, and its weight per item sent (answered in
   * order). Large messages are let in one at a time beside the small ones' bound: counted in that
   * bound, one 10 MiB payload arriving behind any backlog at all would always be dropped.
   */
  private largeQueued = 0;
  private batchLarge = 0;
  private readonly largePerItem: number[] = [];
  private dropping = false;
  private unreported = 0;
  private scheduled = false;
  private closed = false;
  private failed: Error | null = null;
  private outFailed = false;
  private idle: (() => void) | null = null;
  /** Output buffers written out, to hand back to the worker with the next batch. */
  private spentOutput: ArrayBuffer[] = [];

  constructor(private readonly options: RenderQueueOptions) {
    this.maxQueued = options.maxQueuedBytes ?? MAX_QUEUED_BYTES;
    this.maxOutput = options.maxOutputBytes ?? MAX_OUTPUT_BYTES;
    this.worker = new Worker(new URL('./render-worker.js', import.meta.url), { workerData: options.spec });
    this.worker.on('message', (reply: RenderReply) => this.onReply(reply));
    this.worker.on('error', (error: Error) => this.fail(error));
    this.worker.on('exit', (code) => {
      if (!this.closed || this.pending > 0) this.fail(new Error(`render worker exited with code ${code}`));
    });
    // A closed pipe (`redis-print | head`) ends the watch quietly.
    options.out.on('error', () => {
      this.outFailed = true;
      this.options.onProgress?.();
    });
    // The reader caught up after a run of drops: report it now, not when the next message comes.
    options.out.on('drain', () => {
      if (!this.closed && this.unreported > 0 && this.queued === 0 && this.pending === 0) this.sendDrops();
    });
  }

  /** Whether the reader of the output went away (EPIPE). */
  get broken(): boolean {
    return this.outFailed;
  }

  /** Queues a message, or drops and counts it when the queue is full. Cheap: no decoding here. */
  push(raw: RawMessage): void {
    if (this.closed) return;
    const weight = raw.payload.length + raw.channel.length + MESSAGE_OVERHEAD;
    const large = weight >= this.maxQueued / 2;
    const small = this.queued - this.largeQueued;
    const backlog = small + this.options.out.writableLength;
    if (this.dropping) {
      if (backlog > (this.maxQueued + this.maxOutput) / 2 || this.options.out.writableLength > this.maxOutput / 2) {
        this.drop();
        return;
      }
      this.dropping = false;
    }
    const full =
      (large ? this.largeQueued > 0 : small > 0 && small + weight > this.maxQueued) ||
      this.options.out.writableLength > this.maxOutput;
    if (full) {
      this.dropping = true;
      this.drop();
      return;
    }
    this.batch.add(raw);
    this.batchWeight += weight;
    this.queued += weight;
    if (large) {
      this.batchLarge += weight;
      this.largeQueued += weight;
    }
    if (this.batch.length >= BATCH_BYTES) this.sendBatch();
    // While the worker is busy, messages gather here and go in one batch when it answers: each
    // batch has a fixed cost on both threads (a wake-up, two postMessages), which a flood read
    // a socket chunk at a time (~200 messages) would pay per chunk.
    else if (!this.scheduled && this.pending === 0) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.sendBatch();
      });
    }
  }

  /** A status line, printed after the messages queued before it (lines mode). */
  notice(text: string): void {
    if (this.closed) return;
    this.sendBatch();
    this.send({ type: 'notice', text });
  }

  /** Renders what is queued, reports drops not yet reported, writes it all; then stops the worker. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sendBatch();
    if (this.unreported > 0) this.sendDrops();
    if (this.pending > 0 && this.failed === null) await new Promise<void>((resolve) => (this.idle = resolve));
    const out = this.options.out;
    while (!this.outFailed && out.writableNeedDrain) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          out.off('drain', done);
          out.off('error', done);
          resolve();
        };
        out.once('drain', done);
        out.once('error', done);
      });
    }
    await this.worker.terminate();
  }

  private drop(): void {
    this.counters.dropped++;
    this.unreported++;
  }

  private sendBatch(): void {
    const batch = this.batch.take();
    if (batch === null) return;
    const dropped = this.unreported;
    this.unreported = 0;
    const weight = this.batchWeight;
    this.batchWeight = 0;
    const large = this.batchLarge;
    this.batchLarge = 0;
    const spares = this.spentOutput;
    this.spentOutput = [];
    this.send({ type: 'batch', batch, dropped, weight, spares }, [batch.buffer, ...spares], large);
  }

  private sendDrops(): void {
    const dropped = this.unreported;
    this.unreported = 0;
    this.send({ type: 'drops', dropped });
  }

  private send(item: ToRenderWorker, transfer: ArrayBuffer[] = [], large = 0): void {
    if (this.failed) return;
    this.pending++;
    this.largePerItem.push(large);
    this.worker.postMessage(item, transfer);
  }

  private onReply(reply: RenderReply): void {
    this.pending--;
    this.queued -= reply.weight;
    this.largeQueued -= this.largePerItem.shift() ?? 0;
    const c = this.counters;
    c.received = reply.counters.received;
    c.shown = reply.counters.shown;
    c.filtered = reply.counters.filtered;
    c.undecodable = reply.counters.undecodable;
    for (const line of reply.stderr) this.options.onStderr(line);
    if (reply.output.length > 0 && !this.outFailed) {
      const buffer = reply.output.buffer;
      // Once written, a buffer the worker handed over goes back to it (it keeps two at most).
      this.options.out.write(reply.output, () => {
        if (this.spentOutput.length < 2 && Utf8Lines.recyclable(buffer)) this.spentOutput.push(buffer);
      });
    }
    if (this.pending === 0 && !this.scheduled) this.sendBatch();
    // The queue ran empty after a run of drops: say so now, not only when the next message comes.
    if (this.queued === 0 && this.pending === 0 && this.unreported > 0 && !this.closed) this.sendDrops();
    this.options.onProgress?.();
    if (this.pending === 0 && this.idle) {
      this.idle();
      this.idle = null;
    }
  }

  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = error;
    this.pending = 0;
    this.idle?.();
    this.idle = null;
    this.options.onFailure?.(error);
  }
}

/** The messages between a watcher's main thread and its render worker (render-worker.ts). */
import type { MessageBatch } from './message-batch.js';
import type { Counters } from './pipeline.js';

export type ToRenderWorker =
  /**
   * Messages to decode, filter and render; `dropped` were let go just before them. `spares`:
   * output buffers already written out, given back to be written into again (transferred).
   */
  | { type: 'batch'; batch: MessageBatch; dropped: number; weight: number; spares: ArrayBuffer[] }
  /** A status line in its place among the messages (lines mode). */
  | { type: 'notice'; text: string }
  /** Report drops now (the queue ran empty after them, or the watcher is stopping). */
  | { type: 'drops'; dropped: number };

export interface RenderReply {
  /** Rendered lines, UTF-8, newline-terminated (transferred; its ArrayBuffer may be larger). */
  output: Uint8Array<ArrayBuffer>;
  /** The worker's pipeline counters after this item. */
  counters: Counters;
  /** The queue weight this item held (batch: its messages; others: 0). */
  weight: number;
  /** Lines for stderr (NDJSON mode: a message that could not be rendered). */
  stderr: string[];
}

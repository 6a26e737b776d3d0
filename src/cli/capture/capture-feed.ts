/**
 * A capture file as a message source for the UI (`view`): emits `ready`, every record as a
 * `message`, then `closed` — the events a live Subscriber emits, so the UI treats both alike.
 * Reads one chunk per event-loop turn, so keys and drawing stay responsive on a large file, and
 * stops reading when closed (the user quit before the end).
 */
import { EventEmitter } from 'node:events';
import { CaptureFormatError } from '../../capture/capture-error.js';
import { describeBadRecord, readCapture } from '../../capture/reader.js';
import type { UiSource, UiSourceEvents } from '../../ui/app.js';

export class CaptureFeed extends EventEmitter<UiSourceEvents> implements UiSource {
  private stopped = false;

  constructor(readonly path: string) {
    super();
  }

  /** What the UI shows as the source: the file. */
  get target(): string {
    return this.path;
  }

  /** Reads the whole file (or until close()); a damaged file is reported as an `error` event. */
  async start(): Promise<void> {
    this.emit('ready', { target: this.path });
    const reader = readCapture(this.path);
    try {
      for await (const batch of reader.batches()) {
        for (const entry of batch) {
          if (this.stopped) return;
          if (entry.kind === 'record') this.emit('message', entry.message);
          else if (entry.kind === 'bad-record') this.emit('error', new Error(describeBadRecord(this.path, entry)));
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      const tail = reader.summary?.truncatedTail;
      if (tail)
        this.emit(
          'error',
          new Error(`${this.path} ends inside a record (${tail.bytes} bytes cut off); every record before it was read`),
        );
    } catch (error) {
      if (!(error instanceof CaptureFormatError)) throw error;
      this.emit('error', error);
    }
    if (!this.stopped) this.emit('closed');
  }

  close(): void {
    this.stopped = true;
  }
}

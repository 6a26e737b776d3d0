import type { Writable } from 'node:stream';

const INITIAL_BYTES = 256 * 1024;
/** After a burst grew the buffer past this, it shrinks back once written. */
const KEEP_BYTES = 8 * 1024 * 1024;

/**
 * Collects output lines and writes them in one chunk per event-loop turn: one write(2) for a
 * burst of thousands of messages instead of one each. Each line is UTF-8-encoded into a growing
 * buffer as it comes — no array of strings to join and encode again at the end, and the line
 * strings die young (at tens of thousands of ~1 KB NDJSON lines a second, that garbage was a
 * good part of the watcher's time). Honours backpressure: while the stream is full, lines keep
 * collecting and are written on 'drain' — nothing is dropped.
 */
export class BatchedWriter {
  private buffer = Buffer.allocUnsafe(INITIAL_BYTES);
  private length = 0;
  private scheduled = false;
  private blocked = false;
  private failed: Error | null = null;

  constructor(private readonly stream: Writable) {
    // A closed pipe (`redis-print | head`) must end the program quietly, not crash it.
    stream.on('error', (error: Error) => {
      this.failed = error;
      this.length = 0;
    });
  }

  /** Whether the reader went away (EPIPE): callers can stop working for nobody. */
  get broken(): boolean {
    return this.failed !== null;
  }

  writeLine(line: string): void {
    if (this.failed) return;
    // A UTF-16 unit takes at most 3 bytes in UTF-8 (a surrogate pair: 4 for 2 units).
    const room = line.length * 3 + 1;
    if (this.length + room > this.buffer.length) this.grow(this.length + room);
    this.length += this.buffer.write(line, this.length, 'utf8');
    this.buffer[this.length++] = 0x0a;
    if (!this.scheduled && !this.blocked) {
      this.scheduled = true;
      setImmediate(() => this.flushNow());
    }
  }

  private grow(needed: number): void {
    let size = this.buffer.length * 2;
    while (size < needed) size *= 2;
    const bigger = Buffer.allocUnsafe(size);
    this.buffer.copy(bigger, 0, 0, this.length);
    this.buffer = bigger;
  }

  private flushNow(): void {
    this.scheduled = false;
    if (this.length === 0 || this.failed) return;
    // The stream may hold on to the chunk until written: it gets its own copy, and the buffer
    // is reused for the next turn.
    const chunk = Buffer.allocUnsafeSlow(this.length);
    this.buffer.copy(chunk, 0, 0, this.length);
    this.length = 0;
    if (this.buffer.length > KEEP_BYTES) this.buffer = Buffer.allocUnsafe(INITIAL_BYTES);
    if (!this.stream.write(chunk)) {
      this.blocked = true;
      this.stream.once('drain', () => {
        this.blocked = false;
        this.flushNow();
      });
    }
  }

  /** Writes everything collected so far and waits until the stream has taken it. */
  async flush(): Promise<void> {
    this.flushNow();
    if (this.failed) return;
    while ((this.blocked || this.stream.writableNeedDrain) && !this.failed && !this.stream.destroyed) {
      await this.drained();
      this.flushNow();
    }
  }

  /**
   * Until the stream drains — or fails or closes: a reader that went away (EPIPE) never drains,
   * and waiting for it left nothing for the event loop to do (Node then exits with 13).
   */
  private drained(): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        this.stream.off('drain', done);
        this.stream.off('error', done);
        this.stream.off('close', done);
        resolve();
      };
      this.stream.once('drain', done);
      this.stream.once('error', done);
      this.stream.once('close', done);
    });
  }
}

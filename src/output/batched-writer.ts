import type { Writable } from 'node:stream';

/**
 * Collects output lines and writes them in one chunk per event-loop turn: one write(2) for a
 * burst of thousands of messages instead of one each. Honours backpressure: while the stream
 * is full, lines keep collecting and are written on 'drain' — nothing is dropped.
 */
export class BatchedWriter {
  private pending: string[] = [];
  private scheduled = false;
  private blocked = false;
  private failed: Error | null = null;

  constructor(private readonly stream: Writable) {
    // A closed pipe (`redis-print | head`) must end the program quietly, not crash it.
    stream.on('error', (error: Error) => {
      this.failed = error;
      this.pending = [];
    });
  }

  /** Whether the reader went away (EPIPE): callers can stop working for nobody. */
  get broken(): boolean {
    return this.failed !== null;
  }

  writeLine(line: string): void {
    if (this.failed) return;
    this.pending.push(line);
    if (!this.scheduled && !this.blocked) {
      this.scheduled = true;
      setImmediate(() => this.flushNow());
    }
  }

  private flushNow(): void {
    this.scheduled = false;
    if (this.pending.length === 0 || this.failed) return;
    const chunk = this.pending.join('\n') + '\n';
    this.pending = [];
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
    while (this.blocked || this.stream.writableNeedDrain) {
      await new Promise<void>((resolve) => this.stream.once('drain', () => resolve()));
      this.flushNow();
    }
  }
}

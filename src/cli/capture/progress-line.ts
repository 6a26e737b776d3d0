/**
 * A calm progress line for record and replay: redrawn in place at most once a second, and only
 * when stderr is a terminal — a log file or a CI job wants the start line and the summary, not
 * a ticker. The final summary is printed by the command after `stop()` has cleared the line.
 */

export class ProgressLine {
  private timer: NodeJS.Timeout | null = null;
  private drawn = false;

  constructor(
    private readonly render: () => string,
    private readonly stream: { isTTY?: boolean; columns?: number; write(text: string): unknown } = process.stderr,
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    if (!this.stream.isTTY || this.timer !== null) return;
    this.timer = setInterval(() => this.draw(), this.intervalMs);
    // Progress alone must not keep the process alive.
    this.timer.unref();
  }

  /** Stops redrawing and erases the line, so the next output starts on a clean line. */
  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }

  private draw(): void {
    const width = this.stream.columns || 80; // 0 on a pty nobody has sized
    // One physical line, or `\r` would not return to its start.
    const text = this.render().slice(0, Math.max(10, width - 1));
    this.stream.write(`\r\x1b[K${text}`);
    this.drawn = true;
  }
}

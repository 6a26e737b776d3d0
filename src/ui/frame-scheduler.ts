/**
 * Draws at most one frame per `minIntervalMs` (50 ms: 20 frames/s), however often something
 * asks for one. Receiving a message or pressing a key only marks the screen dirty; the frame
 * comes on a timer, so a flood of messages costs one redraw per interval instead of one each,
 * and keys are never stuck behind a queue of redraws. A request right after a quiet period is
 * drawn at once (a key press after idle time shows without delay).
 *
 * A frame that took long spaces the next one out: frames start at least DRAW_SHARE times their
 * drawing time apart, so drawing takes at most 1/DRAW_SHARE of the main thread, whatever is on
 * screen (a detail tree of thousands of nodes took 25 ms a frame, up to 200): the rest stays with
 * reading the socket, which Redis disconnects us for neglecting.
 */
export interface SchedulerClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: SchedulerClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Frames are at least this many times their drawing time apart. */
export const DRAW_SHARE = 8;

export class FrameScheduler {
  private timer: unknown = null;
  private lastFrame = Number.NEGATIVE_INFINITY;
  /** Time between the last frame's start and the next one's earliest start. */
  private spacing: number;
  private stopped = false;
  private frameCount = 0;

  constructor(
    private readonly draw: () => void,
    private readonly minIntervalMs = 50,
    private readonly clock: SchedulerClock = realClock,
  ) {
    this.spacing = minIntervalMs;
  }

  /** Frames drawn so far. */
  get frames(): number {
    return this.frameCount;
  }

  /** Asks for a frame; several requests before it is drawn make one frame. */
  request(): void {
    if (this.stopped || this.timer !== null) return;
    const wait = Math.max(0, this.lastFrame + this.spacing - this.clock.now());
    this.timer = this.clock.setTimeout(() => this.frame(), wait);
  }

  /** No more frames (the UI is closing); a pending one is dropped. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private frame(): void {
    this.timer = null;
    if (this.stopped) return;
    const start = this.clock.now();
    this.lastFrame = start;
    this.frameCount++;
    this.draw();
    this.spacing = Math.max(this.minIntervalMs, DRAW_SHARE * (this.clock.now() - start));
  }
}

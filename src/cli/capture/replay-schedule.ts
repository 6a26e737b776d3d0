/**
 * When each record of a capture is due during a replay. Pure: the caller passes the start time
 * and reads the clock itself, so pacing is testable without waiting.
 *
 * Due times come from one start time plus the recorded offset of each record — never from adding
 * up sleeps — so timer lateness does not accumulate: a record sent late is followed by the next
 * at its own due time, not one full gap after the late one.
 *
 * The replay timeline is the recorded one with two corrections: a recorded clock that stepped
 * backwards counts as no gap (rather than holding every later record back), and there is no gap
 * between segments, which are separate sessions appended to one file — possibly days apart.
 */

export type ReplaySpeed = { kind: 'scaled'; factor: number } | { kind: 'asap' };

export class ReplaySchedule {
  /** Recorded time elapsed on the replay timeline up to the last record seen, in ms. */
  private offsetMs = 0;
  private lastReceivedAt: number | null = null;
  private lastSegment = -1;

  /** `startMs` is on the caller's clock (a monotonic one, e.g. performance.now()). */
  constructor(
    private readonly speed: ReplaySpeed,
    private readonly startMs: number,
  ) {
    if (speed.kind === 'scaled' && !(speed.factor > 0 && Number.isFinite(speed.factor))) {
      throw new RangeError(`replay speed must be a positive number, got ${speed.factor}`);
    }
  }

  /**
   * Moves the timeline to the next record and returns when it is due. Call it for every record
   * in file order, also for those that are not sent (filtered out), so that the spacing of the
   * others stays as recorded.
   */
  next(receivedAt: number, segmentIndex: number): number {
    if (this.lastReceivedAt !== null && segmentIndex === this.lastSegment) {
      this.offsetMs += Math.max(0, receivedAt - this.lastReceivedAt);
    }
    this.lastReceivedAt = receivedAt;
    this.lastSegment = segmentIndex;
    return this.speed.kind === 'asap' ? this.startMs : this.startMs + this.offsetMs / this.speed.factor;
  }

  /** Recorded time covered so far (ms), for progress and the summary. */
  get recordedElapsedMs(): number {
    return this.offsetMs;
  }
}

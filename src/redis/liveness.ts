/**
 * The heartbeat's verdict on a link, as pure logic (the subscriber feeds it the clock and the
 * socket's byte count at each tick). Liveness is judged by anything arriving, not only by the
 * PING reply: in a flood, Redis queues that reply behind thousands of messages, and a link busy
 * delivering them is alive however slowly it is read. The link is dead only after a whole period
 * of real silence — a PING outstanding and not one byte — measured on the clock, not in ticks:
 * after the event loop was held up (a slow consumer, a starved machine) two ticks can come
 * microseconds apart, and "nothing between them" then says nothing.
 */
export type LivenessVerdict = 'ping' | 'wait' | 'dead';

export class LivenessJudge {
  /** Since when nothing has been seen to arrive: the last tick that saw bytes, or the PING. */
  private quietSince = 0;
  private pingOutstanding = false;

  constructor(
    private readonly periodMs: number,
    private bytesAtLastTick: number,
  ) {}

  /** At each tick: send a PING, wait, or give the link up. */
  tick(now: number, bytesRead: number): LivenessVerdict {
    if (bytesRead !== this.bytesAtLastTick) {
      this.bytesAtLastTick = bytesRead;
      this.quietSince = now;
    }
    if (this.pingOutstanding) return now - this.quietSince >= this.periodMs ? 'dead' : 'wait';
    // Silence is counted from the question: an idle link says nothing until it is asked.
    this.pingOutstanding = true;
    this.quietSince = now;
    return 'ping';
  }

  /** The PING was answered (any reply, even an error, is a sign of life); the next tick asks again. */
  answered(): void {
    this.pingOutstanding = false;
  }
}

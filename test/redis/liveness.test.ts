/**
 * The heartbeat's verdict (liveness.ts) on a clock of the test's own: what a starved event loop
 * does to the ticks — late, or back to back — is played here exactly, without waiting for it.
 */
import { describe, expect, test } from 'vitest';
import { LivenessJudge } from '../../src/redis/liveness.js';

const PERIOD = 100;

describe('LivenessJudge', () => {
  test('a dead link: a PING, then a whole period without a byte, is dead', () => {
    const judge = new LivenessJudge(PERIOD, 500);
    expect(judge.tick(100, 500)).toBe('ping');
    expect(judge.tick(200, 500)).toBe('dead');
  });

  test('two ticks back to back after the loop was held up: no byte between them is not a period of silence', () => {
    // A slow consumer held the loop; the first tick after it saw bytes; the next comes 1 ms later,
    // before Redis (itself starved) could write more. The old rule ("no byte since the last tick,
    // PING outstanding") gave the link up here.
    const judge = new LivenessJudge(PERIOD, 0);
    expect(judge.tick(100, 0)).toBe('ping');
    expect(judge.tick(650, 64_000)).toBe('wait'); // bytes came while the loop was busy
    expect(judge.tick(651, 64_000)).toBe('wait');
    expect(judge.tick(700, 64_000)).toBe('wait');
    // Real silence from then on: dead once a whole period has passed since the last byte was seen.
    expect(judge.tick(750, 64_000)).toBe('dead');
  });

  test('bytes keep it alive however long the PING waits behind them', () => {
    const judge = new LivenessJudge(PERIOD, 0);
    expect(judge.tick(100, 0)).toBe('ping');
    let bytes = 0;
    for (let t = 200; t < 60_000; t += 100) expect(judge.tick(t, (bytes += 1500))).toBe('wait');
    judge.answered();
    expect(judge.tick(60_100, bytes + 14)).toBe('ping');
  });

  test('an answered PING starts the count again; an idle link is asked, not judged, between PINGs', () => {
    const judge = new LivenessJudge(PERIOD, 0);
    expect(judge.tick(100, 0)).toBe('ping');
    judge.answered();
    // Idle: no traffic at all, but each PING is answered.
    expect(judge.tick(1_000, 7)).toBe('ping');
    judge.answered();
    expect(judge.tick(5_000, 14)).toBe('ping');
    // Unanswered and silent: dead a period after it was sent, not counted from the last answer.
    expect(judge.tick(5_050, 14)).toBe('wait');
    expect(judge.tick(5_100, 14)).toBe('dead');
  });

  test('a tick delayed by a stopped process: what arrived meanwhile counts, then silence is timed from it', () => {
    const judge = new LivenessJudge(PERIOD, 0);
    expect(judge.tick(100, 0)).toBe('ping');
    // Stopped for 10 s; the bytes read in the poll phase before this tick prove the link alive.
    expect(judge.tick(10_100, 3)).toBe('wait');
    expect(judge.tick(10_199, 3)).toBe('wait');
    expect(judge.tick(10_200, 3)).toBe('dead');
  });
});

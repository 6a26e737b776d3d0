/**
 * The time field of line output (`--time local|utc|delta`): local time of day, with the date when
 * the message is not from today — so a capture from last week does not look like today — UTC in
 * ISO 8601, or seconds since the previous line. One word each, so field positions never move.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { lineClock } from '../../src/output/line-format.js';
import { runCli } from '../cli/run-cli.js';

const CAPTURE = fileURLToPath(new URL('../../fixtures/captures/phoenix_pubsub_redis-3.1.0.capture', import.meta.url));

describe('lineClock', () => {
  const now = new Date(2026, 10, 27, 15, 0, 0).getTime();

  test('local: the time of day today, the date and time on another day', () => {
    const clock = lineClock('local', () => now);
    expect(clock(new Date(2026, 10, 27, 9, 5, 1, 7).getTime())).toBe('09:05:01.007');
    expect(clock(new Date(2026, 10, 20, 9, 5, 1, 7).getTime())).toBe('2026-11-20T09:05:01.007');
    // The same millisecond after midnight has passed: now it is another day's.
    const later = lineClock('local', () => new Date(2026, 10, 28, 0, 0, 1).getTime());
    expect(later(new Date(2026, 10, 27, 9, 5, 1, 7).getTime())).toBe('2026-11-27T09:05:01.007');
  });

  test('utc: ISO 8601; delta: seconds since the previous line', () => {
    expect(lineClock('utc')(Date.UTC(2026, 10, 20, 9, 5, 1, 7))).toBe('2026-11-20T09:05:01.007Z');
    // Each millisecond is formatted once: the same time again, then the next one.
    const utc = lineClock('utc');
    const at = Date.UTC(2026, 10, 20, 23, 59, 59, 999);
    expect([at, at, at + 1, at + 1, at].map(utc)).toEqual([
      '2026-11-20T23:59:59.999Z',
      '2026-11-20T23:59:59.999Z',
      '2026-11-21T00:00:00.000Z',
      '2026-11-21T00:00:00.000Z',
      '2026-11-20T23:59:59.999Z',
    ]);
    const delta = lineClock('delta');
    expect([1000, 1012, 3512, 3512].map(delta)).toEqual(['+0.000', '+0.012', '+2.500', '+0.000']);
  });
});

describe('--time on the command line', () => {
  const times = (stdout: string): string[] =>
    stdout
      .trim()
      .split('\n')
      .map((l) => l.split(' ')[0]!);

  test('view and decode print the date for a capture from another day, and take utc and delta', async () => {
    const local = await runCli(['view', '--no-tui', CAPTURE]);
    expect(local.code).toBe(0);
    expect(times(local.stdout)[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
    const utc = await runCli(['decode', '--time', 'utc', CAPTURE]);
    expect(times(utc.stdout).every((t) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(t))).toBe(true);
    const delta = await runCli(['view', '--no-tui', '--time', 'delta', CAPTURE]);
    const d = times(delta.stdout);
    expect(d[0]).toBe('+0.000');
    expect(d.every((t) => /^\+\d+\.\d{3}$/.test(t))).toBe(true);
    expect(d).toHaveLength(74);
  });

  test('a mode it does not know is refused, naming the choices', async () => {
    const r = await runCli(['view', '--no-tui', '--time', 'gmt', CAPTURE]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--time must be one of local, utc, delta, got "gmt"');
  });
});

import { describe, expect, it } from 'vitest';
import { subscriberTimingFromEnv } from '../../src/cli/subscriber-timing.js';
import { CliError } from '../../src/cli/errors.js';

describe('the subscriber periods taken from the environment', () => {
  it('are the defaults when unset or empty', () => {
    expect(subscriberTimingFromEnv({})).toEqual({});
    expect(subscriberTimingFromEnv({ REDIS_PRINT_HEARTBEAT_MS: '', REDIS_PRINT_CONNECT_TIMEOUT_MS: '' })).toEqual({});
  });

  it('are read as milliseconds (0 turns the heartbeat off)', () => {
    expect(
      subscriberTimingFromEnv({ REDIS_PRINT_HEARTBEAT_MS: '2000', REDIS_PRINT_CONNECT_TIMEOUT_MS: '300' }),
    ).toEqual({ heartbeatMs: 2000, firstConnectTimeoutMs: 300 });
    expect(subscriberTimingFromEnv({ REDIS_PRINT_HEARTBEAT_MS: '0' })).toEqual({ heartbeatMs: 0 });
  });

  it('refuse anything but a whole number, naming the variable, with exit code 2', () => {
    for (const text of ['2s', '-1', '1.5', '1e3', ' 10']) {
      let error: unknown;
      try {
        subscriberTimingFromEnv({ REDIS_PRINT_HEARTBEAT_MS: text });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CliError);
      expect((error as CliError).exitCode).toBe(2);
      expect((error as CliError).message).toMatch(/^REDIS_PRINT_HEARTBEAT_MS must be a whole number of milliseconds/);
    }
  });
});

/**
 * Two periods of the subscriber that can be shortened from the environment, for tests (which then
 * wait for what the program says instead of for the production periods) and for the impatient:
 *
 * - `REDIS_PRINT_HEARTBEAT_MS`: the PING period that tells a silent (frozen) server from a quiet one
 *   (default 10000; 0 turns the heartbeat off);
 * - `REDIS_PRINT_CONNECT_TIMEOUT_MS`: how long the first connect keeps trying (default 3000).
 */
import { CliError } from './errors.js';
import { escapeUnsafe } from '../text/terminal-safe.js';
import type { SubscriberOptions } from '../redis/subscriber.js';

export function subscriberTimingFromEnv(
  env: NodeJS.ProcessEnv,
): Pick<SubscriberOptions, 'heartbeatMs' | 'firstConnectTimeoutMs'> {
  const timing: Pick<SubscriberOptions, 'heartbeatMs' | 'firstConnectTimeoutMs'> = {};
  const heartbeatMs = milliseconds(env, 'REDIS_PRINT_HEARTBEAT_MS');
  if (heartbeatMs !== undefined) timing.heartbeatMs = heartbeatMs;
  const firstConnectTimeoutMs = milliseconds(env, 'REDIS_PRINT_CONNECT_TIMEOUT_MS');
  if (firstConnectTimeoutMs !== undefined) timing.firstConnectTimeoutMs = firstConnectTimeoutMs;
  return timing;
}

function milliseconds(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  if (!/^\d{1,9}$/.test(text))
    throw new CliError(`${name} must be a whole number of milliseconds, not "${escapeUnsafe(text)}"`);
  return Number(text);
}

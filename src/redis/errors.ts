/**
 * Turning whatever ioredis / Node throw into one clear, password-free line. The raw error is never
 * passed on (not even as `cause`): ioredis attaches the failed command's arguments to errors, and
 * for AUTH those are the credentials.
 */
import { ConnectionSpecError, describeSpec, type ConnectionSpec } from './connection-spec.js';
import { oneScrubbedLine } from './redaction.js';

export type RedisFailureReason =
  'refused' | 'timeout' | 'host-not-found' | 'reset' | 'auth' | 'permission' | 'tls' | 'config' | 'other';

/** A failure to reach, authenticate with or subscribe on Redis. `message` is safe to print. */
export class RedisConnectionError extends Error {
  override name = 'RedisConnectionError';
  constructor(
    message: string,
    readonly reason: RedisFailureReason,
    /** Redacted description of the target, e.g. `redis://app:***@10.0.0.5:6379/0`. */
    readonly target: string,
  ) {
    super(message);
  }
}

/** Reasons that another attempt cannot fix: report them at once instead of retrying. */
export function isPermanentFailure(reason: RedisFailureReason): boolean {
  return reason === 'auth' || reason === 'permission' || reason === 'tls' || reason === 'config';
}

const TLS_VERIFY_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Classifies an error and words it for people; the detail is scrubbed of the spec's secrets. */
export function explainFailure(error: unknown, spec: ConnectionSpec): { reason: RedisFailureReason; detail: string } {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const raw = error instanceof Error ? error.message : String(error);
  const message = oneScrubbedLine(raw, spec);
  // ioredis wraps the socket error of a sentinel/cluster attempt into its own message.
  const has = (text: string) => code === text || message.includes(text);

  if (error instanceof ConnectionSpecError) return { reason: 'config', detail: message };
  const sentinel = /^All sentinels are unreachable[^.]*\.(?:.*?Last error: (.*))?$/.exec(message);
  if (sentinel) return explainSentinelFailure(sentinel[1], spec);
  if (/^WRONGPASS|invalid username-password pair|^ERR invalid password/i.test(message)) {
    return { reason: 'auth', detail: 'authentication failed: wrong username or password' };
  }
  if (/^NOAUTH/.test(message)) {
    return { reason: 'auth', detail: 'authentication required: the server wants a password (-a / --pass / URL)' };
  }
  if (/^NOPERM/.test(message)) {
    return {
      reason: 'permission',
      detail: `permission denied by the server's ACL: ${message.replace(/^NOPERM\s*/, '')}`,
    };
  }
  if (TLS_VERIFY_CODES.has(code)) {
    return {
      reason: 'tls',
      detail: `TLS certificate rejected (${code}: ${message}); pass the right --cacert, or --insecure to skip verification`,
    };
  }
  if (code.startsWith('ERR_SSL') || /ssl|tls/i.test(code) || /SSL routines/.test(message)) {
    // OpenSSL's text is "…:SSL routines:<function>:<reason>:<source file>…"; the reason is what matters.
    const why = /SSL routines:[^:]*:([^:]+)/.exec(message)?.[1] ?? message;
    if (/certificate required/.test(why)) {
      return { reason: 'tls', detail: 'the server requires a client certificate (--cert and --key)' };
    }
    if (/wrong version number|packet length too long|record layer failure/.test(why)) {
      return { reason: 'tls', detail: `TLS handshake failed (${why}): the server does not speak TLS on this port` };
    }
    return { reason: 'tls', detail: `TLS handshake failed (${why})` };
  }
  // ioredis's parser met bytes that are not RESP: "Protocol error, got "H" as reply type byte. Please report this."
  if (/^Protocol error\b/.test(message)) {
    return { reason: 'config', detail: 'not a Redis server (it answered something other than the Redis protocol)' };
  }
  if (has('ECONNREFUSED')) return { reason: 'refused', detail: 'connection refused' };
  if (has('ENOTFOUND') || has('EAI_AGAIN')) return { reason: 'host-not-found', detail: `host not found (${message})` };
  if (has('ETIMEDOUT')) {
    // A plaintext Redis never answers a TLS ClientHello: it waits for the end of an inline command.
    const hint = spec.tls !== undefined ? ' (if the port does not speak TLS, drop --tls)' : '';
    return { reason: 'timeout', detail: `timed out${hint}` };
  }
  if (has('ECONNRESET') || has('EPIPE')) {
    // What a TLS-only port does to a plaintext client.
    const hint = spec.tls === undefined ? ' (if it expects TLS, add --tls)' : '';
    return { reason: 'reset', detail: `connection reset by the server${hint}` };
  }
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') return { reason: 'config', detail: message };
  return { reason: 'other', detail: message };
}

/** `cannot connect to redis://127.0.0.1:6390/0: connection refused` as a typed error. */
export function connectionError(
  error: unknown,
  spec: ConnectionSpec,
  verb = 'cannot connect to',
): RedisConnectionError {
  if (error instanceof RedisConnectionError) return error;
  const target = describeSpec(spec);
  const { reason, detail } = explainFailure(error, spec);
  return new RedisConnectionError(`${verb} ${target}: ${detail}`, reason, target);
}

/**
 * ioredis reports a failed sentinel round as "All sentinels are unreachable … Last error: X"; X is
 * the last sentinel's own error. No X means every sentinel answered but named no master.
 */
function explainSentinelFailure(
  lastError: string | undefined,
  spec: ConnectionSpec,
): { reason: RedisFailureReason; detail: string } {
  const masterName = spec.mode === 'sentinel' ? spec.masterName : '';
  if (lastError === undefined || /No such master with that name/i.test(lastError)) {
    return { reason: 'config', detail: `no sentinel knows a master named "${masterName}" (check --master-name)` };
  }
  const inner = explainFailure(new Error(lastError), spec);
  if (inner.reason === 'auth') {
    const detail = /^NOAUTH/.test(lastError)
      ? "the sentinels require a password of their own (give it in the --sentinel list: ':pass@host:port')"
      : "sentinel authentication failed: wrong sentinel username or password (the sentinels' own, not the master's)";
    return { reason: 'auth', detail };
  }
  return { reason: inner.reason, detail: `no sentinel reachable (last error: ${inner.detail})` };
}

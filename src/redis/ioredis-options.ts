/**
 * ConnectionSpec → ioredis options. Every connection we open is "quiet": no INFO ready check, no
 * CLIENT SETNAME / SETINFO, no SELECT, so that a watcher works with an ACL user that may only
 * (p)subscribe and ping. Reconnection is left to our callers (retryStrategy null) so that each one
 * can report its own state changes.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import type { RedisOptions } from 'ioredis';
import { ConnectionSpecError, type ConnectionSpec, type RedisEndpoint, type TlsSpec } from './connection-spec.js';

/** Options shared by every connection to a data node (or to a master found through sentinels). */
export function quietBaseOptions(spec: ConnectionSpec, connectTimeoutMs: number): RedisOptions {
  const options: RedisOptions = {
    lazyConnect: true,
    enableReadyCheck: false, // sends INFO
    disableClientInfo: true, // sends CLIENT SETINFO
    connectionName: undefined, // would send CLIENT SETNAME
    db: 0, // pub/sub ignores databases; a non-zero db would send SELECT
    autoResubscribe: false, // we resubscribe ourselves, after reporting the reconnect
    autoResendUnfulfilledCommands: false,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    connectTimeout: connectTimeoutMs,
    // disconnect() half-closes and waits this long for the server's FIN before destroying the
    // socket; a frozen server never sends one, and we do not want to wait 2 s (the default) for it.
    disconnectTimeout: 200,
    keepAlive: 10_000,
  };
  if (spec.username !== undefined) options.username = spec.username;
  if (spec.password !== undefined) options.password = spec.password;
  const tls = spec.tls === undefined ? undefined : tlsOptions(spec.tls);
  if (tls !== undefined) options.tls = tls;
  return options;
}

/** Options for one data node (standalone host, or one cluster node). */
export function nodeOptions(spec: ConnectionSpec, endpoint: RedisEndpoint, connectTimeoutMs: number): RedisOptions {
  return { ...quietBaseOptions(spec, connectTimeoutMs), host: endpoint.host, port: endpoint.port };
}

/**
 * Options that make ioredis ask the sentinels for the master of `masterName` on every connect,
 * so a reconnect after a failover lands on the new master.
 */
export function sentinelModeOptions(
  spec: ConnectionSpec & { mode: 'sentinel' },
  connectTimeoutMs: number,
): RedisOptions {
  const options: RedisOptions = {
    ...quietBaseOptions(spec, connectTimeoutMs),
    sentinels: spec.sentinels.map(({ host, port }) => ({ host, port })),
    name: spec.masterName,
    role: 'master',
    sentinelRetryStrategy: () => null, // our caller retries the whole connect
    updateSentinels: true,
  };
  if (spec.sentinelUsername !== undefined) options.sentinelUsername = spec.sentinelUsername;
  if (spec.sentinelPassword !== undefined) options.sentinelPassword = spec.sentinelPassword;
  if (options.tls !== undefined) options.enableTLSForSentinelMode = true;
  const sentinelTls = spec.sentinelTls ?? spec.tls !== undefined;
  if (sentinelTls) options.sentinelTLS = spec.tls === undefined ? {} : tlsOptions(spec.tls);
  return options;
}

/** Node TLS options; the PEM files are read now so that a bad path is reported before connecting. */
export function tlsOptions(tls: TlsSpec): TlsConnectionOptions {
  const options: TlsConnectionOptions = {};
  if (tls.caFile !== undefined) options.ca = readPem(tls.caFile, '--cacert');
  if (tls.certFile !== undefined) options.cert = readPem(tls.certFile, '--cert');
  if (tls.keyFile !== undefined) options.key = readPem(tls.keyFile, '--key');
  if (tls.servername !== undefined) options.servername = tls.servername;
  if (tls.insecure === true) {
    options.rejectUnauthorized = false;
    options.checkServerIdentity = () => undefined;
  }
  return options;
}

function readPem(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'unreadable';
    throw new ConnectionSpecError(`cannot read the ${flag} file ${path} (${code})`);
  }
}

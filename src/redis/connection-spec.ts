/**
 * Where and how to reach Redis: a typed, flag-free description that the CLI fills from `--url`,
 * `REDIS_URL` and redis-cli style flags. Everything in src/redis takes a ConnectionSpec; nothing
 * here opens a socket.
 *
 * Mapping the CLI engineer is expected to do (redis-cli spellings):
 *   --url / REDIS_URL        → parseRedisUrl(url) as the base (redis:// or rediss://)
 *   -h HOST / -p PORT        → host / port (standalone), or the single cluster seed
 *   -a PASS / --pass PASS    → password            --user USER → username
 *   -n DB                    → db (shown in descriptions only: pub/sub ignores databases)
 *   --tls                    → tls: {} (also implied by rediss://)
 *   --cacert/--cert/--key F  → tls.caFile / tls.certFile / tls.keyFile (read when connecting)
 *   --insecure               → tls.insecure = true; callers must warn (see isTlsUnverified)
 *   --sentinel LIST --master-name NAME
 *                            → { mode: 'sentinel', ...parseSentinelList(LIST), masterName }
 *                              (the LIST may carry the sentinels' own credentials, see there)
 *   --cluster                → { mode: 'cluster', nodes: [{ host, port }] } (more seeds allowed)
 */

export interface RedisEndpoint {
  host: string;
  port: number;
}

export interface TlsSpec {
  /** PEM file of the CA(s) to trust instead of Node's default list (redis-cli --cacert). */
  caFile?: string;
  /** Client certificate and key PEM files for servers with `tls-auth-clients yes`. */
  certFile?: string;
  keyFile?: string;
  /** Skip certificate verification (redis-cli --insecure). Anyone can then read the traffic. */
  insecure?: boolean;
  /** Name to verify the server certificate against, when it differs from the host. */
  servername?: string;
}

interface CommonSpec {
  /** ACL user (Redis ≥ 6); omitted means the `default` user. */
  username?: string;
  password?: string;
  /** Logical database. Pub/sub is global across databases, so this is only displayed, never SELECTed. */
  db?: number;
  /** Present (even empty) means TLS to the data nodes. */
  tls?: TlsSpec;
}

export interface StandaloneSpec extends CommonSpec {
  mode: 'standalone';
  host: string;
  port: number;
}

export interface SentinelSpec extends CommonSpec {
  mode: 'sentinel';
  sentinels: RedisEndpoint[];
  masterName: string;
  /**
   * The sentinels' own credentials. Deliberately separate from username/password (the master's):
   * sentinels usually have no password, or a different one, and handing the data password to a
   * sentinel that does not need it would send a secret where it is not wanted.
   */
  sentinelUsername?: string;
  sentinelPassword?: string;
  /** TLS towards the sentinels too; defaults to "same as the data nodes". */
  sentinelTls?: boolean;
}

export interface ClusterSpec extends CommonSpec {
  mode: 'cluster';
  /** Seed nodes; the rest of the cluster is discovered from them. */
  nodes: RedisEndpoint[];
}

export type ConnectionSpec = StandaloneSpec | SentinelSpec | ClusterSpec;

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 6379;
export const DEFAULT_SENTINEL_PORT = 26379;

/** redis-cli's defaults: 127.0.0.1:6379, no auth, no TLS. */
export function defaultSpec(): StandaloneSpec {
  return { mode: 'standalone', host: DEFAULT_HOST, port: DEFAULT_PORT };
}

export class ConnectionSpecError extends Error {
  override name = 'ConnectionSpecError';
}

/**
 * `redis://[[user]:pass@]host[:port][/db]` or `rediss://…` (TLS). User and password are
 * percent-decoded, so `p%40ss` means `p@ss`. IPv6 hosts go in brackets: `redis://[::1]:6379`.
 * Error messages never echo the URL (it may hold a password).
 */
export function parseRedisUrl(text: string): StandaloneSpec {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConnectionSpecError('not a valid Redis URL (expected redis://[user:pass@]host:port/db)');
  }
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (scheme !== 'redis' && scheme !== 'rediss') {
    throw new ConnectionSpecError(`unsupported URL scheme "${scheme}:" (expected redis:// or rediss://)`);
  }
  const spec: StandaloneSpec = {
    mode: 'standalone',
    host: unbracketHost(url.hostname) || DEFAULT_HOST,
    port: url.port === '' ? DEFAULT_PORT : Number(url.port),
  };
  if (url.username !== '') spec.username = decodeUrlPart(url.username);
  if (url.password !== '') spec.password = decodeUrlPart(url.password);
  const path = url.pathname.replace(/^\/+/, '');
  if (path !== '') {
    if (!/^\d+$/.test(path)) throw new ConnectionSpecError(`database in the URL must be a number, got "${path}"`);
    spec.db = Number(path);
  }
  if (scheme === 'rediss') spec.tls = {};
  return spec;
}

/** `host[:port]`, `[v6addr][:port]` or a bare IPv6 address; the port defaults to `defaultPort`. */
export function parseEndpoint(text: string, defaultPort: number): RedisEndpoint {
  const trimmed = text.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(trimmed);
  if (bracketed) return { host: bracketed[1]!, port: portOf(bracketed[2], defaultPort, trimmed) };
  const colons = trimmed.split(':').length - 1;
  if (colons > 1) return { host: trimmed, port: defaultPort }; // bare IPv6, no port
  const [host, port] = trimmed.split(':');
  if (!host) throw new ConnectionSpecError(`missing host in "${trimmed}"`);
  return { host, port: portOf(port, defaultPort, trimmed) };
}

/**
 * The `--sentinel` list: `host:port[,host:port…]`. Each entry may also be written as a URL or with
 * credentials, `redis://[user]:pass@host:port` or `:pass@host:port`: those are the SENTINELS'
 * credentials (Redis ≥ 6.2 sentinels can have `requirepass`), never the master's. All entries
 * that carry credentials must agree.
 */
export function parseSentinelList(
  text: string,
): Pick<SentinelSpec, 'sentinels' | 'sentinelUsername' | 'sentinelPassword'> {
  const sentinels: RedisEndpoint[] = [];
  let username: string | undefined;
  let password: string | undefined;
  let sawCredentials = false;
  for (const raw of text.split(',')) {
    let entry = raw.trim().replace(/^rediss?:\/\//i, '');
    if (entry === '') continue;
    const at = entry.lastIndexOf('@');
    if (at >= 0) {
      const userinfo = entry.slice(0, at);
      entry = entry.slice(at + 1);
      const colon = userinfo.indexOf(':');
      const user = decodeUrlPart(colon >= 0 ? userinfo.slice(0, colon) : '') || undefined;
      const pass = decodeUrlPart(colon >= 0 ? userinfo.slice(colon + 1) : userinfo) || undefined;
      if (sawCredentials && (user !== username || pass !== password)) {
        throw new ConnectionSpecError('--sentinel entries carry different credentials; give them once');
      }
      sawCredentials = true;
      username = user;
      password = pass;
    }
    sentinels.push(parseEndpoint(entry.replace(/\/.*$/, ''), DEFAULT_SENTINEL_PORT));
  }
  if (sentinels.length === 0) throw new ConnectionSpecError('--sentinel needs at least one host:port');
  const result: Pick<SentinelSpec, 'sentinels' | 'sentinelUsername' | 'sentinelPassword'> = { sentinels };
  if (username !== undefined) result.sentinelUsername = username;
  if (password !== undefined) result.sentinelPassword = password;
  return result;
}

/** True when TLS is on but the server certificate is not checked: callers must say so loudly. */
export function isTlsUnverified(spec: ConnectionSpec): boolean {
  return spec.tls?.insecure === true;
}

/** Every secret in the spec, for scrubbing text that might contain one. */
export function secretsOf(spec: ConnectionSpec): string[] {
  const secrets = [spec.password];
  if (spec.mode === 'sentinel') secrets.push(spec.sentinelPassword);
  return secrets.filter((s): s is string => s !== undefined && s !== '');
}

/**
 * A one-line, password-free description for logs, status lines and errors:
 *   redis://app:***@10.0.0.5:6379/0
 *   rediss+sentinel://app:***@10.0.0.1:26379,10.0.0.2:26379/mymaster/0 (sentinel auth ***)
 *   redis+cluster://10.0.0.1:7000,10.0.0.2:7000
 * and " (TLS certificate NOT verified)" when `insecure` is set.
 */
export function describeSpec(spec: ConnectionSpec): string {
  const tls = spec.tls !== undefined;
  const auth = describeAuth(spec.username, spec.password);
  const db = `/${spec.db ?? 0}`;
  let text: string;
  switch (spec.mode) {
    case 'standalone':
      text = `${tls ? 'rediss' : 'redis'}://${auth}${formatEndpoint(spec)}${db}`;
      break;
    case 'sentinel': {
      const hosts = spec.sentinels.map(formatEndpoint).join(',');
      text = `${tls ? 'rediss' : 'redis'}+sentinel://${auth}${hosts}/${spec.masterName}${db}`;
      if (spec.sentinelPassword !== undefined || spec.sentinelUsername !== undefined) {
        text += ` (sentinel auth ${describeAuth(spec.sentinelUsername, spec.sentinelPassword).slice(0, -1) || 'none'})`;
      }
      break;
    }
    case 'cluster':
      text = `${tls ? 'rediss' : 'redis'}+cluster://${auth}${spec.nodes.map(formatEndpoint).join(',')}`;
      break;
  }
  if (isTlsUnverified(spec)) text += ' (TLS certificate NOT verified)';
  return text;
}

/** `host:port`, with IPv6 addresses bracketed. */
export function formatEndpoint(endpoint: RedisEndpoint): string {
  return `${endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}`;
}

function describeAuth(username: string | undefined, password: string | undefined): string {
  if (password !== undefined && password !== '') return `${username ?? ''}:***@`;
  if (username !== undefined) return `${username}@`;
  return '';
}

function portOf(text: string | undefined, fallback: number, context: string): number {
  if (text === undefined || text === '') return fallback;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
    throw new ConnectionSpecError(`invalid port in "${context}"`);
  }
  return port;
}

/** An IPv6 address written in brackets (`[::1]`, as in URLs) without them; other hosts as they are. */
export function unbracketHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function decodeUrlPart(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // a stray % is taken literally rather than rejecting the password
  }
}

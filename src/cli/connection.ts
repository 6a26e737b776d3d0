import {
  ConnectionSpecError,
  DEFAULT_PORT,
  defaultSpec,
  parseEndpoint,
  parseRedisUrl,
  parseSentinelList,
  type ConnectionSpec,
  type TlsSpec,
  unbracketHost,
} from '../redis/connection-spec.js';
import { askPassword } from './askpass.js';
import { UsageError } from './errors.js';

/** The connection flags as parseArgs hands them over (see `connectionOptions` in args.ts). */
export interface ConnectionFlags {
  url?: string;
  host?: string;
  port?: string;
  pass?: string;
  askpass?: boolean;
  user?: string;
  db?: string;
  tls?: boolean;
  cacert?: string;
  cert?: string;
  key?: string;
  insecure?: boolean;
  sentinel?: string;
  'master-name'?: string;
  cluster?: boolean;
}

/**
 * Flags (and REDIS_URL) to a ConnectionSpec. Precedence as in redis-cli: the URL is the base,
 * explicit flags override its parts. Errors never echo a value that could be a password.
 */
export function connectionSpecFromFlags(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): ConnectionSpec {
  try {
    return build(flags, env);
  } catch (error) {
    if (error instanceof ConnectionSpecError) throw new UsageError(error.message);
    throw error;
  }
}

function build(flags: ConnectionFlags, env: NodeJS.ProcessEnv): ConnectionSpec {
  const url = flags.url ?? env.REDIS_URL;
  const base = url !== undefined && url !== '' ? parseRedisUrl(url) : defaultSpec();
  // `-h '[::1]'` as in a URL: the brackets are notation, not part of the address.
  if (flags.host !== undefined) base.host = unbracketHost(flags.host);
  if (flags.port !== undefined) base.port = parseEndpoint(`x:${flags.port}`, DEFAULT_PORT).port;
  if (flags.user !== undefined) base.username = flags.user;
  if (flags.askpass && flags.pass !== undefined) throw new UsageError('--askpass and -a/--pass cannot be combined');
  const password = flags.askpass ? askPassword() : (flags.pass ?? env.REDISCLI_AUTH);
  if (password !== undefined) base.password = password;
  if (flags.db !== undefined) {
    if (!/^\d+$/.test(flags.db)) throw new UsageError(`-n needs a database number, got "${flags.db}"`);
    base.db = Number(flags.db);
  }
  const tls = tlsFrom(flags, base.tls);
  if (tls) base.tls = tls;

  const common = { username: base.username, password: base.password, db: base.db, tls: base.tls };
  // Drops the keys whose value is undefined, so optional fields are absent rather than undefined.
  const clean = <T extends object>(spec: T): ConnectionSpec =>
    Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined)) as unknown as ConnectionSpec;

  if (flags.sentinel !== undefined) {
    const masterName = flags['master-name'];
    if (!masterName) throw new UsageError('--sentinel needs --master-name NAME');
    if (flags.cluster) throw new UsageError('--sentinel and --cluster cannot be combined');
    return clean({ mode: 'sentinel', ...common, ...parseSentinelList(flags.sentinel), masterName });
  }
  if (flags['master-name'] !== undefined) throw new UsageError('--master-name only makes sense with --sentinel');
  if (flags.cluster) {
    return clean({ mode: 'cluster', ...common, nodes: [{ host: base.host, port: base.port }] });
  }
  return clean({ ...base });
}

function tlsFrom(flags: ConnectionFlags, fromUrl: TlsSpec | undefined): TlsSpec | undefined {
  const wanted = flags.tls || flags.cacert || flags.cert || flags.key || flags.insecure || fromUrl;
  if (!wanted) return undefined;
  const tls: TlsSpec = { ...(fromUrl ?? {}) };
  if (flags.cacert) tls.caFile = flags.cacert;
  if (flags.cert) tls.certFile = flags.cert;
  if (flags.key) tls.keyFile = flags.key;
  if (flags.insecure) tls.insecure = true;
  if ((tls.certFile === undefined) !== (tls.keyFile === undefined)) {
    throw new UsageError('--cert and --key go together');
  }
  return tls;
}

/**
 * PUBLISH raw bytes and ask PUBSUB NUMSUB, over the same ConnectionSpec as the watcher.
 *
 * Standalone and sentinel use one quiet ioredis connection (no INFO/SETNAME/SELECT); it reconnects
 * with a capped backoff once it has connected, and a command waiting across an outage fails after
 * a few attempts instead of hanging. Cluster uses ioredis' Cluster client: PUBLISH has no key, so
 * any node takes it and relays it to the whole cluster.
 *
 * PUBLISH's reply counts the receivers connected to the node that took the message; in a cluster,
 * subscribers on other nodes are not counted (Redis does not report them). numsub() sums all nodes.
 */
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { describeSpec, type ConnectionSpec } from './connection-spec.js';
import { connectionError } from './errors.js';
import { quietBaseOptions, sentinelModeOptions } from './ioredis-options.js';

export interface PublisherOptions {
  /** Give up connecting after this long. Default 3000 ms. */
  connectTimeoutMs?: number;
}

type Client = Redis | Cluster;

/** The ACL does not allow this user a command (NOPERM): the caller can go on without its answer. */
export class NotPermittedError extends Error {
  override readonly name = 'NotPermittedError';
}

export class Publisher {
  /** Redacted description of the target. */
  readonly target: string;
  private client: Client | null = null;
  private connected = false;

  constructor(
    private readonly spec: ConnectionSpec,
    private readonly options: PublisherOptions = {},
  ) {
    this.target = describeSpec(spec);
  }

  /** Connects and checks the credentials; rejects with a RedisConnectionError. */
  async connect(): Promise<void> {
    if (this.client) throw new Error('Publisher.connect() called twice');
    let firstError: unknown = null;
    const timeoutMs = this.options.connectTimeoutMs ?? 3000;
    // The socket's connect timeout does not cover a server that accepts and never answers.
    const timer = setTimeout(() => {
      firstError ??= Object.assign(new Error(`no reply within ${timeoutMs} ms`), { code: 'ETIMEDOUT' });
      this.client?.disconnect();
    }, timeoutMs);
    try {
      const client = this.createClient();
      this.client = client;
      client.on('error', (error: unknown) => {
        firstError ??= error;
      });
      await client.connect();
      // AUTH is answered after ioredis reports "ready" (no ready check), so prove it worked. NOPERM
      // is fine: a publish-only ACL user may not PING, and that answer means AUTH was accepted.
      await client.ping().catch((error: unknown) => {
        if (!(error instanceof Error && error.message.startsWith('NOPERM'))) throw error;
      });
      this.connected = true;
      firstError = null;
    } catch (error) {
      const failure = connectionError(clusterCause(firstError ?? error), this.spec);
      await this.close();
      throw failure;
    } finally {
      clearTimeout(timer);
    }
  }

  /** PUBLISH `channel` with `bytes` as given; resolves to the number of receivers (see above). */
  async publish(channel: string, bytes: Uint8Array): Promise<number> {
    const client = this.requireClient();
    const payload = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    try {
      return await client.publish(channel, payload);
    } catch (error) {
      throw connectionError(error, this.spec, 'cannot publish to');
    }
  }

  /** PUBSUB NUMSUB: exact-channel subscribers per channel (pattern subscribers are not counted). */
  async numsub(channels: readonly string[]): Promise<Map<string, number>> {
    const client = this.requireClient();
    const counts = new Map<string, number>(channels.map((channel) => [channel, 0]));
    if (channels.length === 0) return counts;
    const nodes = client instanceof Cluster ? client.nodes('all') : [client];
    try {
      const replies = await Promise.all(nodes.map((node) => node.pubsub('NUMSUB', ...channels)));
      for (const reply of replies) {
        for (let i = 0; i + 1 < reply.length; i += 2) {
          const channel = String(reply[i]);
          counts.set(channel, (counts.get(channel) ?? 0) + Number(reply[i + 1]));
        }
      }
    } catch (error) {
      throw this.queryError(error, 'PUBSUB NUMSUB');
    }
    return counts;
  }

  /** PUBSUB NUMPAT: patterns subscribed on the server (by any client, matching anything); summed over a cluster. */
  async numpat(): Promise<number> {
    const client = this.requireClient();
    const nodes = client instanceof Cluster ? client.nodes('all') : [client];
    try {
      const replies = await Promise.all(nodes.map((node) => node.pubsub('NUMPAT')));
      return replies.reduce((sum: number, n) => sum + Number(n), 0);
    } catch (error) {
      throw this.queryError(error, 'PUBSUB NUMPAT');
    }
  }

  private queryError(error: unknown, command: string): Error {
    if (error instanceof Error && error.message.startsWith('NOPERM')) {
      return new NotPermittedError(`${command} is not allowed for this user (${error.message.split('\n')[0]})`);
    }
    return connectionError(error, this.spec, 'cannot query');
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.connected = false;
    if (!client || client.status === 'end') return;
    await new Promise<void>((resolve) => {
      const fallback = setTimeout(resolve, 1000);
      client.once('end', () => {
        clearTimeout(fallback);
        resolve();
      });
      client.disconnect();
    });
  }

  private requireClient(): Client {
    if (!this.client || !this.connected) throw new Error('Publisher is not connected (call connect() first)');
    return this.client;
  }

  private createClient(): Client {
    const spec = this.spec;
    const timeout = this.options.connectTimeoutMs ?? 3000;
    // Fail the first connect at once; reconnect (capped) only once we know the target works.
    const retryStrategy = (attempt: number) => (this.connected ? Math.min(100 * 2 ** (attempt - 1), 5000) : null);
    if (spec.mode === 'cluster') {
      const { lazyConnect: _lazy, retryStrategy: _retry, ...redisOptions } = quietBaseOptions(spec, timeout);
      return new Cluster(
        spec.nodes.map(({ host, port }) => ({ host, port })),
        {
          lazyConnect: true,
          enableReadyCheck: false,
          redisOptions,
          clusterRetryStrategy: retryStrategy,
          slotsRefreshTimeout: timeout,
        },
      );
    }
    const base: RedisOptions =
      spec.mode === 'sentinel'
        ? sentinelModeOptions(spec, timeout)
        : { ...quietBaseOptions(spec, timeout), host: spec.host, port: spec.port };
    return new Redis({ ...base, retryStrategy, maxRetriesPerRequest: 3, autoResendUnfulfilledCommands: true });
  }
}

/** ioredis' Cluster hides the node's error ("Failed to refresh slots cache.") in `lastNodeError`. */
function clusterCause(error: unknown): unknown {
  if (typeof error === 'object' && error !== null && 'lastNodeError' in error && error.lastNodeError) {
    return error.lastNodeError;
  }
  return error;
}

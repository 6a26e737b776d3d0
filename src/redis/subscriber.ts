/**
 * Listens to Redis pub/sub and emits every message as a RawMessage with the payload bytes untouched.
 *
 * Watching never writes: the connection sends AUTH (when configured), PSUBSCRIBE / SUBSCRIBE and a
 * periodic PING, nothing else — no INFO ready check, no CLIENT SETNAME/SETINFO, no SELECT — so an
 * ACL user with only `+psubscribe +subscribe +ping &phx:*` is enough. (Cluster mode adds one
 * CLUSTER SLOTS per connect to learn the other nodes; it is allowed to fail.)
 *
 * We drive reconnection ourselves rather than through ioredis' retry loop: every attempt is a fresh
 * connection, which lets us report each state change, fail fast on the first connect, re-ask the
 * sentinels for the master, and move to another cluster node when ours has died.
 *
 * Cluster: ioredis' Cluster class was not used to subscribe, because its subscriber connection
 * always sends INFO and CLIENT SETNAME, swallows its errors and reports no reconnects. Any single
 * node sees every PUBLISH of the cluster, so one plain connection that moves between the known
 * nodes is both enough and quieter.
 *
 * Events:
 *   message      (RawMessage)                        one per pmessage/message, in arrival order
 *   connecting   ({ target, attempt })                an attempt starts
 *   ready        ({ target })                         subscribed; also after every reconnect
 *   reconnecting ({ attempt, delayMs, reason })       the connection was lost or an attempt failed
 *   reconnected  ({ gapMs, attempts, target })        after `ready`, when there was an outage
 *   error        (RedisConnectionError)               a failed attempt after the first connect;
 *                                                      only emitted when someone listens
 *   closed       ()                                   close() finished
 * A message matching both a pattern and an exact channel arrives twice (Redis sends both).
 */
import { EventEmitter } from 'node:events';
import { Redis, type RedisOptions } from 'ioredis';
import type { RawMessage } from '../model/raw-message.js';
import { describeSpec, formatEndpoint, type ConnectionSpec, type RedisEndpoint } from './connection-spec.js';
import { ChannelNames } from './channel-names.js';
import { LivenessJudge } from './liveness.js';
import { endpointsFromClusterSlots, mergeEndpoints } from './cluster-nodes.js';
import type { RedisConnectionError } from './errors.js';
import { connectionError, isPermanentFailure } from './errors.js';
import { nodeOptions, sentinelModeOptions } from './ioredis-options.js';

export interface SubscriberOptions {
  /** PSUBSCRIBE patterns. Default `['phx:*']` when no exact channels are given either. */
  patterns?: string[];
  /** SUBSCRIBE exact channel names. */
  channels?: string[];
  /** The first connect gives up (rejects start()) after this long. Default 3000 ms. */
  firstConnectTimeoutMs?: number;
  /** Reconnect backoff after the first connect: doubles from `initial` up to `max`. Default 100 → 5000 ms. */
  reconnectInitialDelayMs?: number;
  reconnectMaxDelayMs?: number;
  /**
   * Heartbeat period; 0 disables. The link is declared dead after a whole period on the clock
   * without a byte received while a PING is unanswered (so within two to three periods of real
   * silence: ticks wait for the event loop). Default 10000 ms.
   */
  heartbeatMs?: number;
}

export interface SubscriberStats {
  messages: number;
  bytes: number;
  reconnects: number;
}

export interface SubscriberEvents {
  message: [RawMessage];
  connecting: [{ target: string; attempt: number }];
  ready: [{ target: string }];
  reconnecting: [{ attempt: number; delayMs: number; reason: string }];
  reconnected: [{ gapMs: number; attempts: number; target: string }];
  error: [RedisConnectionError];
  closed: [];
}

const FIRST_CONNECT_RETRY_MS = 250;

export class Subscriber extends EventEmitter<SubscriberEvents> {
  readonly patterns: readonly string[];
  readonly channels: readonly string[];
  /** Redacted description of the target, for status lines. */
  readonly target: string;

  private readonly options: Required<Omit<SubscriberOptions, 'patterns' | 'channels'>>;
  private readonly counters: SubscriberStats = { messages: 0, bytes: 0, reconnects: 0 };
  private readonly channelNames = new ChannelNames();
  /** Cluster nodes to try, seeds first; grows with what CLUSTER SLOTS tells us. */
  private clusterNodes: RedisEndpoint[];
  private nextNode = 0;
  private link: Redis | null = null;
  private attemptLink: Redis | null = null;
  private started = false;
  private closing = false;
  private lostAt = 0;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private heartbeatExpired = false;
  /** When the link last showed it was alive (a message, a PING reply, subscribing). */
  private lastAlive = 0;
  /** The time of the socket read being handed over (see readTime); 0 between reads. */
  private currentRead = 0;
  private readonly endRead = (): void => {
    this.currentRead = 0;
  };

  constructor(
    private readonly spec: ConnectionSpec,
    options: SubscriberOptions = {},
  ) {
    super();
    const patterns = options.patterns ?? [];
    const channels = options.channels ?? [];
    this.patterns = patterns.length === 0 && channels.length === 0 ? ['phx:*'] : [...patterns];
    this.channels = [...channels];
    this.target = describeSpec(spec);
    this.clusterNodes = spec.mode === 'cluster' ? [...spec.nodes] : [];
    this.options = {
      firstConnectTimeoutMs: options.firstConnectTimeoutMs ?? 3000,
      reconnectInitialDelayMs: options.reconnectInitialDelayMs ?? 100,
      reconnectMaxDelayMs: options.reconnectMaxDelayMs ?? 5000,
      heartbeatMs: options.heartbeatMs ?? 10_000,
    };
  }

  /** Messages and payload bytes received so far, and how many times the link came back. */
  get stats(): Readonly<SubscriberStats> {
    return { ...this.counters };
  }

  /**
   * Connects and subscribes. Resolves once subscribed; rejects with a RedisConnectionError when
   * that is impossible within `firstConnectTimeoutMs` (at once for a wrong password, a missing ACL
   * permission or a rejected certificate). After that, connection loss is never fatal.
   */
  async start(): Promise<void> {
    if (this.started) throw new Error('Subscriber.start() called twice');
    this.started = true;
    const deadline = Date.now() + this.options.firstConnectTimeoutMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.openLink(attempt, Math.max(500, deadline - Date.now()));
        return;
      } catch (error) {
        const failure = connectionError(error, this.spec, 'cannot connect to');
        if (this.closing) throw connectionError(new Error('closed before connecting'), this.spec);
        if (isPermanentFailure(failure.reason) || Date.now() + FIRST_CONNECT_RETRY_MS >= deadline) throw failure;
        await delay(FIRST_CONNECT_RETRY_MS);
      }
    }
  }

  /**
   * When the messages being handed over were read. ioredis hands over all of one socket read's
   * messages in one go (a flood: hundreds), which all arrived at that moment: Date.now() is asked
   * once per read, not per message (~45 ns a call, a few % of the reading thread), and forgotten
   * when the read's turn ends.
   */
  private readTime(): number {
    if (this.currentRead === 0) {
      this.currentRead = Date.now();
      queueMicrotask(this.endRead);
    }
    return this.currentRead;
  }

  /** Unsubscribes by disconnecting; stops reconnecting. Emits `closed`. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.stopHeartbeat();
    const links = [this.link, this.attemptLink].filter((l): l is Redis => l !== null);
    this.link = null;
    this.attemptLink = null;
    await Promise.all(links.map(closeQuietly));
    this.emit('closed');
  }

  private async openLink(attempt: number, connectTimeoutMs: number): Promise<void> {
    const spec = this.spec;
    let options: RedisOptions;
    let clusterNode: RedisEndpoint | null = null;
    if (spec.mode === 'sentinel') {
      options = sentinelModeOptions(spec, connectTimeoutMs);
    } else if (spec.mode === 'cluster') {
      clusterNode = this.pickClusterNode();
      options = nodeOptions(spec, clusterNode, connectTimeoutMs);
    } else {
      options = nodeOptions(spec, spec, connectTimeoutMs);
    }
    const target = clusterNode ? `${this.target} via ${formatEndpoint(clusterNode)}` : this.target;
    this.emit('connecting', { target, attempt });
    const redis = new Redis(options);
    this.attemptLink = redis;
    // The first error is the cause; later ones ("Connection is closed.") are consequences.
    let firstError: unknown = null;
    redis.on('error', (error: unknown) => {
      firstError ??= error;
    });
    redis.on('pmessageBuffer', (pattern: string, channel: Buffer, payload: Buffer) => {
      this.counters.messages++;
      this.counters.bytes += payload.length;
      const receivedAt = (this.lastAlive = this.readTime());
      this.emit('message', { receivedAt, channel: this.channelNames.of(channel), pattern, payload });
    });
    redis.on('messageBuffer', (channel: Buffer, payload: Buffer) => {
      this.counters.messages++;
      this.counters.bytes += payload.length;
      const receivedAt = (this.lastAlive = this.readTime());
      this.emit('message', { receivedAt, channel: this.channelNames.of(channel), pattern: null, payload });
    });
    let established = false;
    redis.once('end', () => {
      if (established && this.link === redis) this.onLinkLost(firstError);
    });
    // connectTimeout only covers the TCP/TLS handshake; a server that accepts and then never
    // answers (frozen, or a black hole behind a proxy) must not stall the attempt forever.
    const attemptTimer = setTimeout(() => {
      firstError ??= Object.assign(new Error(`no reply within ${connectTimeoutMs} ms`), { code: 'ETIMEDOUT' });
      redis.disconnect();
    }, connectTimeoutMs);
    try {
      await redis.connect();
      if (clusterNode) await this.learnClusterNodes(redis, clusterNode);
      if (this.patterns.length > 0) await redis.psubscribe(...this.patterns);
      if (this.channels.length > 0) await redis.subscribe(...this.channels);
    } catch (error) {
      redis.disconnect();
      throw firstError ?? error;
    } finally {
      clearTimeout(attemptTimer);
      if (this.attemptLink === redis) this.attemptLink = null;
    }
    if (this.closing || redis.status !== 'ready') {
      redis.disconnect();
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- the link's own error, passed on as it came
      throw firstError ?? new Error('connection closed while subscribing');
    }
    established = true;
    this.link = redis;
    this.lastAlive = Date.now();
    this.startHeartbeat(redis);
    this.emit('ready', { target });
    if (this.lostAt !== 0) {
      this.counters.reconnects++;
      this.emit('reconnected', { gapMs: Date.now() - this.lostAt, attempts: attempt, target });
      this.lostAt = 0;
    }
  }

  private onLinkLost(cause: unknown): void {
    this.link = null;
    this.stopHeartbeat();
    if (this.closing) return;
    // A link the heartbeat gave up on went quiet a period or more earlier: the gap that matters
    // to the user (what may have been missed) starts at its last sign of life, not at the verdict.
    this.lostAt = this.heartbeatExpired ? this.lastAlive : Date.now();
    this.attempt = 0;
    const reason = cause
      ? connectionError(cause, this.spec, 'lost connection to').message
      : `lost connection to ${this.target}${this.heartbeatExpired ? ': no reply to PING' : ''}`;
    this.heartbeatExpired = false;
    this.scheduleReconnect(reason);
  }

  private scheduleReconnect(reason: string): void {
    this.attempt++;
    const delayMs = Math.min(
      this.options.reconnectInitialDelayMs * 2 ** (this.attempt - 1),
      this.options.reconnectMaxDelayMs,
    );
    this.emit('reconnecting', { attempt: this.attempt, delayMs, reason });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.openLink(this.attempt, Math.max(1000, this.options.reconnectMaxDelayMs)).catch((error: unknown) => {
        if (this.closing) return;
        const failure = connectionError(error, this.spec, 'cannot reconnect to');
        if (this.listenerCount('error') > 0) this.emit('error', failure);
        this.scheduleReconnect(failure.message);
      });
    }, delayMs);
  }

  /** Cluster: rotate through the known nodes, so a dead node is not retried forever. */
  private pickClusterNode(): RedisEndpoint {
    const node = this.clusterNodes[this.nextNode % this.clusterNodes.length]!;
    this.nextNode = (this.nextNode + 1) % this.clusterNodes.length;
    return node;
  }

  private async learnClusterNodes(redis: Redis, endpoint: RedisEndpoint): Promise<void> {
    try {
      const reply = await redis.call('CLUSTER', 'SLOTS');
      this.clusterNodes = mergeEndpoints(this.clusterNodes, endpointsFromClusterSlots(reply, endpoint.host));
    } catch {
      // No +cluster|slots permission (or not a cluster): the seeds given are all we know.
    }
  }

  /**
   * Each period the link is judged (liveness.ts): a PING is sent unless one is still unanswered,
   * and the link is declared dead only after a whole period on the clock with a PING outstanding
   * and not one byte received — real silence (a frozen server, a black hole), never a busy link.
   */
  private startHeartbeat(redis: Redis): void {
    const period = this.options.heartbeatMs;
    if (period <= 0) return;
    const judge = new LivenessJudge(period, bytesRead(redis));
    const tick = (): void => {
      if (this.link !== redis) return;
      // (lastAlive, which dates the outage, is set where a message or a PING reply is read: a
      // tick only knows that bytes came since the last one.)
      const verdict = judge.tick(performance.now(), bytesRead(redis));
      if (verdict === 'dead') {
        this.heartbeatExpired = true;
        redis.disconnect();
      } else if (verdict === 'ping') {
        // Any reply (even NOPERM for a user without +ping) proves the connection is alive.
        const answered = (): void => {
          judge.answered();
          this.lastAlive = Date.now();
        };
        redis.ping().then(answered, answered);
      }
    };
    // The verdict waits for setImmediate, i.e. until after the event loop's poll phase: when the
    // process itself was starved or stopped, what arrived meanwhile is read before it is judged.
    this.heartbeatTimer = setInterval(() => setImmediate(tick), period);
    this.heartbeatTimer.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }
}

/** Bytes the link's socket has read so far (TLS: the encrypted bytes — any change is a sign of life). */
function bytesRead(redis: Redis): number {
  return (redis.stream as { bytesRead?: number } | undefined)?.bytesRead ?? 0;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Disconnect and wait for the socket to close, so callers can stop servers right after. */
function closeQuietly(redis: Redis): Promise<void> {
  if (redis.status === 'end') return Promise.resolve();
  return new Promise((resolve) => {
    // ioredis always ends a socket it disconnects; the timer only guards against a stuck one.
    const fallback = setTimeout(resolve, 1000);
    redis.once('end', () => {
      clearTimeout(fallback);
      resolve();
    });
    redis.disconnect();
  });
}

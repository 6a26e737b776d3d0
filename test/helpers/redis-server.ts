/**
 * Real redis-server processes for tests — never mocks, never the machine's own 6379.
 *
 *   const server = await startRedis();                 // 127.0.0.1:<free port>, no persistence
 *   afterAll(() => server.stop());                     // always; also runs after a failed test
 *   server.url                                         // 'redis://127.0.0.1:41234'
 *   await server.kill('SIGKILL'); await server.restart(); // crash and come back on the same port
 *   server.signal('SIGSTOP'); server.signal('SIGCONT');  // freeze: sockets stay open, nothing answers
 *   await server.command('PUBSUB', 'NUMSUB', 'phx:x');  // one admin command (short connection)
 *
 * Options: `args` (extra redis-server flags), `requirepass`, `users` (ACL `user` directives, e.g.
 * 'watcher on >pw resetchannels &phx:* -@all +psubscribe +subscribe +ping'; rules split on
 * spaces), `tls` (TLS-only server with the test CA from tls-certs.ts; `authClients` defaults to
 * 'no'), `config` (lines of a config file passed first, as sentinel needs), `readyLog`.
 *
 * Topologies (startCluster, startSentinel, startReplica) live in redis-topologies.ts and are
 * re-exported here. Raw ioredis helpers for tests that need Buffers without our src/redis:
 * rawSubscriber, rawPublish, adminClient. waitUntil polls a condition (tests never assert on time).
 *
 * Each server gets its own temp dir (`--dir`, `--save ''`, `--appendonly no`). Processes and
 * dirs are registered with child-reaper.ts, so even a crashed test worker leaves no orphans.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import { makeTempDir, removeDir, track, untrack } from './child-reaper.js';
import { freePort } from './ports.js';
import { tlsMaterial, type TlsMaterial } from './tls-certs.js';

export {
  startCluster,
  startReplica,
  startSentinel,
  type RedisCluster,
  type RedisSentinel,
} from './redis-topologies.js';
export { tlsMaterial, type TlsMaterial } from './tls-certs.js';

export interface StartRedisOptions {
  args?: string[];
  requirepass?: string;
  users?: string[];
  tls?: boolean | { authClients?: 'yes' | 'no' | 'optional' };
  /** Config file lines, written to the server's dir and passed as its first argument. */
  config?: string[];
  /** Log line that means "accepting connections" (sentinel prints no "Ready to accept"). */
  readyLog?: RegExp;
  /** A fixed port instead of a free one (the caller guarantees it is free). */
  port?: number;
  name?: string;
}

export interface RedisServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `redis://127.0.0.1:PORT` or `rediss://…`, without credentials. */
  readonly url: string;
  readonly dir: string;
  readonly tls: TlsMaterial | null;
  readonly requirepass: string | undefined;
  /** Pid of the current process (changes on restart). */
  readonly pid: number;
  /** Stop (SIGTERM, then SIGKILL), remove the dir. Idempotent. */
  stop(): Promise<void>;
  /** Send a signal (default SIGKILL) and wait for the process to exit; the dir stays for restart(). */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Send a signal without waiting, e.g. SIGSTOP / SIGCONT to freeze a server with its sockets open. */
  signal(signal: NodeJS.Signals): void;
  /** Start again on the same port with the same arguments (stopping first if it runs). */
  restart(): Promise<void>;
  /** One command over a short-lived admin connection. */
  command(...args: (string | number | Buffer)[]): Promise<unknown>;
  /** ioredis options for an admin connection (password, TLS material) — add your own on top. */
  clientOptions(): RedisOptions;
  /** The server's recent log output, for failure messages. */
  log(): string;
}

const READY = /Ready to accept connections/;
const LOG_LINES = 200;
const START_TIMEOUT_MS = 10_000;

export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  const dir = makeTempDir(options.name ?? 'redis');
  const tls = options.tls ? await tlsMaterial() : null;
  const authClients = typeof options.tls === 'object' ? (options.tls.authClients ?? 'no') : 'no';
  const logLines: string[] = [];
  let child: ChildProcess | null = null;
  let port = options.port ?? 0;

  const configFile = join(dir, 'server.conf');
  // Written once: sentinel rewrites its config file, and a restart must keep what it learned.
  if (options.config) writeFileSync(configFile, options.config.join('\n') + '\n');

  const argsFor = (p: number): string[] => {
    const args: string[] = options.config ? [configFile] : [];
    args.push(...(options.args ?? []));
    args.push('--bind', '127.0.0.1', '--dir', dir, '--logfile', '', '--daemonize', 'no');
    if (!options.args?.includes('--sentinel')) args.push('--save', '', '--appendonly', 'no');
    if (tls) {
      args.push(
        '--port',
        '0',
        '--tls-port',
        String(p),
        '--tls-cert-file',
        tls.serverCertFile,
        '--tls-key-file',
        tls.serverKeyFile,
      );
      args.push('--tls-ca-cert-file', tls.caFile, '--tls-auth-clients', authClients);
    } else {
      args.push('--port', String(p));
    }
    if (options.requirepass !== undefined) args.push('--requirepass', options.requirepass);
    for (const user of options.users ?? []) args.push('--user', ...user.split(/\s+/).filter(Boolean));
    return args;
  };

  const launch = async (p: number): Promise<void> => {
    const args = argsFor(p);
    const proc = spawn('redis-server', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    track(proc);
    child = proc;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`redis-server on port ${p} not ready after ${START_TIMEOUT_MS} ms:\n${logLines.join('\n')}`));
      }, START_TIMEOUT_MS);
      const onData = (chunk: Buffer) => {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (line === '') continue;
          logLines.push(line);
          if (logLines.length > LOG_LINES) logLines.shift();
          if ((options.readyLog ?? READY).test(line)) {
            clearTimeout(timer);
            resolve();
          }
        }
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', onData);
      proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`redis-server on port ${p} exited (${code ?? signal}):\n${logLines.slice(-15).join('\n')}`));
      });
    });
  };

  // A free port can be taken between asking and binding: try another one.
  for (let tries = 0; ; tries++) {
    if (options.port === undefined) port = await freePort();
    try {
      await launch(port);
      break;
    } catch (error) {
      const inUse = logLines.some((l) => /Address already in use/.test(l));
      if (!inUse || options.port !== undefined || tries >= 4) {
        removeDir(dir);
        throw error;
      }
      logLines.length = 0;
    }
  }

  const waitExit = (proc: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const force = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      proc.once('exit', () => {
        clearTimeout(force);
        untrack(proc);
        resolve();
      });
      proc.kill(signal);
    });
  };

  let stopped = false;
  const server: RedisServer = {
    host: '127.0.0.1',
    port,
    url: `${tls ? 'rediss' : 'redis'}://127.0.0.1:${port}`,
    dir,
    tls,
    requirepass: options.requirepass,
    get pid() {
      return child?.pid ?? -1;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child) {
        child.kill('SIGCONT'); // a frozen server cannot act on SIGTERM
        await waitExit(child, 'SIGTERM', 2000);
      }
      removeDir(dir);
    },
    async kill(signal = 'SIGKILL') {
      if (child) await waitExit(child, signal, 2000);
    },
    signal(signal) {
      child?.kill(signal);
    },
    async restart() {
      if (stopped) throw new Error('restart() after stop()');
      if (child) await waitExit(child, 'SIGTERM', 2000);
      await launch(port);
    },
    async command(...args) {
      const client = new Redis({ ...server.clientOptions(), lazyConnect: true });
      client.on('error', () => undefined); // the command's own rejection carries the error
      try {
        await client.connect();
        const [name, ...rest] = args;
        return await client.call(String(name), ...rest);
      } finally {
        client.disconnect();
      }
    },
    clientOptions() {
      const base: RedisOptions = {
        host: '127.0.0.1',
        port,
        enableReadyCheck: false, // no INFO / CLIENT SETINFO: keeps MONITOR and ACL LOG about the code under test
        disableClientInfo: true,
        retryStrategy: () => null,
        maxRetriesPerRequest: 0,
      };
      if (options.requirepass !== undefined) base.password = options.requirepass;
      if (tls)
        base.tls = {
          ca: readFileSync(tls.caFile),
          cert: readFileSync(tls.clientCertFile),
          key: readFileSync(tls.clientKeyFile),
        };
      return base;
    },
    log: () => logLines.join('\n'),
  };
  return server;
}

/** A raw ioredis connection with the server's admin options (caller disconnects). */
export function adminClient(server: RedisServer, extra: RedisOptions = {}): Redis {
  const client = new Redis({ ...server.clientOptions(), ...extra });
  client.on('error', () => undefined);
  return client;
}

export interface RawSubscription {
  readonly messages: { pattern: string | null; channel: Buffer; payload: Buffer }[];
  close(): void;
}

/** PSUBSCRIBE/SUBSCRIBE with plain ioredis, recording Buffers — a reference receiver for tests. */
export async function rawSubscriber(
  server: RedisServer,
  subscribe: { patterns?: string[]; channels?: string[] },
  extra: RedisOptions = {},
): Promise<RawSubscription> {
  const client = adminClient(server, extra);
  const messages: RawSubscription['messages'] = [];
  client.on('pmessageBuffer', (pattern: Buffer, channel: Buffer, payload: Buffer) =>
    messages.push({ pattern: pattern.toString(), channel, payload }),
  );
  client.on('messageBuffer', (channel: Buffer, payload: Buffer) => messages.push({ pattern: null, channel, payload }));
  if (subscribe.patterns?.length) await client.psubscribe(...subscribe.patterns);
  if (subscribe.channels?.length) await client.subscribe(...subscribe.channels);
  return { messages, close: () => client.disconnect() };
}

/** PUBLISH once over a short-lived admin connection; resolves to the receiver count. */
/**
 * The pattern subscriber's connection as Redis sees it (CLIENT LIST; the test's watcher is the only
 * one): its id, which changes if Redis ever dropped it, and its pending output (omem) in bytes.
 */
export async function patternSubscriber(server: RedisServer): Promise<{ id: string; omem: number } | undefined> {
  const list = String(await server.command('CLIENT', 'LIST'));
  const line = list.split('\n').find((l) => / psub=1 /.test(l));
  const id = line ? / ?id=(\d+) /.exec(' ' + line) : null;
  const omem = line ? / omem=(\d+) /.exec(line) : null;
  return id && omem ? { id: id[1]!, omem: Number(omem[1]) } : undefined;
}

export async function rawPublish(server: RedisServer, channel: string, payload: Buffer | string): Promise<number> {
  return Number(await server.command('PUBLISH', channel, payload));
}

/** Polls `condition` every 20 ms until it holds; throws `message` (with the last error) after `timeoutMs`. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  message: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      if (await condition()) return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting: ${message}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

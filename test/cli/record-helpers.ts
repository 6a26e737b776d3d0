/**
 * Shared by the record / replay / split / real-traffic tests: the captured adapter fixtures, a
 * `record` run that is known to be subscribed, a timestamping reference subscriber, and a
 * drift-free publisher for traffic with known spacing.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { readCapture } from '../../src/capture/index.js';
import type { CaptureSegment } from '../../src/capture/index.js';
import type { RawMessage } from '../../src/model/raw-message.js';
import { adminClient, type RedisServer } from '../helpers/redis-server.js';
import { MAIN, startCli, type LiveCli } from './run-cli.js';
import { startInProcess, type LiveInProcess } from './in-process.js';

export const PHOENIX_FIXTURES = new URL('../../fixtures/phoenix/', import.meta.url);
export const CAPTURE_FIXTURES = new URL('../../fixtures/captures/', import.meta.url);
export const ADAPTERS = ['phoenix_pubsub_redis-3.1.0', 'phoenix_pubsub_redis-2.1.8'] as const;
export type Adapter = (typeof ADAPTERS)[number];

export interface FixturePayload {
  file: string;
  channel: string;
  /** What Elixir 1.14's inspect printed for the term (the oracle). */
  inspect: string;
  size: number;
  operation: string;
  payload: Buffer;
}

/** The adapter's captured payloads in manifest order (the order they were captured). */
export function fixturePayloads(adapter: Adapter): FixturePayload[] {
  const dir = new URL(`${adapter}/`, PHOENIX_FIXTURES);
  const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')) as {
    files: Array<{ file: string; channel: string; inspect: string; size: number; operation: string }>;
  };
  return manifest.files.map((f) => ({
    file: f.file,
    channel: f.channel,
    inspect: f.inspect,
    size: f.size,
    operation: f.operation,
    payload: readFileSync(new URL(f.file, dir)),
  }));
}

export function fixtureCapturePath(adapter: Adapter): URL {
  return new URL(`${adapter}.capture`, CAPTURE_FIXTURES);
}

/** Starts `redis-print record` and resolves once it has subscribed (its "# recording" line). */
export async function startRecording(args: string[]): Promise<LiveCli> {
  const live = startCli(['record', ...args]);
  await live.waitForStderr(/^# recording /m);
  return live;
}

/** startRecording in this process (in-process.ts): no node start-up per recorder. */
export async function startRecordingInProcess(args: string[]): Promise<LiveInProcess> {
  const live = startInProcess(['record', ...args]);
  try {
    await live.waitForStderr(/^# recording /m);
  } catch (error) {
    live.kill('SIGINT');
    throw error;
  }
  return live;
}

export interface ReadBack {
  segments: CaptureSegment[];
  messages: RawMessage[];
  truncated: boolean;
}

export async function readBack(path: string): Promise<ReadBack> {
  const reader = readCapture(path);
  const segments: CaptureSegment[] = [];
  const messages: RawMessage[] = [];
  for await (const entry of reader.entries()) {
    if (entry.kind === 'segment') segments.push(entry.segment);
    else messages.push(entry.message);
  }
  return { segments, messages, truncated: reader.summary!.truncatedTail !== null };
}

export interface Arrival {
  channel: string;
  pattern: string | null;
  payload: Buffer;
  /** performance.now() when the message event fired. */
  at: number;
}

/** A plain ioredis subscriber that notes when each message arrived. */
export async function timedSubscriber(
  server: RedisServer,
  subscribe: { patterns?: string[]; channels?: string[] },
): Promise<{ arrivals: Arrival[]; close: () => void }> {
  const client: Redis = adminClient(server);
  const arrivals: Arrival[] = [];
  client.on('pmessageBuffer', (pattern: Buffer | string, channel: Buffer, payload: Buffer) =>
    arrivals.push({ channel: channel.toString(), pattern: String(pattern), payload, at: performance.now() }),
  );
  client.on('messageBuffer', (channel: Buffer, payload: Buffer) =>
    arrivals.push({ channel: channel.toString(), pattern: null, payload, at: performance.now() }),
  );
  if (subscribe.patterns?.length) await client.psubscribe(...subscribe.patterns);
  if (subscribe.channels?.length) await client.subscribe(...subscribe.channels);
  return { arrivals, close: () => client.disconnect() };
}

/**
 * PUBLISHes `messages` over one connection, message i at `start + i * gapMs` (drift-free: due
 * times from one start, not summed sleeps). gapMs 0 pipelines them all at once.
 */
export async function publishPaced(
  server: RedisServer,
  messages: Array<{ channel: string; payload: Buffer }>,
  gapMs = 0,
): Promise<number[]> {
  const client = adminClient(server);
  try {
    if (gapMs === 0) return (await Promise.all(messages.map((m) => client.publish(m.channel, m.payload)))).map(Number);
    const start = performance.now();
    const receivers: number[] = [];
    for (const [i, m] of messages.entries()) {
      const wait = start + i * gapMs - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      receivers.push(await client.publish(m.channel, m.payload));
    }
    return receivers;
  } finally {
    client.disconnect();
  }
}

/** Bytes derived from the index (every byte value occurs), so any mix-up or corruption shows. */
export function numberedPayload(i: number, size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let j = 0; j < size; j++) bytes[j] = (i * 131 + j * 7 + (j >> 8)) & 0xff;
  if (size >= 4) bytes.writeUInt32BE(i, 0);
  return bytes;
}

/**
 * Records the adapter's captured payloads through a real redis-server with `redis-print record`:
 * how fixtures/captures/*.capture are made (see test/capture/real-traffic.test.ts).
 */
export async function recordFixtureCapture(server: RedisServer, adapter: Adapter, path: string): Promise<void> {
  const fixtures = fixturePayloads(adapter);
  const live = await startRecording([
    '-o',
    path,
    '--url',
    server.url,
    '--pattern',
    'phx:*',
    '--count',
    String(fixtures.length),
  ]);
  await publishPaced(server, fixtures);
  const result = await live.done;
  if (result.code !== 0) throw new Error(`record exited ${result.code}: ${result.stderr}`);
}

export interface TerminalSession {
  /** Everything the program wrote to the terminal so far (stdout and stderr both go there). */
  readonly output: string;
  type(text: string): void;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Exit code of the program (the shell inside `script` passes it on). */
  done: Promise<number | null>;
}

/**
 * Runs the built CLI inside a pseudo-terminal (util-linux `script`), sized 120×30, so that it
 * sees a terminal on stdin, stdout and stderr — for prompts and the UI.
 */
export function inTerminal(args: string[]): TerminalSession {
  const quote = (a: string): string => `'${a.replace(/'/g, `'\\''`)}'`;
  const command = `stty cols 120 rows 30; exec ${[process.execPath, MAIN, ...args].map(quote).join(' ')}`;
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let output = '';
  const waiters: Array<() => void> = [];
  const collect = (d: Buffer): void => {
    output += d.toString();
    waiters.splice(0).forEach((w) => w());
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  let exited = false;
  const done = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      exited = true;
      clearTimeout(killer);
      waiters.splice(0).forEach((w) => w());
      resolve(code);
    }),
  );
  return {
    get output() {
      return output;
    },
    type: (text) => child.stdin.write(text),
    async waitFor(pattern, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(output)) {
        if (exited) throw new Error(`ended before ${pattern} appeared:\n${output}`);
        if (Date.now() > deadline) throw new Error(`${pattern} did not appear in ${timeoutMs} ms:\n${output}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 250);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    done,
  };
}

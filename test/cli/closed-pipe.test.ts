/**
 * End to end (spawned): every command that writes to stdout ends quietly when its reader has
 * gone away (`redis-print decode *.etf | head -1`): no EPIPE stack trace, no exit 1 or 13, the
 * exit code it would have had. The reading end is closed before the program writes anything.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../helpers/child-reaper.js';
import { rawPublish, startRedis, waitUntil, type RedisServer } from '../helpers/redis-server.js';
import { CaptureWriter } from '../../src/capture/writer.js';
import { fixtureCapturePath } from './record-helpers.js';
import { MAIN } from './run-cli.js';
import { loadFixtures } from './watch-helpers.js';

interface Closed {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Runs the built program with its stdout pipe closed on our side: from the start, or (`afterFirstChunk`,
 * as `| head -c N` does) once the first chunk has arrived, while the program is still writing.
 */
function runWithClosedStdout(
  args: string[],
  afterFirstChunk = false,
): { done: Promise<Closed>; exited: () => boolean } {
  const child = spawn(process.execPath, [MAIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (afterFirstChunk) child.stdout.once('data', () => child.stdout.destroy());
  else child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let exited = false;
  const done = new Promise<Closed>((resolve) =>
    child.on('close', (code, signal) => {
      exited = true;
      resolve({ code, signal, stderr });
    }),
  );
  return { done, exited: () => exited };
}

const quiet = (r: Closed): void => {
  expect(r.stderr).not.toMatch(/EPIPE|\n\s+at |internal error|Unhandled|Error:/);
  expect(r.signal).toBe(null);
};

const capture = fileURLToPath(fixtureCapturePath('phoenix_pubsub_redis-3.1.0'));
let dir: string;
let manyEtf: string[];
let bigCapture: string;

beforeAll(async () => {
  dir = makeTempDir('closed-pipe');
  const fixtures = loadFixtures().slice(0, 40);
  const files = fixtures.map((f, i) => {
    const file = join(dir, `${i}.etf`);
    writeFileSync(file, f.payload);
    return file;
  });
  manyEtf = Array.from({ length: 10 }, () => files).flat(); // 400 files, far more than a pipe buffer
  // Megabytes of lines: the reader leaves while the writer waits for the pipe to drain.
  bigCapture = join(dir, 'big.capture');
  const writer = await CaptureWriter.open(bigCapture, { tool: { name: 'test', version: '0' }, target: 'redis://x' });
  for (let i = 0; i < 20_000; i++) {
    const f = fixtures[i % fixtures.length]!;
    writer.write({ receivedAt: 1_700_000_000_000 + i, channel: f.entry.channel, pattern: null, payload: f.payload });
  }
  await writer.close();
});
afterAll(() => {
  if (dir) removeDir(dir);
});

describe('a closed stdout ends each command quietly', () => {
  it.each([
    ['decode of .etf files', () => ['decode', ...manyEtf], 0],
    ['decode --format json-typed', () => ['decode', '--format', 'json-typed', ...manyEtf], 0],
    ['decode of a capture', () => ['decode', capture], 0],
    ['view --no-tui', () => ['view', '--no-tui', capture], 0],
    ['split', () => ['split', capture, '-o', join(dir, 'split')], 0],
    ['encode', () => ['encode', '--term', '%{"a" => 1}'], 0],
    ['publish --dry-run', () => ['publish', '--channel', 'phx:x', '--topic', 't', '--event', 'e', '--dry-run'], 0],
    ['completion', () => ['completion', 'bash'], 0],
    ['--help', () => ['decode', '--help'], 0],
  ] as const)('%s', async (_, args, code) => {
    const result = await runWithClosedStdout([...args()]).done;
    quiet(result);
    expect(result.code, result.stderr).toBe(code);
  });

  it.each([
    ['view --no-tui', () => ['view', '--no-tui', '--full', bigCapture]],
    ['decode --json of a capture', () => ['decode', '--json', bigCapture]],
  ] as const)('%s: the reader leaves mid-stream (| head -c N): exit 0, never 13', async (_, args) => {
    const result = await runWithClosedStdout([...args()], true).done;
    quiet(result);
    expect(result.code, result.stderr).toBe(0);
  });

  describe('watch', () => {
    let server: RedisServer;
    beforeAll(async () => {
      server = await startRedis();
    });
    afterAll(async () => {
      await server.stop();
    });

    it('stops at the first message it cannot print, with its summary and exit 0', async () => {
      const watch = runWithClosedStdout(['--no-tui', '--url', server.url]);
      const payload = loadFixtures()[3]!.payload;
      // Publish until the watcher has noticed: it is subscribed once a PUBLISH reaches someone.
      await waitUntil(async () => {
        await rawPublish(server, 'phx:Chat.PubSub', payload);
        return watch.exited();
      }, 'the watcher to end on its closed stdout');
      const result = await watch.done;
      quiet(result);
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/^# received \d+, shown \d+/m);
    });
  });
});

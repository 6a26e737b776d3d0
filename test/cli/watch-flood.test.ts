/**
 * A flood with Redis' DEFAULT output-buffer limits (pubsub 32mb 8mb 60) while the watcher is made
 * slow by its stdout not being read: Redis must never disconnect it, memory stays bounded, and
 * every message is accounted for — shown or counted as dropped, in the summary and in the output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { adminClient, startRedis, waitUntil, type RedisServer } from '../helpers/redis-server.js';
import { MAIN } from './run-cli.js';
import { loadFixtures } from './watch-helpers.js';

const FLOOD = 150_000;
/** Peak RSS allowed to the watcher (measured: ~130 MB with the stdout pipe never read). */
const PEAK_RSS_BOUND_MB = 256;

let server: RedisServer;
beforeAll(async () => {
  server = await startRedis({ name: 'flood' }); // Redis' own default client-output-buffer-limit
});
afterAll(() => server?.stop());

const hello = loadFixtures().find((f) => f.entry.label === 'broadcast-hello' && f.entry.channel.endsWith('.Adapter'))!;

/** The watcher with its stdout piped but NOT read until `resume()`. */
function startPaused(args: string[]) {
  const child: ChildProcess = spawn(process.execPath, [MAIN, ...args, '--url', server.url], {
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout!.pause();
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    resume: () => child.stdout!.on('data', (d: Buffer) => (stdout += d.toString())).resume(),
    closed,
  };
}

/** Peak resident memory of a process so far, in MB (VmHWM). */
function peakRssMb(pid: number): number {
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** The watcher's connection as Redis sees it (the only pattern subscriber), from CLIENT LIST. */
async function subscriberOutputMemory(): Promise<number | undefined> {
  const list = String(await server.command('CLIENT', 'LIST'));
  const line = list.split('\n').find((l) => / psub=1 /.test(l));
  const m = line ? / omem=(\d+) /.exec(line) : null;
  return m ? Number(m[1]) : undefined;
}

describe.each([
  { mode: 'NDJSON', args: ['--json', '--no-tui'] },
  { mode: 'lines', args: ['--no-tui'] },
])('a flood while stdout is not read ($mode)', ({ mode, args }) => {
  test('no disconnect, bounded memory, received + dropped = published, drops reported in the output', async () => {
    const watch = startPaused(args);
    try {
      await waitUntil(() => /^# watching /m.test(watch.stderr), 'the watcher to subscribe', 30_000);
      const publisher = adminClient(server);
      for (let sent = 0; sent < FLOOD; sent += 10_000) {
        const pipeline = publisher.pipeline();
        for (let i = 0; i < 10_000; i++) pipeline.publish(hello.entry.channel, hello.payload);
        await pipeline.exec();
      }
      // Everything has left Redis for the watcher's socket (or the watcher was disconnected).
      await waitUntil(async () => (await subscriberOutputMemory()) === 0, 'Redis to have sent the flood', 60_000);
      const peak = peakRssMb(watch.child.pid!);

      // Reading resumes: the backlog comes out, then a marker published now must be shown (one
      // could still be dropped while the backlog drains: then the next one is sent).
      watch.resume();
      let markers = 0;
      await waitUntil(
        async () => {
          if (watch.stdout.includes(`{"marker":${markers}}`)) return true;
          markers++;
          await publisher.publish('phx:marker', `{"marker":${markers}}`);
          await waitUntil(() => watch.stdout.includes(`{"marker":${markers}}`), 'marker', 2000).catch(() => undefined);
          return watch.stdout.includes(`{"marker":${markers}}`);
        },
        'a marker published after the flood to be shown',
        120_000,
      );
      publisher.disconnect();
      watch.child.kill('SIGINT');
      expect(await watch.closed).toBe(130); // Ctrl-C: 128 + SIGINT, as every command

      expect(watch.stderr).not.toMatch(/reconnect|lost connection/);
      expect(peak).toBeLessThan(PEAK_RSS_BOUND_MB);
      const m = /^# received (\d+), shown (\d+), filtered 0, undecodable 0, dropped (\d+)$/m.exec(watch.stderr);
      expect(m, watch.stderr).not.toBeNull();
      const [received, shown, dropped] = [Number(m![1]), Number(m![2]), Number(m![3])];
      expect(received + dropped).toBe(FLOOD + markers);
      expect(shown).toBe(received);
      expect(dropped).toBeGreaterThan(0); // the watcher really was too slow: the test tested something

      const lines = watch.stdout.split('\n').filter((l) => l !== '');
      if (mode === 'NDJSON') {
        const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
        const reports = records.filter((r) => 'dropped' in r);
        expect(records.filter((r) => 'seq' in r)).toHaveLength(shown);
        expect(reports.reduce((n, r) => n + (r.dropped as number), 0)).toBe(dropped);
        expect(reports.at(-1)!.dropped_total).toBe(dropped);
      } else {
        const reports = lines.map((l) => /^# dropped (\d+) messages/.exec(l)).filter((r) => r !== null);
        expect(lines.filter((l) => !l.startsWith('#'))).toHaveLength(shown);
        expect(reports.reduce((n, r) => n + Number(r[1]), 0)).toBe(dropped);
      }
    } finally {
      watch.child.kill('SIGKILL');
    }
  }, 300_000);
});

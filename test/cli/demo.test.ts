/**
 * `redis-print demo`: a private redis-server, a simulated 3-node cluster publishing through it,
 * watched with the usual options — and nothing left running afterwards. Also without
 * redis-server on PATH, where it falls back to an in-process feed.
 */
import { mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { waitUntil } from '../helpers/redis-server.js';
import { ndjsonProblems } from '../output/ndjson-contract.js';
import { runCli, startCli, type CliResult } from './run-cli.js';
import { messageLines, parseLine, summaryOf } from './watch-helpers.js';
import { runs } from '../support/runs.js';

/** The port the demo says its private redis-server listens on. */
function demoPort(stderr: string): number {
  const m = /^# demo: private redis-server on 127\.0\.0\.1:(\d+)/m.exec(stderr);
  if (!m) throw new Error(`no port announced:\n${stderr}`);
  return Number(m[1]);
}

/** Whether something accepts connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Pids of processes working in `dir` or below it (Linux /proc). redis-server changes into its
 * --dir, and rewrites its command line to `redis-server 127.0.0.1:PORT` once started, so the
 * working directory is what tells a demo's server apart.
 */
function serversUsing(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`).startsWith(dir)) pids.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

async function expectStoppedCleanly(result: CliResult, code = 0): Promise<void> {
  expect(result.code, result.stderr).toBe(code);
  expect(await listening(demoPort(result.stderr))).toBe(false);
}

describe('demo with redis-server on PATH', () => {
  test('--no-tui --count 30: lines of both adapter generations, exit 0, its redis-server gone', async () => {
    // The opening of the demo holds one corrupt payload (tick 5), so the first screen shows one.
    const result = await runCli(['demo', '--no-tui', '--count', '30']);
    await expectStoppedCleanly(result);
    const lines = messageLines(result.stdout).map(parseLine);
    expect(lines).toHaveLength(30);
    // `-`: the corrupt payload and the foreign JSON of the opening have no envelope.
    const generations = new Set(lines.map((l) => l.genMode.split('/')[0]));
    expect(generations).toEqual(new Set(['v3', 'v1', '-']));
    expect(new Set(lines.map((l) => l.channel))).toEqual(
      new Set(['phx:Elixir.Chat.PubSub.Adapter', 'phx:Elixir.Chat.PubSub']),
    );
    expect(lines.some((l) => l.event === 'heartbeat')).toBe(true);
    expect(lines.some((l) => l.event === 'new:msg')).toBe(true);
    expect(summaryOf(result.stderr)).toMatchObject({ shown: 30, undecodable: 1 });
  });

  test('--json --count 5: valid NDJSON only on stdout', async () => {
    const result = await runCli(['demo', '--json', '--count', '5']);
    await expectStoppedCleanly(result);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(ndjsonProblems(JSON.parse(line))).toEqual([]);
  });

  test('filters work as in watch (--kind tracker --node c@*)', async () => {
    const result = await runCli(['demo', '--json', '--count', '2', '--kind', 'tracker', '--node', 'c@*']);
    await expectStoppedCleanly(result);
    const records = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; envelope: { generation: number }; tracker: { replica: string } });
    expect(records.map((r) => [r.kind, r.envelope.generation, r.tracker.replica])).toEqual([
      ['tracker', 1, 'c@demo'],
      ['tracker', 1, 'c@demo'],
    ]);
  });

  test('its traffic includes a compressed payload and a corrupt one, and goes on after it', async () => {
    const [compressed, corrupt] = await Promise.all([
      runCli(['demo', '--json', '--count', '1', '--event', 'history']),
      runCli(['demo', '--no-tui', '--count', '1', '--kind', 'error']),
    ]);
    await expectStoppedCleanly(compressed);
    await expectStoppedCleanly(corrupt);
    const record = JSON.parse(compressed.stdout) as {
      envelope: { compressed: boolean };
      payload: { messages: unknown[] };
    };
    expect(record.envelope.compressed).toBe(true);
    expect(record.payload.messages.length).toBeGreaterThan(10);
    expect(parseLine(messageLines(corrupt.stdout)[0]!).payload).toMatch(/^! .* at byte \d+/);
    // The corrupt payload was not the first message: decodable ones came before it.
    expect(summaryOf(corrupt.stderr)!.received).toBeGreaterThan(1);
  });

  test('Ctrl-C stops the watcher, the simulated cluster and the redis-server', async () => {
    const demo = startCli(['demo', '--no-tui']);
    await demo.waitForStdout(/new:msg/);
    demo.kill('SIGINT');
    const result = await demo.done;
    await expectStoppedCleanly(result, 130);
    expect(result.stderr).toMatch(/^# received \d+, shown \d+, filtered 0, undecodable \d+, dropped 0$/m);
  });

  test('Ctrl-C while its redis-server is still starting leaves no redis-server and no temp dir behind', async () => {
    // The demo makes its redis-server's dir under TMPDIR: a private one shows what it leaves.
    const tmp = mkdtempSync(join(tmpdir(), 'redis-print-demo-test-'));
    try {
      // The signal lands at different moments of the start-up: before the server is ready,
      // while the demo hands over to the watcher, while it connects.
      for (let run = 0; run < runs(8, 3); run++) {
        const demo = startCli(['demo', '--no-tui'], { env: { TMPDIR: tmp }, timeoutMs: 10_000 });
        while (serversUsing(tmp).length === 0 && demo.child.exitCode === null)
          await new Promise((r) => setTimeout(r, 1));
        demo.kill('SIGINT');
        const result = await demo.done;
        expect(result.code, result.stderr).toBe(130);
        expect(serversUsing(tmp)).toEqual([]);
        expect(readdirSync(tmp)).toEqual([]);
      }
    } finally {
      for (const pid of serversUsing(tmp)) process.kill(pid, 'SIGKILL');
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('killed outright (SIGKILL, no cleanup possible), its redis-server and temp dir still go', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'redis-print-demo-test-'));
    try {
      const demo = startCli(['demo', '--no-tui'], { env: { TMPDIR: tmp } });
      await demo.waitForStdout(/new:msg/);
      expect(serversUsing(tmp)).toHaveLength(1);
      demo.kill('SIGKILL');
      await demo.done;
      await waitUntil(
        () => serversUsing(tmp).length === 0 && readdirSync(tmp).length === 0,
        'the watchdog to stop the server and remove its dir',
      );
    } finally {
      for (const pid of serversUsing(tmp)) process.kill(pid, 'SIGKILL');
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('SIGTERM does the same', async () => {
    const demo = startCli(['demo', '--json']);
    await demo.waitForStdout(/\n/);
    demo.kill('SIGTERM');
    await expectStoppedCleanly(await demo.done, 143);
  });

  test('connection flags are refused: the demo runs its own Redis', async () => {
    const result = await runCli(['demo', '--url', 'redis://127.0.0.1:1']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/--url/);
  });
});

describe('demo without redis-server on PATH', () => {
  // A PATH holding only `node`: whatever else is installed, redis-server cannot be found.
  const bin = mkdtempSync(join(tmpdir(), 'redis-print-nopath-'));
  symlinkSync(process.execPath, join(bin, 'node'));
  afterAll(() => rmSync(bin, { recursive: true, force: true }));

  test('says how to install it, falls back to the in-process feed, and shows its messages', async () => {
    const result = await runCli(['demo', '--no-tui', '--count', '20'], { env: { PATH: bin } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/redis-server is not on PATH/);
    expect(result.stderr).toMatch(/apt-get install redis-server|brew install redis/);
    expect(result.stderr).toMatch(/in-process/);
    expect(result.stderr).not.toMatch(/^# demo: private redis-server/m);
    const lines = messageLines(result.stdout).map(parseLine);
    expect(lines).toHaveLength(20);
    expect(new Set(lines.map((l) => l.genMode.split('/')[0]))).toEqual(new Set(['v3', 'v1', '-']));
  });

  test('--json works there too', async () => {
    const result = await runCli(['demo', '--json', '--count', '3'], { env: { PATH: bin } });
    expect(result.code).toBe(0);
    for (const line of result.stdout.trim().split('\n')) expect(ndjsonProblems(JSON.parse(line))).toEqual([]);
  });
});

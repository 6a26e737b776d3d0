/**
 * `record` and `replay` end to end, as users run them (the built CLI as a child process, a private
 * redis-server on a free 127.0.0.1 port):
 *
 *   record   N small Phoenix broadcasts (v3 envelope, ~270 B, each carrying its number) are
 *            PUBLISHed by a Lua script inside Redis — far faster than any client could, so the
 *            recorder, not the publisher, sets the pace — while `redis-print record -o FILE
 *            --count N` runs; messages/s from the first PUBLISH until the recorder has exited
 *            (file flushed, fsynced, closed). Every record is then read back and compared with
 *            what was published: lost/damaged must be 0.
 *   replay   `redis-print replay FILE --as-fast-as-possible` of that capture, received by a plain
 *            subscriber; messages/s from starting the process until the last message arrived
 *            (so it includes reading and validating the whole capture first), and the send phase
 *            alone as the CLI reports it. Every received payload is checked, in order.
 *
 * The server's pub/sub output buffer limit is lifted (`client-output-buffer-limit pubsub 0 0 0`):
 * when a consumer falls behind, Redis queues instead of disconnecting it, so the figures are the
 * consumers' own ceilings and "no loss" is a property of the tool, not of a buffer size.
 *
 *   node bench/capture-cli.mjs [--messages N] [--rounds R]     standalone (after npm run build)
 *   node bench/run.mjs capture-cli                              as a section of bench/run.mjs
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const MAIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const CHANNEL = 'phx:Elixir.Bench.PubSub.Adapter';
const RUN_TIMEOUT_MS = 120_000;

/** The bench/run.mjs section entry point. */
export function run() {
  return captureCliBench();
}

export async function captureCliBench({ messages = 200_000, rounds = 3, log = console.log } = {}) {
  const { Redis } = await import('ioredis');
  const payloads = await makePayloads(messages);
  const dir = mkdtempSync(join(tmpdir(), 'redis-print-capture-cli-bench-'));
  const server = await startServer(dir);
  const results = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const file = join(dir, `round-${round}.capture`);
      const record = await recordRun(Redis, server.port, file, payloads);
      const replay = await replayRun(Redis, server.port, file, payloads);
      results.push({ record, replay, fileBytes: statSync(file).size });
      rmSync(file);
    }
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const best = (pick) => results.map(pick).reduce((a, b) => (b.msgsPerSec > a.msgsPerSec ? b : a));
  const record = best((r) => r.record);
  const replay = best((r) => r.replay);
  const lost = results.reduce((n, r) => n + r.record.lost + r.replay.lost, 0);
  const bytes = payloads.size;
  log(
    `\ncapture CLI: ${messages} msgs × ~${Math.round(bytes)} B (v3 broadcasts) per round, best of ${rounds}; pubsub output buffer unlimited`,
  );
  log(`${'run'.padEnd(52)} ${'msgs/s'.padStart(9)} ${'MB/s'.padStart(6)} ${'lost'.padStart(6)}`);
  const row = (name, r, lostCount) =>
    log(
      `${name.padEnd(52)} ${String(Math.round(r.msgsPerSec)).padStart(9)} ${((r.msgsPerSec * bytes) / 1e6).toFixed(1).padStart(6)} ${String(lostCount).padStart(6)}`,
    );
  row(
    'record -o FILE --count N (flood → file closed)',
    record,
    results.reduce((n, r) => n + r.record.lost, 0),
  );
  row(
    'replay --as-fast-as-possible (start → last received)',
    replay,
    results.reduce((n, r) => n + r.replay.lost, 0),
  );
  row('replay, send phase as the CLI reports it', { msgsPerSec: replay.sendMsgsPerSec }, 0);
  log(
    `(capture file: ${(results[0].fileBytes / 1e6).toFixed(1)} MB per round; records compared byte for byte with what was published;`,
  );
  log(
    ` the Lua publisher of the best record round sent at ${Math.round(record.publishMsgsPerSec)} msgs/s, so the recorder set the pace)`,
  );
  return { record, replay, lost };
}

/**
 * v3 %Broadcast{} envelopes whose payload map holds `seq => i`, built with our own encoder. The
 * number is an INTEGER_EXT (tag 98, 4 bytes) at a fixed offset, so the Lua publisher can splice
 * it in: message i is `prefix .. int32be(i) .. suffix` (valid ETF for every i).
 */
async function makePayloads(count) {
  const { encode } = await import(new URL('../dist/etf/encode.js', import.meta.url).href);
  const { Atom, ErlMap } = await import(new URL('../dist/etf/term.js', import.meta.url).href);
  const { broadcastStruct, buildV3 } = await import(new URL('../dist/phoenix/build.js', import.meta.url).href);
  const text = (t) => new TextEncoder().encode(t);
  const MARK = 0x7eadbeef; // an INTEGER_EXT no other part of the term contains
  const payload = new ErlMap([text('body'), text('seq')], [text('x'.repeat(60)), MARK]);
  const message = broadcastStruct('rooms:lobby', 'new:msg', payload);
  const bytes = encode(
    buildV3({
      mode: 'except',
      node: Atom.of('bench@127.0.0.1'),
      topic: 'rooms:lobby',
      message,
      dispatcher: Atom.of('Elixir.Phoenix.Channel.Server'),
    }),
  );
  const mark = Buffer.from([98, 0x7e, 0xad, 0xbe, 0xef]);
  const at = bytes.indexOf(mark);
  if (at < 0 || bytes.indexOf(mark, at + 1) >= 0)
    throw new Error('cannot find the sequence number in the encoded payload');
  const prefix = bytes.subarray(0, at + 1);
  const suffix = bytes.subarray(at + 5);
  const number = Buffer.alloc(4);
  return {
    count,
    prefix,
    suffix,
    size: bytes.length,
    expected(i) {
      number.writeUInt32BE(i);
      return Buffer.concat([prefix, number, suffix]);
    },
  };
}

const PUBLISH_SCRIPT = `
local first, last = tonumber(ARGV[3]), tonumber(ARGV[4])
for i = first, last do
  local n = string.char(math.floor(i / 16777216) % 256, math.floor(i / 65536) % 256, math.floor(i / 256) % 256, i % 256)
  redis.call('PUBLISH', KEYS[1], ARGV[1] .. n .. ARGV[2])
end
return last - first + 1`;

async function recordRun(Redis, port, file, payloads) {
  const recorder = startCli([
    'record',
    '-o',
    file,
    '-p',
    String(port),
    '--pattern',
    'phx:*',
    '--count',
    String(payloads.count),
  ]);
  await recorder.waitForStderr(/^# recording /m);
  const publisher = new Redis({ host: '127.0.0.1', port, enableReadyCheck: false });
  await publisher.ping();
  const started = performance.now();
  // 10 000 per EVAL: Redis stays responsive between them; the recorder's buffer holds the rest.
  for (let i = 0; i < payloads.count; i += 10_000) {
    const last = Math.min(i + 10_000, payloads.count) - 1;
    await publisher.eval(PUBLISH_SCRIPT, 1, CHANNEL, payloads.prefix, payloads.suffix, String(i), String(last));
  }
  const published = performance.now() - started;
  const code = await recorder.exited;
  const elapsed = performance.now() - started;
  publisher.disconnect();
  if (code !== 0) throw new Error(`record exited with ${code}: ${recorder.stderr}`);
  const { readCapture } = await import(new URL('../dist/capture/index.js', import.meta.url).href);
  let index = 0;
  let damaged = 0;
  for await (const message of readCapture(file).messages()) {
    if (!Buffer.from(message.payload).equals(payloads.expected(index))) damaged++;
    index++;
  }
  return {
    msgsPerSec: payloads.count / (elapsed / 1000),
    publishMsgsPerSec: payloads.count / (published / 1000),
    lost: payloads.count - index + damaged,
  };
}

async function replayRun(Redis, port, file, payloads) {
  const subscriber = new Redis({ host: '127.0.0.1', port, enableReadyCheck: false });
  let received = 0;
  let damaged = 0;
  let last = 0;
  let allArrived;
  const arrived = new Promise((resolve) => (allArrived = resolve));
  subscriber.on('pmessageBuffer', (_pattern, _channel, payload) => {
    if (!payload.equals(payloads.expected(received))) damaged++;
    received++;
    last = performance.now();
    if (received === payloads.count) allArrived();
  });
  await subscriber.psubscribe('phx:*');
  const started = performance.now();
  const replay = startCli(['replay', file, '-p', String(port), '--as-fast-as-possible']);
  const code = await replay.exited;
  if (code !== 0) throw new Error(`replay exited with ${code}: ${replay.stderr}`);
  await Promise.race([arrived, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  subscriber.disconnect();
  const sendSeconds = Number(/# replayed \d+ of \d+ records .* in ([\d.]+) s/.exec(replay.stderr)?.[1]);
  return {
    msgsPerSec: received / ((last - started) / 1000),
    sendMsgsPerSec: payloads.count / sendSeconds,
    lost: payloads.count - received + damaged,
  };
}

function startCli(args) {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const waiters = [];
  child.stderr.on('data', (d) => {
    stderr += d;
    waiters.splice(0).forEach((w) => w());
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
  const exited = new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      waiters.splice(0).forEach((w) => w());
      resolve(code);
    }),
  );
  return {
    get stderr() {
      return stderr;
    },
    exited,
    async waitForStderr(pattern) {
      while (!pattern.test(stderr)) {
        if (child.exitCode !== null) throw new Error(`exited before ${pattern}: ${stderr}`);
        await new Promise((resolve) => waiters.push(resolve));
      }
    },
  };
}

async function startServer(dir) {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--client-output-buffer-limit',
      'pubsub',
      '0',
      '0',
      '0',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise((resolve, reject) => {
    let log = '';
    child.stdout.on('data', (d) => {
      log += d;
      if (/Ready to accept connections/.test(log)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${log}`)));
  });
  return {
    port,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

if (process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const { values } = parseArgs({ options: { messages: { type: 'string' }, rounds: { type: 'string' } } });
  await captureCliBench({
    messages: values.messages ? Number(values.messages) : undefined,
    rounds: values.rounds ? Number(values.rounds) : undefined,
  });
}

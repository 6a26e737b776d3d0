/**
 * End to end: how many messages per second `redis-print --json --no-tui > /dev/null` takes from a
 * real redis-server while other processes flood PUBLISH, next to a bare ioredis subscriber that
 * does not decode anything — same server, same publishers, same payloads, same message count.
 *
 * Setup: a private redis-server on a free 127.0.0.1 port with the pub/sub output buffer limit
 * lifted (`client-output-buffer-limit pubsub 0 0 0`), so whatever a subscriber has not read yet
 * is queued rather than dropped. Payloads are real adapter 3.x broadcasts (ETF, ~240 B, 64
 * variants: `%Phoenix.Socket.Broadcast{}` in a `{3, :except, node, topic, msg, dispatcher}`
 * envelope, built with dist/phoenix + dist/etf). Publishers are node processes with pipelined
 * ioredis PUBLISH (redis-benchmark cannot send binary payloads), started first and released
 * together.
 *
 * Each subscriber is its own process, subscribed before the publishers start, and exits by
 * itself after N messages (`--count N` for redis-print). Two ways to run a round:
 *   flood  the publishers and the subscriber run at once: msgs/s = N / (release → exit). When
 *          the subscriber is faster than the publishers this is the publishers' rate.
 *   drain  the subscriber is stopped (SIGSTOP) while everything is published, then continued:
 *          msgs/s = N / (SIGCONT → exit), the subscriber's own ceiling with the CPU to itself.
 * CPU µs/msg is the subscriber process's CPU time from "subscribed" to exit, per message (read
 * by a small --import probe), which depends least on what else the machine is doing. If a
 * subscriber does not reach N (a loss) it is stopped and its count read (redis-print's summary
 * line). Rounds alternate the subscribers; best round per figure, lost summed over all rounds.
 *
 *   node bench/e2e.mjs [--messages N] [--publishers P] [--rounds R]    standalone (after npm run build)
 *   node bench/run.mjs e2e                                              as a section of npm run bench
 */
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startBenchRedis } from './bench-redis.mjs';

const HERE = fileURLToPath(import.meta.url);
const MAIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const CHANNEL = 'phx:Elixir.Bench.PubSub.Adapter';
const VARIANTS = 64;
const STALL_MS = 5_000; // no exit this long after the last PUBLISH: messages were lost

/**
 * Preloaded into each subscriber process: notes its CPU time when it says it has subscribed
 * (`# watching` / `subscribed` on stderr) and prints the CPU used since then at exit.
 */
const CPU_PROBE = `data:text/javascript,${encodeURIComponent(`
import { writeSync } from 'node:fs';
let start = null;
const write = process.stderr.write.bind(process.stderr);
process.stderr.write = (chunk, ...rest) => {
  if (start === null && /^(# watching|subscribed)/m.test(String(chunk))) start = process.cpuUsage();
  return write(chunk, ...rest);
};
process.on('exit', () => {
  const used = start === null ? { user: 0, system: 0 } : process.cpuUsage(start);
  writeSync(2, '#cpu ' + (used.user + used.system) + '\\n');
});
`)}`;

/** The section for bench/run.mjs. */
export async function run() {
  await e2eBench();
}

export async function e2eBench({ messages = 200_000, publishers = 2, rounds = 3, log = console.log } = {}) {
  const server = await startBenchRedis();
  const subscribers = [
    {
      name: 'bare ioredis 5 subscriber (no decoding)',
      args: (port, n) => [HERE, '--bare-subscriber', String(port), String(n)],
      countFrom: bareCount,
    },
    {
      name: 'redis-print --json > /dev/null',
      args: (port, n) => [MAIN, '--json', '--no-tui', '--url', `redis://127.0.0.1:${port}`, '--count', String(n)],
      countFrom: summaryCount,
    },
    {
      name: 'redis-print --no-tui (lines) > /dev/null',
      args: (port, n) => [MAIN, '--no-tui', '--url', `redis://127.0.0.1:${port}`, '--count', String(n)],
      countFrom: summaryCount,
    },
  ];
  const modes = ['flood', 'drain'];
  const runs = subscribers.map(() => ({ flood: [], drain: [] }));
  let payloadBytes = 0;
  try {
    // Warm-up (disk cache, JIT of the publishers), then interleaved rounds.
    await measure(subscribers[0], server.port, Math.min(20_000, messages), publishers, 'flood');
    for (let round = 0; round < rounds; round++) {
      for (const mode of modes) {
        for (const [i, subscriber] of subscribers.entries()) {
          const result = await measure(subscriber, server.port, messages, publishers, mode);
          payloadBytes = result.payloadBytes;
          runs[i][mode].push(result);
          if (process.env.E2E_DEBUG) {
            log(
              `  ${mode} ${subscriber.name}: ${Math.round(result.msgsPerSec)} msgs/s, ${result.cpuMicrosPerMsg.toFixed(2)} µs/msg, publishers ${Math.round(result.publishPerSec)} msgs/s, lost ${result.lost}`,
            );
          }
        }
      }
    }
  } finally {
    await server.stop();
  }
  const best = (results, key) => Math.max(...results.map((r) => r[key]));
  const rows = runs.map((r, i) => {
    const all = [...r.flood, ...r.drain];
    return {
      name: subscribers[i].name,
      floodMsgsPerSec: best(r.flood, 'msgsPerSec'),
      drainMsgsPerSec: best(r.drain, 'msgsPerSec'),
      cpuMicrosPerMsg: Math.min(...all.map((x) => x.cpuMicrosPerMsg)),
      publishPerSec: best(r.flood, 'publishPerSec'),
      published: all.reduce((n, x) => n + x.published, 0),
      received: all.reduce((n, x) => n + x.received, 0),
      lost: all.reduce((n, x) => n + x.lost, 0),
    };
  });
  const bare = rows[0];
  const pct = (a, b) => `${((100 * a) / b).toFixed(0)}%`.padStart(5);
  log(
    `\nend to end: ${messages} PUBLISHes of ~${payloadBytes} B v3 broadcasts per round from ${publishers} publisher processes, best of ${rounds}`,
  );
  log(
    '(flood: publishing while receiving; drain: receiving a backlog with the CPU to itself; % of the bare subscriber)',
  );
  log(
    `${'subscriber'.padEnd(42)} ${'flood/s'.padStart(8)} ${'%'.padStart(5)} ${'drain/s'.padStart(8)} ${'%'.padStart(5)} ${'CPU µs/msg'.padStart(10)} ${'received'.padStart(9)} ${'lost'.padStart(5)}`,
  );
  for (const r of rows) {
    log(
      `${r.name.padEnd(42)} ${String(Math.round(r.floodMsgsPerSec)).padStart(8)} ${pct(r.floodMsgsPerSec, bare.floodMsgsPerSec)} ` +
        `${String(Math.round(r.drainMsgsPerSec)).padStart(8)} ${pct(r.drainMsgsPerSec, bare.drainMsgsPerSec)} ` +
        `${r.cpuMicrosPerMsg.toFixed(2).padStart(10)} ${String(r.received).padStart(9)} ${String(r.lost).padStart(5)}`,
    );
  }
  log(`(publishers alone reached ${Math.round(bare.publishPerSec)} msgs/s in the bare subscriber's flood rounds)`);
  return rows;
}

async function measure(subscriber, port, messages, publisherCount, mode) {
  const devNull = openSync('/dev/null', 'w');
  const child = spawn(process.execPath, ['--import', CPU_PROBE, ...subscriber.args(port, messages)], {
    stdio: ['ignore', devNull, 'pipe'],
  });
  closeSync(devNull);
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on('close', () => resolve(performance.now())));
  // Subscribed: redis-print says `# watching`, the bare subscriber `subscribed`.
  await waitFor(
    () => /^# watching|^subscribed/m.test(stderr) || child.exitCode !== null,
    15_000,
    'subscriber to subscribe',
  );

  const armed = await Promise.all(
    Array.from({ length: publisherCount }, () => armPublisher(port, Math.ceil(messages / publisherCount))),
  );
  if (mode === 'drain') child.kill('SIGSTOP');
  const release = performance.now();
  for (const p of armed) p.go();
  const done = await Promise.all(armed.map((p) => p.finished));
  const lastPublish = performance.now();
  let start = release;
  if (mode === 'drain') {
    start = performance.now();
    child.kill('SIGCONT');
  }

  let end = await Promise.race([exited, delay(Math.max(STALL_MS, 20 * (lastPublish - release))).then(() => null)]);
  let stopped = false;
  if (end === null) {
    stopped = true;
    child.kill('SIGINT');
    end = await exited;
  }
  const received = subscriber.countFrom(stderr);
  const sent = done.reduce((n, d) => n + d.published, 0);
  const cpu = /^#cpu (\d+)$/m.exec(stderr);
  return {
    published: sent,
    received,
    lost: Math.max(0, sent - received),
    // A run that had to be stopped is not a sustained rate.
    msgsPerSec: stopped ? 0 : received / ((end - start) / 1000),
    cpuMicrosPerMsg: cpu && received > 0 ? Number(cpu[1]) / received : NaN,
    publishPerSec: sent / ((lastPublish - release) / 1000),
    payloadBytes: done[0]?.payloadBytes ?? 0,
  };
}

function summaryCount(stderr) {
  const m = /^# received (\d+),/m.exec(stderr);
  return m ? Number(m[1]) : 0;
}

function bareCount(stderr) {
  const m = /^received (\d+)$/m.exec(stderr);
  return m ? Number(m[1]) : 0;
}

/** A publisher process, connected and with its payloads built; `go()` starts the flood. */
function armPublisher(port, count) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HERE, '--publisher', String(port), String(count)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    let armed = false;
    let settle;
    const finished = new Promise((r) => (settle = r));
    child.stdout.on('data', (d) => {
      out += d;
      if (!armed && out.includes('armed\n')) {
        armed = true;
        resolve({ count, go: () => child.stdin.end('go\n'), finished });
      }
    });
    child.on('close', (code) => {
      if (!armed) return reject(new Error(`publisher exited with ${code} before arming`));
      const line = out.split('\n').find((l) => l.startsWith('{'));
      settle(line ? JSON.parse(line) : { published: 0, payloadBytes: 0 });
    });
  });
}

// --- child processes ------------------------------------------------------------------------

async function publisherMain(port, count) {
  const { Redis } = await import('ioredis');
  const payloads = await broadcasts();
  const client = new Redis({ host: '127.0.0.1', port, enableReadyCheck: false });
  await client.ping();
  process.stdout.write('armed\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  let published = 0;
  const batch = 500;
  while (published < count) {
    const pipeline = client.pipeline();
    const n = Math.min(batch, count - published);
    for (let i = 0; i < n; i++) pipeline.publish(CHANNEL, payloads[(published + i) % payloads.length]);
    const replies = await pipeline.exec();
    published += n - replies.filter(([error]) => error).length;
  }
  client.disconnect();
  const payloadBytes = Math.round(payloads.reduce((n, p) => n + p.length, 0) / payloads.length);
  process.stdout.write(`${JSON.stringify({ published, payloadBytes })}\n`);
}

/** Chat broadcasts as adapter 3.x on a node would send them, a few dozen different ones. */
async function broadcasts() {
  const { encode } = await import(new URL('../dist/etf/encode.js', import.meta.url).href);
  const { Atom, ErlMap } = await import(new URL('../dist/etf/term.js', import.meta.url).href);
  const { broadcastStruct, buildV3 } = await import(new URL('../dist/phoenix/build.js', import.meta.url).href);
  const users = ['ana', 'bo', 'chen', 'dara', 'eli', 'fatou', 'gus', 'hiro'];
  const lines = [
    'hi all',
    'deploying now',
    'anyone seen the flaky test?',
    'lgtm',
    'Ça marche 👍',
    'brb',
    'merging',
    'ok',
  ];
  return Array.from({ length: VARIANTS }, (_, i) => {
    const payload = ErlMap.fromPairs([
      [Buffer.from('body'), Buffer.from(lines[i % lines.length])],
      [Buffer.from('id'), 1000 + i],
      [Buffer.from('user'), Buffer.from(users[(i * 3) % users.length])],
    ]);
    const topic = `rooms:${['lobby', 'elixir', 'random'][i % 3]}`;
    const message = broadcastStruct(topic, 'new:msg', payload);
    const term = buildV3({
      mode: 'except',
      node: Atom.of('a@10.0.0.5'),
      topic,
      message,
      dispatcher: Atom.of('Elixir.Phoenix.Channel.Server'),
    });
    return encode(term, { minorVersion: 1 });
  });
}

/** The reference: ioredis 5, PSUBSCRIBE phx:*, Buffers, counts and nothing else. */
async function bareSubscriberMain(port, count) {
  const { Redis } = await import('ioredis');
  const client = new Redis({ host: '127.0.0.1', port, enableReadyCheck: false });
  let received = 0;
  const finish = () => {
    process.stderr.write(`received ${received}\n`);
    client.disconnect();
  };
  client.on('pmessageBuffer', () => {
    if (++received === count) finish();
  });
  process.once('SIGINT', finish);
  await client.psubscribe('phx:*');
  process.stderr.write('subscribed\n');
}

// --- plumbing -------------------------------------------------------------------------------

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(condition, ms, what) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(10);
  }
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  if (process.argv[2] === '--publisher') {
    await publisherMain(Number(process.argv[3]), Number(process.argv[4]));
  } else if (process.argv[2] === '--bare-subscriber') {
    await bareSubscriberMain(Number(process.argv[3]), Number(process.argv[4]));
  } else {
    const { values } = parseArgs({
      options: { messages: { type: 'string' }, publishers: { type: 'string' }, rounds: { type: 'string' } },
    });
    await e2eBench({
      ...(values.messages ? { messages: Number(values.messages) } : {}),
      ...(values.publishers ? { publishers: Number(values.publishers) } : {}),
      ...(values.rounds ? { rounds: Number(values.rounds) } : {}),
    });
  }
}

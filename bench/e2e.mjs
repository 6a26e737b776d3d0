/**
 * End to end under a flood, with Redis' DEFAULT pub/sub output-buffer limit (`pubsub 32mb 8mb
 * 60`: a subscriber that falls 32 MB behind is disconnected): each subscriber next to a bare
 * ioredis PSUBSCRIBE subscriber that decodes nothing — same server, same publishers, same
 * payloads, same message count, rounds interleaved.
 *
 * Payloads are real adapter 3.x broadcasts (ETF, ~240 B, 64 variants: `%Phoenix.Socket.Broadcast{}`
 * in a `{3, :except, node, topic, msg, dispatcher}` envelope, built with dist/phoenix + dist/etf).
 * Publishers are node processes with pipelined ioredis PUBLISH, connected first and released
 * together; the subscriber (its own process, output to /dev/null) is subscribed before.
 *
 * Two ways to run a round:
 *   flood  the publishers and the subscriber run at once (the machine's cores are shared);
 *   drain  the subscriber is stopped (SIGSTOP) while a smaller flood that fits under the 32 MB
 *          limit is published, then continued: its own ceiling, with the CPU to itself.
 * A run ends when the publishers are done and the subscriber has gone idle (its CPU time, read
 * from /proc every 10 ms, stopped moving); then it gets SIGINT and its counts are read from its
 * summary line. msgs/s = messages it handled (shown by redis-print, recorded by `record`, counted by
 * the bare subscriber) / (release, or SIGCONT, → its last busy moment); ratio = that / the bare subscriber's
 * msgs/s in the same round. redis-print reads at the socket's speed and drops what it cannot
 * render in time (counted, before decoding), so its ratio is also the share of the flood it showed.
 * lost = published − (received + dropped): messages gone uncounted — must be 0; disc. = runs in
 * which Redis disconnected the subscriber (a reconnect notice). CPU µs/msg: the subscriber
 * process's CPU time (all threads) from "subscribed" to exit, per published message.
 *
 *   node bench/e2e.mjs [--messages N] [--drain-messages N] [--publishers P] [--rounds R]    standalone
 *                      [--only json,no-term,lines,record]   (the bare subscriber always runs)
 *   node bench/run.mjs e2e                                              as a section of npm run bench
 */
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startBenchRedis } from './bench-redis.mjs';

const HERE = fileURLToPath(import.meta.url);
const MAIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const CHANNEL = 'phx:Elixir.Bench.PubSub.Adapter';
const VARIANTS = 64;
const IDLE_MS = 400; // no CPU used this long after the last PUBLISH: the subscriber is done
const RECONNECT = /reconnect|lost connection/;

/**
 * Preloaded into each subscriber process: notes its CPU time when it says it has subscribed
 * (`# watching` / `# recording` / `subscribed` on stderr) and prints the CPU used since then at exit.
 */
const CPU_PROBE = `data:text/javascript,${encodeURIComponent(`
import { writeSync } from 'node:fs';
let start = null;
const write = process.stderr.write.bind(process.stderr);
process.stderr.write = (chunk, ...rest) => {
  if (start === null && /^(# watching|# recording|subscribed)/m.test(String(chunk))) start = process.cpuUsage();
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

export async function e2eBench({
  messages = 300_000,
  drainMessages = 80_000,
  publishers = 2,
  rounds = 3,
  only = null,
  log = console.log,
} = {}) {
  const server = await startBenchRedis({ defaultLimits: true });
  const dir = mkdtempSync(join(tmpdir(), 'redis-print-e2e-'));
  const url = (port) => `redis://127.0.0.1:${port}`;
  const subscribers = [
    {
      name: 'bare ioredis 5 subscriber (no decoding)',
      args: (port) => [HERE, '--bare-subscriber', String(port)],
      counts: bareCounts,
    },
    {
      name: 'redis-print --json',
      key: 'json',
      args: (port) => [MAIN, '--json', '--no-tui', '--url', url(port)],
      counts: summaryCounts,
    },
    {
      name: 'redis-print --json --no-term',
      key: 'no-term',
      args: (port) => [MAIN, '--json', '--no-term', '--no-tui', '--url', url(port)],
      counts: summaryCounts,
    },
    {
      name: 'redis-print --no-tui (lines)',
      key: 'lines',
      args: (port) => [MAIN, '--no-tui', '--url', url(port)],
      counts: summaryCounts,
    },
    {
      name: 'redis-print record',
      key: 'record',
      args: (port, round) => [MAIN, 'record', '--url', url(port), '-o', join(dir, `r${round}.capture`)],
      counts: recordCounts,
    },
  ].filter((s) => !s.key || only === null || only.includes(s.key));
  const runs = subscribers.map(() => []);
  const drains = subscribers.map(() => []);
  let payloadBytes = 0;
  try {
    // Warm-up (disk cache, JIT of the publishers), then interleaved rounds.
    await measure(subscribers[0], server.port, Math.min(20_000, messages), publishers, 0, 'flood');
    for (let round = 0; round < rounds; round++) {
      for (const [mode, n, into] of [
        ['flood', messages, runs],
        ['drain', drainMessages, drains],
      ]) {
        let bareRate = NaN;
        for (const [i, subscriber] of subscribers.entries()) {
          const result = await measure(subscriber, server.port, n, publishers, round, mode);
          if (i === 0) bareRate = result.msgsPerSec;
          result.ratio = result.msgsPerSec / bareRate;
          payloadBytes = result.payloadBytes;
          into[i].push(result);
          if (process.env.E2E_DEBUG) {
            log(
              `  ${mode} ${subscriber.name}: ${Math.round(result.msgsPerSec)} msgs/s (${result.ratio.toFixed(2)}×), handled ${result.handled}, dropped ${result.dropped}, lost ${result.lost}, publishers ${Math.round(result.publishPerSec)} msgs/s`,
            );
          }
        }
      }
    }
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const sum = (results, key) => results.reduce((n, r) => n + r[key], 0);
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const rows = runs.map((results, i) => ({
    name: subscribers[i].name,
    drainMsgsPerSec: median(drains[i].map((r) => r.msgsPerSec)),
    drainRatio: median(drains[i].map((r) => r.ratio)),
    drainLost: sum(drains[i], 'lost'),
    drainDisconnects: sum(drains[i], 'disconnects'),
    msgsPerSec: median(results.map((r) => r.msgsPerSec)),
    ratio: median(results.map((r) => r.ratio)),
    cpuMicrosPerMsg: median(results.map((r) => r.cpuMicrosPerMsg)),
    mainMicrosPerMsg: median([...results, ...drains[i]].map((r) => r.mainMicrosPerMsg)),
    workerMicrosPerMsg: median([...results, ...drains[i]].map((r) => r.workerMicrosPerMsg)),
    published: sum(results, 'published'),
    handled: sum(results, 'handled'),
    dropped: sum(results, 'dropped'),
    lost: sum(results, 'lost'),
    disconnects: sum(results, 'disconnects'),
    publishPerSec: median(results.map((r) => r.publishPerSec)),
  }));
  log(
    `\nend to end, default Redis output-buffer limits: ${messages} PUBLISHes of ~${payloadBytes} B v3 broadcasts per round from ${publishers} pipelined publisher processes, ${rounds} rounds (median)`,
  );
  log(
    `(flood: publishing while receiving; drain: ${drainMessages} messages published while the subscriber is stopped (SIGSTOP; under the 32 MB limit), then received with the CPU to itself)`,
  );
  log(
    '(ratio: msgs/s handled ÷ the bare subscriber in the same round; share: handled ÷ published; dropped/lost/disc.: flood, all rounds)',
  );
  log(
    `${'subscriber'.padEnd(30)} ${'flood/s'.padStart(8)} ${'ratio'.padStart(6)} ${'share'.padStart(6)} ${'drain/s'.padStart(8)} ${'ratio'.padStart(6)} ${'CPU µs/msg'.padStart(10)} ${'published'.padStart(9)} ${'handled'.padStart(9)} ${'dropped'.padStart(8)} ${'lost'.padStart(5)} ${'disc.'.padStart(5)}`,
  );
  for (const r of rows) {
    log(
      `${r.name.padEnd(30)} ${String(Math.round(r.msgsPerSec)).padStart(8)} ${r.ratio.toFixed(2).padStart(6)} ${(r.handled / r.published).toFixed(2).padStart(6)} ` +
        `${String(Math.round(r.drainMsgsPerSec)).padStart(8)} ${r.drainRatio.toFixed(2).padStart(6)} ` +
        `${r.cpuMicrosPerMsg.toFixed(2).padStart(10)} ${String(r.published).padStart(9)} ${String(r.handled).padStart(9)} ` +
        `${String(r.dropped).padStart(8)} ${String(r.lost + r.drainLost).padStart(5)} ${String(r.disconnects + r.drainDisconnects).padStart(5)}`,
    );
  }
  log(`(publishers reached ${Math.round(rows[0].publishPerSec)} msgs/s, median of the bare subscriber's rounds)`);
  // What the rates above cannot show on a machine whose cores are busy with other work: CPU per
  // message of each thread, and the ratio they allow when each thread has a core of its own —
  // bare µs/msg ÷ the slower of (main thread per message read, worker per message shown).
  const bare = rows[0].mainMicrosPerMsg;
  log('\nCPU per message by thread (median of all runs) and the ratio it allows with a core per thread:');
  log(
    `${'subscriber'.padEnd(30)} ${'main µs/msg'.padStart(11)} ${'worker µs/msg'.padStart(13)} ${'CPU ratio'.padStart(9)}`,
  );
  for (const r of rows) {
    const worker = r.name.startsWith('redis-print --') ? r.workerMicrosPerMsg : NaN;
    const slowest = Math.max(r.mainMicrosPerMsg, Number.isNaN(worker) ? 0 : worker);
    log(
      `${r.name.padEnd(30)} ${r.mainMicrosPerMsg.toFixed(2).padStart(11)} ${(Number.isNaN(worker) ? '-' : worker.toFixed(2)).padStart(13)} ${(bare / slowest).toFixed(2).padStart(9)}`,
    );
  }
  return rows;
}

async function measure(subscriber, port, messages, publisherCount, round, mode) {
  const devNull = openSync('/dev/null', 'w');
  const child = spawn(process.execPath, ['--import', CPU_PROBE, ...subscriber.args(port, round)], {
    stdio: ['ignore', devNull, 'pipe'],
  });
  closeSync(devNull);
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on('close', resolve));
  await waitFor(
    () => /^# watching|^# recording|^subscribed/m.test(stderr) || child.exitCode !== null,
    15_000,
    'subscriber to subscribe',
  );

  const armed = await Promise.all(
    Array.from({ length: publisherCount }, () => armPublisher(port, Math.ceil(messages / publisherCount))),
  );
  const threadsBefore = threadTicks(child.pid);
  if (mode === 'drain') child.kill('SIGSTOP');
  const release = performance.now();
  let start = release;
  let lastBusy = release;
  let cpu = cpuTicks(child.pid);
  const poll = setInterval(() => {
    const now = cpuTicks(child.pid);
    if (now !== cpu) {
      cpu = now;
      lastBusy = performance.now();
    }
  }, 10);
  for (const p of armed) p.go();
  const done = await Promise.all(armed.map((p) => p.finished));
  const lastPublish = performance.now();
  if (mode === 'drain') {
    start = performance.now();
    child.kill('SIGCONT');
  }
  // Idle: no CPU used for IDLE_MS after the publishers finished.
  await waitFor(
    () => (mode === 'flood' || lastBusy > start) && performance.now() - Math.max(lastBusy, start) > IDLE_MS,
    120_000,
    'subscriber to go idle',
  );
  clearInterval(poll);
  const threadsAfter = threadTicks(child.pid);
  const threads = { main: threadsAfter.main - threadsBefore.main, other: threadsAfter.other - threadsBefore.other };
  child.kill('SIGINT');
  await exited;
  const published = done.reduce((n, d) => n + d.published, 0);
  const { handled, received, dropped } = subscriber.counts(stderr);
  const used = /^#cpu (\d+)$/m.exec(stderr);
  const tickMicros = 10_000; // USER_HZ = 100 on Linux
  return {
    published,
    handled,
    // CPU per message of the thread that reads the socket, per message read (received + dropped),
    // and of the busiest other thread (the render worker) per message it handled.
    mainMicrosPerMsg: (threads.main * tickMicros) / published,
    workerMicrosPerMsg: handled > 0 && threads.other > 0 ? (threads.other * tickMicros) / handled : NaN,
    dropped,
    lost: Math.max(0, published - received - dropped),
    disconnects: RECONNECT.test(stderr) ? 1 : 0,
    msgsPerSec: handled / ((lastBusy - start) / 1000),
    cpuMicrosPerMsg: used ? Number(used[1]) / published : NaN,
    publishPerSec: published / ((lastPublish - release) / 1000),
    payloadBytes: done[0]?.payloadBytes ?? 0,
  };
}

/** CPU ticks of a process' main thread, and of its busiest other thread (the render worker, if any). */
function threadTicks(pid) {
  const ticksOf = (path) => {
    const stat = readFileSync(path, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  };
  let main = 0;
  let other = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const ticks = ticksOf(`/proc/${pid}/task/${tid}/stat`);
      if (Number(tid) === pid) main = ticks;
      else other = Math.max(other, ticks);
    }
  } catch {
    // the process is gone
  }
  return { main, other };
}

/** utime + stime of a process (all its threads), in clock ticks. */
function cpuTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return -1;
  }
}

/** redis-print's summary: `# received R, shown S, filtered F, undecodable U, dropped D`. */
function summaryCounts(stderr) {
  const m = /^# received (\d+), shown (\d+), filtered \d+, undecodable (\d+)(?:, dropped (\d+))?/m.exec(stderr);
  if (!m) return { handled: 0, received: 0, dropped: 0 };
  // The payloads are valid broadcasts: anything undecodable means the bench measured something else.
  if (Number(m[3]) > 0) throw new Error(`the subscriber could not decode ${m[3]} of the published payloads`);
  return { handled: Number(m[2]), received: Number(m[1]), dropped: Number(m[4] ?? 0) };
}

/** record's summary: `# recorded N messages (…) to FILE in S; received R`. */
function recordCounts(stderr) {
  const m = /^# recorded (\d+) messages .*; received (\d+)/m.exec(stderr);
  if (!m) return { handled: 0, received: 0, dropped: 0 };
  return { handled: Number(m[1]), received: Number(m[2]), dropped: 0 };
}

function bareCounts(stderr) {
  const m = /^received (\d+)$/m.exec(stderr);
  const n = m ? Number(m[1]) : 0;
  return { handled: n, received: n, dropped: 0 };
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
    // A Buffer: ioredis sends any other Uint8Array as its String() ("131,104,…"), text no one decodes.
    const bytes = encode(term, { minorVersion: 1 });
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  });
}

/** The reference: ioredis 5, PSUBSCRIBE phx:*, Buffers, counts and nothing else; reports on SIGINT. */
async function bareSubscriberMain(port) {
  const { Redis } = await import('ioredis');
  const client = new Redis({ host: '127.0.0.1', port, enableReadyCheck: false, autoResubscribe: false });
  let received = 0;
  client.on('pmessageBuffer', () => received++);
  client.on('reconnecting', () => process.stderr.write('reconnecting\n'));
  process.once('SIGINT', () => {
    process.stderr.write(`received ${received}\n`);
    client.disconnect();
  });
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
    await bareSubscriberMain(Number(process.argv[3]));
  } else {
    const { values } = parseArgs({
      options: {
        messages: { type: 'string' },
        'drain-messages': { type: 'string' },
        publishers: { type: 'string' },
        rounds: { type: 'string' },
        only: { type: 'string' },
      },
    });
    await e2eBench({
      ...(values.messages ? { messages: Number(values.messages) } : {}),
      ...(values['drain-messages'] ? { drainMessages: Number(values['drain-messages']) } : {}),
      ...(values.publishers ? { publishers: Number(values.publishers) } : {}),
      ...(values.rounds ? { rounds: Number(values.rounds) } : {}),
      ...(values.only ? { only: values.only.split(',') } : {}),
    });
  }
}

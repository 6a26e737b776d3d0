/**
 * Redis receive throughput: how many small pub/sub messages per second a subscriber takes in, and
 * whether any are lost, for
 *   ioredis 5 (RESP2)          — the client we ship
 *   ioredis 6 (RESP3 default)  — the alias package `ioredis6`, to back the choice with figures
 *   ioredis 6 forced to RESP2
 *   our Subscriber (dist/redis/subscriber.js, after `npm run build`) — ioredis 5 + RawMessage
 *
 * A private redis-server on a free 127.0.0.1 port, with the pub/sub output buffer limit lifted
 * (`client-output-buffer-limit pubsub 0 0 0`) so that Redis queues whatever the subscriber has not
 * read yet instead of dropping it: the publisher then outruns the subscriber and the receive rate
 * is the subscriber's own ceiling. The publisher is `redis-benchmark` (C, pipelined) when
 * installed, else pipelined ioredis publishers in separate node processes; payloads are ~230 bytes
 * (a small Phoenix broadcast). Besides msgs/s we report the subscriber process's CPU time per
 * message, which does not depend on how fast the publisher was. Bounded: a fixed message count
 * per run and a hard timeout.
 *
 *   node bench/redis.mjs [--messages N] [--publishers P]    standalone
 *   import { redisBench } from './redis.mjs'                 as a section of bench/run.mjs
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startBenchRedis } from './bench-redis.mjs';

const HERE = fileURLToPath(import.meta.url);
const PAYLOAD_BYTES = 230;
const CHANNEL = 'phx:Elixir.Bench.PubSub.Adapter';
const RUN_TIMEOUT_MS = 60_000;

/** The section: returns rows and prints a table through `log`. */
/** The bench/run.mjs section entry point. */
export function run() {
  return redisBench();
}

export async function redisBench({ messages = 300_000, publishers = 2, rounds = 3, log = console.log } = {}) {
  const server = await startBenchRedis();
  const rows = [];
  try {
    const list = await variants(server.port);
    // A short warm-up per client (JIT, buffers), then `rounds` interleaved rounds; the best round
    // of each is kept, so that the order of the variants does not decide the ranking.
    for (const variant of list) await measure(variant, server.port, Math.min(50_000, messages), publishers);
    const runs = list.map(() => []);
    for (let round = 0; round < rounds; round++) {
      for (const [i, variant] of list.entries())
        runs[i].push(await measure(variant, server.port, messages, publishers));
    }
    for (const results of runs) {
      const best = results.reduce((a, b) => (b.msgsPerSec > a.msgsPerSec ? b : a));
      rows.push({
        ...best,
        cpuMicrosPerMsg: Math.min(...results.map((r) => r.cpuMicrosPerMsg)),
        lost: results.reduce((n, r) => n + r.lost, 0),
        received: results.reduce((n, r) => n + r.received, 0),
      });
    }
  } finally {
    await server.stop();
  }
  const publisher = hasRedisBenchmark()
    ? `redis-benchmark -c ${publishers} -P 64`
    : `${publishers} ioredis publisher processes`;
  log(
    `\nredis pub/sub receive: ${messages} msgs × ${PAYLOAD_BYTES} B per round, best of ${rounds}, published by ${publisher}`,
  );
  log('(msgs/s: best round; CPU µs/msg: the subscriber process, lowest round; received/lost: all rounds)');
  log(
    `${'subscriber'.padEnd(40)} ${'msgs/s'.padStart(9)} ${'MB/s'.padStart(6)} ${'CPU µs/msg'.padStart(10)} ${'received'.padStart(9)} ${'lost'.padStart(6)}`,
  );
  for (const r of rows) {
    log(
      `${r.name.padEnd(40)} ${String(Math.round(r.msgsPerSec)).padStart(9)} ${(r.bytesPerSec / 1e6).toFixed(1).padStart(6)} ` +
        `${r.cpuMicrosPerMsg.toFixed(2).padStart(10)} ${String(r.received).padStart(9)} ${String(r.lost).padStart(6)}`,
    );
  }
  return rows;
}

/** Each variant: subscribe(onMessage(bytes)) → resolves to close(). */
async function variants(port) {
  const { Redis: Redis5 } = await import('ioredis');
  const { Redis: Redis6 } = await import('ioredis6');
  const bare = (Redis, options) => async (onMessage) => {
    const client = new Redis({ host: '127.0.0.1', port, ...options });
    client.on('error', () => {});
    client.on('pmessageBuffer', (_pattern, _channel, payload) => onMessage(payload.length));
    await client.psubscribe('phx:*');
    return async () => client.disconnect();
  };
  const list = [
    { name: 'ioredis 5.11 (RESP2)', subscribe: bare(Redis5, {}) },
    { name: 'ioredis 6 (RESP3, its default)', subscribe: bare(Redis6, {}) },
    { name: 'ioredis 6 (protocol: 2)', subscribe: bare(Redis6, { protocol: 2 }) },
  ];
  const ours = new URL('../dist/redis/subscriber.js', import.meta.url);
  if (existsSync(ours)) {
    const { Subscriber } = await import(ours.href);
    list.push({
      name: 'our Subscriber (ioredis 5 + RawMessage)',
      subscribe: async (onMessage) => {
        const subscriber = new Subscriber({ mode: 'standalone', host: '127.0.0.1', port });
        subscriber.on('message', (m) => onMessage(m.payload.length));
        await subscriber.start();
        return () => subscriber.close();
      },
    });
  }
  return list;
}

async function measure(variant, port, messages, publisherCount) {
  let received = 0;
  let bytes = 0;
  let first = 0;
  let last = 0;
  let cpuAtFirst = null;
  const close = await variant.subscribe((length) => {
    if (received === 0) {
      first = performance.now();
      cpuAtFirst = process.cpuUsage();
    }
    received++;
    bytes += length;
    last = performance.now();
  });
  const published = await publish(port, messages, publisherCount);
  // Drain: wait until everything arrived, or nothing new came for a second.
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  let seen = -1;
  while (received < published && Date.now() < deadline && seen !== received) {
    seen = received;
    await new Promise((resolve) => setTimeout(resolve, received < published ? 200 : 1000));
  }
  const cpu = cpuAtFirst ? process.cpuUsage(cpuAtFirst) : { user: 0, system: 0 };
  await close();
  const seconds = Math.max(last - first, 1) / 1000;
  return {
    name: variant.name,
    published,
    received,
    lost: published - received,
    msgsPerSec: received / seconds,
    bytesPerSec: bytes / seconds,
    cpuMicrosPerMsg: received > 0 ? (cpu.user + cpu.system) / received : NaN,
  };
}

/** Floods `messages` PUBLISHes; resolves to how many were sent. */
async function publish(port, messages, publisherCount) {
  if (hasRedisBenchmark()) {
    // redis-benchmark sends whole pipelines per client: make the total a multiple, so it is exact.
    const unit = 64 * publisherCount;
    const total = Math.ceil(messages / unit) * unit;
    await runChild('redis-benchmark', [
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-c',
      String(publisherCount),
      '-n',
      String(total),
      '-P',
      '64',
      '-q',
      'PUBLISH',
      CHANNEL,
      payloadText(),
    ]);
    return total;
  }
  const perPublisher = Math.ceil(messages / publisherCount);
  const results = await Promise.all(Array.from({ length: publisherCount }, () => runPublisher(port, perPublisher)));
  return results.reduce((n, r) => n + r.published, 0);
}

function hasRedisBenchmark() {
  return ['/usr/bin', '/usr/local/bin', ...(process.env.PATH ?? '').split(':')].some(
    (dir) => dir && existsSync(join(dir, 'redis-benchmark')),
  );
}

function payloadText() {
  return 'x'.repeat(PAYLOAD_BYTES);
}

function runChild(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${command} exited with ${code}`));
    });
  });
}

/** A publisher in its own process, so it does not share the subscriber's event loop. */
function runPublisher(port, count) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HERE, '--publisher', String(port), String(count)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    // 'close', not 'exit': stdout may still hold the result when the process has exited.
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(out));
      else reject(new Error(`publisher exited with ${code}`));
    });
  });
}

async function publisherMain(port, count) {
  const { Redis } = await import('ioredis');
  const client = new Redis({ host: '127.0.0.1', port, enableReadyCheck: false });
  const payload = Buffer.from(payloadText());
  let published = 0;
  const batch = 500;
  while (published < count) {
    const pipeline = client.pipeline();
    const n = Math.min(batch, count - published);
    for (let i = 0; i < n; i++) pipeline.publish(CHANNEL, payload);
    const replies = await pipeline.exec();
    published += n - replies.filter(([error]) => error).length;
  }
  client.disconnect();
  process.stdout.write(JSON.stringify({ published }));
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  if (process.argv[2] === '--publisher') {
    await publisherMain(Number(process.argv[3]), Number(process.argv[4]));
  } else {
    const { values } = parseArgs({ options: { messages: { type: 'string' }, publishers: { type: 'string' } } });
    await redisBench({
      messages: values.messages ? Number(values.messages) : undefined,
      publishers: values.publishers ? Number(values.publishers) : undefined,
    });
  }
}

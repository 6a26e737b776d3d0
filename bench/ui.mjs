/**
 * The live UI under a flood: `redis-print` running in a real terminal (tmux, 120×40) against a
 * private redis-server while a publisher process paces itself at 20 000 small broadcasts a second
 * for 20 s. Reported:
 *   - messages received by the UI (its own counter: the summary line it writes to stderr on exit)
 *     vs messages published — Redis queues what the UI has not read yet (`client-output-buffer-limit
 *     pubsub 0 0 0`), so a shortfall would be the UI's own loss, not Redis dropping a slow client;
 *   - the UI's peak RSS during the flood (target < 250 MB);
 *   - key-press latency: from `tmux send-keys x` (toggles the hex pane) to the screen showing the
 *     change, by polling capture-pane (target < 100 ms), idle and during the flood;
 * then `capture-pane` dumps of the demo's main screen and stats view, for the record.
 *
 *   node bench/ui.mjs [--rate N] [--seconds S]      standalone (after npm run build)
 *   section `ui` of bench/run.mjs
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startBenchRedis } from './bench-redis.mjs';

const HERE = fileURLToPath(import.meta.url);
const MAIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const CHANNEL = 'phx:Elixir.Bench.PubSub.Adapter';
const WIDTH = 120;
const HEIGHT = 40;

export async function run(options = {}) {
  const { rate = 20_000, seconds = 20, log = console.log } = options;
  const server = await startBenchRedis();
  const dir = mkdtempSync(join(tmpdir(), 'redis-print-ui-bench-'));
  const term = new Terminal(`redis-print-ui-bench-${process.pid}`);
  try {
    const stderrFile = join(dir, 'stderr.txt');
    term.start(`node ${MAIN} --url redis://127.0.0.1:${server.port} 2>${stderrFile}`);
    await term.waitFor((s) => s.includes('● live'), 'the UI to be live');
    const pid = term.programPid();

    const idle = await keyLatencies(term, 10);
    const publisher = startPublisher(server.port, rate, seconds);
    const cpuBefore = cpuSecondsOf(pid);
    const floodStart = performance.now();
    let peakRss = rssOf(pid);
    const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, rssOf(pid))), 250);
    await delay(2000); // the flood is in full swing
    const loaded = await keyLatencies(term, 16); // even: the hex pane ends as it started
    const floodScreen = term.capture();
    const published = await publisher.done;
    const cpuShare = (cpuSecondsOf(pid) - cpuBefore) / ((performance.now() - floodStart) / 1000);
    // Let the UI drain what Redis queued for it, then quit and read its own count.
    await term
      .waitFor((s) => statusReceived(s) !== undefined && statusReceivedStable(s), 'the UI to catch up', 60_000)
      .catch(() => undefined);
    clearInterval(rssTimer);
    peakRss = Math.max(peakRss, rssOf(pid));
    term.keys('q');
    await term.waitFor(promptBack, 'the UI to quit', 30_000);
    const summary = readFileSync(stderrFile, 'utf8').match(
      /# received (\d+), shown (\d+), filtered (\d+), undecodable (\d+), dropped (\d+)/,
    );
    const received = summary ? Number(summary[1]) : NaN;

    log(
      `\nlive UI (tmux ${WIDTH}×${HEIGHT}) under ${rate} small broadcasts/s for ${seconds} s (publisher paced, Redis never drops)`,
    );
    log(`  published            ${published.sent} (${Math.round(published.sent / published.seconds)} msgs/s achieved)`);
    log(
      `  received by the UI   ${received}${received === published.sent ? ' — all of them' : ` — MISSING ${published.sent - received}`}${summary ? `; in the 10 000 buffer ${summary[2]}, dropped (evicted) ${summary[5]}` : ''}`,
    );
    log(`  peak RSS             ${(peakRss / 1024 / 1024).toFixed(0)} MB (target < 250 MB)`);
    log(`  CPU of the UI        ${(cpuShare * 100).toFixed(0)}% of one core during the flood`);
    log(
      `  key → screen, idle   median ${ms(median(idle))}, max ${ms(Math.max(...idle))} over ${idle.length} presses (target < 100 ms)`,
    );
    log(
      `  key → screen, flood  median ${ms(median(loaded))}, max ${ms(Math.max(...loaded))} over ${loaded.length} presses`,
    );
    log(`\nthe main screen during the flood:\n${frame(floodScreen)}`);
  } finally {
    term.kill();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  await demoScreens(log);
}

/** The demo's main screen and stats view, as a new user first sees them. */
async function demoScreens(log) {
  const term = new Terminal(`redis-print-ui-demo-${process.pid}`);
  try {
    term.start(`node ${MAIN} demo 2>/dev/null`);
    await term.waitFor((s) => s.includes('● live'), 'the demo to be live');
    await delay(12_000); // a few presence heartbeats and a filled list
    term.keys('k');
    await delay(300);
    const main = term.capture();
    term.keys('t');
    await term.waitFor((s) => s.includes('Traffic stats'), 'the stats view');
    await delay(300);
    const stats = term.capture();
    term.keys('q');
    await term.waitFor(promptBack, 'the demo to quit', 30_000);
    log(`\nredis-print demo — main screen (${WIDTH}×${HEIGHT}):\n${frame(main)}`);
    log(`\nredis-print demo — stats view (t):\n${frame(stats)}`);
  } finally {
    term.kill();
  }
}

/** Presses `x` n times; each time, ms until the hex pane's presence flips on the screen. */
async function keyLatencies(term, n) {
  const results = [];
  for (let i = 0; i < n; i++) {
    const before = hexShown(term.capture());
    const start = performance.now();
    term.keys('x');
    await term.waitFor((s) => hexShown(s) !== before, 'the hex pane to toggle', 5000);
    results.push(performance.now() - start);
    await delay(100);
  }
  return results;
}

/** The shell's prompt on the last line: the program has exited (the line typed to start it shows the prompt too). */
function promptBack(screen) {
  return screen.trimEnd().endsWith('BENCH$');
}

function hexShown(screen) {
  return /(^| )Hex( |$)/m.test(screen);
}

let lastReceived;
let stableSince = 0;
/** True once the status bar's received count has not moved for a second (the backlog is drained). */
function statusReceivedStable(screen) {
  const now = statusReceived(screen);
  if (now !== lastReceived) {
    lastReceived = now;
    stableSince = performance.now();
    return false;
  }
  return performance.now() - stableSince > 1000;
}

function statusReceived(screen) {
  return screen
    .match(/recv (\S+)|(\S+) rx/)
    ?.slice(1)
    .find(Boolean);
}

class Terminal {
  constructor(socket) {
    this.socket = socket;
  }

  start(command) {
    execFileSync('tmux', [
      '-L',
      this.socket,
      '-f',
      '/dev/null',
      'new-session',
      '-d',
      '-s',
      'main',
      '-x',
      String(WIDTH),
      '-y',
      String(HEIGHT),
      `env PS1='BENCH$ ' bash --norc --noprofile`,
    ]);
    execFileSync('tmux', ['-L', this.socket, 'send-keys', '-t', 'main', '-l', command]);
    execFileSync('tmux', ['-L', this.socket, 'send-keys', '-t', 'main', 'Enter']);
  }

  keys(...keys) {
    execFileSync('tmux', ['-L', this.socket, 'send-keys', '-t', 'main', ...keys]);
  }

  capture() {
    return execFileSync('tmux', ['-L', this.socket, 'capture-pane', '-p', '-t', 'main'], { encoding: 'utf8' });
  }

  programPid() {
    const shell = execFileSync('tmux', ['-L', this.socket, 'display-message', '-p', '-t', 'main', '#{pane_pid}'], {
      encoding: 'utf8',
    }).trim();
    return Number(execFileSync('ps', ['-o', 'pid=', '--ppid', shell], { encoding: 'utf8' }).trim().split(/\s+/)[0]);
  }

  async waitFor(test, what, timeoutMs = 15_000) {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const screen = this.capture();
      if (test(screen)) return screen;
      if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${screen}`);
      await delay(2);
    }
  }

  kill() {
    try {
      execFileSync('tmux', ['-L', this.socket, 'kill-server'], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}

/** User + system CPU seconds of a process so far (/proc/PID/stat, in clock ticks). */
function cpuSecondsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    return ticks / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  } catch {
    return NaN;
  }
}

function rssOf(pid) {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return Number.isFinite(kb) ? kb * 1024 : 0;
  } catch {
    return 0;
  }
}

/** A publisher process pacing itself; resolves with what it sent. */
function startPublisher(port, rate, seconds) {
  const child = spawn(process.execPath, [HERE, '--publisher', String(port), String(rate), String(seconds)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const done = new Promise((resolve, reject) => {
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`publisher exited with ${code}`)),
    );
  });
  return { done };
}

async function publisherMain(port, rate, seconds) {
  const { Redis } = await import('ioredis');
  const payloads = await smallBroadcasts();
  const redis = new Redis({ port, host: '127.0.0.1', enableReadyCheck: false, lazyConnect: true });
  await redis.connect();
  const start = performance.now();
  let sent = 0;
  const total = rate * seconds;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    if (due > sent) {
      const pipeline = redis.pipeline();
      for (let i = sent; i < due; i++) pipeline.publish(CHANNEL, payloads[i % payloads.length]);
      await pipeline.exec();
      sent = due;
    }
    await delay(2);
  }
  const elapsed = (performance.now() - start) / 1000;
  redis.disconnect();
  process.stdout.write(JSON.stringify({ sent, seconds: elapsed, payloadBytes: payloads[0].length }));
}

/** 64 small (~200 B) adapter 3.x broadcasts from 3 nodes, 16 topics, 4 events. */
async function smallBroadcasts() {
  const { encode } = await import('../dist/etf/encode.js');
  const { Atom, ErlMap } = await import('../dist/etf/term.js');
  const { broadcastStruct, buildV3 } = await import('../dist/phoenix/build.js');
  const { modules } = await import('../dist/phoenix/known-atoms.js');
  const text = (s) => new TextEncoder().encode(s);
  const events = ['new_msg', 'typing', 'presence_diff', 'update'];
  return Array.from({ length: 64 }, (_, i) => {
    const topic = `rooms:${i % 16}`;
    const payload = new ErlMap([text('body'), text('id')], [text(`message ${i}`), i]);
    const term = buildV3({
      mode: 'except',
      node: Atom.of(`n${i % 3}@bench`),
      topic,
      message: broadcastStruct(topic, events[i % 4], payload),
      dispatcher: modules.channelServer,
    });
    // A Buffer: ioredis sends a plain Uint8Array as its String() ("131,104,…"), not as bytes.
    return Buffer.from(encode(term, { minorVersion: 1 }));
  });
}

function frame(screen) {
  const lines = screen.replace(/\n+$/, '').split('\n');
  const rule = `+${'-'.repeat(WIDTH)}+`;
  return [rule, ...lines.map((l) => `|${l.padEnd(WIDTH)}|`), rule].join('\n');
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function ms(value) {
  return `${value.toFixed(0)} ms`;
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv[2] === '--publisher') {
    await publisherMain(Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5]));
  } else {
    const { values } = parseArgs({ options: { rate: { type: 'string' }, seconds: { type: 'string' } } });
    await run({ rate: Number(values.rate ?? 20_000), seconds: Number(values.seconds ?? 20) });
  }
}

/**
 * redis-server killed with SIGKILL under a running `redis-print` and started again on the same
 * port: the watcher says it lost the connection, says it is back (and that what was published
 * meanwhile is gone), and prints what is published after that. It never exits on its own.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { rawPublish, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { ndjsonProblems } from '../output/ndjson-contract.js';
import { loadFixtures, messageLines, parseLine, startWatch, summaryOf } from './watch-helpers.js';

const hello = loadFixtures().find((f) => f.entry.label === 'broadcast-hello' && f.entry.channel.endsWith('.Adapter'))!;
const RECONNECTED = /^# reconnected after \d+\.\d s — messages published meanwhile were not received$/m;

let server: RedisServer;
beforeAll(async () => {
  server = await startRedis();
});
afterAll(async () => {
  await server?.stop();
});

test('kill -9 and restart mid-stream: a reconnect line, then later messages arrive (lines and NDJSON)', async () => {
  const lines = await startWatch(['--no-tui', '--url', server.url]);
  const json = await startWatch(['--json', '--url', server.url]);
  try {
    await rawPublish(server, hello.entry.channel, hello.payload);
    await lines.waitForStdout(/rooms:lobby/);
    await json.waitForStdout(/rooms:lobby/);

    const pidBefore = server.pid;
    await server.kill('SIGKILL');
    await lines.waitForStdout(/^# lost connection to .*; reconnecting in/m);
    await json.waitForStderr(/^# lost connection to .*; reconnecting in/m);
    await server.restart();
    expect(server.pid).not.toBe(pidBefore);

    // Line mode says it on stdout, between the messages; NDJSON mode keeps stdout pure JSON.
    await lines.waitForStdout(RECONNECTED, 30_000);
    await json.waitForStderr(RECONNECTED, 30_000);
    await rawPublish(server, hello.entry.channel, hello.payload);
    await lines.waitForStdout(/rooms:lobby[^]*rooms:lobby/);
    await json.waitForStdout(/rooms:lobby[^]*rooms:lobby/);
    expect(lines.child.exitCode).toBe(null);
  } finally {
    lines.kill('SIGINT');
    json.kill('SIGINT');
  }
  const [l, j] = await Promise.all([lines.done, json.done]);
  expect([l.code, j.code]).toEqual([130, 130]);

  const messages = messageLines(l.stdout).map(parseLine);
  expect(messages.map((m) => m.event)).toEqual(['new:msg', 'new:msg']);
  const status = l.stdout.split('\n').filter((x) => x.startsWith('#'));
  expect(status.findIndex((x) => RECONNECTED.test(x))).toBeGreaterThan(
    status.findIndex((x) => x.startsWith('# lost connection to')),
  );
  // The reconnect line sits between the message before and the one after.
  const all = l.stdout.split('\n');
  const at = all.findIndex((x) => RECONNECTED.test(x));
  expect(all.slice(0, at).filter((x) => x.includes('rooms:lobby'))).toHaveLength(1);
  expect(all.slice(at).filter((x) => x.includes('rooms:lobby'))).toHaveLength(1);

  const records = j.stdout
    .trim()
    .split('\n')
    .map((x) => JSON.parse(x) as Record<string, unknown>);
  expect(records).toHaveLength(2);
  for (const r of records) expect(ndjsonProblems(r)).toEqual([]);
  expect(records.map((r) => r.seq)).toEqual([1, 2]);
  expect(summaryOf(l.stderr)).toMatchObject({ received: 2, shown: 2 });
});

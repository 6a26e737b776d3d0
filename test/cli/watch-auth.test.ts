/**
 * Watching with the least privilege the adapter's channels need: an ACL user allowed only
 * `+psubscribe +subscribe +ping` on `&phx:*`, given as flags, as a URL and through the
 * environment. And in every run, including the failures (wrong password, missing permission,
 * unreachable server), no form of a password appears in anything the program prints.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort } from '../helpers/ports.js';
import { rawPublish, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { runBuiltInProcess as runCli } from './in-process.js';
import type { CliResult } from './run-cli.js';
import { loadFixtures, messageLines, parseLine, startWatch, startWatchInProcess } from './watch-helpers.js';

// Characters that need escaping in a URL, so both the raw and the encoded form are checked.
const WATCH_PW = 'w@tch:Pw/9%Zq-7731';
const ADMIN_PW = 'Adm1n-S3cret-5524';
const WRONG_PW = 'Wr0ng:Guess@4711';
const SECRETS = [WATCH_PW, ADMIN_PW, WRONG_PW];

/** Watch keeps trying the first connect for 3 s by default; how long it tries is not what these tests check. */
const GIVE_UP_SOON = { REDIS_PRINT_CONNECT_TIMEOUT_MS: '300' };

const hello = loadFixtures().find((f) => f.entry.label === 'broadcast-hello' && f.entry.channel.endsWith('.Adapter'))!;
const enc = encodeURIComponent;

let server: RedisServer;
beforeAll(async () => {
  server = await startRedis({
    requirepass: ADMIN_PW,
    users: [`watcher on >${WATCH_PW} resetchannels &phx:* -@all +psubscribe +subscribe +ping`],
  });
});
afterAll(async () => {
  await server?.stop();
});

/** No password, raw or URL-encoded (or with only its special characters encoded), anywhere. */
function expectNoSecrets(result: Pick<CliResult, 'stdout' | 'stderr'>): void {
  const text = `${result.stdout}\n${result.stderr}`;
  for (const secret of SECRETS) {
    for (const form of new Set([secret, enc(secret), secret.replace(/%/g, '%25')])) {
      expect(text.includes(form), `output contains a password form ${JSON.stringify(form)}:\n${text}`).toBe(false);
    }
    // Long enough fragments of it would also be a leak (e.g. a password cut at a special character).
    for (const part of secret.split(/[@:/%]/).filter((p) => p.length >= 6)) {
      expect(text.includes(part), `output contains part of a password ${JSON.stringify(part)}:\n${text}`).toBe(false);
    }
  }
}

/**
 * Watches with `args`, publishes one broadcast, and returns what was printed after Ctrl-C. In this
 * process (in-process.ts), except with `spawn`: one case runs the built program as a user does.
 */
async function watchOne(args: string[], env: NodeJS.ProcessEnv = {}, spawn = false) {
  const argv = ['--no-tui', '--count', '1', ...args];
  const watch = spawn ? await startWatch(argv, { env }) : await startWatchInProcess(argv, { env });
  expect(watch.stderr).toMatch(/^# watching redis:\/\/watcher(:\*\*\*)?@127\.0\.0\.1:\d+/m);
  await rawPublishAsAdmin();
  const result = await watch.done;
  expectNoSecrets(result);
  expect(result.code).toBe(0);
  const lines = messageLines(result.stdout).map(parseLine);
  expect(lines.map((l) => [l.topic, l.event])).toEqual([['rooms:lobby', 'new:msg']]);
  return result;
}

function rawPublishAsAdmin(): Promise<number> {
  return rawPublish(server, hello.entry.channel, hello.payload);
}

describe('the subscribe-only ACL user', () => {
  test('cannot do anything but (p)subscribe and ping on phx:* — the server enforces it', async () => {
    const result = await runCli([
      '--no-tui',
      '--user',
      'watcher',
      '--pass',
      WATCH_PW,
      '-p',
      String(server.port),
      '--pattern',
      'other:*',
    ]);
    expectNoSecrets(result);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/permission|NOPERM|ACL/i);
  });

  test('works with --user/--pass', async () => {
    await watchOne(['-h', '127.0.0.1', '-p', String(server.port), '--user', 'watcher', '--pass', WATCH_PW], {}, true);
  });

  test('works with --user and -a (redis-cli spelling)', async () => {
    await watchOne(['-h', '127.0.0.1', '-p', String(server.port), '--user', 'watcher', '-a', WATCH_PW]);
  });

  test('works with a URL carrying the (encoded) password', async () => {
    await watchOne(['--url', `redis://watcher:${enc(WATCH_PW)}@127.0.0.1:${server.port}`]);
  });

  test('works with REDIS_URL, and with REDISCLI_AUTH for the password', async () => {
    await watchOne([], { REDIS_URL: `redis://watcher:${enc(WATCH_PW)}@127.0.0.1:${server.port}` });
    await watchOne(['--user', 'watcher', '-p', String(server.port)], { REDISCLI_AUTH: WATCH_PW });
  });

  test('keeps working in NDJSON mode (stdout JSON only)', async () => {
    const watch = await startWatchInProcess([
      '--json',
      '--count',
      '1',
      '--url',
      `redis://watcher:${enc(WATCH_PW)}@127.0.0.1:${server.port}`,
    ]);
    await rawPublishAsAdmin();
    const result = await watch.done;
    expectNoSecrets(result);
    expect((JSON.parse(result.stdout) as { event: string }).event).toBe('new:msg');
  });
});

describe('failures say what went wrong, in one line, without the password', () => {
  test('wrong password (flags)', async () => {
    const result = await runCli(['--no-tui', '-p', String(server.port), '--user', 'watcher', '--pass', WRONG_PW]);
    expectNoSecrets(result);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/password|auth|WRONGPASS/i);
  });

  test('wrong password (URL)', async () => {
    const result = await runCli(['--no-tui', '--url', `redis://watcher:${enc(WRONG_PW)}@127.0.0.1:${server.port}/0`]);
    expectNoSecrets(result);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^redis-print: .*redis:\/\/watcher:\*\*\*@127\.0\.0\.1/);
  });

  test('no password at all for a server that wants one', async () => {
    const result = await runCli(['--no-tui', '-p', String(server.port)]);
    expectNoSecrets(result);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/auth|password|NOAUTH/i);
  });

  test('unreachable server, password in the URL', async () => {
    const port = await freePort();
    const result = await runCli(['--no-tui', '--url', `redis://watcher:${enc(WATCH_PW)}@127.0.0.1:${port}`], {
      env: GIVE_UP_SOON,
    });
    expectNoSecrets(result);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/refused/);
  });

  test('unreachable server, password as -a, with --sentinel and --cluster', async () => {
    const port = await freePort();
    for (const extra of [
      ['-p', String(port)],
      ['--sentinel', `127.0.0.1:${port}`, '--master-name', 'mymaster'],
      ['--cluster', '-p', String(port)],
    ]) {
      const result = await runCli(['--no-tui', '-a', WATCH_PW, '--user', 'watcher', ...extra], { env: GIVE_UP_SOON });
      expectNoSecrets(result);
      expect(result.code, extra.join(' ')).toBe(2);
    }
  });

  test('a malformed URL holding a password is refused without echoing the password', async () => {
    for (const url of [
      `redis://watcher:${enc(WATCH_PW)}@127.0.0.1:notaport`,
      `redis://watcher:${enc(WATCH_PW)}@127.0.0.1:${server.port}/notadb`,
      `http://watcher:${enc(WATCH_PW)}@127.0.0.1:${server.port}`,
    ]) {
      const result = await runCli(['--no-tui', '--url', url]);
      expectNoSecrets(result);
      expect(result.code, url).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

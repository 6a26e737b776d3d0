/**
 * `-h` with a bracketed IPv6 address (as URLs write it) and `--askpass` (redis-cli's prompt, so a
 * password need not be in argv): against a real redis-server with a password.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connectionSpecFromFlags } from '../../src/cli/connection.js';
import { describeSpec } from '../../src/redis/connection-spec.js';
import { isLoopbackTarget } from '../../src/redis/loopback.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { runCli, startCli } from '../cli/run-cli.js';

const PW = 'Ask-Pa55:word@9';

describe('-h with brackets', () => {
  test('an IPv6 address in brackets is the address, still seen as loopback, shown bracketed once', () => {
    for (const host of ['[::ffff:7f00:1]', '::ffff:7f00:1']) {
      const spec = connectionSpecFromFlags({ host }, {});
      expect(spec).toMatchObject({ mode: 'standalone', host: '::ffff:7f00:1' });
      expect(isLoopbackTarget(spec)).toBe(true);
      expect(describeSpec(spec)).toContain('[::ffff:7f00:1]:6379');
      expect(describeSpec(spec)).not.toContain('[[');
    }
    expect(isLoopbackTarget(connectionSpecFromFlags({ host: '[2001:db8::1]' }, {}))).toBe(false);
  });
});

describe('--askpass', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis({ requirepass: PW });
  });
  afterAll(async () => {
    await server?.stop();
  });
  const port = (): string => String(new URL(server.url).port);

  test('without a terminal, one line of stdin is the password; it is never printed', async () => {
    const watch = startCli(['--no-tui', '-p', port(), '--askpass'], { input: `${PW}\n` });
    await watch.waitForStderr(/^# watching /m);
    watch.kill('SIGINT');
    const result = await watch.done;
    expect(result.code).toBe(130); // Ctrl-C, as every command
    expect(result.stdout + result.stderr).not.toContain(PW);
  });

  test('a wrong line is refused like a wrong -a; no line at all is a usage problem', async () => {
    const wrong = await runCli(['--no-tui', '-p', port(), '--askpass'], { input: 'nope\n' });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).not.toContain('nope\n');
    const none = await runCli(['--no-tui', '-p', port(), '--askpass'], { input: '' });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--askpass: no password given/);
    const both = await runCli(['--no-tui', '-p', port(), '--askpass', '-a', 'x'], { input: '' });
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/cannot be combined/);
  });
});

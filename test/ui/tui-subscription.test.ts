/**
 * The UI receives one typed watch config: `--channel` is a SUBSCRIBE, never a filter. With
 * `--pattern 'phx:*' --channel app:exact` both the pattern's and the channel's messages show.
 */
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { rawPublish, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { listRows, Tmux } from './tmux.js';
import { broadcastPayload, CHANNEL, startUi } from './tui-helpers.js';

let server: RedisServer;
let term: Tmux | undefined;

beforeAll(async () => {
  server = await startRedis();
});
afterAll(async () => {
  await server.stop();
});
afterEach(async () => {
  await term?.kill();
  term = undefined;
});

test('--pattern and --channel together: messages through the pattern are shown, not filtered out', async () => {
  term = await Tmux.start({ width: 120, height: 30 });
  await startUi(term, server, ['--pattern', 'phx:*', '--channel', 'app:exact']);
  expect(await rawPublish(server, CHANNEL, broadcastPayload('rooms:via_pattern', 'new:msg', 'p'))).toBe(1);
  expect(await rawPublish(server, 'app:exact', broadcastPayload('rooms:via_channel', 'new:msg', 'c'))).toBe(1);
  const screen = await term.waitFor(
    (s) => listRows(s).length === 2,
    'two rows: one through the pattern, one through the channel',
  );
  const rows = listRows(screen).join('\n');
  expect(rows).toContain('rooms:via_pattern');
  expect(rows).toContain('rooms:via_channel');
  expect(screen).not.toMatch(/filter(ed)? [1-9]/);
});

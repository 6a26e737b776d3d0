/**
 * The UI receives one typed watch config: `--channel` is a SUBSCRIBE, never a filter. With
 * `--pattern 'phx:*' --channel app:exact` both the pattern's and the channel's messages show.
 */
import { expect, test } from 'vitest';
import { rawPublish } from '../helpers/redis-server.js';
import { listRows, Tmux } from './tmux.js';
import { broadcastPayload, CHANNEL, liveUi, startUi } from './tui-helpers.js';

const live = liveUi();
let term: Tmux | undefined;

test('--pattern and --channel together: messages through the pattern are shown, not filtered out', async () => {
  term = await live.terminal({ width: 120, height: 30 });
  await startUi(term, live.server, ['--pattern', 'phx:*', '--channel', 'app:exact']);
  expect(await rawPublish(live.server, CHANNEL, broadcastPayload('rooms:via_pattern', 'new:msg', 'p'))).toBe(1);
  expect(await rawPublish(live.server, 'app:exact', broadcastPayload('rooms:via_channel', 'new:msg', 'c'))).toBe(1);
  const screen = await term.waitFor(
    (s) => listRows(s).length === 2,
    'two rows: one through the pattern, one through the channel',
  );
  const rows = listRows(screen).join('\n');
  expect(rows).toContain('rooms:via_pattern');
  expect(rows).toContain('rooms:via_channel');
  expect(screen).not.toMatch(/filter(ed)? [1-9]/);
});

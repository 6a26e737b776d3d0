/**
 * Line mode on a terminal that stops taking output (Ctrl-S, XOFF): Node writes to a terminal
 * synchronously, so the watcher used to block inside write(2), stop reading its socket and be
 * disconnected by Redis once 32 MB waited for it. Now the terminal is written like a pipe: the
 * watcher keeps reading, drops what the terminal cannot take (counted in the summary), and goes on
 * after Ctrl-Q. tmux forwards C-s to the pane's pty, whose line discipline (IXON) stops the output.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { adminClient, patternSubscriber, waitUntil } from '../helpers/redis-server.js';
import { makeTempDir, removeDir } from '../helpers/child-reaper.js';
import { MAIN } from '../cli/run-cli.js';
import { PROMPT_MARK, shellQuote, Tmux } from './tmux.js';
import { broadcastPayload, CHANNEL, liveUi } from './tui-helpers.js';

/**
 * ~2.3 KB each: 21 MB in all. A watcher blocked in write(2) reads nothing, so most of it stays
 * queued in Redis (the kernel's socket buffers hold a few MB): "Redis has sent everything" never
 * comes true for it, whatever the machine's speed (and before the 32 MB at which Redis drops it).
 * Printed with --full (lines not cut to the terminal), so that the output is well over the 8 MiB
 * the watcher lets wait for the terminal.
 */
const FLOOD = 9_000;

const live = liveUi({ name: 'xoff' }); // Redis' own default client-output-buffer-limit
let term: Tmux | undefined;
let dir: string;

beforeAll(() => {
  dir = makeTempDir('xoff');
});
afterAll(() => {
  if (dir) removeDir(dir);
});

describe('line mode on a terminal stopped with Ctrl-S', () => {
  test('keeps reading (no disconnect), drops what the terminal cannot take, counts it, goes on after Ctrl-Q', async () => {
    term = await live.terminal({ width: 120, height: 30, env: { NO_COLOR: '1' } });
    const stderrFile = join(dir, 'stderr.txt');
    const stderr = (): string => readFileSync(stderrFile, 'utf8');
    await term.run(
      `node ${shellQuote(MAIN)} --no-tui --full --url ${shellQuote(live.server.url)} 2>${shellQuote(stderrFile)}`,
    );
    await waitUntil(() => /^# watching /m.test(stderr()), 'the watcher to subscribe', 60_000);
    const before = await patternSubscriber(live.server);
    expect(before).toBeDefined();

    await term.keys('C-s');
    const publisher = adminClient(live.server);
    let markers = 0;
    try {
      const payload = broadcastPayload('rooms:flood', 'new_msg', 'x'.repeat(2000));
      for (let sent = 0; sent < FLOOD; sent++) await publisher.publish(CHANNEL, payload);
      // Everything has left Redis for the watcher's socket while the terminal takes nothing.
      await waitUntil(
        async () => (await patternSubscriber(live.server))?.omem === 0,
        'Redis to have sent the flood to the watcher',
        120_000,
      );
      // The same connection: the watcher kept reading while the terminal took nothing.
      expect((await patternSubscriber(live.server))?.id).toBe(before!.id);

      await term.keys('C-q');
      // (The `# dropped N messages` line is printed in its place in the backlog, soon scrolled off.)
      // A marker published now is shown once the backlog is out (one may still be dropped: then
      // the next one is sent).
      await waitUntil(
        async () => {
          markers++;
          await publisher.publish(CHANNEL, broadcastPayload(`marker:${markers}`, 'mark', 'm'));
          await term!.waitFor(new RegExp(`marker:${markers}\\b`), `marker ${markers}`, 5_000).catch(() => undefined);
          return new RegExp(`marker:${markers}\\b`).test(await term!.screen());
        },
        'a marker published after Ctrl-Q to be shown',
        120_000,
      );
      await term.keys('C-c');
      await term.waitFor((s) => s.trimEnd().endsWith(PROMPT_MARK), 'the shell prompt', 120_000);
      // The terminal is the shell's as before (a non-blocking terminal would fail its reads).
      await term.run('clear; echo still-$((40+2))');
      await term.waitFor(/^still-42$/m, 'the shell answering');
    } finally {
      publisher.disconnect();
    }
    expect(stderr()).not.toMatch(/reconnect|lost connection/);
    const m = /^# received (\d+), shown (\d+), filtered 0, undecodable 0, dropped (\d+)$/m.exec(stderr());
    expect(m, stderr()).not.toBeNull();
    const [received, dropped] = [Number(m![1]), Number(m![3])];
    expect(received + dropped).toBe(FLOOD + markers);
    expect(dropped).toBeGreaterThan(0); // the terminal really took nothing for a while
  }, 300_000);
});

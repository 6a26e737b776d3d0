/**
 * The live UI under a flood with Redis' DEFAULT output-buffer limits (pubsub 32mb 8mb 60): it
 * must read at the socket's speed (Redis never disconnects it), drop what it cannot decode before
 * decoding it, count every message (received + dropped = published) and keep answering keys.
 * Driven in tmux; every wait polls for a condition.
 */
import { describe, expect, test } from 'vitest';
import { encode } from '../../src/etf/encode.js';
import { Atom, ErlMap, type Term } from '../../src/etf/term.js';
import { broadcastStruct, buildV3 } from '../../src/phoenix/build.js';
import { modules } from '../../src/phoenix/known-atoms.js';
import { adminClient, patternSubscriber, waitUntil } from '../helpers/redis-server.js';
import { listRows, PROMPT_MARK, Tmux } from './tmux.js';
import { broadcastPayload, CHANNEL, liveUi, startUi, statusLine } from './tui-helpers.js';

/**
 * Broadcasts of ~2 KB holding 2000 terms each, slow to decode for their size, watched with a text
 * filter (`--grep`), which renders every message: the UI cannot decode them as fast as they come.
 * 66 MB in all, well over the 32 MB Redis holds for a slow subscriber, published one PUBLISH after
 * the other (25-40 MB/s here). Measured: a UI that decoded as it read was disconnected every time
 * (Redis held 30+ MB for it); reading first, Redis held at most a few MB.
 */
const FLOOD = 30_000;
/** Redis' pending output for the UI above which the flood waits, and below which it goes on. */
const PAUSE_ABOVE = 16 * 1024 * 1024;
const RESUME_BELOW = 4 * 1024 * 1024;

const live = liveUi({ name: 'tui-flood' }); // Redis' own default client-output-buffer-limit
let term: Tmux | undefined;

function heavyBroadcast(): Buffer {
  const rows: Term = Array.from({ length: 2000 }, (_, i) => i % 200);
  const payload = new ErlMap([new TextEncoder().encode('rows')], [rows]);
  const term = buildV3({
    mode: 'except',
    node: Atom.of('a@test'),
    topic: 'rooms:flood',
    message: broadcastStruct('rooms:flood', 'rows', payload),
    dispatcher: modules.channelServer,
  });
  return Buffer.from(encode(term, { minorVersion: 1 }));
}

describe('live UI under a flood', () => {
  test('with a text filter: no disconnect, keys answered, received + dropped = published, drops in the status bar', async () => {
    term = await live.terminal({ width: 160, height: 40 });
    const ui = await startUi(term, live.server, ['--grep', 'marker']);
    const before = await patternSubscriber(live.server);
    expect(before).toBeDefined();

    const flood = heavyBroadcast();
    const publisher = adminClient(live.server);
    let markers = 0;
    try {
      for (let sent = 0; sent < FLOOD; sent++) {
        // On a starved machine the OS may stop the UI's process for a second or more: the flood
        // then pauses while Redis holds over half its 32 MB for the UI, so that what is tested is
        // the UI's reading and dropping, not the scheduler. A UI that decoded as it read is still
        // caught: it never drops (the last check below).
        if (sent % 500 === 0 && ((await patternSubscriber(live.server))?.omem ?? 0) > PAUSE_ABOVE) {
          await waitUntil(
            async () => ((await patternSubscriber(live.server))?.omem ?? 0) < RESUME_BELOW,
            'Redis to send',
            120_000,
          );
        }
        await publisher.publish(CHANNEL, flood);
      }
      // Everything has left Redis for the UI's socket (or the UI was disconnected).
      await waitUntil(
        async () => (await patternSubscriber(live.server))?.omem === 0,
        'Redis to have sent the flood',
        120_000,
      );

      // The keys answer: pause and resume.
      await term.keys('p');
      await term.waitFor((s) => statusLine(s).includes('PAUSED'), 'the status bar saying PAUSED', 120_000);
      await term.keys('p');
      await term.waitFor((s) => !statusLine(s).includes('PAUSED'), 'the pause ended', 120_000);

      // A marker published now is shown once everything before it was decoded or dropped (one may
      // still be dropped while the backlog drains: then the next one is sent).
      const shows = (s: string, n: number): boolean => listRows(s).some((row) => row.includes(`marker:${n} `));
      await waitUntil(
        async () => {
          markers++;
          await publisher.publish(CHANNEL, broadcastPayload(`marker:${markers}`, 'mark', 'marker'));
          await term!.waitFor((s) => shows(s, markers), `marker ${markers}`, 5_000).catch(() => undefined);
          return shows(await term!.screen(), markers);
        },
        'a marker published after the flood to be shown',
        120_000,
      );
      // The same connection all along: Redis never dropped the UI for being slow.
      expect((await patternSubscriber(live.server))?.id).toBe(before!.id);
      // The status bar counts the drops.
      expect(statusLine(await term.screen())).toMatch(/\bdrop(ped)? [1-9]/);

      await term.keys('q');
      await term.waitFor((s) => s.trimEnd().endsWith(PROMPT_MARK), 'the shell prompt', 120_000);
    } finally {
      publisher.disconnect();
    }
    const stderr = ui.stderr();
    expect(stderr).not.toMatch(/reconnect|lost connection/);
    const m =
      /^# received (\d+), shown (\d+), filtered (\d+), undecodable 0, dropped (\d+), evicted (\d+) \(buffer 10000\)$/m.exec(
        stderr,
      );
    expect(m, stderr).not.toBeNull();
    const [received, dropped, evicted] = [Number(m![1]), Number(m![4]), Number(m![5])];
    expect(received + dropped).toBe(FLOOD + markers);
    expect(dropped).toBeGreaterThan(0); // the UI really was behind: the test tested something
    // The buffer kept the newest 10 000 of what was decoded.
    expect(evicted).toBe(Math.max(0, received - 10_000));
  }, 300_000);
});

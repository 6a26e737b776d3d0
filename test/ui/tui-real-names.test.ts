/**
 * The UI on what real clusters send, in tmux against a real redis-server: EC2-style node names
 * that differ only in the middle, LiveView socket topics, emoji, CJK and ZWJ sequences in
 * payloads — at 120×40, 80×24 and 40 columns. Rows must tell the nodes apart and never overflow.
 */
import stringWidth from 'string-width';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { rawPublish, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { listRows, Tmux } from './tmux.js';
import { broadcastPayload, CHANNEL, startUi, statusLine } from './tui-helpers.js';

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

const NODES = [23, 24, 25].map((n) => `myapp@ip-10-0-1-${n}.eu-west-1.compute.internal`);

async function publish(topic: string, event: string, body: string, node: string): Promise<void> {
  expect(await rawPublish(server, CHANNEL, broadcastPayload(topic, event, body, node))).toBeGreaterThan(0);
}

/** Whether every line of the screen fits `width` columns, measured as terminals do. */
function overflowing(screen: string, width: number): string[] {
  return screen.split('\n').filter((line) => stringWidth(line) > width);
}

describe('the list on real names', () => {
  test('80×24: emoji, CJK and ZWJ payloads are shown, measured right, and no row overflows', async () => {
    term = await Tmux.start({ width: 80, height: 24 });
    await startUi(term, server);
    const bodies = ['thumbs 👍 up', 'coffee ☕ watch ⌚ check ✅', '中文字符 and 한국어', '👨‍👩‍👧 family', 'plain ascii'];
    for (const [i, body] of bodies.entries())
      await publish(`user_socket:lv_phx-F_x12${i}`, 'new:msg', body, NODES[i % 3]!);
    const screen = await term.waitFor((s) => listRows(s).length === bodies.length, 'five rows');
    expect(overflowing(screen, 80)).toEqual([]);
    const rows = listRows(screen);
    expect(rows.join('\n')).toContain('👍');
    expect(rows.join('\n')).toContain('☕');
    expect(rows.join('\n')).toContain('中文');
    // The joiner is written out: each emoji of the family is then two columns in every terminal.
    expect(rows.join('\n')).toContain('👨\\u{200D}👩');
    // Columns line up: the size column ends at the same column on every row.
    const sizeEnds = rows.map((r) => {
      const m = / \d+B /.exec(r)!;
      return stringWidth(r.slice(0, m.index + m[0].length));
    });
    expect(new Set(sizeEnds).size, rows.join('\n')).toBe(1);
    // The status bar is still on its line, whole.
    expect(statusLine(screen)).toMatch(/^ ● live/);
  });
});

/**
 * The UI on what real clusters send, in tmux against a real redis-server: EC2-style node names
 * that differ only in the middle, LiveView socket topics, emoji, CJK and ZWJ sequences in
 * payloads — at 120×40, 80×24 and 40 columns. Rows must tell the nodes apart and never overflow.
 */
import stringWidth from 'string-width';
import { describe, expect, test } from 'vitest';
import { rawPublish } from '../helpers/redis-server.js';
import { listRows, Tmux } from './tmux.js';
import { broadcastPayload, CHANNEL, liveUi, startUi, statusLine } from './tui-helpers.js';

const live = liveUi();
let term: Tmux | undefined;

const NODES = [23, 24, 25].map((n) => `myapp@ip-10-0-1-${n}.eu-west-1.compute.internal`);

async function publish(topic: string, event: string, body: string, node: string): Promise<void> {
  expect(await rawPublish(live.server, CHANNEL, broadcastPayload(topic, event, body, node))).toBeGreaterThan(0);
}

/** Whether every line of the screen fits `width` columns, measured as terminals do. */
function overflowing(screen: string, width: number): string[] {
  return screen.split('\n').filter((line) => stringWidth(line) > width);
}

describe('the list on real names', () => {
  test('80×24: emoji, CJK and ZWJ payloads are shown, measured right, and no row overflows', async () => {
    term = await live.terminal({ width: 80, height: 24 });
    await startUi(term, live.server);
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

  async function threeNodes(width: number, height: number): Promise<string> {
    term = await live.terminal({ width, height });
    await startUi(term, live.server);
    for (const [i, node] of NODES.entries()) await publish(`user_socket:lv_phx-F_x12${i}`, 'new:msg', `hi ${i}`, node);
    return term.waitFor((s) => listRows(s).length === 3, 'three rows');
  }

  /** The text under a column title on each row (titles and cells start at the same column). */
  function column(screen: string, title: string): string[] {
    const lines = screen.split('\n');
    const header = lines.find((l) => l.startsWith('TIME '))!;
    const at = header.indexOf(` ${title}`) + 1;
    expect(at, header).toBeGreaterThan(0);
    const next = header.slice(at + title.length).search(/\S/);
    const end = next === -1 ? undefined : at + title.length + next - 1;
    return listRows(screen).map((r) => [...r].slice(at, end).join('').trim());
  }

  test.each([
    [120, 40],
    [80, 24],
  ])('%i×%i: three EC2 node names and LiveView topics are told apart', async (width, height) => {
    const screen = await threeNodes(width, height);
    expect(overflowing(screen, width)).toEqual([]);
    const nodes = column(screen, 'NODE');
    expect(new Set(nodes).size, screen).toBe(3);
    nodes.forEach((n, i) => expect(n).toMatch(new RegExp(`^…-2${3 + i}\\.`)));
    const topics = column(screen, 'TOPIC');
    expect(new Set(topics).size, screen).toBe(3);
    topics.forEach((t, i) => expect(t).toContain(`x12${i}`));
    // Label then number in the status bar, at this width too.
    expect(statusLine(screen)).toMatch(/(recv|rx) 3 shown 3 (filtered|filt) 0/);
  });

  test('40 columns: time, kind, topic and payload, each topic distinct, nothing overflows', async () => {
    const screen = await threeNodes(40, 20);
    expect(overflowing(screen, 40)).toEqual([]);
    expect(screen.split('\n').find((l) => l.startsWith('TIME '))).toMatch(/^TIME +K TOPIC +PAYLOAD/);
    expect(new Set(column(screen, 'TOPIC')).size).toBe(3);
  });

  test('H hides the selected column, 0 brings it back; l scrolls sideways with the time kept; ? shows the whole legend', async () => {
    await threeNodes(120, 40);
    const t = term!;
    // A frame tmux catches half drawn has no header or rows yet: such a screen satisfies no wait.
    const header = (s: string): string | undefined => s.split('\n').find((l) => l.startsWith('TIME '));
    await t.keys(']'); // topic → event
    await t.keys('H');
    let screen = await t.waitFor(
      (s) => header(s)?.includes(' TOPIC ') === true && !/ EVENT /.test(header(s)!),
      'EVENT hidden',
    );
    expect(header(screen)).toContain('TOPIC');
    await t.keys('0');
    await t.waitFor((s) => / EVENT /.test(header(s) ?? ''), 'EVENT back');
    const before = listRows(await t.screen())[0]!;
    await t.keys('l');
    screen = await t.waitFor((s) => listRows(s)[0] !== undefined && listRows(s)[0] !== before, 'scrolled');
    const after = listRows(screen)[0]!;
    expect(after.slice(0, 15)).toBe(before.slice(0, 15)); // time and kind stay
    expect(after).not.toContain('…-23.');
    await t.keys('h');
    await t.waitFor((s) => listRows(s)[0] === before, 'scrolled back');
    await t.keys('?');
    screen = await t.waitFor(/redis-print — keys/, 'the help');
    expect(screen).toMatch(/\] {2}\[ +select the next \/ previous column/);
    for (let i = 0; i < 40; i++) await t.keys('j'); // to its end
    screen = await t.waitFor(/Kinds \(column K\)/, 'the end of the help');
    expect(screen).toContain('! undecodable');
    expect(screen).toContain('event:new:msg');
  });
});

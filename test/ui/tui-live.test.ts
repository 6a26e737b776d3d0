/**
 * The live UI, driven in tmux against a real redis-server: what a user sees and what the keys do.
 * Every wait polls the screen; nothing asserts on time.
 */
import { describe, expect, test } from 'vitest';
import { rawPublish } from '../helpers/redis-server.js';
import { listRows, PROMPT_MARK, Tmux } from './tmux.js';
import { broadcastPayload, CHANNEL, liveUi, markedText, startUi, statusLine } from './tui-helpers.js';

const live = liveUi();
let term: Tmux | undefined;

async function publish(topic: string, event: string, body: string): Promise<Buffer> {
  const payload = broadcastPayload(topic, event, body);
  expect(await rawPublish(live.server, CHANNEL, payload)).toBeGreaterThan(0);
  return payload;
}

/** A UI with three messages in it: rooms:alpha, rooms:beta, rooms:gamma (selected: the newest). */
async function uiWithThree(width = 120, height = 40): Promise<Tmux> {
  term = await live.terminal({ width, height });
  await startUi(term, live.server);
  await publish('rooms:alpha', 'new_msg', 'hello alpha');
  await publish('rooms:beta', 'typing', 'hello beta');
  await publish('rooms:gamma', 'new_msg', 'hello gamma');
  await term.waitFor((s) => listRows(s).length === 3, 'three rows in the list');
  return term;
}

describe('live UI in tmux against a real redis-server', () => {
  test('messages appear with their columns; the newest is selected and shown as Elixir in the detail pane', async () => {
    const t = await uiWithThree();
    const screen = await t.screen();
    const rows = listRows(screen);
    expect(rows.map((r) => r.match(/rooms:\w+/)?.[0])).toEqual(['rooms:alpha', 'rooms:beta', 'rooms:gamma']);
    for (const row of rows) {
      expect(row).toMatch(
        / B Test\.PubSub\.Adapter +v3\/except +a@test +rooms:\w+ +(new_msg|typing) +\d+B %\{"body" => "hello/,
      );
    }
    expect(statusLine(screen)).toMatch(/(recv|rx) 3 shown 3/);
    expect(statusLine(screen)).toContain('following');
    // The detail pane: the envelope's elements named, the struct by name, the payload opened.
    expect(screen).toMatch(/Detail +#3 /);
    expect(screen).toContain(':a@test  # node');
    expect(screen).toContain('"rooms:gamma"  # topic');
    expect(screen).toMatch(/▾ %Phoenix\.Socket\.Broadcast\{…\} {2}# message/);
    expect(screen).toContain('event: "new_msg"');
    expect(screen).toMatch(/^ +"body" => "hello gamma"/m);

    // k selects the previous message (and stops following); its detail replaces the other.
    await t.keys('k');
    const after = await t.waitFor(/^ +"body" => "hello beta"/m, 'the detail of rooms:beta');
    expect(after).toContain('event: "typing"');
    expect(after).not.toMatch(/^ +"body" => "hello gamma"/m);
    expect(statusLine(after)).toContain('not following');
    const selected = markedText(await t.screenWithEscapes(), 7).filter((text) => text.includes('rooms:'));
    expect(selected).toHaveLength(1);
    expect(selected[0]).toContain('rooms:beta');
  });

  test('/ narrows the list as the filter is typed; a bad filter is shown and the previous one stays; Esc clears', async () => {
    const t = await uiWithThree();
    await t.keys('/');
    await t.type('event:new_msg');
    // Live: the list narrows before Enter.
    let screen = await t.waitFor((s) => listRows(s).length === 2, 'two rows while typing');
    expect(listRows(screen).map((r) => r.match(/rooms:\w+/)?.[0])).toEqual(['rooms:alpha', 'rooms:gamma']);
    await t.type(' -topic:*gam*');
    screen = await t.waitFor((s) => listRows(s).length === 1, 'one row');
    expect(listRows(screen)[0]).toContain('rooms:alpha');
    await t.keys('Enter');
    screen = await t.waitFor(
      (s) => statusLine(s).includes('event:new_msg -topic:*gam*'),
      'the filter in the status bar',
    );
    expect(statusLine(screen)).toMatch(/shown 1 (filtered|filt) 2/);

    // New messages are filtered as they arrive.
    await publish('rooms:delta', 'new_msg', 'hello delta');
    await publish('rooms:epsilon', 'typing', 'hello epsilon');
    screen = await t.waitFor((s) => listRows(s).length === 2, 'rooms:delta shown');
    expect(listRows(screen).map((r) => r.match(/rooms:\w+/)?.[0])).toEqual(['rooms:alpha', 'rooms:delta']);

    // A problem: named on the prompt line, the list stays as it was.
    await t.keys('/');
    await t.type(' rooms:x');
    screen = await t.waitFor(/✗ unknown field "rooms:"/, 'the problem on the prompt line');
    expect(listRows(screen)).toHaveLength(2);
    await t.keys('Escape');
    screen = await t.waitFor((s) => listRows(s).length === 5, 'every row back after Esc');
    expect(statusLine(screen)).not.toContain('filter:');
  });

  test('p pauses (new messages counted, not shown) and resumes; k stops following, f follows again', async () => {
    const t = await uiWithThree();
    await t.keys('p');
    await t.waitFor((s) => statusLine(s).includes('PAUSED 0 new'), 'paused');
    await publish('rooms:delta', 'new_msg', 'hello delta');
    await publish('rooms:epsilon', 'new_msg', 'hello epsilon');
    let screen = await t.waitFor((s) => statusLine(s).includes('PAUSED 2 new'), 'two new while paused');
    expect(listRows(screen)).toHaveLength(3);
    expect(statusLine(screen)).toMatch(/(recv|rx) 5 /);
    await t.keys('p');
    screen = await t.waitFor((s) => listRows(s).length === 5, 'the waiting messages shown on resume');
    expect(statusLine(screen)).not.toContain('PAUSED');
    expect(screen).toMatch(/^ +"body" => "hello epsilon"/m); // still following: the newest is selected

    await t.keys('k');
    await t.waitFor(/^ +"body" => "hello delta"/m, 'delta selected');
    await publish('rooms:zeta', 'new_msg', 'hello zeta');
    screen = await t.waitFor((s) => listRows(s).length === 6, 'zeta arrived');
    expect(screen).toMatch(/^ +"body" => "hello delta"/m); // the selection stayed
    expect(statusLine(screen)).toContain('not following');
    await t.keys('f');
    screen = await t.waitFor(/^ +"body" => "hello zeta"/m, 'following again selects the newest');
    expect(statusLine(screen)).toContain('following');
  });

  test('x toggles the hex pane; the bytes of the detail node under the cursor are highlighted', async () => {
    const t = await uiWithThree();
    let screen = await t.screen();
    expect(screen).toMatch(/Hex +payload \d+ B/);
    expect(screen).toMatch(/00000000 {2}83 68 06 61 03 64 00 06/); // {3, :except, … with ATOM_EXT
    await t.keys('x');
    screen = await t.waitFor((s) => !s.includes('00000000  83'), 'the hex pane gone');
    expect(screen).not.toMatch(/Hex +payload/);
    await t.keys('x');
    await t.waitFor(/00000000 {2}83 68 06/, 'the hex pane back');

    // Tab to the detail pane, down to the payload's "body" entry (rows: the tuple, its 4 first
    // elements, the struct, event, payload, then the entry): the hex pane highlights exactly that
    // key and value — BINARY_EXT, length, "body", BINARY_EXT, length, "hello gamma".
    await t.keys('Tab', ...Array<string>(8).fill('j'));
    await t.waitFor(
      async () => markedText(await t.screenWithEscapes(), 7).some((m) => m.includes('"body" => "hello gamma"')),
      'the body entry under the cursor',
    );
    const entry = Buffer.concat([
      Buffer.from([0x6d, 0, 0, 0, 4]),
      Buffer.from('body'),
      Buffer.from([0x6d, 0, 0, 0, 11]),
      Buffer.from('hello gamma'),
    ]);
    let hex = '';
    let ascii = '';
    await t.waitFor(async () => {
      const runs = markedText(await t.screenWithEscapes(), 43);
      hex = runs
        .filter((r) => /^[0-9a-f ]+$/.test(r))
        .join('')
        .replace(/ /g, '');
      ascii = runs.filter((r) => !/^[0-9a-f ]+$/.test(r)).join('');
      return hex === entry.toString('hex');
    }, "the entry's bytes highlighted");
    expect(ascii).toBe('m....bodym....hello gamma');
  });

  test('? shows every key, t shows the traffic stats (sortable); both go back to the list', async () => {
    const t = await uiWithThree();
    await t.keys('?');
    let screen = await t.waitFor(/redis-print — keys/, 'the help');
    expect(screen).toContain('Everywhere');
    expect(screen).toMatch(/\/ +filter: topic:rooms:\*/);
    expect(screen).toMatch(/p +pause \/ resume/);
    expect(listRows(screen)).toHaveLength(0);
    await t.keys('Escape');
    await t.waitFor((s) => listRows(s).length === 3, 'the list back');

    await t.keys('t');
    screen = await t.waitFor(/Traffic stats — ranked by messages over the last 10 s/, 'the stats view');
    expect(screen).toMatch(/TOPIC +msg\/s 10s +B\/s 10s +msg\/s all/);
    for (const topic of ['rooms:alpha', 'rooms:beta', 'rooms:gamma'])
      expect(screen).toMatch(new RegExp(`^ ${topic} +\\d`, 'm'));
    expect(screen).toMatch(/^ new_msg +\S+ +\S+ B\/s +\S+ +\S+ B\/s +2 /m);
    expect(screen).toMatch(/^ a@test +\S+ +\S+ B\/s +\S+ +\S+ B\/s +3 /m);
    await t.keys('s');
    await t.waitFor(/ranked by bytes over the last 10 s/, 'sorted by bytes');
    await t.keys('a');
    await t.waitFor(/ranked by bytes since start/, 'since start');
    await t.keys('Escape');
    await t.waitFor((s) => listRows(s).length === 3, 'the list back');
  });

  test('q quits: the alternate screen is left, the shell prompt is back, the summary is on stderr', async () => {
    term = await live.terminal();
    const ui = await startUi(term, live.server);
    await publish('rooms:alpha', 'new_msg', 'hello alpha');
    await term.waitFor((s) => listRows(s).length === 1, 'one row');
    expect(await term.display('#{alternate_on}')).toBe('1');
    await term.keys('q');
    const screen = await term.waitFor((s) => s.trimEnd().endsWith(PROMPT_MARK), 'the shell prompt');
    expect(await term.display('#{alternate_on}')).toBe('0');
    expect(await term.display('#{cursor_flag}')).toBe('1');
    expect(listRows(screen)).toHaveLength(0);
    expect(ui.stderr()).toMatch(
      /^# received 1, shown 1, filtered 0, undecodable 0, dropped 0, evicted 0 \(buffer 10000\)$/m,
    );
    // The terminal is usable: the shell echoes what is typed.
    await term.run('echo still-$((40+2))');
    await term.waitFor(/still-42/, 'the shell answering');
  });
});

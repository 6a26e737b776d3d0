/**
 * The screen's geometry without a terminal: columns of the list, pane rectangles, the status bar,
 * and whole frames built from real captured messages — at 80×24 and up, every line fits its
 * region, and with NO_COLOR no colour is used.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { buildFrame, type FrameContext } from '../../src/ui/frame.js';
import { mainLayout, type Rect } from '../../src/ui/layout.js';
import { kindLetter, listCells, listColumns, rowStyle, shortChannel } from '../../src/ui/list-row.js';
import { MessageCompactor } from '../../src/ui/compact-message.js';
import { themeFor } from '../../src/ui/theme.js';
import { UiState } from '../../src/ui/ui-state.js';
import { drawStatus, type StatusInfo } from '../../src/ui/widgets/status-bar.js';
import { bytesMessage, fixtureMessages } from '../output/filter-fixture-messages.js';
import { shownWidth, stripTags, tagsUsed } from './view-helpers.js';

const fixtures = fixtureMessages().map((f) => f.message);

describe('list columns', () => {
  test('always fit the width, keep time, kind, topic, event and size, and give the payload room from 80 columns', () => {
    fc.assert(
      fc.property(fc.integer({ min: 60, max: 400 }), (width) => {
        const cols = listColumns(width);
        const used = cols.reduce((n, c) => n + c.width, 0) + cols.length - 1;
        expect(used).toBeLessThanOrEqual(width);
        for (const id of ['time', 'kind', 'topic', 'event', 'size'] as const)
          expect(cols.some((c) => c.id === id)).toBe(true);
        if (width >= 80) expect(cols.find((c) => c.id === 'payload')!.width).toBeGreaterThanOrEqual(16);
        // Nothing is left unused when the payload can grow.
        if (width >= 80) expect(used).toBe(width);
      }),
    );
  });

  test('the channel goes first on a narrow terminal, the node last', () => {
    expect(listColumns(80).map((c) => c.id)).not.toContain('channel');
    expect(listColumns(80).map((c) => c.id)).toContain('gen');
    expect(listColumns(120).map((c) => c.id)).toContain('channel');
    expect(listColumns(62).map((c) => c.id)).toEqual(['time', 'kind', 'topic', 'event', 'size', 'payload']);
  });

  test('kinds: letter and colour per message kind; direct is a v3 :only message', () => {
    const byLabel = new Map(fixtureMessages().map((f) => [f.entry.file, f.message]));
    const pick = (name: string) => [...byLabel.entries()].find(([file]) => file.includes(name))![1];
    expect(kindLetter(pick('z0-broadcast-hello').classified)).toBe('B');
    expect(rowStyle(pick('z0-broadcast-hello').classified)).toBe('broadcast');
    expect(kindLetter(pick('z0-direct_broadcast-to-checker').classified)).toBe('D');
    expect(rowStyle(pick('z0-direct_broadcast-to-checker').classified)).toBe('direct');
    expect(kindLetter(pick('z0-tracker-heartbeat-empty').classified)).toBe('T');
    expect(rowStyle(pick('z0-tracker-heartbeat-empty').classified)).toBe('tracker');
    // v1 has no :only — a 2.x direct_broadcast reaches every node, so it is no "direct" row.
    expect(kindLetter(pick('fl-direct_broadcast-to-checker').classified)).not.toBe('D');
    const bad = bytesMessage(1, new Uint8Array([131, 104, 9]));
    expect(kindLetter(bad.classified)).toBe('!');
    expect(rowStyle(bad.classified)).toBe('undecodable');
  });

  test('cells are one line each, with control characters escaped', () => {
    const hostile = bytesMessage(1, '{"x":1}', 'phx:evil\u001b[2J\nchannel');
    const cells = listCells(hostile);
    for (const text of Object.values(cells)) expect(text).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(cells.channel).toBe('evil\\e[2J\\nchannel');
    expect(shortChannel('phx:Elixir.Chat.PubSub.Adapter')).toBe('Chat.PubSub');
    expect(shortChannel('phx:Elixir.Chat.PubSub')).toBe('Chat.PubSub');
    expect(shortChannel('phx:chat_pubsub')).toBe('chat_pubsub');
  });
});

describe('pane layout', () => {
  const inside = (r: Rect, w: number, h: number) =>
    r.top >= 0 && r.left >= 0 && r.left + r.width <= w && r.top + r.height <= h;
  const overlap = (a: Rect, b: Rect) =>
    a.width > 0 &&
    b.width > 0 &&
    a.height > 0 &&
    b.height > 0 &&
    a.left < b.left + b.width &&
    b.left < a.left + a.width &&
    a.top < b.top + b.height &&
    b.top < a.top + a.height;

  test('every pane inside the screen, none overlapping, from 20×8 to 300×100, hex or not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 20, max: 300 }), fc.integer({ min: 8, max: 100 }), fc.boolean(), (w, h, hex) => {
        const l = mainLayout(w, h, hex);
        const rects = [l.list, l.detail, l.status, l.bottom, ...(l.hex ? [l.hex] : [])];
        for (const r of rects) expect(inside(r, w, h)).toBe(true);
        for (let i = 0; i < rects.length; i++)
          for (let j = i + 1; j < rects.length; j++) expect(overlap(rects[i]!, rects[j]!)).toBe(false);
        expect(l.status.top).toBe(h - 2);
        expect(l.bottom.top).toBe(h - 1);
      }),
    );
  });

  test('the hex pane takes 16 bytes a line on wide terminals, 8 on common ones, and leaves the detail readable', () => {
    expect(mainLayout(200, 50, true).hex!.width).toBe(78);
    expect(mainLayout(120, 40, true).hex!.width).toBe(45);
    expect(mainLayout(120, 40, true).detail.width).toBe(74);
    expect(mainLayout(80, 24, true).hex!.width).toBe(45);
    expect(mainLayout(80, 24, true).detail.width).toBe(34);
    expect(mainLayout(50, 24, true).hex).toBeUndefined();
  });
});

describe('status bar', () => {
  const info = (over: Partial<StatusInfo> = {}): StatusInfo => ({
    connection: 'live',
    target: 'redis://10.0.0.5:6379/0',
    subscription: 'phx:*',
    counters: { received: 123_456, shown: 10_000, filteredOut: 0, undecodable: 3, evicted: 113_456, newWhilePaused: 0 },
    msgRate: 2_345,
    byteRate: 512_000,
    paused: false,
    following: true,
    filter: '',
    ...over,
  });

  test('fills exactly the width at any size, keeping connection and counts', () => {
    const theme = themeFor({});
    fc.assert(
      fc.property(
        fc.integer({ min: 30, max: 300 }),
        fc.boolean(),
        fc.string({ maxLength: 60 }),
        (width, paused, filter) => {
          const line = drawStatus(info({ paused, filter }), width, theme);
          expect(shownWidth(line)).toBe(width);
          const text = stripTags(line);
          expect(text).toContain('● live');
          if (width >= 60) expect(text).toMatch(/123k (rx|recv)|recv 123k/);
          if (paused) expect(text).toContain('PAUSED');
        },
      ),
    );
  });

  test('wide: every part in full; narrow: short forms, and the filter cut rather than dropped', () => {
    const wide = stripTags(drawStatus(info({ filter: 'topic:rooms:*' }), 200, themeFor({})));
    expect(wide).toContain(
      '● live redis://10.0.0.5:6379/0 │ following │ recv 123k shown 10.0k filtered 0 undecodable 3 dropped 113k │ 2.35k msg/s 500 KiB/s │ filter: topic:rooms:* │ phx:*',
    );
    const narrow = stripTags(drawStatus(info({ filter: 'topic:rooms:* event:new_msg node:a@*' }), 80, themeFor({})));
    expect(narrow).toContain('123k rx 10.0k shown');
    expect(narrow).toMatch(/\/topic:rooms:\*.*…/);
    const reconnecting = stripTags(drawStatus(info({ connection: 'reconnecting' }), 80, themeFor({})));
    expect(reconnecting).toContain('◌ reconnecting');
  });
});

describe('whole frames from real messages', () => {
  function stateWith(width: number, height: number, env: NodeJS.ProcessEnv = {}): FrameContext {
    let now = 1_700_000_000_000;
    const state = new UiState({ capacity: 100, now: () => now, showHex: width >= 95, connection: 'live' });
    const compactor = new MessageCompactor();
    for (const m of fixtures) {
      now += 10;
      const compact = compactor.compact(m);
      state.list.push(compact);
      state.stats.record(compact);
    }
    state.list.setViewportHeight(mainLayout(width, height, state.showHex).list.height - 1);
    return {
      state,
      theme: themeFor(env),
      width,
      height,
      status: { target: 'redis://127.0.0.1:6379/0', subscription: 'phx:*', msgRate: 12, byteRate: 3000 },
      waitingText: 'waiting',
      publish: undefined,
    };
  }

  const sizes: Array<[number, number]> = [
    [80, 24],
    [100, 30],
    [120, 40],
    [200, 60],
  ];

  test.each(sizes)(
    '%i×%i: every region within its rectangle, in the list view, on every message, in stats and help',
    (w, h) => {
      const ctx = stateWith(w, h);
      const check = (): void => {
        const regions = buildFrame(ctx);
        for (const [name, region] of Object.entries(regions)) {
          expect(region.lines.length, name).toBeLessThanOrEqual(region.height);
          for (const line of region.lines)
            expect(shownWidth(line), `${name}: ${stripTags(line)}`).toBeLessThanOrEqual(region.width);
        }
      };
      // Every message selected in turn (the biggest, 100 KB strings and 1000-row lists, included).
      for (let i = 0; i < ctx.state.list.length; i++) {
        ctx.state.list.select(i);
        check();
      }
      ctx.state.focus = 'detail';
      ctx.state.selectedDetail()?.tree?.unfoldAll();
      check();
      ctx.state.view = 'stats';
      check();
      ctx.state.view = 'help';
      check();
    },
  );

  test('NO_COLOR: no colour tag anywhere; the selection and highlight still show (inverse)', () => {
    const ctx = stateWith(120, 40, { NO_COLOR: '1' });
    ctx.state.list.select(2);
    const lines = Object.values(buildFrame(ctx)).flatMap((r) => r.lines);
    const tags = tagsUsed(lines);
    for (const tag of tags) expect(tag).not.toMatch(/-(fg|bg)$/);
    expect(tags).toContain('inverse');
    const coloured = tagsUsed(Object.values(buildFrame(stateWith(120, 40))).flatMap((r) => r.lines));
    expect([...coloured].some((t) => t.endsWith('-fg'))).toBe(true);
  });
});

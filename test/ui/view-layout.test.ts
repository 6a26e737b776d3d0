/**
 * The screen's geometry without a terminal: columns of the list, pane rectangles, the status bar,
 * and whole frames built from real captured messages — at 80×24 and up, every line fits its
 * region, and with NO_COLOR no colour is used.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { buildFrame, type FrameContext } from '../../src/ui/frame.js';
import { mainLayout, type Rect } from '../../src/ui/layout.js';
import { clockText, kindLetter, listCells, rowStyle, shortChannel } from '../../src/ui/list-row.js';
import { defaultPrefs, elide, layoutColumns, sharedPrefix, type Cells } from '../../src/ui/model/list-columns.js';
import { fit } from '../../src/ui/text.js';
import { MessageCompactor } from '../../src/ui/compact-message.js';
import { themeFor } from '../../src/ui/theme.js';
import { UiState } from '../../src/ui/ui-state.js';
import { drawStatus, type StatusInfo } from '../../src/ui/widgets/status-bar.js';
import { bytesMessage, fixtureMessages } from '../output/filter-fixture-messages.js';
import { shownWidth, stripTags, tagsUsed } from './view-helpers.js';

const fixtures = fixtureMessages().map((f) => f.message);

describe('list columns', () => {
  const cells = (over: Partial<Cells> = {}): Cells => ({
    time: '12:03:41.207',
    kind: 'B',
    channel: 'Chat.PubSub.Adapter',
    gen: 'v3/except',
    node: 'a@h',
    topic: 'rooms:lobby',
    event: 'new:msg',
    size: '222B',
    payload: '%{"body" => "hi"}',
    ...over,
  });

  test('always fit the width, keep time, kind, topic and the payload, and give the payload room', () => {
    fc.assert(
      fc.property(fc.integer({ min: 40, max: 400 }), (width) => {
        const cols = layoutColumns([cells()], width);
        const used = cols.reduce((n, c) => n + c.width, 0) + cols.length - 1;
        expect(used).toBe(width);
        for (const id of ['time', 'kind', 'topic', 'payload'] as const)
          expect(cols.some((c) => c.id === id)).toBe(true);
        if (width >= 80) expect(cols.find((c) => c.id === 'payload')!.width).toBeGreaterThanOrEqual(24);
        expect(cols.at(-1)!.id).toBe('payload');
      }),
    );
  });

  test('a column dropped for width is the least important, not the one in a given place', () => {
    const ids = (width: number) => layoutColumns([cells()], width).map((c) => c.id);
    expect(ids(120)).toEqual(['time', 'kind', 'channel', 'gen', 'node', 'topic', 'event', 'size', 'payload']);
    // Channel (the least important) goes first, then the generation — whatever their position.
    expect(ids(80)).not.toContain('channel');
    expect(ids(70)).toContain('node');
    expect(ids(40)).toEqual(['time', 'kind', 'topic', 'payload']);
    // Hidden by the user: gone, the payload gets its room.
    const hidden = layoutColumns([cells()], 120, { ...defaultPrefs(), hidden: new Set(['node', 'gen'] as const) });
    expect(hidden.map((c) => c.id)).not.toContain('node');
  });

  test('node names and topics that share a start are elided to what tells them apart', () => {
    const nodes = [23, 24, 25].map((n) => `myapp@ip-10-0-1-${n}.eu-west-1.compute.internal`);
    const rows = nodes.map((node, i) => cells({ node, topic: `user_socket:lv_phx-F_x12${i}` }));
    for (const width of [80, 100, 120]) {
      const cols = layoutColumns(rows, width);
      const node = cols.find((c) => c.id === 'node')!;
      const shown = nodes.map((n) => fit(elide(n, node.elidePrefix), node.width));
      expect(new Set(shown).size, `${width}: ${shown.join(' | ')}`).toBe(3);
      expect(shown[0]).toMatch(/^…-23\./);
      const topic = cols.find((c) => c.id === 'topic')!;
      const topics = rows.map((r) => fit(elide(r.topic, topic.elidePrefix), topic.width).trimEnd());
      expect(new Set(topics).size).toBe(3);
    }
    expect(sharedPrefix(nodes)).toBe('myapp@ip-10-0-1');
    expect(sharedPrefix(['rooms:lobby', 'user:1'])).toBe('');
    expect(sharedPrefix(nodes.slice(0, 1))).toBe('');
    // Wide enough for whole names: nothing elided.
    const wide = layoutColumns(rows, 300).find((c) => c.id === 'node')!;
    expect(wide.elidePrefix).toBe('');
    expect(wide.width).toBeGreaterThanOrEqual(nodes[0]!.length);
  });

  test('the user widens and narrows the selected column', () => {
    const base = layoutColumns([cells()], 160).find((c) => c.id === 'event')!.width;
    const wider = layoutColumns([cells()], 160, { ...defaultPrefs(), extra: { event: 6 } });
    expect(wider.find((c) => c.id === 'event')!.width).toBe(base + 6);
    const narrower = layoutColumns([cells()], 160, { ...defaultPrefs(), extra: { event: -2 } });
    expect(narrower.find((c) => c.id === 'event')!.width).toBe(base - 2);
  });

  test('times from another day show their date', () => {
    const now = new Date(2026, 10, 27, 15, 0, 0).getTime();
    expect(clockText(new Date(2026, 10, 27, 9, 5, 1, 7).getTime(), now)).toBe('09:05:01.007');
    expect(clockText(new Date(2026, 10, 20, 9, 5, 1, 7).getTime(), now)).toBe('2026-11-20 09:05:01.007');
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
    // 3.x and 2.x channels stay apart: `.Adapter` is kept.
    expect(shortChannel('phx:Elixir.Chat.PubSub.Adapter')).toBe('Chat.PubSub.Adapter');
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
    dropped: 4_321,
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
          // Label then number, at every width.
          if (width >= 60) expect(text).toMatch(/(rx|recv) 123k shown 10\.0k/);
          if (paused) expect(text).toContain('PAUSED');
        },
      ),
    );
  });

  test('wide: every part in full; narrow: short forms, and the filter cut rather than dropped', () => {
    const wide = stripTags(drawStatus(info({ filter: 'topic:rooms:*' }), 200, themeFor({})));
    expect(wide).toContain(
      '● live redis://10.0.0.5:6379/0 │ following │ recv 123k shown 10.0k filtered 0 undecodable 3 dropped 4.32k evicted 113k │ 2.35k msg/s 500 KiB/s │ filter: topic:rooms:* │ phx:*',
    );
    const narrow = stripTags(drawStatus(info({ filter: 'topic:rooms:* event:new_msg node:a@*' }), 80, themeFor({})));
    expect(narrow).toContain('rx 123k shown 10.0k filt 0 bad 3 drop 4.32k');
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
      status: { target: 'redis://127.0.0.1:6379/0', subscription: 'phx:*', msgRate: 12, byteRate: 3000, dropped: 0 },
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

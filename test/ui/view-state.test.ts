/**
 * The UI's state and key handling without a terminal: keys through the real dispatcher into the
 * real models, on the captured adapter payloads.
 */
import fc from 'fast-check';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { compileFilter } from '../../src/output/filter.js';
import { parseFilterQuery } from '../../src/output/filter-query.js';
import { classify } from '../../src/phoenix/classify.js';
import { osc52Sequence } from '../../src/ui/clipboard.js';
import { fullMessage, MessageCompactor } from '../../src/ui/compact-message.js';
import { handleKey, type Effects } from '../../src/ui/controller.js';
import { copyText, detailContent, highlightOf } from '../../src/ui/detail-content.js';
import { FrameScheduler } from '../../src/ui/frame-scheduler.js';
import { actionFor, KEY_BINDINGS } from '../../src/ui/keys.js';
import { LineEditor } from '../../src/ui/line-editor.js';
import { themeFor } from '../../src/ui/theme.js';
import { UiState } from '../../src/ui/ui-state.js';
import { defaultFixtureName, startSave } from '../../src/ui/user-actions.js';
import { helpLines } from '../../src/ui/widgets/help.js';
import { fixtureMessages } from '../output/filter-fixture-messages.js';
import { stripTags } from './view-helpers.js';
import { expectSame } from '../support/expect-same.js';

const fixtures = fixtureMessages();
const compactor = new MessageCompactor();

function fixture(name: string) {
  const found = fixtures.find((f) => f.entry.file.includes(name));
  if (found === undefined) throw new Error(`no fixture ${name}`);
  return found.message;
}

/** A state holding every fixture (compacted, as the app keeps them), and effects that record what was asked. */
function loaded() {
  const state = new UiState({ capacity: 1000, now: () => 1_700_000_000_000, showHex: true, connection: 'live' });
  for (const f of fixtures) state.list.push(compactor.compact(f.message));
  const asked: string[] = [];
  const fx: Effects = {
    quit: () => asked.push('quit'),
    save: () => asked.push('save'),
    copy: () => asked.push('copy'),
    writeCapture: () => asked.push('write'),
    publish: () => asked.push('publish'),
    sendPublish: () => asked.push('send'),
    size: () => ({ width: 120, height: 40 }),
  };
  const press = (...keys: string[]): void => {
    for (const key of keys) handleKey(state, { full: key, ch: key.length === 1 ? key : undefined }, fx);
  };
  const typeText = (text: string): void => {
    for (const ch of text) handleKey(state, { full: ch, ch }, fx);
  };
  return { state, asked, press, typeText };
}

describe('compact messages', () => {
  test('filters, stats keys and kinds see the same in the compact message as in the full one', () => {
    const queries = [
      'topic:rooms:*',
      'event:new_msg',
      'node:a@*',
      '-kind:tracker',
      'kind:error',
      'channel:*Adapter',
      'node:*@127.0.0.1',
      'hello',
      '-"heartbeat"',
      'kind:presence_diff',
    ];
    const state = new UiState({ capacity: 10, now: () => 0, showHex: false, connection: 'live' });
    let matched = 0;
    for (const q of queries) {
      const spec = parseFilterQuery(q).spec;
      const onFull = compileFilter(spec).filter;
      // The UI's own search text decodes the term again from the compact message.
      const onCompact = compileFilter(spec, { searchText: state.searchText }).filter;
      for (const { message } of fixtures) {
        const expected = onFull.matches(message);
        expect(onCompact.matches(compactor.compact(message)), `${q} on #${message.seq}`).toBe(expected);
        if (expected) matched++;
      }
    }
    expect(matched).toBeGreaterThan(fixtures.length); // the queries do select something
  });

  test('holds no term, and gets back exactly what classify gives', () => {
    for (const { message } of fixtures) {
      const compact = compactor.compact(message);
      expect(compact.classified.term).toBeUndefined();
      expect(compact.raw.payload).toBe(message.raw.payload);
      expectSame(fullMessage(compact).classified, classify(message.raw.payload));
      expectSame(fullMessage(compact, { spans: true }).classified.spans, message.classified.spans);
    }
  });

  test('repeated strings and envelopes are shared', () => {
    const a = compactor.compact(fixture('z0-broadcast-hello'));
    const b = compactor.compact(fixture('z0-broadcast-hello'));
    expect(a.classified.envelope).toBe(b.classified.envelope);
    expect(a.raw.channel).toBe(b.raw.channel);
  });
});

describe('detail content', () => {
  test('a compressed payload: the hex pane shows the inflated bytes and says so; node ranges point into them', () => {
    const m = compactor.compact(fixture('z6-broadcast-hello'));
    const d = detailContent(m);
    expect(d.hexTitle).toMatch(/^inflated \d+ B \(zlib payload \d+ B\)$/);
    const full = classify(m.raw.payload, { spans: true });
    expect(d.hexBytes).toEqual(full.inflated);
    // Every node's range lies in those bytes, and the root covers them all.
    const tree = d.tree!;
    tree.unfoldAll();
    for (const row of tree.rows()) {
      const r = row.more === undefined ? row.node.range : undefined;
      if (r === undefined) continue;
      expect(r.start).toBeGreaterThanOrEqual(0);
      expect(r.end).toBeLessThanOrEqual(d.hexBytes.length);
    }
    expect(highlightOf(d)).toEqual({ start: 0, end: d.hexBytes.length });
  });

  test('the envelope elements are named; the cursor moves the highlighted range', () => {
    const d = detailContent(compactor.compact(fixture('z0-broadcast-hello')));
    expect(d.envelopeFields).toEqual(['vsn', 'mode', 'node', 'topic', 'message', 'dispatcher']);
    const tree = d.tree!;
    tree.setCursor(3); // the node element
    const range = highlightOf(d)!;
    const full = classify(d.message.raw.payload, { spans: true });
    expect(range).toEqual({ start: full.spans!.children![2]!.start, end: full.spans!.children![2]!.end });
    expect(copyText(d.message)).toContain('%Phoenix.Socket.Broadcast{');
  });

  test('undecodable bytes: the error and its offset, highlighted', () => {
    const bytes = new Uint8Array([131, 104, 2, 97, 1, 119]);
    const m = {
      seq: 1,
      raw: { receivedAt: 0, channel: 'phx:x', pattern: null, payload: bytes },
      classified: classify(bytes),
    };
    const d = detailContent(compactor.compact(m));
    expect(d.tree).toBeUndefined();
    expect(d.text[0]).toMatch(/^! not decodable: /);
    expect(highlightOf(d)).toEqual({ start: m.classified.error!.offset, end: m.classified.error!.offset + 1 });
  });
});

describe('keys', () => {
  test('every key is bound once per context, and the help lists every binding', () => {
    for (const context of ['global', 'list', 'detail', 'hex', 'stats'] as const) {
      const keys = KEY_BINDINGS.filter((b) => b.context === context).flatMap((b) => b.keys);
      expect(new Set(keys).size, context).toBe(keys.length);
    }
    const help = helpLines(themeFor({}), 200).map(stripTags).join('\n');
    for (const b of KEY_BINDINGS) expect(help).toContain(`${b.label}`);
    expect(actionFor('space', 'list')).toBe('pause');
    expect(actionFor('space', 'detail')).toBe('toggleNode');
    expect(actionFor('j', 'detail')).toBe('down');
  });

  test('/ filters live as typed; a problem keeps the previous filter; Esc clears it', () => {
    const { state, press, typeText } = loaded();
    const all = state.list.length;
    press('/');
    typeText('kind:tracker');
    const trackers = state.list.length;
    expect(trackers).toBeGreaterThan(0);
    expect(trackers).toBeLessThan(all);
    typeText(' rooms'); // a word: searched in the decoded trackers
    const withWord = state.list.length;
    expect(withWord).toBeLessThan(trackers);
    typeText(':x'); // now an unknown field: a problem, the last good filter stays
    expect(state.prompt?.kind === 'filter' && state.prompt.problem).toMatch(/unknown field "rooms:"/);
    expect(state.list.length).toBe(withWord);
    press('C-w', 'enter');
    expect(state.prompt).toBeUndefined();
    expect(state.query).toBe('kind:tracker ');
    press('/', 'escape');
    expect(state.list.length).toBe(all);
    expect(state.query).toBe('');
  });

  test('p pauses and Space in the list too; Tab cycles the panes; x hides the hex pane; c clears', () => {
    const { state, press, asked } = loaded();
    press('p');
    expect(state.list.paused).toBe(true);
    press('space');
    expect(state.list.paused).toBe(false);
    press('tab');
    expect(state.focus).toBe('detail');
    press('tab');
    expect(state.focus).toBe('hex');
    press('x');
    expect(state.showHex).toBe(false);
    expect(state.focus).toBe('detail');
    press('tab');
    expect(state.focus).toBe('list');
    press('s', 'y', 'w', 'S-p', 'q');
    expect(asked).toEqual(['save', 'copy', 'write', 'publish', 'quit']);
    press('c');
    expect(state.list.length).toBe(0);
    expect(state.list.counters.received).toBe(fixtures.length);
  });

  test('in the detail pane, j/k move the cursor and Enter folds (Enter reported twice counts once)', () => {
    const { state, press } = loaded();
    press('k', 'tab');
    const tree = state.selectedDetail()!.tree!;
    const container = tree.rows().findIndex((r) => r.depth >= 1 && r.more === undefined && r.node.isContainer);
    expect(container).toBeGreaterThan(0);
    press(...Array<string>(container).fill('j'));
    expect(tree.cursor).toBe(container);
    const rows = tree.rows().length;
    press('enter', 'return');
    expect(tree.rows().length).not.toBe(rows);
    press('enter', 'return');
    expect(tree.rows().length).toBe(rows);
  });

  test('the line editor: readline keys, never a control character', () => {
    const e = new LineEditor('topic:rooms');
    e.handle({ full: 'C-a' });
    e.handle({ full: '-', ch: '-' });
    expect(e.text).toBe('-topic:rooms');
    e.handle({ full: 'C-e' });
    e.handle({ full: 'C-w' });
    expect(e.text).toBe('');
    e.handle({ full: 'C-k', ch: '\u000b' });
    e.handle({ full: 'escape', ch: '\u001b' });
    expect(e.text).toBe('');
    fc.assert(
      fc.property(
        fc.string(),
        fc.array(fc.constantFrom('left', 'right', 'backspace', 'delete', 'home', 'end', 'C-u', 'C-k', 'C-w')),
        (text, keys) => {
          const ed = new LineEditor(text);
          for (const k of keys) ed.handle({ full: k });
          expect(ed.cursor).toBeGreaterThanOrEqual(0);
          expect(ed.cursor).toBeLessThanOrEqual(ed.text.length);
        },
      ),
    );
  });
});

describe('saving and copying', () => {
  test('s writes the payload bytes exactly; an existing file is only replaced after a yes', async () => {
    const { state } = loaded();
    const dir = mkdtempSync(join(tmpdir(), 'redis-print-ui-save-'));
    const path = join(dir, 'out.etf');
    state.list.select(0);
    const m = state.list.selectedMessage!;
    const redraws: number[] = [];
    const save = async (): Promise<void> => {
      startSave(state, { request: () => redraws.push(1) });
      const prompt = state.prompt!;
      expect(prompt.kind).toBe('input');
      if (prompt.kind !== 'input') return;
      prompt.editor.set(path);
      prompt.submit(prompt.editor.text);
    };
    // Saving is asynchronous: wait for its outcome, however busy the machine is.
    const until = (check: () => void) => vi.waitFor(check, { timeout: 60_000, interval: 5 });
    await save();
    await until(() => expect(readFileSync(path)).toEqual(Buffer.from(m.raw.payload)));
    writeFileSync(path, 'something else');
    await save();
    await until(() => expect(state.prompt?.kind).toBe('confirm'));
    expect(readFileSync(path, 'utf8')).toBe('something else');
    if (state.prompt?.kind === 'confirm') state.prompt.yes();
    await until(() => expect(readFileSync(path)).toEqual(Buffer.from(m.raw.payload)));
    expect(defaultFixtureName(m)).toMatch(/^[A-Za-z0-9._-]+\.etf$/);
  });

  test('y: an OSC 52 sequence with the Elixir text; too large is refused', () => {
    const seq = osc52Sequence('%{"a" => 1}');
    expect(seq.ok && seq.sequence).toBe(`\u001b]52;c;${Buffer.from('%{"a" => 1}').toString('base64')}\u0007`);
    expect(osc52Sequence('x'.repeat(200_000)).ok).toBe(false);
  });
});

describe('frame scheduler', () => {
  function fakeClock() {
    let now = 0;
    const timers: Array<{ at: number; fn: () => void; id: number }> = [];
    let ids = 0;
    return {
      now: () => now,
      setTimeout: (fn: () => void, ms: number) => {
        const id = ++ids;
        timers.push({ at: now + ms, fn, id });
        return id;
      },
      clearTimeout: (id: unknown) => {
        const i = timers.findIndex((t) => t.id === id);
        if (i >= 0) timers.splice(i, 1);
      },
      advance(ms: number) {
        const until = now + ms;
        for (;;) {
          timers.sort((a, b) => a.at - b.at);
          const next = timers[0];
          if (next === undefined || next.at > until) break;
          timers.shift();
          now = next.at;
          next.fn();
        }
        now = until;
      },
    };
  }

  test('a burst of requests is one frame; frames never come closer than 50 ms; a request after quiet is drawn at once', () => {
    const clock = fakeClock();
    const drawn: number[] = [];
    const s = new FrameScheduler(() => drawn.push(clock.now()), 50, clock);
    for (let i = 0; i < 1000; i++) s.request();
    clock.advance(0);
    expect(drawn).toEqual([0]);
    for (let t = 0; t < 500; t += 5) {
      s.request();
      clock.advance(5);
    }
    for (let i = 1; i < drawn.length; i++) expect(drawn[i]! - drawn[i - 1]!).toBeGreaterThanOrEqual(50);
    expect(drawn.length).toBeLessThanOrEqual(11);
    clock.advance(1000);
    const before = drawn.length;
    s.request();
    clock.advance(0);
    expect(drawn.length).toBe(before + 1);
    s.request();
    s.stop();
    clock.advance(100);
    expect(drawn.length).toBe(before + 1);
  });
});

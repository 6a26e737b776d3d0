/**
 * The nodes (`n`) and presence (`r`) views without a terminal: the real tracker captures through
 * the watch pipeline (with a filter that hides all of them from the list), keys through the real
 * dispatcher, frames built at several sizes.
 */
import { describe, expect, test } from 'vitest';
import { compileFilter } from '../../src/output/filter.js';
import { parseFilterQuery } from '../../src/output/filter-query.js';
import { MessagePipeline } from '../../src/output/pipeline.js';
import { handleKey, type Effects } from '../../src/ui/controller.js';
import { buildFrame } from '../../src/ui/frame.js';
import { themeFor } from '../../src/ui/theme.js';
import { UiState } from '../../src/ui/ui-state.js';
import { trackerCapture } from '../phoenix/tracker-captures.js';
import { shownWidth, stripTags } from './view-helpers.js';

async function loaded(name: string, width = 120, height = 40) {
  const messages = await trackerCapture(name);
  const end = messages.at(-1)!.receivedAt;
  const state = new UiState({ capacity: 100, now: () => end, showHex: false, connection: 'offline' });
  // The list shows nothing of it: the views must not depend on the list's filter.
  const filter = compileFilter(parseFilterQuery('kind:broadcast').spec).filter;
  const pipeline = new MessagePipeline({ filter });
  pipeline.observe((m) => state.insight.observe(m));
  for (const raw of messages) {
    const m = pipeline.accept(raw);
    if (m !== undefined) state.list.push(m);
  }
  expect(state.list.length).toBe(0);
  const fx: Effects = {
    quit: () => undefined,
    save: () => undefined,
    copy: () => undefined,
    writeCapture: () => undefined,
    publish: () => undefined,
    sendPublish: () => undefined,
    size: () => ({ width, height }),
  };
  const press = (...keys: string[]): void => {
    for (const key of keys) handleKey(state, { full: key, ch: key.length === 1 ? key : undefined }, fx);
  };
  const screen = (): string[] =>
    Object.values(
      buildFrame({
        state,
        theme: themeFor({ NO_COLOR: '1' }),
        width,
        height,
        status: { target: 'capture', subscription: 'phx:*', msgRate: 0, byteRate: 0, dropped: 0 },
        waitingText: '',
        publish: undefined,
        now: end,
      }),
    ).flatMap((r) => r.lines.map(stripTags));
  return { state, press, screen, width };
}

describe('nodes view (n)', () => {
  test('lists a, b, c with their replicas and the findings; Esc goes back', async () => {
    const { state, press, screen } = await loaded('three-nodes.capture');
    press('n');
    expect(state.view).toBe('nodes');
    const text = screen().join('\n');
    expect(text).toMatch(/a@127\.0\.0\.1\s+3\.x v3\s+Demo\.PubSub\s+off\s+latin1 \(OTP ≤25\)/);
    expect(text).toContain('! node-silent: c@127.0.0.1 has been silent');
    expect(text).toContain('i replica-restarted: b@127.0.0.1');
    press('escape');
    expect(state.view).toBe('main');
  });

  test('two nodes named web@127.0.0.1: the duplicate-node-name finding', async () => {
    const { press, screen } = await loaded('duplicate-node-name.capture');
    press('n');
    expect(screen().join('\n')).toContain('! duplicate-node-name: two live nodes share the node name web@127.0.0.1');
  });
});

describe('presence view (r)', () => {
  test('dave on a, grace hidden with c down, the replicas, the latest changes; j scrolls, r closes', async () => {
    const { state, press, screen } = await loaded('three-nodes.capture', 160, 60);
    press('r');
    expect(state.view).toBe('presence');
    const text = screen().join('\n');
    expect(text).toMatch(/dave\s+on a@127\.0\.0\.1/);
    expect(text).toMatch(/grace\s+on c@127\.0\.0\.1\s+since \S+\s+\(replica down: hidden by its peers\)/);
    expect(text).toMatch(/c@127\.0\.0\.1\s+1796409777558637\s+down \(silent for \d+ s\)/);
    expect(text).toContain('Complete: the whole state of every live replica was seen');
    expect(text).toMatch(/update room:lobby alice on a@127\.0\.0\.1 .*status: "away"/);
    const first = screen()[0];
    press('j');
    expect(state.insight.scroll.presence).toBe(1);
    expect(screen()[0]).toBe(first); // the title stays
    press('r');
    expect(state.view).toBe('main');
  });

  test.each([
    [80, 24],
    [120, 40],
    [40, 20],
  ])('%i×%i: every line within the screen, in both views', async (w, h) => {
    const { press, screen } = await loaded('three-nodes.capture', w, h);
    for (const key of ['n', 'r']) {
      press(key);
      for (const line of screen()) expect(shownWidth(line)).toBeLessThanOrEqual(w);
    }
  });
});

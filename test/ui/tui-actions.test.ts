/**
 * The keys that reach outside the screen, in tmux against a real redis-server: `s` saves the
 * payload (read back by `redis-print decode`), `w` writes a capture, `P` publishes a copy.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { readCapture } from '../../src/capture/reader.js';
import { ErlMap } from '../../src/etf/term.js';
import { classify } from '../../src/phoenix/classify.js';
import { runCli } from '../cli/run-cli.js';
import { rawPublish, rawSubscriber } from '../helpers/redis-server.js';
import { listRows, Tmux } from './tmux.js';
import { broadcastPayload, CHANNEL, liveUi, startUi } from './tui-helpers.js';

const live = liveUi();
let term: Tmux | undefined;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'redis-print-tui-actions-'));
});

/** The UI with three messages; returns their payloads as published. */
async function uiWithThree(): Promise<{ t: Tmux; payloads: Buffer[] }> {
  term = await live.terminal();
  await startUi(term, live.server);
  const payloads = [
    broadcastPayload('rooms:alpha', 'new_msg', 'hello alpha'),
    broadcastPayload('rooms:beta', 'typing', 'hello beta'),
    broadcastPayload('rooms:gamma', 'new_msg', 'hello gamma'),
  ];
  for (const p of payloads) await rawPublish(live.server, CHANNEL, p);
  await term.waitFor((s) => listRows(s).length === 3, 'three rows');
  return { t: term, payloads };
}

describe('s, w and P in tmux', () => {
  test('s saves the selected payload byte for byte; redis-print decode reads it back; an existing file needs a yes', async () => {
    const { t, payloads } = await uiWithThree();
    await t.keys('k'); // rooms:beta
    await t.waitFor(/^ +"body" => "hello beta"/m, 'beta selected');
    await t.keys('s');
    await t.waitFor(/save payload #2 \(raw \.etf\) to: rooms_beta-typing-2\.etf/, 'the prompt with a default name');
    const path = join(dir, 'beta.etf');
    await t.keys('C-u');
    await t.type(path);
    await t.keys('Enter');
    await t.waitFor(/saved 203 B to .*beta\.etf/, 'the saved notice');
    expect(readFileSync(path)).toEqual(payloads[1]);

    const reference = join(dir, 'reference.etf');
    writeFileSync(reference, payloads[1]!);
    const [saved, original] = await Promise.all([runCli(['decode', path]), runCli(['decode', reference])]);
    expect(saved.code).toBe(0);
    expect(saved.stdout).toContain('"hello beta"');
    expect(saved.stdout).toBe(original.stdout);

    // Again to the same path: asked, and "no" leaves the file alone.
    await t.keys('s');
    await t.waitFor(/save payload #2/, 'the prompt');
    await t.keys('C-u');
    await t.type(path);
    await t.keys('Enter');
    await t.waitFor(/beta\.etf exists — replace it\? \[y\/N\]/, 'the question');
    await t.keys('n');
    await t.waitFor(/cancelled/, 'cancelled');
    expect(readFileSync(path)).toEqual(payloads[1]);
  });

  test('w writes the shown messages to a capture that holds exactly the published payloads', async () => {
    const { t, payloads } = await uiWithThree();
    await t.keys('/');
    await t.type('event:new_msg');
    await t.keys('Enter');
    await t.waitFor((s) => listRows(s).length === 2, 'two shown');
    await t.keys('w');
    await t.waitFor(/write the 2 shown messages to capture: redis-print-\d{8}-\d{6}\.capture/, 'the prompt');
    const path = join(dir, 'shown.capture');
    await t.keys('C-u');
    await t.type(path);
    await t.keys('Enter');
    await t.waitFor(/wrote 2 messages to .*shown\.capture/, 'the written notice');
    const records = [];
    for await (const raw of readCapture(path).messages()) records.push(raw);
    expect(records.map((r) => Buffer.from(r.payload))).toEqual([payloads[0], payloads[2]]);
    expect(records.every((r) => r.channel === CHANNEL && r.pattern === 'phx:*')).toBe(true);
  });

  test('P: the copy is prefilled and editable, shows the exact term, asks, and goes out only on y', async () => {
    const listener = await rawSubscriber(live.server, { channels: [CHANNEL] });
    try {
      const { t } = await uiWithThree();
      await t.keys('k');
      await t.waitFor(/^ +"body" => "hello beta"/m, 'beta selected');
      await t.keys('P');
      let screen = await t.waitFor(/Publish a copy/, 'the form');
      expect(screen).toContain(` channel : ${CHANNEL}`);
      expect(screen).toContain(' topic   : rooms:beta');
      expect(screen).toContain(' event   : typing');
      expect(screen).toMatch(/payload : %\{"body" => "hello beta"\}/);
      expect(screen).toMatch(/✓ v3 except redis-print@\S+ → phx:Elixir\.Test\.PubSub\.Adapter, \d+ bytes/);
      expect(screen).toContain('the exact term:');

      // A payload that is not Elixir: refused, with the reason; Enter does not ask.
      await t.keys('C-u');
      await t.type('%{"body" => ');
      screen = await t.waitFor(/✗ the payload is not an Elixir term/, 'refused');
      await t.keys('Enter');
      await t.waitFor(/refused: fix the problems shown first/, 'not asked');
      await t.keys('C-u');
      await t.type('%{"body" => "edited in the UI"}');
      screen = await t.waitFor(/✓ v3 except/, 'valid again');
      expect(screen).toMatch(/payload: %\{"body" => "edited in the UI"\}/);

      await t.keys('Enter');
      await t.waitFor(/Send these \d+ bytes to redis:\/\/127\.0\.0\.1:\d+\/0\? \[y\/N\]/, 'the question');
      await t.keys('n');
      await t.waitFor(/not sent/, 'not sent on n');
      expect(listener.messages).toHaveLength(3);

      await t.keys('Enter');
      await t.waitFor(/\[y\/N\]/, 'asked again');
      await t.keys('y');
      // The form closes; the result is on the notice line, under the list (which has the copy).
      screen = await t.waitFor(
        /^ published \d+ bytes to phx:Elixir\.Test\.PubSub\.Adapter: 2 subscribers received it/m,
        'the result',
      );
      expect(screen).not.toContain('Publish a copy');
      expect(listener.messages).toHaveLength(4);
      const sent = classify(listener.messages[3]!.payload);
      expect(sent.topic).toBe('rooms:beta');
      expect(sent.event).toBe('typing');
      expect(sent.envelope?.node).toBe(`redis-print@${hostname()}`);
      expect((sent.payload as ErlMap).get(new TextEncoder().encode('body'))).toEqual(
        new TextEncoder().encode('edited in the UI'),
      );

      // The UI received its own copy too; `/` filters again (it typed into the payload before).
      await t.waitFor((s) => listRows(s).length === 4, 'the copy in the list');
      await t.keys('/');
      await t.waitFor(/Enter keep · Esc clear/, 'the filter prompt');
      await t.keys('Escape');
    } finally {
      listener.close();
    }
  });
});

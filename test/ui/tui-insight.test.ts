/**
 * The nodes (`n`) and presence (`r`) views in a real terminal (tmux): `view` on the real tracker
 * capture, offline, so the views run on the recorded clock.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { MAIN } from '../cli/run-cli.js';
import { shellQuote, Tmux } from './tmux.js';

const CAPTURE = fileURLToPath(new URL('../../fixtures/tracker/three-nodes.capture', import.meta.url));

let term: Tmux | undefined;
afterEach(async () => {
  await term?.kill();
  term = undefined;
});

describe('n and r in tmux', () => {
  test('view CAPTURE, n shows the nodes and the silent one, r the presences, Esc back to the list', async () => {
    term = await Tmux.start();
    await term.run(`node ${shellQuote(MAIN)} view ${shellQuote(CAPTURE)}`);
    await term.waitFor(/27 messages read/, 'the end of the file');
    await term.keys('n');
    let screen = await term.waitFor(/Nodes — who publishes/, 'the nodes view');
    expect(screen).toMatch(/a@127\.0\.0\.1 +3\.x v3/);
    expect(screen).toMatch(/! node-silent: c@127\.0\.0\.1/);
    await term.keys('r');
    screen = await term.waitFor(/Presence — Phoenix\.Presence/, 'the presence view');
    expect(screen).toMatch(/dave +on a@127\.0\.0\.1/);
    await term.keys('Escape');
    screen = await term.waitFor(/heartbeat/, 'the list again');
    expect(screen).not.toMatch(/Presence — Phoenix\.Presence/);
    await term.keys('q');
  });
});

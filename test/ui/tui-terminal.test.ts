/**
 * The UI and its terminal, in tmux against a real redis-server: small and resized windows,
 * NO_COLOR, and the terminal given back on a signal or a crash; connection loss shown.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAIN } from '../cli/run-cli.js';
import { describe, expect, test } from 'vitest';
import { rawPublish, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { listRows, PROMPT_MARK, shellQuote, Tmux } from './tmux.js';
import { broadcastPayload, CHANNEL, liveUi, markedText, startUi, statusLine } from './tui-helpers.js';

const live = liveUi();
let term: Tmux | undefined;

async function publishSome(target: RedisServer, n: number): Promise<void> {
  for (let i = 0; i < n; i++)
    await rawPublish(target, CHANNEL, broadcastPayload(`rooms:r${i}`, 'new_msg', `hello ${i}`));
}

const promptBack = (s: string): boolean => s.trimEnd().endsWith(PROMPT_MARK);

describe('the UI and its terminal', () => {
  test('80×24: list, detail, status and hints all on screen; resizing redraws to the new size', async () => {
    term = await live.terminal({ width: 80, height: 24 });
    await startUi(term, live.server);
    await publishSome(live.server, 30);
    let screen = await term.waitFor((s) => /(rx|recv) 30 /.test(statusLine(s)), 'thirty received');
    let lines = screen.split('\n');
    // The channel and generation go first on a narrow terminal (by priority, not position).
    expect(lines[0]).toMatch(/^TIME +K (GEN +)?NODE +TOPIC +EVENT +SIZE PAYLOAD/);
    expect(listRows(screen).length).toBeGreaterThanOrEqual(5);
    expect(listRows(screen).at(-1)).toContain('rooms:r29'); // following the tail
    expect(screen).toMatch(/^ Detail +#30 /m);
    expect(lines[22]).toMatch(/^ ● live/);
    expect(lines[23]).toMatch(/^ q quit +\? help/);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);

    await term.resize(140, 45);
    screen = await term.waitFor((s) => /^ ● live/.test(s.split('\n')[43] ?? ''), 'the status bar on row 44 of 45');
    lines = screen.split('\n');
    expect(lines[0]).toMatch(/^TIME +K CHANNEL +GEN/); // room for the channel again
    expect(screen).toMatch(/Hex +payload/); // and the hex pane beside the detail
    expect(listRows(screen).at(-1)).toContain('rooms:r29');

    await term.resize(80, 24);
    screen = await term.waitFor((s) => /^ ● live/.test(s.split('\n')[22] ?? ''), 'back to 80×24');
    for (const line of screen.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  test('NO_COLOR: no colour on screen, the selected row still inverse', async () => {
    term = await live.terminal({ env: { NO_COLOR: '1' } });
    await startUi(term, live.server);
    await publishSome(live.server, 3);
    await term.waitFor((s) => listRows(s).length === 3, 'three rows');
    const escapes = await term.screenWithEscapes();
    const sgr = [...escapes.matchAll(/\u001b\[([0-9;]*)m/g)].flatMap((m) => m[1]!.split(';'));
    const colours = sgr.filter((c) => /^(3[0-7]|4[0-7]|9[0-7]|10[0-7]|38|48)$/.test(c));
    expect(colours).toEqual([]);
    expect(markedText(escapes, 7).some((t) => t.includes('rooms:r2'))).toBe(true);
  });

  test('SIGTERM: the terminal is restored and the summary printed', async () => {
    term = await live.terminal();
    const ui = await startUi(term, live.server);
    await publishSome(live.server, 2);
    await term.waitFor((s) => listRows(s).length === 2, 'two rows');
    process.kill(await term.programPid(), 'SIGTERM');
    await term.waitFor(promptBack, 'the shell prompt');
    expect(await term.display('#{alternate_on}')).toBe('0');
    expect(ui.stderr()).toMatch(/^# received 2, shown 2, /m);
    // The exit code every command gives for SIGTERM (help: 143), not a quit's 0.
    await term.run('echo "exit=$?"');
    expect(await term.waitFor(/^exit=\d+/m, 'the exit code')).toMatch(/^exit=143$/m);
  });

  test('SIGHUP (the terminal went away) ends the UI like a quit', async () => {
    term = await live.terminal();
    const ui = await startUi(term, live.server);
    process.kill(await term.programPid(), 'SIGHUP');
    await term.waitFor(promptBack, 'the shell prompt');
    expect(await term.display('#{alternate_on}')).toBe('0');
    expect(ui.stderr()).toMatch(/^# received 0, /m);
  });

  test('a crash (an uncaught exception) still gives the terminal back, with the error and exit code 2', async () => {
    term = await live.terminal();
    // A preloaded module throws from a timer once told to (SIGUSR2): a real uncaught exception in the running program.
    const dir = mkdtempSync(join(tmpdir(), 'redis-print-tui-crash-'));
    const crash = join(dir, 'crash.cjs');
    writeFileSync(
      crash,
      "process.on('SIGUSR2', () => setTimeout(() => { throw new Error('boom from the test'); }, 0));\n",
    );
    const stderr = join(dir, 'stderr.txt');
    await term.run(
      `node -r ${shellQuote(crash)} ${shellQuote(MAIN)} --url ${live.server.url} 2>${shellQuote(stderr)}; echo "exit=$?"`,
    );
    await term.waitFor(/● live/, 'the UI');
    process.kill(await term.programPid(), 'SIGUSR2');
    const screen = await term.waitFor(/^exit=\d+/m, 'the exit code');
    expect(screen).toMatch(/^exit=2$/m);
    expect(await term.display('#{alternate_on}')).toBe('0');
    expect(readFileSync(stderr, 'utf8')).toMatch(/internal error in the terminal UI: Error: boom from the test/);
  });

  test('connection lost: the status bar says reconnecting, then a notice says for how long it was gone', async () => {
    const own = await startRedis();
    try {
      term = await live.terminal();
      await startUi(term, own);
      await own.kill('SIGKILL');
      let screen = await term.waitFor(
        (s) => statusLine(s).includes('◌ reconnecting'),
        'reconnecting in the status bar',
      );
      expect(screen).toMatch(/reconnecting in \d+\.\d s|retrying in \d+\.\d s/);
      await own.restart();
      screen = await term.waitFor(
        /reconnected after \d+\.\d s — messages published meanwhile were not received/,
        'the reconnected notice',
      );
      expect(statusLine(screen)).toContain('● live');
      await rawPublish(own, CHANNEL, broadcastPayload('rooms:after', 'new_msg', 'back'));
      await term.waitFor((s) => listRows(s).some((r) => r.includes('rooms:after')), 'messages again');
    } finally {
      await own.stop();
    }
  });
});

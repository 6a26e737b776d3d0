/**
 * `redis-print view FILE` on a terminal: the same UI offline, fed by a capture recorded through a
 * real redis-server (fixtures/captures), its stats driven by the recorded times.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { MAIN } from '../cli/run-cli.js';
import { listRows, PROMPT_MARK, shellQuote, Tmux } from './tmux.js';
import { statusLine } from './tui-helpers.js';

const CAPTURE = fileURLToPath(new URL('../../fixtures/captures/phoenix_pubsub_redis-3.1.0.capture', import.meta.url));

let term: Tmux | undefined;
afterEach(async () => {
  await term?.kill();
  term = undefined;
});

describe('view FILE in tmux', () => {
  test('every record in the list, the file as the source, stats since the first record; q prints the summary', async () => {
    term = await Tmux.start();
    const stderr = join(mkdtempSync(join(tmpdir(), 'redis-print-tui-view-')), 'stderr.txt');
    await term.run(`node ${shellQuote(MAIN)} view ${shellQuote(CAPTURE)} 2>${shellQuote(stderr)}`);
    let screen = await term.waitFor(
      /end of .*phoenix_pubsub_redis-3\.1\.0\.capture: 74 messages read/,
      'the end of the file',
    );
    expect(statusLine(screen)).toMatch(/^ ■ capture .*phoenix_pubsub_redis-3\.1\.0\.capture │/);
    expect(statusLine(screen)).toMatch(/(recv|rx) 74 shown 74/);
    expect(listRows(screen).length).toBeGreaterThan(10);

    await term.keys('t');
    screen = await term.waitFor(/Traffic stats/, 'the stats view');
    // rooms:lobby  msg/s(10 s)  B/s(10 s)  msg/s(all)  B/s(all)  msgs  bytes
    const lobby = /^ rooms:lobby +\S+ +\S+ \S+\/s +(\S+) +\S+ \S+\/s +(\d+) /m.exec(screen);
    expect(lobby, screen).not.toBeNull();
    expect(Number(lobby![2])).toBeGreaterThan(0);
    // Since the first record, not since 1970: a real rate.
    expect(Number(lobby![1])).toBeGreaterThan(0);

    // Esc and q in one burst would read as Alt-q: wait for the list first.
    await term.keys('Escape');
    await term.waitFor((s) => listRows(s).length > 10, 'the list back');
    await term.keys('q');
    await term.waitFor((s) => s.trimEnd().endsWith(PROMPT_MARK), 'the shell prompt');
    expect(readFileSync(stderr, 'utf8')).toMatch(
      /phoenix_pubsub_redis-3\.1\.0\.capture: received 74, shown 74, filtered 0, undecodable 0, dropped 0/,
    );
  });

  test('SIGTERM: the terminal is restored, the summary printed, and the exit code is 143 as for every command', async () => {
    term = await Tmux.start();
    const stderr = join(mkdtempSync(join(tmpdir(), 'redis-print-tui-view-')), 'stderr.txt');
    await term.run(`node ${shellQuote(MAIN)} view ${shellQuote(CAPTURE)} 2>${shellQuote(stderr)}; echo "exit=$?"`);
    await term.waitFor(/end of .*: 74 messages read/, 'the end of the file');
    process.kill(await term.programPid(), 'SIGTERM');
    const screen = await term.waitFor(/^exit=\d+/m, 'the exit code');
    expect(screen).toMatch(/^exit=143$/m);
    expect(await term.display('#{alternate_on}')).toBe('0');
    expect(readFileSync(stderr, 'utf8')).toMatch(/capture: received 74, shown 74, /);
  });
});

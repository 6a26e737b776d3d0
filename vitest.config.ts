import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * Three projects, so `npx vitest run --project unit` takes seconds:
 * - unit: pure logic, no process or server of its own;
 * - integration: real redis-server, `erl` / `elixir` oracles, the built CLI as a child process;
 * - tui: the live UI driven in tmux.
 * A file's project follows from what it uses, read from its source, so a new test lands in the right
 * project without anyone editing this list.
 */
type Project = 'unit' | 'integration' | 'tui';

const USES_TMUX = /\btmux\b/;
const USES_REAL_PARTS =
  /helpers\/(redis-server|redis-topologies|erl|elixir)|startRedis|escript|node:child_process|run-cli|watch-helpers|record-helpers|\bspawn\(|\bexecFile\b/;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

function projectOf(file: string): Project {
  const source = readFileSync(file, 'utf8');
  if (USES_TMUX.test(source)) return 'tui';
  return USES_REAL_PARTS.test(source) ? 'integration' : 'unit';
}

const files = testFiles('test');
const include = (project: Project): string[] => files.filter((file) => projectOf(file) === project);

export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    // Two cores: more workers only add contention for the servers the tests start.
    maxWorkers: 2,
    projects: [
      // Pure logic: a minute is already a bug. One module graph per worker (isolate: false): these
      // files hold no process-wide state (no mocks, no spies, no signal handlers), and loading vitest
      // and the sources afresh for each of them was 40 % of the project's CPU time.
      { extends: true, test: { name: 'unit', include: include('unit'), testTimeout: 60_000, isolate: false } },
      // Real servers and oracles: generous bounds, because a busy machine may be several times
      // slower; the tests wait on conditions, never on the clock.
      {
        extends: true,
        test: { name: 'integration', include: include('integration'), testTimeout: 300_000, hookTimeout: 300_000 },
      },
      { extends: true, test: { name: 'tui', include: include('tui'), testTimeout: 300_000, hookTimeout: 300_000 } },
    ],
  },
});

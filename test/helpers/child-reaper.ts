/**
 * No orphans: every server process a test starts is registered here and killed
 *  1. by the test's own stop() in afterAll (the normal path, also after a failed test),
 *  2. on the test worker's 'exit' event, and
 *  3. by a watchdog shell (one per worker) that notices the worker has died — even by SIGKILL,
 *     when no JS runs any more — and kills whatever is still listed in its pid file.
 * Temporary directories are removed on the same paths.
 *
 * Usable for any long-running child (redis-server, erl, …): `track(child, dir?)` / `untrack(child)`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const children = new Set<ChildProcess>();
const dirs = new Set<string>();
let stateDir: string | null = null;

/** A fresh temp directory, removed when the worker goes away (or earlier via removeDir). */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `redis-print-${prefix}-`));
  dirs.add(dir);
  persist();
  return dir;
}

export function removeDir(dir: string): void {
  dirs.delete(dir);
  rmSync(dir, { recursive: true, force: true });
  persist();
}

export function track(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => {
    children.delete(child);
    persist();
  });
  persist();
}

export function untrack(child: ChildProcess): void {
  children.delete(child);
  persist();
}

/** The pid/dir lists the watchdog reads, rewritten on every change. */
function persist(): void {
  ensureWatchdog();
  const pids = [...children].map((c) => c.pid).filter((pid): pid is number => pid !== undefined);
  writeFileSync(join(stateDir!, 'pids'), pids.join('\n') + '\n');
  writeFileSync(join(stateDir!, 'dirs'), [...dirs].join('\n') + '\n');
}

function ensureWatchdog(): void {
  if (stateDir !== null) return;
  stateDir = mkdtempSync(join(tmpdir(), 'redis-print-reaper-'));
  const script = [
    `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done`,
    `for pid in $(cat "$0/pids" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done`,
    `while IFS= read -r dir; do [ -n "$dir" ] && rm -rf "$dir"; done < "$0/dirs"`,
    `rm -rf "$0"`,
  ].join('\n');
  const watchdog = spawn('sh', ['-c', script, stateDir], { detached: true, stdio: 'ignore' });
  watchdog.unref();
  process.once('exit', () => {
    for (const child of children) child.kill('SIGKILL');
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    // The watchdog finds the lists empty, removes its own directory and leaves.
    writeFileSync(join(stateDir!, 'pids'), '');
    writeFileSync(join(stateDir!, 'dirs'), '');
  });
}

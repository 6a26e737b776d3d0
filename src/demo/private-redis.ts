/**
 * A throw-away redis-server for `redis-print demo`: loopback only, a free port, no persistence,
 * its own temp dir; stopped (and the dir removed) by `stop()`, when the process exits, and by a
 * watchdog when the process dies without exiting (SIGKILL).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PrivateRedis {
  port: number;
  stop(): Promise<void>;
}

export function redisServerAvailable(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freeLoopbackPort();
  const dir = mkdtempSync(join(tmpdir(), 'redis-print-demo-'));
  // Its own process group: a Ctrl-C at the terminal goes to the demo alone, which stops the
  // simulated cluster and the watcher before the server (a server dying first makes them
  // complain). The watchdog covers the demo dying without a chance to clean up.
  const child = spawn(
    'redis-server',
    [
      '--bind',
      '127.0.0.1',
      '--port',
      String(port),
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--protected-mode',
      'yes',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  const watchdog = startWatchdog(child, dir);
  const cleanup = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    watchdog?.kill();
  };
  process.once('exit', cleanup);
  try {
    await waitReady(child, port);
  } catch (error) {
    process.off('exit', cleanup);
    cleanup();
    throw error;
  }
  return {
    port,
    async stop() {
      process.off('exit', cleanup);
      if (child.exitCode === null && child.signalCode === null) {
        // SIGTERM, and SIGKILL if it has not gone within 2 s. The timer is cleared on exit: a
        // pending one would keep the demo process alive for those 2 s after everything stopped.
        await new Promise<void>((resolve) => {
          const force = setTimeout(() => child.kill('SIGKILL'), 2000);
          child.once('exit', () => {
            clearTimeout(force);
            resolve();
          });
          child.kill('SIGTERM');
        });
      }
      cleanup();
    },
  };
}

/**
 * A shell that outlives us only to remove the server and its dir if this process dies without
 * cleaning up (SIGKILL, a second Ctrl-C, a crash): 'exit' handlers do not run then. Checks once a
 * second. None where there is no `sh`; the demo still works.
 */
function startWatchdog(server: ChildProcess, dir: string): ChildProcess | undefined {
  if (server.pid === undefined) return undefined;
  const script = 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; kill -9 "$2" 2>/dev/null; rm -rf "$3"';
  const watchdog = spawn(
    'sh',
    ['-c', script, 'redis-print-demo-watchdog', String(process.pid), String(server.pid), dir],
    {
      detached: true,
      stdio: 'ignore',
    },
  );
  watchdog.on('error', () => undefined);
  watchdog.unref();
  return watchdog;
}

function waitReady(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(
      () => reject(new Error(`redis-server did not start on port ${port}: ${lastLine(log)}`)),
      10_000,
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume();
        resolve();
      }
    });
    child.stderr!.resume();
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with code ${code}: ${lastLine(log)}`));
    });
  });
}

function lastLine(log: string): string {
  return log.trim().split('\n').pop() ?? '';
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

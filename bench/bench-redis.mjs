// A private redis-server for one benchmark section: a free loopback port, no persistence, its own
// temp dir, and no pub/sub output-buffer limit — a slow subscriber is queued for, never dropped, so
// a figure measures the subscriber rather than Redis disconnecting it. `{ defaultLimits: true }`
// keeps Redis' own limit (pubsub 32mb 8mb 60), for figures that must hold under it (bench/e2e.mjs).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function startBenchRedis({ defaultLimits = false } = {}) {
  const port = await new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port: p } = probe.address();
      probe.close(() => resolve(p));
    });
  });
  const dir = mkdtempSync(join(tmpdir(), 'redis-print-bench-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  if (!defaultLimits) args.push('--client-output-buffer-limit', 'pubsub 0 0 0');
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis-server did not start')), 10_000);
    child.stdout.on('data', (d) => {
      if (/Ready to accept connections/.test(String(d))) {
        clearTimeout(timer);
        child.stdout.resume();
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
  return {
    port,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => {
          process.removeListener('exit', killOnExit);
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

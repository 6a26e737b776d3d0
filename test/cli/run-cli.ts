/**
 * Runs the BUILT command-line program (`dist/cli/main.js`, made by `npm test`'s build step) as
 * a child process, the way a user runs it.
 *
 *   const r = await runCli(['decode', '--format', 'inspect', file]);
 *   r.code, r.stdout, r.stderr
 *
 *   const live = startCli(['--no-tui', '--url', server.url]);   // long-running: watch, record…
 *   await live.waitForStdout(/rooms:lobby/);  live.kill('SIGINT');  const r = await live.done;
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  /** Bytes or text written to stdin, which is then closed. */
  input?: string | Uint8Array;
  /** Kill the child (SIGKILL) after this long; the test then sees signal SIGKILL. Default 30 s. */
  timeoutMs?: number;
  cwd?: string;
}

export interface LiveCli {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves once stdout (or stderr) matches; rejects when the process ends first or after timeoutMs. */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<string>;
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<string>;
  kill(signal?: NodeJS.Signals): void;
  done: Promise<CliResult>;
}

export function startCli(args: string[], options: CliOptions = {}): LiveCli {
  // No colour unless a test asks: FORCE_COLOR in the developer's shell would beat NO_COLOR.
  const { FORCE_COLOR: _ignored, ...inherited } = process.env;
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { ...inherited, NO_COLOR: '1', ...options.env },
    cwd: options.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  const wake = (): void => waiters.splice(0).forEach((w) => w());
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
    wake();
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    wake();
  });
  if (options.input !== undefined) child.stdin!.end(options.input);
  else child.stdin!.end();
  const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      wake();
      resolve({ code, signal, stdout, stderr });
    });
  });
  let exited = false;
  void done.then(() => (exited = true));

  const waitFor =
    (read: () => string, name: string) =>
    async (pattern: RegExp, timeoutMs = 60_000): Promise<string> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = pattern.exec(read());
        if (match) return match[0];
        if (exited)
          throw new Error(`process ended before ${name} matched ${pattern}\nstdout: ${stdout}\nstderr: ${stderr}`);
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`${name} did not match ${pattern} in ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 250));
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    };

  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    waitForStdout: waitFor(() => stdout, 'stdout'),
    waitForStderr: waitFor(() => stderr, 'stderr'),
    kill: (signal = 'SIGTERM') => child.kill(signal),
    done,
  };
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).done;
}

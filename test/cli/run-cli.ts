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
import { outputWait } from './output-wait.js';

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

/** A long-running command (watch, record), as a child process or in this process (in-process.ts). */
export interface LiveCommand {
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves once stdout (or stderr) matches; rejects when the command ends first or after timeoutMs. */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<string>;
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<string>;
  kill(signal?: NodeJS.Signals): void;
  done: Promise<CliResult>;
}

export interface LiveCli extends LiveCommand {
  child: ChildProcess;
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
  let exited = false;
  const outputs = outputWait(
    () => exited,
    () => `\nstdout: ${stdout}\nstderr: ${stderr}`,
  );
  const wake = outputs.wake;
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
  void done.then(() => (exited = true));

  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    waitForStdout: outputs.on(() => stdout, 'stdout'),
    waitForStderr: outputs.on(() => stderr, 'stderr'),
    kill: (signal = 'SIGTERM') => child.kill(signal),
    done,
  };
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).done;
}

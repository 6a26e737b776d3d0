/**
 * Runs the CLI in this process with an injected io (src/cli/io.ts): no node start-up per call, so
 * most CLI tests need no child process. Same result shape as run-cli.ts's `runCli`, which spawns
 * the built program and is kept for end-to-end smoke tests (signals, real terminals, pipes).
 *
 *   const r = await runInProcess(['decode', '--format', 'inspect', file]);
 *   r.code, r.stdout, r.stderr
 */
import { PassThrough, Readable } from 'node:stream';
import type { CliIo, InStream, OutStream } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/run.js';
import type { CliResult, LiveCommand } from './run-cli.js';
import { outputWait } from './output-wait.js';

export interface InProcessOptions {
  /** Bytes or text on stdin (then end of input); default: empty. */
  input?: string | Uint8Array;
  /** The whole environment the command sees (NO_COLOR and nothing else by default). */
  env?: NodeJS.ProcessEnv;
  /** Pretend stdout/stdin/stderr are terminals (with this many columns). */
  tty?: { columns: number };
}

export async function runInProcess(
  args: string[],
  options: InProcessOptions = {},
): Promise<CliResult & { stdoutBytes: Buffer }> {
  const stdout = collector(options.tty);
  const stderr = collector(options.tty);
  const stdin: InStream = Readable.from(options.input === undefined ? [] : [Buffer.from(options.input)]);
  if (options.tty) stdin.isTTY = true;
  const io: CliIo = {
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin,
    env: options.env ?? { NO_COLOR: '1' },
    onInterrupt: () => () => undefined,
  };
  const code = await runCli(args, io);
  return {
    code,
    signal: null,
    stdout: stdout.bytes().toString('utf8'),
    stderr: stderr.bytes().toString('utf8'),
    stdoutBytes: stdout.bytes(),
  };
}

function collector(tty: { columns: number } | undefined): { stream: OutStream; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const stream: OutStream = new PassThrough();
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  if (tty) {
    stream.isTTY = true;
    stream.columns = tty.columns;
  }
  return { stream, bytes: () => Buffer.concat(chunks) };
}

/**
 * A long-running command (watch) in this process: what startCli gives, without a child process.
 * kill() does what Ctrl-C (SIGINT) or SIGTERM does to the program; any other signal counts as SIGINT.
 */
export type LiveInProcess = LiveCommand;

/**
 * Starts the BUILT program's runCli (dist/, as `npm test` builds it: watch decodes on a worker
 * thread whose script only exists there) in this process, with in-memory streams and an
 * interrupt the test sends by kill(). For watch and the commands that take their io from runCli;
 * signals, exit codes of the real process, terminals and pipes stay with run-cli.ts's startCli.
 */
/** By URL, so that type-checking and linting need no build: its types are src/cli/run.ts's. */
const BUILT_RUN = new URL('../../dist/cli/run.js', import.meta.url).href;

export function startInProcess(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string | Uint8Array } = {},
): LiveInProcess {
  const stdout = collector(undefined);
  const stderr = collector(undefined);
  const listeners = new Set<(signal: 'SIGINT' | 'SIGTERM') => void>();
  let ended = false;
  const outputs = outputWait(
    () => ended,
    () => `\nstdout: ${text(stdout)}\nstderr: ${text(stderr)}`,
  );
  const wake = outputs.wake;
  stdout.stream.on('data', wake);
  stderr.stream.on('data', wake);
  const io: CliIo = {
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin: Readable.from(options.input === undefined ? [] : [Buffer.from(options.input)]),
    env: { NO_COLOR: '1', ...options.env },
    onInterrupt(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const done = (import(BUILT_RUN) as Promise<{ runCli: typeof runCli }>)
    .then(({ runCli: builtRunCli }) => builtRunCli(args, io))
    .then((code) => {
      ended = true;
      wake();
      return { code, signal: null, stdout: text(stdout), stderr: text(stderr) };
    });
  return {
    get stdout() {
      return text(stdout);
    },
    get stderr() {
      return text(stderr);
    },
    waitForStdout: outputs.on(() => text(stdout), 'stdout'),
    waitForStderr: outputs.on(() => text(stderr), 'stderr'),
    kill(signal = 'SIGTERM') {
      const as = signal === 'SIGTERM' ? 'SIGTERM' : 'SIGINT';
      for (const listener of [...listeners]) listener(as);
    },
    done,
  };
}

const text = (c: { bytes: () => Buffer }): string => c.bytes().toString('utf8');

/** runCli of run-cli.ts, in this process: the built program's result without a child process. */
export function runBuiltInProcess(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string | Uint8Array } = {},
): Promise<CliResult> {
  return startInProcess(args, options).done;
}

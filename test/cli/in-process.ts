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
import type { CliResult } from './run-cli.js';

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

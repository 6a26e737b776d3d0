/**
 * What a command may touch of the outside world, handed to it by runCli: the real process in
 * `main.ts`, in-memory streams in tests (which then run the CLI in-process instead of spawning it).
 */
import type { Readable, Writable } from 'node:stream';
import type { UiEnd } from '../ui/app.js';

export type OutStream = Writable & { isTTY?: boolean; columns?: number };
export type InStream = Readable & { isTTY?: boolean };

export interface CliIo {
  stdout: OutStream;
  stderr: OutStream;
  stdin: InStream;
  env: NodeJS.ProcessEnv;
  /** Calls `listener` on Ctrl-C (SIGINT) or SIGTERM; returns the function that stops listening. */
  onInterrupt(listener: (signal: 'SIGINT' | 'SIGTERM') => void): () => void;
}

/** The real process. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    onInterrupt(listener) {
      const onInt = (): void => listener('SIGINT');
      const onTerm = (): void => listener('SIGTERM');
      // `once`: a second Ctrl-C, if closing ever hangs, still kills.
      process.once('SIGINT', onInt);
      process.once('SIGTERM', onTerm);
      return () => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
      };
    },
  };
}

/**
 * The exit code of every command stopped by Ctrl-C (SIGINT) or SIGTERM, after it has finished
 * cleanly (files flushed, summary printed): the shell's 128 + signal number, 130 and 143, as if
 * the signal had ended it — so a script can tell "interrupted" from "done".
 */
export function exitCodeFor(signal: NodeJS.Signals): number {
  return signal === 'SIGTERM' ? 143 : 130;
}

/** The exit code of a terminal UI session: 0 when the user quit, else the stop signal's. */
export function uiExitCode(end: UiEnd): number {
  return end === 'quit' ? 0 : exitCodeFor(end);
}

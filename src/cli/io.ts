/**
 * What a command may touch of the outside world, handed to it by runCli: the real process in
 * `main.ts`, in-memory streams in tests (which then run the CLI in-process instead of spawning it).
 */
import type { Readable, Writable } from 'node:stream';

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

/** Exit code after Ctrl-C or SIGTERM, for every command: the shell convention 128 + SIGINT. */
export const INTERRUPTED_EXIT = 130;

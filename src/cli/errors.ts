/**
 * Errors the CLI reports as one line on stderr, with the exit code to leave with.
 * Exit codes: 1 = the work ran but found a problem (e.g. a file did not decode, no message
 * matched); 2 = the tool could not run as asked (bad flags, unreachable Redis, unreadable file).
 */
import { escapeUnsafe } from '../text/terminal-safe.js';
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
  }
}

export class UsageError extends CliError {
  /** `command`: whose help to point at (`redis-print decode --help`). */
  constructor(message: string, command?: string) {
    super(`${message} (see redis-print ${command ? `${command} ` : ''}--help)`, 2);
  }
}

/** One line for any thrown value; never a stack trace. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // Errors quote what they found (a channel, an atom, a server's reply): nothing raw reaches the terminal.
  return escapeUnsafe(text.replace(/\s*\n\s*/g, ' ').trim());
}

/** A file system error in words (`is a directory`), without Node's `EISDIR: …, open '…'` wrapping. */
export function fileProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EROFS':
      return 'read-only file system';
    default:
      return oneLine(error);
  }
}

/**
 * Errors the CLI reports as one line on stderr, with the exit code to leave with.
 * Exit codes: 1 = the work ran but found a problem (e.g. a file did not decode, no message
 * matched); 2 = the tool could not run as asked (bad flags, unreachable Redis, unreadable file).
 */
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
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * `--askpass`, as redis-cli has it: the password is read from the terminal without echo, so it
 * never has to be in argv (where `ps` shows it) or in the environment. Without a terminal one
 * line of stdin is the password (`redis-print --askpass < secret-file`). Synchronous because the
 * connection flags are resolved synchronously, and nothing else runs before the connection.
 */
import { execFileSync } from 'node:child_process';
import { readSync } from 'node:fs';
import { isatty } from 'node:tty';
import { CliError } from './errors.js';

export function askPassword(prompt = 'Please input password: '): string {
  const terminal = isatty(0);
  if (terminal) {
    process.stderr.write(prompt);
    setEcho(false);
  }
  try {
    const line = readLine();
    if (line === undefined) throw new CliError('--askpass: no password given (stdin ended)', 2);
    return line;
  } finally {
    if (terminal) {
      setEcho(true);
      process.stderr.write('\n');
    }
  }
}

/** One line of stdin (without its line end), or undefined at the end of input before any byte. */
function readLine(): string | undefined {
  const bytes: number[] = [];
  const one = Buffer.alloc(1);
  for (;;) {
    let n: number;
    try {
      n = readSync(0, one, 0, 1, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue; // a non-blocking stdin: try again
      throw error;
    }
    if (n === 0) return bytes.length === 0 ? undefined : Buffer.from(bytes).toString('utf8');
    if (one[0] === 0x0a) break;
    bytes.push(one[0]!);
  }
  if (bytes[bytes.length - 1] === 0x0d) bytes.pop();
  return Buffer.from(bytes).toString('utf8');
}

function setEcho(on: boolean): void {
  execFileSync('stty', [on ? 'echo' : '-echo'], { stdio: ['inherit', 'ignore', 'ignore'] });
}

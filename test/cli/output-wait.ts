/**
 * Waiting for a pattern to appear in a command's growing output, the same way whether the command
 * runs as a child process (run-cli.ts) or in this process (in-process.ts): woken when output
 * arrives, polled every 250 ms otherwise, with an overall bound; failing at once when the command
 * has ended without it.
 */
export interface OutputWait {
  /** Call when output arrived (or the command ended): every waiter looks again. */
  wake(): void;
  /** A wait on `read()` (stdout or stderr, named `name` in errors). */
  on(read: () => string, name: string): (pattern: RegExp, timeoutMs?: number) => Promise<string>;
}

export function outputWait(ended: () => boolean, context: () => string): OutputWait {
  const waiters: Array<() => void> = [];
  return {
    wake: () => waiters.splice(0).forEach((w) => w()),
    on:
      (read, name) =>
      async (pattern, timeoutMs = 60_000) => {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const match = pattern.exec(read());
          if (match) return match[0];
          if (ended()) throw new Error(`the command ended before ${name} matched ${pattern}${context()}`);
          const left = deadline - Date.now();
          if (left <= 0) throw new Error(`${name} did not match ${pattern} in ${timeoutMs} ms${context()}`);
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, Math.min(left, 250));
            waiters.push(() => {
              clearTimeout(timer);
              resolve();
            });
          });
        }
      },
  };
}

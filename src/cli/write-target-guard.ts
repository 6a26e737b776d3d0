/**
 * The guard in front of every command that PUBLISHes (publish, replay, the UI's P): a Redis that
 * is not on this machine may have real Phoenix nodes listening, and a stray or malformed message
 * crashes them (wire-format.md, appendix). So a non-loopback target takes an explicit yes — typed
 * at a prompt on a terminal, or `--yes` in a script. Without either, the refusal comes before any
 * connection is made.
 */
import { createInterface } from 'node:readline';
import { describeSpec, type ConnectionSpec } from '../redis/connection-spec.js';
import { isLoopbackTarget } from '../redis/loopback.js';
import { CliError } from './errors.js';
import { processIo, type CliIo } from './io.js';

export type TargetGuard =
  /** Loopback, `--yes`, or a dry run (which never connects): go ahead. */
  | { ask: false }
  /** A remote target on a terminal: ask `question` right before the first PUBLISH. */
  | { ask: true; question: string };

export interface GuardInput {
  yes: boolean;
  dryRun?: boolean;
  /** stdin and stderr are both terminals (someone can answer). */
  interactive: boolean;
  /** What is about to happen, for the messages: `publish`, `replay 74 messages`. */
  action: string;
}

/** Throws (exit 2) for a remote target with neither `--yes` nor a terminal to ask on. */
export function guardTarget(spec: ConnectionSpec, input: GuardInput): TargetGuard {
  if (input.dryRun || input.yes || isLoopbackTarget(spec)) return { ask: false };
  const target = describeSpec(spec);
  if (!input.interactive) {
    throw new CliError(
      `${input.action}: ${target} is not on this machine; real nodes may be listening. Pass --yes to go ahead ` +
        'without a terminal to confirm on (nothing was sent; no connection was made)',
      2,
    );
  }
  return { ask: true, question: `${input.action} to ${target} (not on this machine)? [y/N] ` };
}

/** Asks on `output`, reads one line from `input`; only `y` / `yes` (any case) is a yes. EOF is no. */
export async function askYesNo(
  question: string,
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
): Promise<boolean> {
  const rl = createInterface({ input, output, terminal: false });
  try {
    output.write(question);
    const answer = await new Promise<string | null>((resolve) => {
      rl.once('line', (line) => resolve(line));
      rl.once('close', () => resolve(null));
    });
    if (answer === null) output.write('\n');
    return answer !== null && /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    rl.close();
  }
}

/** Guard and, when needed, ask at once: for commands with nothing to show before the question. */
export async function confirmTarget(
  spec: ConnectionSpec,
  options: { yes: boolean; action: string },
  io: Pick<CliIo, 'stdin' | 'stderr'> = processIo(),
): Promise<void> {
  const guard = guardTarget(spec, {
    ...options,
    interactive: io.stdin.isTTY === true && io.stderr.isTTY === true,
  });
  if (guard.ask && !(await askYesNo(guard.question, io.stdin, io.stderr))) {
    throw new CliError(`not confirmed: nothing was sent to ${describeSpec(spec)}`, 1);
  }
}

/**
 * The guard in front of every command that PUBLISHes into a Redis (replay; publish has the same
 * rule): a Redis that is not on this machine may have real Phoenix nodes listening, and a stray
 * or malformed message crashes them (wire-format.md, appendix). So a non-loopback target needs a
 * `y` typed at a terminal, or `--yes` when there is no terminal to ask. Decided from the spec
 * alone, before any connection is made.
 */
import { createInterface } from 'node:readline';
import { describeSpec, type ConnectionSpec } from '../../redis/connection-spec.js';
import { isLoopbackTarget } from '../../redis/loopback.js';
import { CliError } from '../errors.js';

export interface WriteTargetGuardOptions {
  /** `--yes` was given. */
  yes: boolean;
  /** What is about to happen, for the question: e.g. `replay 120 messages`. */
  action: string;
  /** The flag that skips the question, for the refusal message. Default `--yes`. */
  yesFlag?: string;
}

/** Resolves when writing to `spec` is allowed; throws a CliError (exit 1) when it is not. */
export async function confirmWriteTarget(spec: ConnectionSpec, options: WriteTargetGuardOptions): Promise<void> {
  if (isLoopbackTarget(spec) || options.yes) return;
  const target = describeSpec(spec);
  const flag = options.yesFlag ?? '--yes';
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw new CliError(
      `refusing to ${options.action} into ${target}: it is not on this machine and real nodes may be listening; add ${flag} to go ahead`,
      1,
    );
  }
  const answer = await ask(`${options.action} into ${target}, which is NOT this machine? [y/N] `);
  if (!/^y(es)?$/i.test(answer.trim())) throw new CliError(`not confirmed: nothing was sent to ${target}`, 1);
}

function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  return new Promise((resolve) => {
    let answered = false;
    rl.question(question, (answer) => {
      answered = true;
      rl.close();
      resolve(answer);
    });
    // Ctrl-D or Ctrl-C at the prompt is a no (without a listener, readline would just pause on Ctrl-C).
    rl.once('SIGINT', () => rl.close());
    rl.once('close', () => {
      if (!answered) {
        process.stderr.write('\n');
        resolve('');
      }
    });
  });
}

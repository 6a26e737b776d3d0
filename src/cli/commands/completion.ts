/** `redis-print completion bash|zsh|fish` — print the completion script for that shell. */
import { SHELLS } from '../command-defs.js';
import { bashCompletion, fishCompletion, zshCompletion } from '../completion-scripts.js';
import { UsageError } from '../errors.js';
import { helpFlag } from '../flags.js';
import type { CliIo } from '../io.js';
import { parseCommandArgs } from '../args.js';

export async function completionCommand(argv: string[], io: CliIo): Promise<number> {
  const { positionals } = parseCommandArgs('completion', argv, helpFlag);
  const shell = positionals[0];
  if (positionals.length !== 1 || !SHELLS.includes(shell as (typeof SHELLS)[number])) {
    throw new UsageError(`completion needs a shell: ${SHELLS.join(', ')}`);
  }
  const script = shell === 'bash' ? bashCompletion() : shell === 'zsh' ? zshCompletion() : fishCompletion();
  io.stdout.write(script);
  return Promise.resolve(0);
}

import { parseCommandArgs } from '../args.js';
import { watchFlags } from '../command-defs.js';
import { connectionSpecFromFlags } from '../connection.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { watchConfigFrom } from '../watch-config.js';
import { runWatch, subscriberFor } from '../watch-run.js';

export async function watchCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('watch', argv, watchFlags);
  if (positionals.length > 0) throw new UsageError(`watch takes no argument "${positionals[0]}"`, 'watch');
  const connection = connectionSpecFromFlags(values, io.env);
  const config = watchConfigFrom(values, io);
  const source = subscriberFor(connection, config.subscription, io);
  return runWatch(config, { source, subscription: config.subscription, publishTo: connection }, io);
}

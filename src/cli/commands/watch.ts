import { parseCommandArgs } from '../args.js';
import { connectionSpecFromFlags } from '../connection.js';
import { UsageError } from '../errors.js';
import { subscriptionFromFlags } from '../subscription.js';
import { usage } from '../usage.js';
import { watchOptions } from '../watch-options.js';
import { runWatch, subscriberFor } from '../watch-run.js';

export async function watchCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('watch', argv, watchOptions);
  if (values.help) {
    process.stdout.write(usage());
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unknown command or argument "${positionals[0]}"`);
  const subscription = subscriptionFromFlags(values);
  const spec = connectionSpecFromFlags(values);
  const source = subscriberFor(spec, subscription);
  return runWatch(values, { source, subscription, publishTo: spec });
}

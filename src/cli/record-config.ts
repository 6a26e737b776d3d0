/** `record` flags, parsed and checked once into the typed config the recorder receives. */
import type { ConnectionSpec } from '../redis/connection-spec.js';
import { durationFlag, intFlag } from './args.js';
import type { recordFlags } from './command-defs.js';
import { connectionSpecFromFlags } from './connection.js';
import { UsageError } from './errors.js';
import type { FlagValues } from './flags.js';
import { subscriptionFromFlags, type Subscription } from './subscription.js';
import { filterConfigFrom, type FilterConfig } from './watch-config.js';

export interface RecordConfig {
  connection: ConnectionSpec;
  subscription: Subscription;
  filter: FilterConfig;
  output: { path: string };
  limits: { count: number | undefined; durationMs: number | undefined };
}

export type RecordFlagValues = FlagValues<typeof recordFlags>;

export function recordConfigFrom(
  values: RecordFlagValues,
  positionals: readonly string[],
  env: NodeJS.ProcessEnv,
): RecordConfig {
  if (positionals.length > 0)
    throw new UsageError(`record takes no argument "${positionals[0]}" (the file goes after -o)`, 'record');
  const path = values.output;
  if (path === undefined || path === '') throw new UsageError('record needs -o FILE', 'record');
  return {
    connection: connectionSpecFromFlags(values, env),
    subscription: subscriptionFromFlags(values),
    filter: filterConfigFrom(values),
    output: { path },
    limits: {
      count: values.count === undefined ? undefined : intFlag('count', values.count, 0),
      durationMs: values.duration === undefined ? undefined : durationFlag('duration', values.duration, 0),
    },
  };
}

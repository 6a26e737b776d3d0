import { compileFilter, specFromFlags, type MessageFilter } from '../output/filter.js';
import { UsageError } from './errors.js';

export interface FilterFlagValues {
  topic?: string[];
  event?: string[];
  node?: string[];
  grep?: string[];
  kind?: string[];
}

/** The filter flags compiled; a bad glob or unknown kind is a usage error, not a silent no-op. */
export function filterFromFlags(flags: FilterFlagValues): MessageFilter {
  // Only the filter flags: callers pass all their parsed values, and `--channel` there is a
  // SUBSCRIBE (subscriptionFlags), not a filter — read as one, it hid every pattern message.
  const { topic, event, node, grep, kind } = flags;
  const { filter, problems } = compileFilter(specFromFlags({ topic, event, node, grep, kind }));
  if (problems.length > 0) throw new UsageError(problems.map((p) => p.message).join('; '));
  return filter;
}

import { connectionOptions, filterOptions, subscriptionOptions } from './args.js';

/** Every flag of `watch` (and of `demo`, which watches its own private Redis). */
export const watchOptions = {
  ...connectionOptions,
  ...subscriptionOptions,
  ...filterOptions,
  json: { type: 'boolean' },
  full: { type: 'boolean' },
  time: { type: 'string' },
  tui: { type: 'boolean' }, // --no-tui
  count: { type: 'string' },
  timeout: { type: 'string' },
  buffer: { type: 'string' },
  record: { type: 'string' },
  help: { type: 'boolean' },
} as const;

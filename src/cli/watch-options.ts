import { connectionOptions, filterOptions, renderOptions, subscriptionOptions } from './args.js';

/** Every flag of `watch` (and of `demo`, which watches its own private Redis). */
export const watchOptions = {
  ...connectionOptions,
  ...subscriptionOptions,
  ...filterOptions,
  ...renderOptions,
  json: { type: 'boolean' },
  term: { type: 'boolean' }, // --no-term: NDJSON without the typed term
  full: { type: 'boolean' },
  tui: { type: 'boolean' }, // --no-tui
  count: { type: 'string' },
  timeout: { type: 'string' },
  buffer: { type: 'string' },
  record: { type: 'string' },
  help: { type: 'boolean' },
} as const;

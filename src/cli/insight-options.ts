/** Flags of `redis-print nodes` and `redis-print presence` (kept apart from watch's). */
import { connectionFlags, helpFlag, subscriptionFlags, type FlagDefs } from './flags.js';

const common = {
  ...connectionFlags,
  ...subscriptionFlags,
  duration: { type: 'string', value: 'DURATION', help: 'report after this long (10s, 5m); default: until Ctrl-C' },
  json: { type: 'boolean', help: 'one JSON document on stdout at exit' },
  'down-period': {
    type: 'string',
    value: 'DURATION',
    help: "the trackers' down_period (default 30s): silence longer than this is a node down",
  },
  ...helpFlag,
} as const satisfies FlagDefs;

export const nodesOptions = { ...common } as const satisfies FlagDefs;

export const presenceOptions = {
  ...common,
  topic: {
    type: 'string',
    multiple: true,
    value: 'GLOB',
    help: "only presence topics matching (repeatable; 'room:*')",
  },
} as const satisfies FlagDefs;

/** Flags of `redis-print nodes` and `redis-print presence` (kept apart from watch's). */
import { connectionOptions, subscriptionOptions } from './args.js';

const common = {
  ...connectionOptions,
  ...subscriptionOptions,
  duration: { type: 'string' },
  json: { type: 'boolean' },
  'down-period': { type: 'string' },
  help: { type: 'boolean' },
} as const;

export const nodesOptions = { ...common } as const;

export const presenceOptions = { ...common, topic: { type: 'string', multiple: true } } as const;

export const NODES_HELP = `redis-print nodes [connection] [subscription] [--duration 10s] [--json] [--down-period 30s]

Watches the adapter's channels (default PSUBSCRIBE phx:*) until --duration ends it or Ctrl-C, then
prints every node seen — name, adapter generation and envelope, channel and PubSub, compression,
atom encoding (OTP), tracker replicas (vsn and start time), first/last seen, msg/s, bytes/s —
the channels with PUBSUB NUMSUB (where the ACL allows), and findings: mixed-generations,
duplicate-node-name, node-silent, crash-payload, no-node-subscribed, subscriber-missing,
oversized-payload, replica-restarted (docs/nodes.md).
  --json            one JSON document on stdout at exit (fields: docs/nodes.md)
  --down-period D   the trackers' down_period (default 30s), for node-silent

Example: redis-print nodes --url redis://10.0.0.2:6379 --duration 30s
`;

export const PRESENCE_HELP = `redis-print presence [connection] [subscription] [--topic GLOB]... [--duration D] [--json]

Rebuilds Phoenix.Presence from the tracker gossip on Redis: prints joins, leaves and replicas
going up/down as they happen, and at exit every presence per tracker and topic (key, metas, owning
replica, since when) with the replicas and whether the state is complete (docs/presence.md).
  --topic GLOB      only presence topics matching (repeatable; e.g. 'room:*')
  --json            only one JSON document on stdout at exit (fields: docs/presence.md)
  --down-period D   the trackers' down_period (default 30s)

Example: redis-print presence --pubsub MyApp.PubSub --topic 'room:*' --duration 1m
`;

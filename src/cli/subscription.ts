import { channelFor } from '../phoenix/channel.js';
import { UsageError } from './errors.js';

export interface SubscriptionFlags {
  pattern?: string[];
  channel?: string[];
  pubsub?: string[];
}

export interface Subscription {
  patterns: string[];
  channels: string[];
}

export const DEFAULT_PATTERN = 'phx:*';

/**
 * `--pattern` and `--channel` replace the default `phx:*`; `--pubsub Chat.PubSub` adds both
 * generations' channels of that PubSub (2.x `phx:Elixir.Chat.PubSub`, 3.x `…Adapter`), so a
 * rolling upgrade between them is visible from one watcher.
 */
export function subscriptionFromFlags(flags: SubscriptionFlags): Subscription {
  const patterns = [...(flags.pattern ?? [])];
  const channels = [...(flags.channel ?? [])];
  for (const name of flags.pubsub ?? []) {
    if (name.trim() === '') throw new UsageError('--pubsub needs a PubSub name like Chat.PubSub');
    channels.push(channelFor(name, 1), channelFor(name, 3));
  }
  if (patterns.length === 0 && channels.length === 0) patterns.push(DEFAULT_PATTERN);
  return { patterns: unique(patterns), channels: unique(channels) };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

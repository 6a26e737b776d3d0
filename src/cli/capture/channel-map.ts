/**
 * `--map-channel FROM=TO` for replay: publish what was recorded on channel FROM to channel TO
 * instead (e.g. a staging PubSub's channel onto a local app's). Exact names, not globs: a replay
 * that lands on an unintended channel is worse than one that needs two flags.
 */
import { UsageError } from '../errors.js';

export class ChannelMap {
  private constructor(private readonly pairs: ReadonlyMap<string, string>) {}

  /**
   * Each spec is split at its first `=` (channel names of the adapter never contain one; a TO
   * may). Mapping the same FROM twice to different TOs is refused rather than one silently winning.
   */
  static parse(specs: readonly string[]): ChannelMap {
    const pairs = new Map<string, string>();
    for (const spec of specs) {
      const at = spec.indexOf('=');
      if (at <= 0 || at === spec.length - 1) {
        throw new UsageError(`--map-channel needs FROM=TO with both channel names, got "${spec}"`);
      }
      const from = spec.slice(0, at);
      const to = spec.slice(at + 1);
      const earlier = pairs.get(from);
      if (earlier !== undefined && earlier !== to) {
        throw new UsageError(`--map-channel maps "${from}" twice (to "${earlier}" and to "${to}")`);
      }
      pairs.set(from, to);
    }
    return new ChannelMap(pairs);
  }

  /** The channel to publish a record from `channel` on. */
  map(channel: string): string {
    return this.pairs.get(channel) ?? channel;
  }

  get size(): number {
    return this.pairs.size;
  }
}

import { RecentSlots } from './recent-slots.js';

/**
 * What `make` gives for a text, remembered: a flood repeats a few channels, nodes, topics, events
 * and kinds message after message, and finding one costs less than making it again (an escape
 * scan, a JSON quoting). Bounded: forgotten all at once when full; texts longer than `maxLength`
 * (rare, and dear to hash) are made each time and not kept.
 */
export class TextMemo<T> {
  private readonly made = new Map<string, T>();
  // Most lookups find one of the last few texts: a flood's columns are mostly the very same strings.
  private readonly recent = new RecentSlots<string, T>();

  constructor(
    private readonly make: (text: string) => T,
    private readonly maxLength = 256,
    private readonly maxEntries = 1024,
  ) {}

  of(text: string): T {
    const slot = this.recent.find(text);
    if (slot >= 0) return this.recent.value(slot);
    let value = this.made.get(text);
    if (value === undefined) {
      value = this.make(text);
      if (text.length > this.maxLength) return value;
      if (this.made.size >= this.maxEntries) {
        this.made.clear();
        this.recent.forget();
      }
      this.made.set(text, value);
    }
    this.recent.remember(text, value);
    return value;
  }
}

import { RecentSlots } from './recent-slots.js';

/**
 * What `make` gives for an object, remembered for the last few objects asked for. Decoded maps of
 * one kind share one keys array (etf/fast-reader.ts keeps the keys of recent map shapes), so what a
 * writer derives from a map's keys is made once per kind of map rather than once per map. A
 * remembered object is taken to be unchanged: decoded terms are read-only.
 */
export class IdentityMemo<K extends object, V> {
  private readonly recent = new RecentSlots<K, V>();

  constructor(private readonly make: (object: K) => V) {}

  of(object: K): V {
    const slot = this.recent.find(object);
    if (slot >= 0) return this.recent.value(slot);
    const value = this.make(object);
    this.recent.remember(object, value);
    return value;
  }
}

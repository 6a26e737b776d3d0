/**
 * The last few keys asked for and their values, found by identity (`===`): a comparison or two,
 * where a Map lookup hashes and probes. A flood hands the same objects and strings over message
 * after message, so the last four cover most lookups.
 */
export class RecentSlots<K, V> {
  private readonly keys: Array<K | undefined> = [undefined, undefined, undefined, undefined];
  private readonly values: Array<V | undefined> = [undefined, undefined, undefined, undefined];
  private next = 0;

  /** The slot holding `key`, or -1. */
  find(key: K): number {
    const keys = this.keys;
    for (let i = 0; i < SLOTS; i++) if (keys[i] === key) return i;
    return -1;
  }

  /** The value in a slot find() gave. */
  value(slot: number): V {
    return this.values[slot]!;
  }

  /** Keeps `key` and `value` in place of the oldest pair. */
  remember(key: K, value: V): void {
    const slot = this.next;
    this.next = (slot + 1) & (SLOTS - 1);
    this.keys[slot] = key;
    this.values[slot] = value;
  }

  forget(): void {
    this.keys.fill(undefined);
  }
}

const SLOTS = 4;

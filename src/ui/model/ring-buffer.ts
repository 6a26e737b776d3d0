/**
 * A bounded FIFO over a fixed array: `push` is O(1) and, once full, lets the oldest item go and
 * counts it in `evicted`. Index 0 is the oldest item still held.
 *
 * Items also have an absolute index — their position in everything ever pushed — so that a view
 * can remember "from message N on" across evictions (see `absoluteStart`).
 */
export class RingBuffer<T> implements Iterable<T> {
  readonly capacity: number;
  private readonly items: Array<T | undefined>;
  private head = 0; // slot of the oldest item
  private count = 0;
  private evictedCount = 0;
  private shiftedCount = 0;

  constructor(capacity = 10_000) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`ring buffer capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
    this.items = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** How many items `push` let go because the buffer was full (not counting `shift`/`clear`). */
  get evicted(): number {
    return this.evictedCount;
  }

  /** Absolute index of item 0: everything pushed before it is gone (evicted, shifted or cleared). */
  get absoluteStart(): number {
    return this.evictedCount + this.shiftedCount;
  }

  /** Absolute index the next `push` will get. */
  get absoluteEnd(): number {
    return this.absoluteStart + this.count;
  }

  /** Adds `item`; returns the item it had to let go, if any. */
  push(item: T): T | undefined {
    if (this.count < this.capacity) {
      this.items[(this.head + this.count) % this.capacity] = item;
      this.count++;
      return undefined;
    }
    const dropped = this.items[this.head];
    this.items[this.head] = item;
    this.head = (this.head + 1) % this.capacity;
    this.evictedCount++;
    return dropped;
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined; // let it be collected
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    this.shiftedCount++;
    return item;
  }

  /** Item `index` counted from the oldest (negative counts from the newest), or undefined. */
  get(index: number): T | undefined {
    const i = index < 0 ? this.count + index : index;
    if (i < 0 || i >= this.count) return undefined;
    return this.items[(this.head + i) % this.capacity];
  }

  /** The item with absolute index `abs`, if still held. */
  getAbsolute(abs: number): T | undefined {
    const i = abs - this.absoluteStart;
    return i >= 0 ? this.get(i) : undefined;
  }

  first(): T | undefined {
    return this.get(0);
  }

  last(): T | undefined {
    return this.count === 0 ? undefined : this.get(this.count - 1);
  }

  /** Drops every item. Absolute indexes keep counting; `evicted` is unchanged (nothing overflowed). */
  clear(): void {
    this.shiftedCount += this.count;
    this.items.fill(undefined);
    this.head = 0;
    this.count = 0;
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.count; i++) yield this.items[(this.head + i) % this.capacity] as T;
  }

  toArray(): T[] {
    return Array.from(this);
  }
}

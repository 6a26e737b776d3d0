/**
 * What `make` gives for an object, remembered for the last few objects asked for and found by
 * identity. Decoded maps of one kind share one keys array (etf/fast-reader.ts keeps the keys of
 * recent map shapes), so what a writer derives from a map's keys is made once per kind of map
 * rather than once per map. A remembered object is taken to be unchanged: decoded terms are
 * read-only.
 */
export class IdentityMemo<K extends object, V> {
  private readonly objects: Array<K | undefined> = [undefined, undefined, undefined, undefined];
  private readonly values: Array<V | undefined> = [undefined, undefined, undefined, undefined];
  private next = 0;

  constructor(private readonly make: (object: K) => V) {}

  of(object: K): V {
    const objects = this.objects;
    for (let i = 0; i < SLOTS; i++) if (objects[i] === object) return this.values[i]!;
    const value = this.make(object);
    const slot = this.next;
    this.next = (slot + 1) & (SLOTS - 1);
    objects[slot] = object;
    this.values[slot] = value;
    return value;
  }
}

const SLOTS = 4;

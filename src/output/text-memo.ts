/**
 * What `make` gives for a text, remembered: a flood repeats a few channels, nodes, topics, events
 * and kinds message after message, and finding one costs less than making it again (an escape
 * scan, a JSON quoting). Bounded: forgotten all at once when full; texts longer than `maxLength`
 * (rare, and dear to hash) are made each time and not kept.
 */
export class TextMemo<T> {
  private readonly made = new Map<string, T>();
  // The last few texts asked for, found by a comparison or two: a flood's columns are mostly the
  // very same string objects, and a Map lookup (hash, probe) costs several times more.
  private readonly recentTexts: Array<string | undefined> = [undefined, undefined, undefined, undefined];
  private readonly recentValues: Array<T | undefined> = [undefined, undefined, undefined, undefined];
  private nextRecent = 0;

  constructor(
    private readonly make: (text: string) => T,
    private readonly maxLength = 256,
    private readonly maxEntries = 1024,
  ) {}

  of(text: string): T {
    const recent = this.recentTexts;
    for (let i = 0; i < RECENT; i++) if (recent[i] === text) return this.recentValues[i]!;
    let value = this.made.get(text);
    if (value === undefined) {
      value = this.make(text);
      if (text.length > this.maxLength) return value;
      if (this.made.size >= this.maxEntries) {
        this.made.clear();
        this.recentTexts.fill(undefined);
      }
      this.made.set(text, value);
    }
    const slot = this.nextRecent;
    this.nextRecent = (slot + 1) & (RECENT - 1);
    recent[slot] = text;
    this.recentValues[slot] = value;
    return value;
  }
}

const RECENT = 4;

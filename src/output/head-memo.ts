/**
 * A line head's middle columns — channel, envelope, node, topic, event, with the spaces between
 * them — as one piece of bytes, for the last few combinations. A flood repeats a handful of them;
 * texts decoded from each message are new strings every time, so finding each column in a memo
 * hashes it afresh: comparing five texts with the last few heads' and copying one piece costs
 * less than five lookups and five copies.
 */
export class HeadMemo {
  private readonly entries: Array<HeadColumns | undefined> = new Array<HeadColumns | undefined>(SLOTS).fill(undefined);
  private next = 0;

  /** The bytes remembered for these columns, or undefined. */
  find(columns: HeadKey): Uint8Array | undefined {
    const entries = this.entries;
    for (let i = 0; i < SLOTS; i++) {
      const e = entries[i];
      if (e === undefined) return undefined;
      if (
        e.envelope === columns.envelope &&
        e.channel === columns.channel &&
        e.topic === columns.topic &&
        e.event === columns.event &&
        e.node === columns.node
      )
        return e.bytes;
    }
    return undefined;
  }

  /** Keeps `bytes` for these columns in place of the oldest. */
  remember(columns: HeadKey, bytes: Uint8Array): void {
    const { channel, envelope, node, topic, event } = columns;
    this.entries[this.next] = { channel, envelope, node, topic, event, bytes };
    this.next = (this.next + 1) % SLOTS;
  }
}

/** What the middle columns are made of: texts (undefined: absent) and the envelope's word. */
export interface HeadKey {
  channel: string;
  /** The envelope column's bytes: one shared array per envelope word, so identity decides. */
  envelope: Uint8Array;
  node: string | undefined;
  topic: string | undefined;
  event: string | undefined;
}

interface HeadColumns extends HeadKey {
  bytes: Uint8Array;
}

const SLOTS = 8;

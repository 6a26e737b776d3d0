/**
 * Channel names as strings, decoded once per run of messages on the same channel: a flood comes
 * on one channel (or a few), and decoding its name for every message made a string per message
 * that every later step compared again (the batch's string table, the capture writer). Gives the
 * very same string object while the channel stays the same.
 */
export class ChannelNames {
  private lastBytes: Buffer | null = null;
  private lastName = '';

  of(channel: Buffer): string {
    const last = this.lastBytes;
    if (last !== null && last.length === channel.length && sameBytes(last, channel)) return this.lastName;
    // A copy: the Buffer ioredis hands over is a view into its read buffer, kept alive otherwise.
    this.lastBytes = Buffer.from(channel);
    this.lastName = channel.toString('utf8');
    return this.lastName;
  }
}

/** Byte for byte; channel names are short, where a loop costs less than Buffer#equals' native call. */
function sameBytes(a: Buffer, b: Buffer): boolean {
  const n = a.length;
  if (n > 128) return a.equals(b);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

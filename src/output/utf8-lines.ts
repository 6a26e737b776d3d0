/**
 * Lines UTF-8-encoded into one growing buffer as they come — no array of strings to join and
 * encode again — and taken out as one exactly sized, transferable chunk.
 */
const INITIAL_BYTES = 256 * 1024;
/** After a burst grew the buffer past this, it shrinks back once taken. */
const KEEP_BYTES = 8 * 1024 * 1024;

export class Utf8Lines {
  private buffer = Buffer.allocUnsafeSlow(INITIAL_BYTES);
  private length = 0;

  get byteLength(): number {
    return this.length;
  }

  add(line: string): void {
    // A UTF-16 unit takes at most 3 bytes in UTF-8 (a surrogate pair: 4 for 2 units).
    const room = line.length * 3 + 1;
    if (this.length + room > this.buffer.length) this.grow(this.length + room);
    this.length += this.buffer.write(line, this.length, 'utf8');
    this.buffer[this.length++] = 0x0a;
  }

  /** Everything added so far, in a buffer of its own (safe to transfer or hand to a stream). */
  take(): Uint8Array<ArrayBuffer> {
    const chunk = new Uint8Array(this.length);
    chunk.set(this.buffer.subarray(0, this.length));
    this.length = 0;
    if (this.buffer.length > KEEP_BYTES) this.buffer = Buffer.allocUnsafeSlow(INITIAL_BYTES);
    return chunk;
  }

  private grow(needed: number): void {
    let size = this.buffer.length * 2;
    while (size < needed) size *= 2;
    const bigger = Buffer.allocUnsafeSlow(size);
    this.buffer.copy(bigger, 0, 0, this.length);
    this.buffer = bigger;
  }
}

/**
 * A growable byte buffer for the encoder. One instance is reused for every encode, so a message
 * costs one copy of its bytes at the end rather than a chain of small allocations.
 */
const encoder = new TextEncoder();

export class OutputBuffer {
  private buf = new Uint8Array(64 * 1024);
  private view = new DataView(this.buf.buffer);
  length = 0;

  reset(): void {
    this.length = 0;
    // Don't keep a one-off giant buffer alive between encodes.
    if (this.buf.length > 16 * 1024 * 1024) this.grow(0, 64 * 1024);
  }

  /** The bytes written so far (a view: copy before the next encode). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  private ensure(n: number): void {
    if (this.length + n > this.buf.length) this.grow(this.length + n, Math.max(this.buf.length * 2, this.length + n));
  }

  private grow(keep: number, size: number): void {
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, Math.min(keep, this.length)));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(x: number): void {
    this.ensure(1);
    this.buf[this.length++] = x;
  }

  u8u8(a: number, b: number): void {
    this.ensure(2);
    this.buf[this.length] = a;
    this.buf[this.length + 1] = b;
    this.length += 2;
  }

  u16(x: number): void {
    this.ensure(2);
    this.buf[this.length] = x >>> 8;
    this.buf[this.length + 1] = x & 0xff;
    this.length += 2;
  }

  u32(x: number): void {
    this.ensure(4);
    const b = this.buf;
    const p = this.length;
    b[p] = x >>> 24;
    b[p + 1] = (x >>> 16) & 0xff;
    b[p + 2] = (x >>> 8) & 0xff;
    b[p + 3] = x & 0xff;
    this.length = p + 4;
  }

  /** A tag byte and a 32-bit length, with one bounds check. */
  tagged32(tag: number, x: number): void {
    this.ensure(5);
    const b = this.buf;
    const p = this.length;
    b[p] = tag;
    b[p + 1] = x >>> 24;
    b[p + 2] = (x >>> 16) & 0xff;
    b[p + 3] = (x >>> 8) & 0xff;
    b[p + 4] = x & 0xff;
    this.length = p + 5;
  }

  /** Little-endian 32 bits (the low digits of a SMALL_BIG_EXT). */
  u32le(x: number): void {
    this.ensure(4);
    const b = this.buf;
    const p = this.length;
    b[p] = x & 0xff;
    b[p + 1] = (x >>> 8) & 0xff;
    b[p + 2] = (x >>> 16) & 0xff;
    b[p + 3] = x >>> 24;
    this.length = p + 4;
  }

  f64(x: number): void {
    this.ensure(8);
    this.view.setFloat64(this.length, x);
    this.length += 8;
  }

  bytes_(src: Uint8Array): void {
    this.ensure(src.length);
    if (src.length < 16) {
      const b = this.buf;
      let p = this.length;
      for (let i = 0; i < src.length; i++) b[p++] = src[i]!;
    } else {
      this.buf.set(src, this.length);
    }
    this.length += src.length;
  }

  /** Writes `s` as UTF-8; returns the number of bytes written. */
  utf8(s: string): number {
    const n = s.length;
    this.ensure(n * 3);
    const b = this.buf;
    let p = this.length;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      b[p++] = c;
    }
    if (i < n) p += encoder.encodeInto(s.slice(i), b.subarray(p)).written;
    const written = p - this.length;
    this.length = p;
    return written;
  }

  /** Latin-1 text, NUL-padded to `width` bytes (FLOAT_EXT). */
  latin1Padded(s: string, width: number): void {
    this.ensure(width);
    const b = this.buf;
    for (let i = 0; i < width; i++) b[this.length + i] = i < s.length ? s.charCodeAt(i) : 0;
    this.length += width;
  }

  patchU8(at: number, x: number): void {
    this.buf[at] = x;
  }

  patchU32(at: number, x: number): void {
    const b = this.buf;
    b[at] = x >>> 24;
    b[at + 1] = (x >>> 16) & 0xff;
    b[at + 2] = (x >>> 8) & 0xff;
    b[at + 3] = x & 0xff;
  }
}

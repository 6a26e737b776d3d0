/**
 * The one error a capture reader raises for bad content: a single line naming the file and the
 * byte offset, e.g. `dump.etf: byte 0: not a redis-print capture (…)`. I/O errors (missing file,
 * permissions) are passed through as Node raised them; they already name the file.
 */
export class CaptureFormatError extends Error {
  constructor(
    /** File name (or the label given for in-memory bytes). */
    readonly source: string,
    /** Offset in the file of the value at fault. */
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`${source}: byte ${offset}: ${reason}`);
    this.name = 'CaptureFormatError';
  }
}

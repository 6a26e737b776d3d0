/**
 * `hexdump -C`-style lines for the hex pane, returned as segments so the widget can colour the
 * byte range of the node selected in the detail tree (the same offsets, from TermSpan):
 *
 *   00000000  83 68 06 61 03 64 00 06  65 78 63 65 70 74 64 00  |.h.a.d..exceptd.|
 *
 * Only the requested lines are built, so a 100 KB payload costs one screenful per redraw.
 */

export type HexRole = 'offset' | 'hex' | 'ascii' | 'plain';

export interface HexSegment {
  text: string;
  role: HexRole;
  /** Inside the highlighted byte range. */
  highlight: boolean;
}

export interface HexLine {
  /** Offset of the first byte on the line. */
  offset: number;
  segments: HexSegment[];
}

export interface ByteRange {
  start: number;
  /** Exclusive. */
  end: number;
}

export interface HexDumpOptions {
  /** Bytes per line (default 16); an extra space separates each group of 8. */
  width?: number;
  highlight?: ByteRange;
  /** First line to build (default 0). */
  fromLine?: number;
  /** Number of lines to build (default: to the end). */
  lineCount?: number;
}

const GROUP = 8;

export function hexLineCount(length: number, width = 16): number {
  return Math.ceil(length / width);
}

/** The line that shows byte `offset` (to scroll a highlight into view). */
export function hexLineOf(offset: number, width = 16): number {
  return Math.floor(offset / width);
}

export function hexDump(bytes: Uint8Array, options: HexDumpOptions = {}): HexLine[] {
  const width = options.width ?? 16;
  if (!Number.isInteger(width) || width < 1)
    throw new RangeError(`hex dump width must be a positive integer, got ${width}`);
  const total = hexLineCount(bytes.length, width);
  const from = Math.max(0, options.fromLine ?? 0);
  const to = Math.min(total, options.lineCount === undefined ? total : from + Math.max(0, options.lineCount));
  const hl = options.highlight;
  const lit = (i: number): boolean => hl !== undefined && i >= hl.start && i < hl.end;

  const lines: HexLine[] = [];
  for (let line = from; line < to; line++) {
    const offset = line * width;
    const end = Math.min(bytes.length, offset + width);
    const out = new SegmentBuilder();
    out.add(offset.toString(16).padStart(8, '0'), 'offset', false);
    out.add('  ', 'plain', false);
    for (let j = 0; j < width; j++) {
      const i = offset + j;
      if (j > 0) {
        const gap = j % GROUP === 0 ? '  ' : ' ';
        // The gap between two highlighted bytes is highlighted too, so the range reads as one block.
        out.add(gap, 'hex', i < end && lit(i - 1) && lit(i));
      }
      if (i < end) out.add(bytes[i]!.toString(16).padStart(2, '0'), 'hex', lit(i));
      else out.add('  ', 'hex', false);
    }
    out.add('  |', 'plain', false);
    for (let i = offset; i < end; i++) out.add(printable(bytes[i]!), 'ascii', lit(i));
    out.add('|', 'plain', false);
    lines.push({ offset, segments: out.segments });
  }
  return lines;
}

function printable(byte: number): string {
  return byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.';
}

/** Appends text, merging it into the previous segment when role and highlight are the same. */
class SegmentBuilder {
  readonly segments: HexSegment[] = [];

  add(text: string, role: HexRole, highlight: boolean): void {
    const last = this.segments[this.segments.length - 1];
    if (last !== undefined && last.role === role && last.highlight === highlight) last.text += text;
    else this.segments.push({ text, role, highlight });
  }
}

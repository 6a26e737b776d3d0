/**
 * The one-line Elixir rendering (etf/render/elixir-flat.ts) written straight into the line
 * output's bytes: the common payload string is copied as the bytes it already is, and no string
 * of the whole payload is made, encoded and scanned again.
 *
 * Terminal-safe as syntaxForTerminal makes a whole line: that escapes characters one at a time,
 * so escaping each piece of text gives the same bytes; ASCII syntax and plain binaries (printable
 * ASCII) hold nothing it would escape.
 */
import type { FlatSink } from '../etf/render/elixir-flat.js';
import { syntaxForTerminal } from '../text/terminal-safe.js';
import type { Utf8Lines } from './utf8-lines.js';

export class ElixirLineSink implements FlatSink {
  private lines: Utf8Lines | null = null;
  private start = 0;

  /** Starts a rendering into `lines`: `written` counts from here. */
  begin(lines: Utf8Lines): this {
    this.lines = lines;
    this.start = lines.byteLength;
    return this;
  }

  get written(): number {
    return this.lines!.byteLength - this.start;
  }

  ascii(text: string): void {
    this.lines!.ascii(text);
  }

  text(text: string): void {
    if (isPrintableAscii(text)) this.lines!.ascii(text);
    else this.lines!.text(syntaxForTerminal(text));
  }

  plainBinary(bytes: Uint8Array): void {
    this.lines!.bytes(bytes);
  }
}

/** Printable ASCII only (space to `~`): nothing a terminal acts on, one byte per unit. */
function isPrintableAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

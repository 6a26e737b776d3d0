/**
 * How much of one term a renderer shows. What a rendered term costs follows lengths the sender
 * chose: a 65 KB compressed payload inflates to a 64 MiB binary, which written as `<<0, 0, …>>`
 * is a 190-million-character string (it killed a watcher at 3.1 GB). So every renderer shows at
 * most `binaryBytes` of a binary (saying its full size), and once it has produced about `chars`
 * characters it stops adding container items and says how many it left out. Both bounds hold
 * whatever the caller asks for: a renderer may show less, never more.
 */
import { isUtf8 } from 'node:buffer';

export interface DisplayLimits {
  /** Bytes of one binary shown; a longer binary is cut there and its size given. */
  readonly binaryBytes: number;
  /** Characters one rendering may produce, roughly (checked per item, so one item may overshoot). */
  readonly chars: number;
}

const MiB = 1024 * 1024;

/** The bounds every renderer applies unless told to show less: 1 MiB per binary, 16 Mi characters. */
export const DISPLAY_LIMITS: DisplayLimits = { binaryBytes: MiB, chars: 16 * MiB };

/**
 * Elixir and Erlang syntax write a binary that is not text as one number per byte, which costs
 * far more than text or JSON's base64 (laying out 1 MiB of bytes took a decode to 370 MB): they
 * show 64 KiB of such a binary (text is shown up to `binaryBytes`).
 */
export const SYNTAX_BINARY_BYTES = 64 * 1024;

/** The effective limits: the caller's, never beyond DISPLAY_LIMITS. */
export function displayLimits(
  asked: { binaryBytes?: number | undefined; chars?: number | undefined } = {},
): DisplayLimits {
  return {
    binaryBytes: Math.min(asked.binaryBytes ?? DISPLAY_LIMITS.binaryBytes, DISPLAY_LIMITS.binaryBytes),
    chars: Math.min(asked.chars ?? DISPLAY_LIMITS.chars, DISPLAY_LIMITS.chars),
  };
}

/** Characters left for one rendering. */
export class RenderBudget {
  private left: number;

  constructor(readonly limits: DisplayLimits = DISPLAY_LIMITS) {
    this.left = limits.chars;
  }

  spend(chars: number): void {
    this.left -= chars;
  }

  get exhausted(): boolean {
    return this.left <= 0;
  }

  /** `built`, its length spent when it is flat text (a document's parts were spent as they were built). */
  charge<T>(built: T | string): T | string {
    if (typeof built === 'string') this.spend(built.length);
    return built;
  }

  /** `count` items, as many as the budget allows, then a `…(N more)` marker for the rest. */
  items<T>(count: number, item: (i: number) => T): Array<T | string> {
    const shown: Array<T | string> = [];
    for (let i = 0; i < count; i++) {
      if (this.exhausted) {
        shown.push(moreMarker(count - i));
        break;
      }
      shown.push(item(i));
    }
    return shown;
  }

  /** Whether `bytes` is longer than a binary may be shown. */
  cuts(bytes: Uint8Array): boolean {
    return bytes.length > this.limits.binaryBytes;
  }
}

/** Elixir-style marker for the items a container did not show: `…(499998 more)`. */
export function moreMarker(count: number): string {
  return `…(${count} more)`;
}

/**
 * Elixir's `String.printable?/1` decided on the bytes, without decoding them to a string (which
 * for a 64 MiB binary is the very allocation to avoid): valid UTF-8 without C0 controls other
 * than \a..\r and \e, without C1 controls (C2 80..C2 9F) and without U+FFFE/U+FFFF (EF BF BE/BF).
 * Continuation bytes are ≥ 0x80, so a byte below 0x20 is always a character of its own.
 */
export function isPrintableUtf8(bytes: Uint8Array): boolean {
  if (!isUtf8(bytes)) return false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x20) {
      if (!((b >= 7 && b <= 13) || b === 27)) return false;
    } else if (b === 0xc2) {
      const next = bytes[i + 1]!;
      if (next >= 0x80 && next <= 0x9f) return false;
    } else if (b === 0xef && bytes[i + 1] === 0xbf && (bytes[i + 2] === 0xbe || bytes[i + 2] === 0xbf)) return false;
  }
  return true;
}

/**
 * The text of the first `max` bytes of valid UTF-8 `bytes`, ending at a character boundary (a
 * character cut by the limit is left out).
 */
export function utf8Prefix(bytes: Uint8Array, max: number): string {
  let end = Math.min(max, bytes.length);
  if (end < bytes.length) {
    // Step back over continuation bytes to the start of the character the cut falls in.
    let start = end;
    while (start > 0 && (bytes[start]! & 0xc0) === 0x80) start--;
    end = start;
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('utf8');
}

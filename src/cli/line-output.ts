/**
 * How lines are printed (watch, view, decode of captures), decided once from the flags and the
 * terminal: NDJSON or text, cut to the terminal width or not, coloured or not.
 */
import { paletteFor, type Palette } from '../output/palette.js';
import type { TimeMode } from '../output/line-format.js';
import { timeFlag } from './args.js';
import { UsageError } from './errors.js';
import { COLOR_CHOICES, type ColorChoice } from './flags.js';
import type { CliIo, OutStream } from './io.js';

export interface LineOutput {
  json: boolean;
  /** The time column (`--time`). */
  time: TimeMode;
  /** Cut text lines to this many columns (a terminal, without --full). */
  width: number | undefined;
  palette: Palette;
}

export interface LineOutputFlags {
  json?: boolean | undefined;
  full?: boolean | undefined;
  color?: string | undefined;
  time?: string | undefined;
}

export function colorChoice(value: string | undefined): ColorChoice {
  if (value === undefined) return 'auto';
  if (!(COLOR_CHOICES as readonly string[]).includes(value)) {
    throw new UsageError(`--color takes ${COLOR_CHOICES.join(', ')}, got "${value}"`);
  }
  return value as ColorChoice;
}

export function lineOutputFrom(flags: LineOutputFlags, io: Pick<CliIo, 'env'> & { stdout: OutStream }): LineOutput {
  const palette = paletteFor(io.stdout, io.env, colorChoice(flags.color));
  const width = flags.full || !io.stdout.isTTY ? undefined : io.stdout.columns;
  return { json: flags.json === true, time: timeFlag(flags.time), width, palette };
}

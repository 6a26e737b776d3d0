import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ELIXIR_VERSIONS, type ElixirVersion } from '../etf/render/elixir.js';
import { setElixirVersion } from '../output/term-text.js';
import { UsageError } from './errors.js';
import { closest } from './suggest.js';
import { TIME_MODES, type TimeMode } from '../output/line-format.js';

type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

// The shared groups, under the names the commands used before flags.ts gave them help text.
export {
  connectionFlags as connectionOptions,
  filterFlags as filterOptions,
  subscriptionFlags as subscriptionOptions,
} from './flags.js';

/** How terms are written, for every command that prints them. */
export const renderOptions = {
  elixir: { type: 'string' },
} as const satisfies OptionSpecs;

/**
 * `--elixir 1.14|1.15`: whose `inspect` every surface follows (term-text.ts). 1.14, the default,
 * writes charlists 'abc'; 1.15 and later write ~c"abc".
 */
export function applyRenderFlags(values: { elixir?: string | undefined }): void {
  if (values.elixir === undefined) return;
  if (!(ELIXIR_VERSIONS as readonly string[]).includes(values.elixir)) {
    throw new UsageError(`--elixir must be one of ${ELIXIR_VERSIONS.join(', ')}, got "${values.elixir}"`);
  }
  setElixirVersion(values.elixir as ElixirVersion);
}

/**
 * node:util parseArgs, strict, with its errors turned into one-line usage errors.
 * `--flag=value` and `--flag value` both work; unknown flags are refused.
 */
type ParsedArgs<T extends OptionSpecs> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: true; allowNegative: true }>
>;

export function parseCommandArgs<T extends OptionSpecs>(command: string, argv: string[], options: T): ParsedArgs<T> {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: true, allowNegative: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // parseArgs messages are multi-sentence ("... To specify a positional argument ..."): keep the first.
    const first = (message.split(/\.\s/)[0] ?? message).replace(/^Unknown option/, 'unknown option').replace(/'/g, '');
    throw new UsageError(`${command}: ${first}${suggestion(first, options)}`, command);
  }
}

/** `unknown option --tpoic` → ` (did you mean --topic?)`. */
function suggestion(message: string, options: OptionSpecs): string {
  const unknown = /^unknown option (--?)([^\s,]+)/.exec(message);
  if (!unknown || unknown[1] !== '--') return '';
  const name = unknown[2]!.replace(/^no-/, '');
  const match = closest(name, Object.keys(options));
  return match === undefined ? '' : ` (did you mean --${match}?)`;
}

/** A positive integer flag value, or a usage error naming the flag. */
export function intFlag(name: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min) {
    throw new UsageError(`--${name} needs an integer ≥ ${min}, got "${value}"`);
  }
  return Number(value);
}

/** Seconds with an optional unit (`2`, `2s`, `500ms`, `1.5`), as milliseconds. */
export function durationFlag(name: string, value: string | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value);
  if (!match) throw new UsageError(`--${name} needs a duration like 2s or 500ms, got "${value}"`);
  const n = Number(match[1]);
  const unit = match[2] ?? 's';
  return Math.round(unit === 'ms' ? n : unit === 'm' ? n * 60_000 : n * 1000);
}

/**
 * parseArgs has no optional-value flags; `--compressed` alone means `--compressed=DEFAULT`.
 * (`--compressed 6` is therefore a file named 6: write `--compressed=6`.)
 */
export function withOptionalValue(argv: string[], name: string, fallback: string): string[] {
  return argv.map((arg) => (arg === `--${name}` ? `--${name}=${fallback}` : arg));
}

/** `--compressed[=LEVEL]` as a zlib level: absent → 0 (off), bare → 6, else 0..9. */
export function compressionFlag(value: string | undefined): number {
  if (value === undefined) return 0;
  if (!/^\d$/.test(value)) throw new UsageError(`--compressed takes a level 0-9, got "${value}"`);
  return Number(value);
}

/** `--time local|utc|delta` for line output (default local). */
export function timeFlag(value: string | undefined): TimeMode {
  if (value === undefined) return 'local';
  if ((TIME_MODES as readonly string[]).includes(value)) return value as TimeMode;
  throw new UsageError(`--time must be one of ${TIME_MODES.join(', ')}, got "${value}"`);
}

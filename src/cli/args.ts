import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';
import { TIME_MODES, type TimeMode } from '../output/line-format.js';

type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** Flags shared by every command that connects to Redis (redis-cli's spelling where it has one). */
export const connectionOptions = {
  url: { type: 'string' },
  host: { type: 'string', short: 'h' },
  port: { type: 'string', short: 'p' },
  pass: { type: 'string', short: 'a' },
  user: { type: 'string' },
  db: { type: 'string', short: 'n' },
  tls: { type: 'boolean' },
  cacert: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  insecure: { type: 'boolean' },
  sentinel: { type: 'string' },
  'master-name': { type: 'string' },
  cluster: { type: 'boolean' },
} as const satisfies OptionSpecs;

/** What to subscribe to. */
export const subscriptionOptions = {
  pattern: { type: 'string', multiple: true },
  channel: { type: 'string', multiple: true },
  pubsub: { type: 'string', multiple: true },
} as const satisfies OptionSpecs;

/** Message filters, shared by watch, record, replay, decode of captures and the UI. */
export const filterOptions = {
  topic: { type: 'string', multiple: true },
  event: { type: 'string', multiple: true },
  node: { type: 'string', multiple: true },
  grep: { type: 'string', multiple: true },
  kind: { type: 'string', multiple: true },
} as const satisfies OptionSpecs;

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
    const first = message
      .split(/\.\s/)[0]!
      .replace(/^Unknown option/, 'unknown option')
      .replace(/'/g, '');
    throw new UsageError(`${command}: ${first}`);
  }
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

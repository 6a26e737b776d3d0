/**
 * Flag definitions: ONE object per command says what parseArgs accepts and what `CMD --help`
 * and `redis-print completion` print, so help and completion cannot drift from parsing.
 *
 * A FlagDef is a node:util parseArgs option (`type`, `short`, `multiple`; parseArgs ignores the
 * other keys) plus what a person needs: the help line, a value placeholder, the values it takes.
 * Commands spread the shared groups below into their own flags:
 *
 *   const myFlags = { ...connectionFlags, ...filterFlags, out: { type: 'string', short: 'o',
 *     value: 'FILE', help: 'write here' } } as const satisfies FlagDefs;
 *   const { values, positionals } = parseCommandArgs('mycmd', argv, myFlags);
 */
import { FILTER_KINDS } from '../output/filter.js';
import { TIME_MODES } from '../output/line-format.js';

export interface FlagDef {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  /** One line for `--help`. */
  readonly help: string;
  /** Placeholder for the value in help (`FILE`, `N`, `GLOB`); string flags only. */
  readonly value?: string;
  /** The values the flag takes, for help and shell completion. */
  readonly choices?: readonly string[];
  /** What shell completion offers for the value. */
  readonly complete?: 'file' | 'dir';
  /** Heading it is listed under in help (default "Options"). */
  readonly group?: string;
  /** `--no-FLAG` is the spelling people use (`--no-tui`): help shows that. */
  readonly negated?: boolean;
  /** Parsed but not shown in help (kept for compatibility). */
  readonly hidden?: boolean;
}

export type FlagDefs = Readonly<Record<string, FlagDef>>;

/** The values parseArgs hands over for these flags (each may be absent). */
export type FlagValues<T extends FlagDefs> = {
  [K in keyof T]?: T[K] extends { type: 'boolean' } ? boolean : T[K] extends { multiple: true } ? string[] : string;
};

/** Every command takes --help; runCli answers it before the command is even loaded. */
export const helpFlag = {
  help: { type: 'boolean', help: 'show this help' },
} as const satisfies FlagDefs;

/** Flags shared by every command that connects to Redis (redis-cli's spelling where it has one). */
export const connectionFlags = {
  url: {
    type: 'string',
    value: 'URL',
    group: 'Connection',
    help: 'redis://[user:pass@]host:port/db or rediss://… (default: REDIS_URL, else 127.0.0.1:6379)',
  },
  host: { type: 'string', short: 'h', value: 'HOST', group: 'Connection', help: 'server host' },
  port: { type: 'string', short: 'p', value: 'PORT', group: 'Connection', help: 'server port (default 6379)' },
  pass: {
    type: 'string',
    short: 'a',
    value: 'PASSWORD',
    group: 'Connection',
    help: 'password (or REDISCLI_AUTH; never printed)',
  },
  askpass: {
    type: 'boolean',
    group: 'Connection',
    help: 'read the password from the terminal without echo (else one line of stdin)',
  },
  user: { type: 'string', value: 'USER', group: 'Connection', help: 'ACL user name' },
  db: { type: 'string', short: 'n', value: 'DB', group: 'Connection', help: 'database number' },
  tls: { type: 'boolean', group: 'Connection', help: 'connect over TLS' },
  cacert: { type: 'string', value: 'FILE', complete: 'file', group: 'Connection', help: 'CA certificate (PEM)' },
  cert: { type: 'string', value: 'FILE', complete: 'file', group: 'Connection', help: 'client certificate (PEM)' },
  key: { type: 'string', value: 'FILE', complete: 'file', group: 'Connection', help: 'client key (PEM)' },
  insecure: { type: 'boolean', group: 'Connection', help: 'TLS without verifying the server (warns)' },
  sentinel: {
    type: 'string',
    value: 'HOST:PORT[,…]',
    group: 'Connection',
    help: 'ask these Sentinels for the master (needs --master-name)',
  },
  'master-name': { type: 'string', value: 'NAME', group: 'Connection', help: 'the Sentinel master name' },
  cluster: { type: 'boolean', group: 'Connection', help: 'attach through a Redis Cluster node' },
} as const satisfies FlagDefs;

/** What to subscribe to (default: PSUBSCRIBE phx:*). */
export const subscriptionFlags = {
  pattern: {
    type: 'string',
    multiple: true,
    value: 'PATTERN',
    group: 'Subscription (default: PSUBSCRIBE phx:*)',
    help: 'PSUBSCRIBE this pattern (repeatable)',
  },
  channel: {
    type: 'string',
    multiple: true,
    value: 'CHANNEL',
    group: 'Subscription (default: PSUBSCRIBE phx:*)',
    help: 'SUBSCRIBE this exact channel (repeatable; not a filter)',
  },
  pubsub: {
    type: 'string',
    multiple: true,
    value: 'NAME',
    group: 'Subscription (default: PSUBSCRIBE phx:*)',
    help: "both generations' channels of a PubSub, e.g. Chat.PubSub (repeatable)",
  },
} as const satisfies FlagDefs;

const FILTERS = 'Filters (repeating a flag means "any of"; different flags must all match)';

/** Message filters, shared by watch, record, replay, view, split, decode of captures. */
export const filterFlags = {
  topic: { type: 'string', multiple: true, value: 'GLOB', group: FILTERS, help: 'the message topic' },
  event: { type: 'string', multiple: true, value: 'GLOB', group: FILTERS, help: 'the event, e.g. new:msg' },
  node: { type: 'string', multiple: true, value: 'GLOB', group: FILTERS, help: 'a node the message names' },
  grep: {
    type: 'string',
    multiple: true,
    value: 'TEXT',
    group: FILTERS,
    help: 'text in the decoded payload (smart case)',
  },
  kind: {
    type: 'string',
    multiple: true,
    value: 'KIND',
    choices: FILTER_KINDS,
    group: FILTERS,
    help: 'message kind (error: payloads that failed to decode)',
  },
} as const satisfies FlagDefs;

/** `--color`: colours on a terminal by default; `| less -R` wants `always`. */
export const COLOR_CHOICES = ['auto', 'always', 'never'] as const;
export type ColorChoice = (typeof COLOR_CHOICES)[number];

const OUTPUT = 'Output';

/** How messages are printed as lines (watch, view, decode of captures). */
export const lineOutputFlags = {
  json: { type: 'boolean', group: OUTPUT, help: 'NDJSON, one object per message (docs/ndjson.md)' },
  full: { type: 'boolean', group: OUTPUT, help: 'do not cut lines to the terminal width' },
  time: {
    type: 'string',
    value: 'MODE',
    choices: TIME_MODES,
    group: OUTPUT,
    help: 'time column: local (default; with the date when not today), utc (ISO 8601), delta (s since previous line)',
  },
  color: {
    type: 'string',
    value: 'WHEN',
    choices: COLOR_CHOICES,
    group: OUTPUT,
    help: 'colour lines: auto (terminal, no NO_COLOR), always (FORCE_COLOR), never',
  },
} as const satisfies FlagDefs;

/** The commands' own documentation, next to their flags. */
export interface CommandDef {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Synopsis lines, each after `redis-print `. */
  readonly usage: readonly string[];
  readonly flags: FlagDefs;
  /** Lines shown under the synopsis. */
  readonly description?: readonly string[];
  readonly examples: readonly string[];
  /** Positional arguments that are files (for completion). */
  readonly fileArgs?: boolean;
}

/**
 * `redis-print publish` flags → a PublishRequest. Everything that can be decided from the command
 * line alone is decided (and refused, as a one-line usage error naming the flag) here, before
 * any file is read or any connection is made.
 */
import { parseElixir } from '../../etf/parse/parser.js';
import { EncodeError } from '../../etf/errors.js';
import { fromPlain } from '../../etf/plain.js';
import { Atom, type Term } from '../../etf/term.js';
import { channelFor, generationOfChannel } from '../../phoenix/channel.js';
import { durationFlag, intFlag, parseCommandArgs } from '../args.js';
import type { ConnectionFlags } from '../connection.js';
import { UsageError } from '../errors.js';
import type { Generation } from './generation.js';
import type { PublishDraft } from '../../phoenix/publish-plan.js';
import { publishFlags } from '../command-defs.js';

/** Parsed with the definitions that --help and completion print. */
export const publishOptions = publishFlags;

/** Most messages one run may send (`--repeat`): a steady stream for a test, not a load generator. */
export const MAX_REPEAT = 100_000;
export const DEFAULT_INTERVAL_MS = 1000;
export const MAX_INTERVAL_MS = 3_600_000;
export const DEFAULT_SNIFF_MS = 2000;
export const MAX_SNIFF_MS = 60_000;
/** `--compressed` alone means zlib level 6, like Erlang's bare `compressed` option. */
export const DEFAULT_COMPRESSION = 6;

/** The message to send, with `--etf`'s file still to be read. */
export type MessageRequest = Exclude<PublishDraft['message'], { kind: 'etf' }> | { kind: 'etf-file'; path: string };

/** How the generation gets decided: fixed by the flags, or found out by looking at the cluster. */
export type GenerationRequest = { fixed: Generation; reason: string } | { auto: true };

export type EnvelopeFlags = Pick<
  PublishDraft,
  'only' | 'sender' | 'dispatcher' | 'v1Shape' | 'fastlane' | 'poolSize' | 'compression' | 'atoms'
>;

export interface PublishRequest {
  connection: ConnectionFlags;
  destination: { channel: string } | { pubsub: string };
  generation: GenerationRequest;
  sniffMs: number;
  message: MessageRequest;
  envelope: EnvelopeFlags;
  dryRun: boolean;
  hex: boolean;
  force: boolean;
  yes: boolean;
  repeat: number;
  intervalMs: number;
}

const V3_FLAGS = ['only', 'sender', 'dispatcher'] as const;
const V1_FLAGS = ['fastlane', 'v1-shape', 'pool-size'] as const;
const BUILD_FLAGS = [
  'topic',
  'event',
  'payload',
  'term',
  'message',
  'only',
  'sender',
  'dispatcher',
  'fastlane',
  'pool-size',
  'compressed',
  'otp26-atoms',
] as const;

/** The request, or 'help' for `publish --help` (whatever else is on the line). */
export function parsePublishArgs(argv: string[]): PublishRequest | 'help' {
  const { values, positionals } = parseCommandArgs('publish', expandBareCompressed(argv), publishOptions);
  if (values.help) return 'help';
  const base = {
    connection: values,
    dryRun: values['dry-run'] === true,
    hex: values.hex === true,
    force: values.force === true,
    yes: values.yes === true,
  };
  if (positionals.length > 0) throw new UsageError(`publish: unexpected argument "${positionals[0]}"`);

  const given = (name: keyof typeof values) => values[name] !== undefined;
  const destination = destinationFrom(values.pubsub, values.channel);
  const message = messageFrom(values, given);
  const envelope = envelopeFrom(values);
  const generation = generationFrom(values, given, destination);

  const repeat = intFlag('repeat', values.repeat, 1);
  if (repeat > MAX_REPEAT) throw new UsageError(`--repeat is capped at ${MAX_REPEAT}, got ${repeat}`);
  if (values.interval !== undefined && repeat === 1) throw new UsageError('--interval goes with --repeat N');
  const intervalMs = intervalFlag(values.interval);
  const sniffMs = durationFlag('sniff', values.sniff, DEFAULT_SNIFF_MS);
  if (sniffMs > MAX_SNIFF_MS) throw new UsageError(`--sniff is capped at ${MAX_SNIFF_MS / 1000}s`);

  return { ...base, destination, generation, sniffMs, message, envelope, repeat, intervalMs };
}

type Values = ReturnType<typeof parseCommandArgs<typeof publishOptions>>['values'];

function destinationFrom(pubsub: string | undefined, channel: string | undefined): PublishRequest['destination'] {
  if (pubsub !== undefined && channel !== undefined) {
    throw new UsageError('--channel replaces --pubsub: give one of them');
  }
  if (channel !== undefined) {
    if (channel === '') throw new UsageError('--channel needs a channel name');
    return { channel };
  }
  if (pubsub === undefined || pubsub.trim() === '') {
    throw new UsageError('publish needs --pubsub NAME (e.g. Chat.PubSub) or --channel CHANNEL');
  }
  try {
    channelFor(pubsub, 3); // refuse a name we cannot read before doing anything else
  } catch (error) {
    throw new UsageError(`--pubsub: ${(error as Error).message}`);
  }
  return { pubsub };
}

function messageFrom(values: Values, given: (name: keyof Values) => boolean): MessageRequest {
  if (values.etf !== undefined) {
    const extra = BUILD_FLAGS.filter((f) => given(f));
    if (extra.length > 0) {
      throw new UsageError(
        `--etf sends the file's bytes as they are; ${extra.map((f) => `--${f}`).join(', ')} cannot change them`,
      );
    }
    if (values.etf === '') throw new UsageError('--etf needs a FILE (or - for stdin)');
    return { kind: 'etf-file', path: values.etf };
  }
  const topic = values.topic;
  if (topic === undefined || topic === '') throw new UsageError('publish needs --topic TOPIC (or --etf FILE)');
  if (values.payload !== undefined && values.term !== undefined) {
    throw new UsageError('--payload (JSON) and --term (Elixir) are two ways to give the same thing: pick one');
  }
  const term = (): Term | undefined =>
    values.term !== undefined
      ? elixirFlag('term', values.term)
      : values.payload !== undefined
        ? jsonFlag(values.payload)
        : undefined;

  if (values.event !== undefined) {
    if (values.message)
      throw new UsageError('--message sends a bare term, --event a %Phoenix.Socket.Broadcast{}: pick one');
    if (values.event === '') throw new UsageError('--event needs an event name');
    // Phoenix's own default for a broadcast without a payload is an empty map.
    return { kind: 'broadcast', topic, event: values.event, payload: term() ?? fromPlain({}) };
  }
  if (values.term !== undefined) return { kind: 'bare', topic, message: term()! };
  if (values.payload !== undefined) {
    if (!values.message) {
      throw new UsageError(
        'a broadcast needs --event EVENT; to send the JSON itself as the message (no Broadcast struct) add --message',
      );
    }
    return { kind: 'bare', topic, message: term()! };
  }
  throw new UsageError(
    'publish needs --event EVENT [--payload JSON] (a broadcast), --term ELIXIR (any message) or --etf FILE',
  );
}

function envelopeFrom(values: Values): EnvelopeFlags {
  const envelope: EnvelopeFlags = {};
  if (values.only !== undefined && values.sender !== undefined) {
    throw new UsageError('--only names the target node, --sender the sending one (for :except): give one of them');
  }
  if (values.only !== undefined) envelope.only = nodeFlag('only', values.only);
  if (values.sender !== undefined) envelope.sender = nodeFlag('sender', values.sender);
  if (values.dispatcher !== undefined) envelope.dispatcher = moduleFlag('dispatcher', values.dispatcher);
  if (values.fastlane !== undefined) envelope.fastlane = moduleFlag('fastlane', values.fastlane);
  if (values['v1-shape'] !== undefined) {
    const shape = Number(values['v1-shape']);
    if (shape !== 5 && shape !== 6 && shape !== 7) {
      throw new UsageError(
        `--v1-shape is 7 (adapter 2.1.2–2.1.8), 6 (2.0.0–2.1.1) or 5 (0.x–1.0), got "${values['v1-shape']}"`,
      );
    }
    envelope.v1Shape = shape;
  }
  if (values['pool-size'] !== undefined) envelope.poolSize = intFlag('pool-size', values['pool-size'], 1);
  if (envelope.fastlane !== undefined && (envelope.v1Shape ?? 7) !== 7) {
    throw new UsageError('--fastlane exists in the 7-tuple only (--v1-shape 7)');
  }
  if (envelope.poolSize !== undefined && envelope.v1Shape === 5)
    throw new UsageError('the 5-tuple (--v1-shape 5) has no pool_size');
  if (values.compressed !== undefined) {
    if (!/^\d$/.test(values.compressed))
      throw new UsageError(`--compressed takes a zlib level 0–9 (--compressed=6), got "${values.compressed}"`);
    envelope.compression = Number(values.compressed);
  }
  if (values['otp26-atoms']) envelope.atoms = 'utf8';
  return envelope;
}

function generationFrom(
  values: Values,
  given: (name: keyof Values) => boolean,
  destination: PublishRequest['destination'],
): GenerationRequest {
  const v3 = V3_FLAGS.filter((f) => given(f)).map((f) => `--${f}`);
  const v1 = V1_FLAGS.filter((f) => given(f)).map((f) => `--${f}`);
  if (v3.length > 0 && v1.length > 0) {
    throw new UsageError(
      `${v3.join(', ')} build a 3.x envelope and ${v1.join(', ')} a 2.x one: they cannot be combined`,
    );
  }
  const flag = values.generation ?? 'auto';
  if (flag === '1' || flag === '3') {
    const g: Generation = flag === '1' ? 1 : 3;
    const wrong = g === 1 ? v3 : v1;
    if (wrong.length > 0) {
      throw new UsageError(
        `${wrong.join(', ')} ${wrong.length === 1 ? 'applies' : 'apply'} to ${g === 1 ? '3.x' : '2.x'} envelopes, not to --generation ${g}`,
      );
    }
    return { fixed: g, reason: `--generation ${g}` };
  }
  if (flag !== 'auto')
    throw new UsageError(`--generation is 1 (adapter ≤ 2.1.8), 3 (adapter 3.x) or auto, got "${flag}"`);
  if (v3.length > 0) return { fixed: 3, reason: `${v3[0]} is a 3.x envelope option` };
  if (v1.length > 0) return { fixed: 1, reason: `${v1[0]} is a 2.x envelope option` };
  if ('channel' in destination) {
    const g = generationOfChannel(destination.channel);
    return {
      fixed: g,
      reason:
        g === 3
          ? 'the channel name ends in .Adapter (adapter 3.x)'
          : 'the channel name has no .Adapter suffix (adapter ≤ 2.1.8)',
    };
  }
  return { auto: true };
}

function intervalFlag(value: string | undefined): number {
  if (value === undefined) return DEFAULT_INTERVAL_MS;
  const match = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(value);
  if (!match) throw new UsageError(`--interval needs milliseconds (250, 250ms, 2s), got "${value}"`);
  const ms = Math.round(Number(match[1]) * (match[2] === 's' ? 1000 : 1));
  if (ms < 1 || ms > MAX_INTERVAL_MS)
    throw new UsageError(`--interval must be between 1 ms and ${MAX_INTERVAL_MS / 60_000} minutes, got "${value}"`);
  return ms;
}

function elixirFlag(flag: string, text: string): Term {
  try {
    return parseElixir(text);
  } catch (error) {
    throw new UsageError(`--${flag}: ${(error as Error).message}`);
  }
}

function jsonFlag(text: string): Term {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--payload is not JSON: ${(error as Error).message}`);
  }
  try {
    return fromPlain(value);
  } catch (error) {
    if (error instanceof EncodeError) throw new UsageError(`--payload: ${error.message}`);
    throw error;
  }
}

/**
 * A node name: `a@127.0.0.1` (an atom, as node() is), or written as Elixir — `:"a@host"`, or
 * `"web1"` for a node configured with a binary `:node_name` (wire-format.md §7.4).
 */
function nodeFlag(flag: string, text: string): Atom | Uint8Array {
  if (!text.startsWith(':') && !text.startsWith('"')) {
    if (text === '') throw new UsageError(`--${flag} needs a node name`);
    return Atom.of(text);
  }
  const term = elixirFlag(flag, text);
  if (term instanceof Atom || term instanceof Uint8Array) return term;
  throw new UsageError(`--${flag} needs a node name (an atom like a@host, or "name" for a binary node_name)`);
}

/** A module as Elixir writes it: `Phoenix.PubSub`, `nil`, `:some_module`. */
function moduleFlag(flag: string, text: string): Atom {
  const term = elixirFlag(flag, text);
  if (term instanceof Atom) return term;
  throw new UsageError(`--${flag} needs a module name like Phoenix.PubSub (or nil), got "${text}"`);
}

/**
 * parseArgs has no optional values: `--compressed` alone becomes `--compressed=6`. Tokens that
 * are the value of the previous flag (`--term --compressed`) are left alone.
 */
export function expandBareCompressed(argv: readonly string[]): string[] {
  const takesValue = new Set<string>();
  for (const [name, spec] of Object.entries(publishOptions)) {
    if (spec.type !== 'string') continue;
    takesValue.add(`--${name}`);
    if ('short' in spec) takesValue.add(`-${spec.short}`);
  }
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (token === '--compressed') {
      out.push(`--compressed=${DEFAULT_COMPRESSION}`);
      continue;
    }
    out.push(token);
    if (takesValue.has(token) && i + 1 < argv.length) out.push(argv[++i]!);
  }
  return out;
}

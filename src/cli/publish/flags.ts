/**
 * `redis-print publish` flags → one typed, validated PublishConfig, which is all the rest of
 * publish receives. Two steps: parsePublishArgs decides everything the command line alone can
 * (refused as a one-line usage error naming the flag, before any file is read or any connection
 * is made); readPublishConfig then reads the message's sources (`@FILE`, `-` for standard input)
 * and parses them, so a message of any size works — one argument is capped near 128 KiB by the OS.
 */
import { readFile } from 'node:fs/promises';
import { parseJsonTerm } from '../../etf/parse/json.js';
import { parseElixir } from '../../etf/parse/parser.js';
import { fromPlain } from '../../etf/plain.js';
import { Atom, type Term } from '../../etf/term.js';
import { channelFor } from '../../phoenix/channel.js';
import { classify } from '../../phoenix/classify.js';
import type { PublishDraft, PublishMessage } from '../../phoenix/publish-plan.js';
import { durationFlag, intFlag, parseCommandArgs } from '../args.js';
import { publishFlags } from '../command-defs.js';
import type { ConnectionFlags } from '../connection.js';
import { CliError, oneLine, UsageError } from '../errors.js';
import type { Generation } from './generation.js';

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

/** Where a message flag's content comes from: the argument itself, `@FILE`, or `-` (standard input). */
export type Source = { kind: 'inline'; text: string } | { kind: 'file'; path: string } | { kind: 'stdin' };

/** The message as the flags describe it, its content still to be read and parsed. */
export type MessageRequest =
  | { kind: 'broadcast'; topic: string; event: string; payload: ContentRequest | undefined }
  | { kind: 'bare'; topic: string; message: ContentRequest }
  | { kind: 'etf'; source: Exclude<Source, { kind: 'inline' }> };

/** A term written as JSON (`--payload`) or Elixir (`--term`). */
export interface ContentRequest {
  flag: 'payload' | 'term';
  syntax: 'json' | 'elixir';
  source: Source;
}

/** The envelope generation to build, when flags (or --etf bytes) decide it, and why. */
export interface BuildGeneration {
  generation: Generation;
  reason: string;
}

export type EnvelopeFlags = Pick<
  PublishDraft,
  'only' | 'sender' | 'dispatcher' | 'v1Shape' | 'fastlane' | 'poolSize' | 'compression' | 'atoms'
>;

/** The command line, checked; the message not yet read (see readPublishConfig). */
export interface PublishArgs {
  connection: ConnectionFlags;
  /** `--channel` is used as given, always; `--pubsub` names both generations' channels. */
  destination: { channel: string } | { pubsub: string };
  /** `--generation 1|3`: fixes the envelope and, with --pubsub, the channel. */
  generationFlag: Generation | undefined;
  /** What the flags say to build; undefined: build what the channel's receivers speak. */
  build: BuildGeneration | undefined;
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

/** Everything publish needs, read and validated: the one object the rest of publish receives. */
export interface PublishConfig extends Omit<PublishArgs, 'message'> {
  message: PublishMessage;
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

/** The checked flags, or 'help' for `publish --help` (whatever else is on the line). */
export function parsePublishArgs(argv: string[]): PublishArgs | 'help' {
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
  const { generationFlag, build } = generationFrom(values, given);
  const stdinUsers = [values.payload, values.term, values.etf].filter((v) => v === '-').length;
  if (stdinUsers > 1) throw new UsageError('only one of --payload, --term and --etf can read standard input (-)');

  const repeat = intFlag('repeat', values.repeat, 1);
  if (repeat > MAX_REPEAT) throw new UsageError(`--repeat is capped at ${MAX_REPEAT}, got ${repeat}`);
  if (values.interval !== undefined && repeat === 1) throw new UsageError('--interval goes with --repeat N');
  const intervalMs = intervalFlag(values.interval);
  const sniffMs = durationFlag('sniff', values.sniff, DEFAULT_SNIFF_MS);
  if (sniffMs > MAX_SNIFF_MS) throw new UsageError(`--sniff is capped at ${MAX_SNIFF_MS / 1000}s`);

  return { ...base, destination, generationFlag, build, sniffMs, message, envelope, repeat, intervalMs };
}

type Values = ReturnType<typeof parseCommandArgs<typeof publishOptions>>['values'];

function destinationFrom(pubsub: string | undefined, channel: string | undefined): PublishArgs['destination'] {
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
    return { kind: 'etf', source: values.etf === '-' ? { kind: 'stdin' } : { kind: 'file', path: values.etf } };
  }
  const topic = values.topic;
  if (topic === undefined || topic === '') throw new UsageError('publish needs --topic TOPIC (or --etf FILE)');
  if (values.payload !== undefined && values.term !== undefined) {
    throw new UsageError('--payload (JSON) and --term (Elixir) are two ways to give the same thing: pick one');
  }
  const content: ContentRequest | undefined =
    values.term !== undefined
      ? { flag: 'term', syntax: 'elixir', source: sourceFlag('term', values.term) }
      : values.payload !== undefined
        ? { flag: 'payload', syntax: 'json', source: sourceFlag('payload', values.payload) }
        : undefined;

  if (values.event !== undefined) {
    if (values.message)
      throw new UsageError('--message sends a bare term, --event a %Phoenix.Socket.Broadcast{}: pick one');
    if (values.event === '') throw new UsageError('--event needs an event name');
    return { kind: 'broadcast', topic, event: values.event, payload: content };
  }
  if (content?.flag === 'term') return { kind: 'bare', topic, message: content };
  if (content?.flag === 'payload') {
    if (!values.message) {
      throw new UsageError(
        'a broadcast needs --event EVENT; to send the JSON itself as the message (no Broadcast struct) add --message',
      );
    }
    return { kind: 'bare', topic, message: content };
  }
  throw new UsageError(
    'publish needs --event EVENT [--payload JSON] (a broadcast), --term ELIXIR (any message) or --etf FILE',
  );
}

/** `-` is standard input, `@FILE` a file; anything else is the text itself (JSON and Elixir never start with either). */
function sourceFlag(flag: string, value: string): Source {
  if (value === '-') return { kind: 'stdin' };
  if (value.startsWith('@')) {
    if (value.length === 1) throw new UsageError(`--${flag} @FILE needs a file name after the @`);
    return { kind: 'file', path: value.slice(1) };
  }
  return { kind: 'inline', text: value };
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

/**
 * What the flags say about the envelope to build. `--generation` is explicit; an envelope option
 * (`--only`, `--v1-shape`, …) implies its generation but never picks the channel: with --pubsub
 * the channel follows what the cluster speaks, and a payload that does not suit it is refused.
 */
function generationFrom(
  values: Values,
  given: (name: keyof Values) => boolean,
): { generationFlag: Generation | undefined; build: BuildGeneration | undefined } {
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
    return { generationFlag: g, build: { generation: g, reason: `--generation ${g}` } };
  }
  if (flag !== 'auto')
    throw new UsageError(`--generation is 1 (adapter ≤ 2.1.8), 3 (adapter 3.x) or auto, got "${flag}"`);
  if (v3.length > 0)
    return { generationFlag: undefined, build: { generation: 3, reason: `${v3[0]} builds a 3.x envelope` } };
  if (v1.length > 0)
    return { generationFlag: undefined, build: { generation: 1, reason: `${v1[0]} builds a 2.x envelope` } };
  return { generationFlag: undefined, build: undefined };
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

/** Reads and parses the message the flags name: the PublishConfig the rest of publish works from. */
export async function readPublishConfig(args: PublishArgs, stdin: AsyncIterable<unknown>): Promise<PublishConfig> {
  const message = await readMessage(args.message, stdin);
  let build = args.build;
  if (message.kind === 'etf' && build === undefined) {
    // Ready-made bytes can only go where their envelope belongs. Read by the watcher's rule for
    // their channel (--pubsub names adapter channels, which all start with phx:).
    const channel = 'channel' in args.destination ? args.destination.channel : channelFor(args.destination.pubsub, 3);
    const env = classify(message.bytes, {}, channel).envelope;
    if (env) build = { generation: env.generation, reason: `the file holds a ${env.shape} envelope` };
  }
  return { ...args, build, message };
}

async function readMessage(request: MessageRequest, stdin: AsyncIterable<unknown>): Promise<PublishMessage> {
  switch (request.kind) {
    case 'etf':
      return { kind: 'etf', bytes: await readSource('etf', request.source, stdin) };
    case 'broadcast': {
      // Phoenix's own default for a broadcast without a payload is an empty map.
      const payload = request.payload ? await readContent(request.payload, stdin) : fromPlain({});
      return { kind: 'broadcast', topic: request.topic, event: request.event, payload };
    }
    case 'bare':
      return { kind: 'bare', topic: request.topic, message: await readContent(request.message, stdin) };
  }
}

async function readContent(content: ContentRequest, stdin: AsyncIterable<unknown>): Promise<Term> {
  const where =
    content.source.kind === 'inline'
      ? `--${content.flag}`
      : `--${content.flag} ${content.source.kind === 'stdin' ? '- (standard input)' : `@${content.source.path}`}`;
  const text =
    content.source.kind === 'inline'
      ? content.source.text
      : utf8Text(where, await readSource(content.flag, content.source, stdin));
  try {
    return content.syntax === 'json' ? parseJsonTerm(text) : parseElixir(text);
  } catch (error) {
    const what = content.syntax === 'json' ? 'is not JSON that has a term' : 'is not an Elixir term';
    throw new UsageError(`${where} ${what}: ${oneLine(error)}`);
  }
}

async function readSource(
  flag: string,
  source: Exclude<Source, { kind: 'inline' }>,
  stdin: AsyncIterable<unknown>,
): Promise<Uint8Array> {
  if (source.kind === 'stdin') {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    return Buffer.concat(chunks);
  }
  try {
    return new Uint8Array(await readFile(source.path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : oneLine(error);
    throw new CliError(`--${flag}: cannot read ${source.path}: ${why}`, 2);
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The text of a file, refusing bytes that are not UTF-8 (they would be silently replaced by U+FFFD). */
function utf8Text(where: string, bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new UsageError(`${where} is not UTF-8 text: invalid byte at byte ${firstInvalidUtf8(bytes)}`);
  }
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    const need =
      b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= bytes.length || (bytes[i + k]! & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}

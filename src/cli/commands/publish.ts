/**
 * `redis-print publish` — inject a message exactly as a real Phoenix node would publish it, after
 * checking that no receiver would crash on it.
 *
 * Output: stdout carries one thing, the term in Elixir syntax (or with --hex its bytes in hex),
 * so it can be piped; every decision, size, warning and the receiver count go to stderr
 * (`# …` lines, `redis-print: …` for warnings and errors).
 * Exit: 0 sent (also to 0 receivers, with a warning) or dry run; 1 refused (validation, or "no"
 * at the prompt); 2 usage or connection problems.
 */
import { hostname } from 'node:os';
import { readFile } from 'node:fs/promises';
import { classify } from '../../phoenix/classify.js';
import { channelFor } from '../../phoenix/channel.js';
import type { ConnectionSpec } from '../../redis/connection-spec.js';
import { warnIfUnverified } from '../insecure-warning.js';
import { RedisConnectionError } from '../../redis/errors.js';
import { Publisher } from '../../redis/publisher.js';
import { connectionSpecFromFlags } from '../connection.js';
import { CliError, oneLine, UsageError } from '../errors.js';
import { askYesNo, guardTarget } from '../write-target-guard.js';
import { parsePublishArgs, type MessageRequest, type PublishRequest } from '../publish/flags.js';
import { chooseGeneration, observeCluster, type Generation, type GenerationChoice } from '../publish/generation.js';
import {
  describePlan,
  planPublish,
  PublishDraftError,
  type PublishMessage,
  type PublishPlan,
} from '../../phoenix/publish-plan.js';
import { sendRepeatedly, sentSummary, zeroReceiversHint } from '../publish/send.js';
import { commandHelp } from '../help.js';
import { exitCodeFor } from '../io.js';
import { commandDef } from '../command-defs.js';

export async function publishCommand(argv: string[]): Promise<number> {
  const request = parsePublishArgs(argv);
  if (request === 'help') {
    process.stdout.write(commandHelp(commandDef('publish')!));
    return 0;
  }
  const spec = connectionSpecFromFlags(request.connection);
  // Before anything else: a remote target without --yes and without a terminal is refused unconnected.
  const guard = guardTarget(spec, {
    yes: request.yes,
    dryRun: request.dryRun,
    action: 'publish',
    interactive: process.stdin.isTTY === true && process.stderr.isTTY === true,
  });
  const message = await loadMessage(request.message);
  const link = new Link(spec);
  try {
    const choice = await decideGeneration(request, message, link);
    note(`generation ${choice.generation}: ${choice.reason}`);
    if (choice.warning) warn(choice.warning);

    const plan = makePlan(request, message, choice.generation);
    show(plan, request.hex);
    if (!plan.validation.ok) {
      for (const problem of plan.validation.problems)
        warn(`${request.force ? 'sending anyway (--force)' : 'refused'}: ${problem}`);
      if (!request.force) {
        error('nothing was sent (--force sends it anyway)');
        return 1;
      }
    }
    if (request.dryRun) {
      note('dry run: nothing was sent');
      return 0;
    }
    if (guard.ask && !(await askYesNo(guard.question, process.stdin, process.stderr))) {
      error('not sent');
      return 1;
    }
    return await send(request, plan, await link.publisher(), spec.mode === 'cluster');
  } finally {
    await link.close();
  }
}

/** The publisher connection, opened only when something needs it (a dry run never does). */
class Link {
  private connected: Publisher | null = null;
  constructor(readonly spec: ConnectionSpec) {}

  async publisher(): Promise<Publisher> {
    if (this.connected) return this.connected;
    warnIfUnverified(this.spec);
    const publisher = new Publisher(this.spec);
    await redisStep(() => publisher.connect());
    this.connected = publisher;
    return publisher;
  }

  async close(): Promise<void> {
    await this.connected?.close();
  }
}

async function loadMessage(message: MessageRequest): Promise<PublishMessage> {
  if (message.kind !== 'etf-file') return message;
  try {
    return {
      kind: 'etf',
      bytes: message.path === '-' ? await readStdin() : new Uint8Array(await readFile(message.path)),
    };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : oneLine(error);
    throw new CliError(`cannot read ${message.path}: ${why}`, 2);
  }
}

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function decideGeneration(
  request: PublishRequest,
  message: PublishMessage,
  link: Link,
): Promise<GenerationChoice> {
  if ('fixed' in request.generation) return { generation: request.generation.fixed, reason: request.generation.reason };
  if (message.kind === 'etf') {
    // Ready-made bytes can only go where their envelope belongs.
    const env = classify(message.bytes).envelope;
    if (env) return { generation: env.generation, reason: `the file holds a ${env.shape} envelope` };
  }
  const pubsub = (request.destination as { pubsub: string }).pubsub;
  if (request.dryRun) {
    return {
      generation: 3,
      reason: 'dry run, so not connecting to look at the cluster: assuming 3 (--generation 1 for adapter ≤ 2.1.8)',
    };
  }
  const channels: Record<Generation, string> = { 1: channelFor(pubsub, 1), 3: channelFor(pubsub, 3) };
  const publisher = await link.publisher();
  const observation = await redisStep(() => observeCluster(link.spec, publisher, channels, request.sniffMs));
  return chooseGeneration(observation);
}

function makePlan(request: PublishRequest, message: PublishMessage, generation: Generation): PublishPlan {
  const channel =
    'channel' in request.destination ? request.destination.channel : channelFor(request.destination.pubsub, generation);
  try {
    return planPublish({ channel, generation, message, hostname: hostname(), ...request.envelope });
  } catch (error) {
    // Flags were checked already; what is left is a combination only the generation could reveal.
    if (error instanceof PublishDraftError) throw new UsageError(`publish: ${error.message}`);
    throw error;
  }
}

function show(plan: PublishPlan, hex: boolean): void {
  // A pty may report 0 columns; anything that narrow is not a real terminal width.
  const columns = (hex ? process.stderr : process.stdout).columns;
  const description = describePlan(plan, { width: columns !== undefined && columns >= 40 ? columns : 100 });
  if (hex) {
    process.stderr.write(`${description.elixir}\n`);
    process.stdout.write(`${Buffer.from(plan.bytes).toString('hex')}\n`);
  } else {
    process.stdout.write(`${description.elixir}\n`);
  }
  note(description.headline);
}

async function send(
  request: PublishRequest,
  plan: PublishPlan,
  publisher: Publisher,
  clusterMode: boolean,
): Promise<number> {
  const stop = new AbortController();
  let interrupted: NodeJS.Signals | undefined;
  const onInterrupt = (signal: NodeJS.Signals): void => {
    interrupted ??= signal;
    stop.abort();
  };
  if (request.repeat > 1) {
    process.once('SIGINT', onInterrupt);
    process.once('SIGTERM', onInterrupt);
  }
  try {
    const result = await redisStep(() =>
      sendRepeatedly(publisher, plan.channel, plan.bytes, {
        repeat: request.repeat,
        intervalMs: request.intervalMs,
        signal: stop.signal,
      }),
    );
    note(sentSummary(result, request.repeat));
    if (result.receivers.some((r) => r === 0)) {
      const hint = await redisStep(() => zeroReceiversHint(publisher, plan.channel, plan.generation, clusterMode));
      warn(
        `${result.receivers.every((r) => r === 0) ? 'no subscriber got it' : 'some messages reached no subscriber'}: ${hint}`,
      );
    }
    return interrupted ? exitCodeFor(interrupted) : 0;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    process.removeListener('SIGTERM', onInterrupt);
  }
}

/** Redis failures become one-line exit-2 errors (their messages are already free of secrets). */
async function redisStep<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof RedisConnectionError) throw new CliError(error.message, 2);
    throw error;
  }
}

function note(text: string): void {
  process.stderr.write(`# ${text}\n`);
}

function warn(text: string): void {
  process.stderr.write(`redis-print: warning: ${text}\n`);
}

function error(text: string): void {
  process.stderr.write(`redis-print: ${text}\n`);
}

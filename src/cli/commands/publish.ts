/**
 * `redis-print publish` — inject a message exactly as a real Phoenix node would publish it, after
 * checking it against what the target channel's nodes speak (heard there first, else by the
 * channel's name; phoenix/receivers.ts), so that no receiver crashes on it or drops it.
 * Flags → one PublishConfig (publish/flags.ts); the cluster → a Target (channel, traffic heard);
 * both → a PublishPlan (phoenix/publish-plan.ts) that is shown, refused or sent.
 *
 * Output: stdout carries one thing, the term in Elixir syntax (or with --hex its bytes in hex),
 * so it can be piped; every decision, size, warning and the receiver count go to stderr
 * (`# …` lines, `redis-print: …` for warnings and errors).
 * Exit: 0 sent (also to 0 receivers, with a warning) or dry run; 1 refused (validation, or "no"
 * at the prompt); 2 usage or connection problems.
 */
import { hostname } from 'node:os';
import { channelFor, generationOfChannel } from '../../phoenix/channel.js';
import type { EnvelopeShape } from '../../phoenix/classified.js';
import { generationOf, receiversOf, SHAPE_RELEASES, type HeardTraffic } from '../../phoenix/receivers.js';
import type { ConnectionSpec } from '../../redis/connection-spec.js';
import { warnIfUnverified } from '../insecure-warning.js';
import { RedisConnectionError } from '../../redis/errors.js';
import { Publisher } from '../../redis/publisher.js';
import { connectionSpecFromFlags } from '../connection.js';
import { CliError, UsageError } from '../errors.js';
import { askYesNo, guardTarget } from '../write-target-guard.js';
import { parsePublishArgs, readPublishConfig, type PublishConfig } from '../publish/flags.js';
import {
  chooseGeneration,
  clusterView,
  heardOn,
  observeChannels,
  type Generation,
  type Observation,
} from '../publish/generation.js';
import { describePlan, planPublish, PublishDraftError, type PublishPlan } from '../../phoenix/publish-plan.js';
import { audienceReport, sendRepeatedly, sentSummary } from '../publish/send.js';
import { commandHelp } from '../help.js';
import { exitCodeFor, processIo, type CliIo, type OutStream } from '../io.js';
import { commandDef } from '../command-defs.js';

export async function publishCommand(argv: string[], io: CliIo = processIo()): Promise<number> {
  const args = parsePublishArgs(argv);
  if (args === 'help') {
    io.stdout.write(commandHelp(commandDef('publish')!));
    return 0;
  }
  const { note, warn, error } = sayers(io.stderr);
  const spec = connectionSpecFromFlags(args.connection, io.env);
  // Before anything else: a remote target without --yes and without a terminal is refused unconnected.
  const guard = guardTarget(spec, {
    yes: args.yes,
    dryRun: args.dryRun,
    action: 'publish',
    interactive: io.stdin.isTTY === true && io.stderr.isTTY === true,
  });
  const config = await readPublishConfig(args, io.stdin);
  const link = new Link(spec, io.stderr);
  try {
    const target = await decideTarget(config, link);
    for (const line of target.notes) note(line);
    for (const line of target.warnings) warn(line);

    const plan = makePlan(config, target);
    note(`receivers on ${plan.channel}: ${plan.receivers.shapes.join(' and ')}, ${plan.receivers.evidence}`);
    show(plan, config.hex, io);
    const problems = [...onlyProblems(config, plan), ...(plan.validation.ok ? [] : plan.validation.problems)];
    if (problems.length > 0) {
      for (const problem of problems) warn(`${config.force ? 'sending anyway (--force)' : 'refused'}: ${problem}`);
      if (!config.force) {
        error('nothing was sent (--force sends it anyway)');
        return 1;
      }
    }
    if (config.dryRun) {
      note('dry run: nothing was sent');
      return 0;
    }
    if (guard.ask && !(await askYesNo(guard.question, io.stdin, io.stderr))) {
      error('not sent');
      return 1;
    }
    return await send(config, plan, await link.publisher(), spec.mode === 'cluster', io);
  } finally {
    await link.close();
  }
}

/** Where the message goes, what generation to build, and the traffic heard there. */
interface Target {
  channel: string;
  generation: Generation;
  heard: HeardTraffic | undefined;
  notes: string[];
  warnings: string[];
}

/**
 * The channel is never switched behind the user's back: `--channel` is used as given, `--pubsub`
 * with `--generation` names its channel, and only plain `--pubsub` picks by evidence (traffic,
 * then subscribers; the flags' own generation only when the cluster tells nothing). The
 * generation to build is the flags' if they fix one, else what the channel's receivers speak.
 */
async function decideTarget(config: PublishConfig, link: Link): Promise<Target> {
  const notes: string[] = [];
  const warnings: string[] = [];
  const fixedChannel =
    'channel' in config.destination
      ? config.destination.channel
      : config.generationFlag !== undefined
        ? channelFor(config.destination.pubsub, config.generationFlag)
        : undefined;

  let channel: string;
  let observation: Observation | undefined;
  if (config.dryRun) {
    channel =
      fixedChannel ?? channelFor((config.destination as { pubsub: string }).pubsub, config.build?.generation ?? 3);
    notes.push(
      fixedChannel !== undefined
        ? `dry run, so not listening on ${channel}: judging its receivers by its name`
        : `channel ${channel}: dry run, so not connecting to look at the cluster: assuming ` +
            (config.build ? `what the flags build (${config.build.reason})` : '3 (--generation 1 for adapter ≤ 2.1.8)'),
    );
  } else if (fixedChannel !== undefined && config.sniffMs === 0) {
    // --sniff 0: judge the channel by its name, and connect only to send (after any question).
    channel = fixedChannel;
  } else if (fixedChannel !== undefined) {
    channel = fixedChannel;
    const publisher = await link.publisher();
    observation = await redisStep(() => observeChannels(link.spec, publisher, [channel], config.sniffMs));
  } else {
    const pubsub = (config.destination as { pubsub: string }).pubsub;
    const channels: Record<Generation, string> = { 1: channelFor(pubsub, 1), 3: channelFor(pubsub, 3) };
    const publisher = await link.publisher();
    observation = await redisStep(() =>
      observeChannels(link.spec, publisher, [channels[1], channels[3]], config.sniffMs),
    );
    const choice = chooseGeneration(clusterView(observation, channels), config.build);
    channel = channels[choice.generation];
    notes.push(`channel ${channel}: ${choice.reason}`);
    if (choice.warning) warnings.push(choice.warning);
  }
  if (observation) notes.push(...observation.notes);
  const heard = observation ? heardOn(observation, channel) : undefined;
  const spoken = generationOf(receiversOf(channel, heard));
  const generation = config.build?.generation ?? spoken ?? 3;
  notes.push(
    `generation ${generation}: ${config.build ? config.build.reason : 'what the receivers on the channel speak'}`,
  );
  return { channel, generation, heard, notes, warnings };
}

/**
 * `--only` on a channel whose nodes speak v1: 2.x has no per-node delivery (the adapter discards
 * the target node; every node gets every message), so no envelope on that channel can do what
 * --only asks — and the 3.x envelope it builds crashes 2.1.x nodes.
 */
function onlyProblems(config: PublishConfig, plan: PublishPlan): string[] {
  if (config.envelope.only === undefined || generationOf(plan.receivers) === 3) return [];
  const shapes = plan.receivers.shapes.filter((s): s is Exclude<EnvelopeShape, 'v3'> => s !== 'v3');
  return [
    `--only: the nodes on ${plan.channel} speak ${shapes.map((s) => SHAPE_RELEASES[s]).join(' and ')} ` +
      `(${plan.receivers.evidence}), which has no per-node delivery: every node gets every message. ` +
      'Drop --only to send to all of them; the channel was not switched to the 3.x one',
  ];
}

/** The publisher connection, opened only when something needs it (a dry run never does). */
class Link {
  private connected: Publisher | null = null;
  constructor(
    readonly spec: ConnectionSpec,
    private readonly stderr: OutStream,
  ) {}

  async publisher(): Promise<Publisher> {
    if (this.connected) return this.connected;
    warnIfUnverified(this.spec, this.stderr);
    const publisher = new Publisher(this.spec);
    await redisStep(() => publisher.connect());
    this.connected = publisher;
    return publisher;
  }

  async close(): Promise<void> {
    await this.connected?.close();
  }
}

function makePlan(config: PublishConfig, target: Target): PublishPlan {
  try {
    return planPublish({
      channel: target.channel,
      generation: target.generation,
      message: config.message,
      hostname: hostname(),
      ...(target.heard ? { heard: target.heard } : {}),
      ...config.envelope,
    });
  } catch (error) {
    // Flags were checked already; what is left is a combination only the generation could reveal.
    if (error instanceof PublishDraftError) throw new UsageError(`publish: ${error.message}`);
    throw error;
  }
}

function show(plan: PublishPlan, hex: boolean, io: CliIo): void {
  // A pty may report 0 columns; anything that narrow is not a real terminal width.
  const columns = (hex ? io.stderr : io.stdout).columns;
  const description = describePlan(plan, { width: columns !== undefined && columns >= 40 ? columns : 100 });
  if (hex) {
    io.stderr.write(`${description.elixir}\n`);
    io.stdout.write(`${Buffer.from(plan.bytes).toString('hex')}\n`);
  } else {
    io.stdout.write(`${description.elixir}\n`);
  }
  sayers(io.stderr).note(description.headline);
}

async function send(
  config: PublishConfig,
  plan: PublishPlan,
  publisher: Publisher,
  clusterMode: boolean,
  io: CliIo,
): Promise<number> {
  const { note, warn } = sayers(io.stderr);
  const stop = new AbortController();
  let interrupted: NodeJS.Signals | undefined;
  const onInterrupt = (signal: NodeJS.Signals): void => {
    interrupted ??= signal;
    stop.abort();
  };
  const stopListening = config.repeat > 1 ? io.onInterrupt(onInterrupt) : () => undefined;
  try {
    const result = await redisStep(() =>
      sendRepeatedly(publisher, plan.channel, plan.bytes, {
        repeat: config.repeat,
        intervalMs: config.intervalMs,
        signal: stop.signal,
      }),
    );
    note(sentSummary(result, config.repeat));
    const last = result.receivers[result.receivers.length - 1];
    if (last !== undefined) {
      const report = await redisStep(() =>
        audienceReport(publisher, plan.channel, generationOfChannel(plan.channel), last, clusterMode),
      );
      for (const line of report.notes) note(line);
      for (const line of report.warnings) warn(line);
    }
    return interrupted ? exitCodeFor(interrupted) : 0;
  } finally {
    stopListening();
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

/** The three kinds of line publish writes on stderr: `# ` notes, warnings and errors. */
interface Sayers {
  note: (text: string) => void;
  warn: (text: string) => void;
  error: (text: string) => void;
}

function sayers(stderr: OutStream): Sayers {
  return {
    note: (text) => stderr.write(`# ${text}\n`),
    warn: (text) => stderr.write(`redis-print: warning: ${text}\n`),
    error: (text) => stderr.write(`redis-print: ${text}\n`),
  };
}

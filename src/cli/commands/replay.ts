/**
 * `redis-print replay FILE [connection] [--speed X | --as-fast-as-possible] [--map-channel FROM=TO]
 * [filters] [--sniff 2s] [--yes] [--force]` — publish a capture's payloads byte for byte, with the
 * recorded spacing scaled by the speed.
 *
 * Order of checks, all before anything is sent: flags; the whole capture is read; the
 * non-loopback guard (before connecting); connect, listen on the target channels for what their
 * nodes speak (--sniff), and judge every record against that (by channel name where nothing was
 * heard) — a payload a receiver would crash on or drop is refused unless --force, naming the
 * records; then send.
 *
 * Exit codes: 0 every selected record was sent; 1 the capture was refused (not a capture,
 * corrupt, payloads that would crash receivers, nothing matched the filters), the target was
 * not confirmed, or the file ended inside a record (everything before
 * it was sent); 2 bad flags, unreadable file, unreachable Redis; 130/143 interrupted by Ctrl-C/SIGTERM.
 */
import { performance } from 'node:perf_hooks';
import { CaptureFormatError } from '../../capture/capture-error.js';
import type { ConnectionSpec } from '../../redis/connection-spec.js';
import { warnIfUnverified } from '../insecure-warning.js';
import { RedisConnectionError } from '../../redis/errors.js';
import { Publisher } from '../../redis/publisher.js';
import { receiversOf, type HeardTraffic } from '../../phoenix/receivers.js';
import { durationFlag, parseCommandArgs } from '../args.js';
import { heardOn, observeChannels } from '../publish/generation.js';
import { ChannelMap } from '../capture/channel-map.js';
import { ProgressLine } from '../capture/progress-line.js';
import { planReplay, type ReplayPlan } from '../capture/replay-plan.js';
import type { ReplaySpeed } from '../capture/replay-schedule.js';
import { ReplaySender } from '../capture/replay-sender.js';
import { confirmTarget } from '../write-target-guard.js';
import { connectionSpecFromFlags } from '../connection.js';
import { CliError, oneLine, UsageError } from '../errors.js';
import { exitCodeFor, processIo, type CliIo, type OutStream } from '../io.js';
import { filterFromFlags } from '../filters.js';
import { escapeUnsafe, escapeWord } from '../../text/terminal-safe.js';
import { replayFlags } from '../command-defs.js';

const options = replayFlags;

/** How long to listen on the target channels for what their nodes speak, by default (publish's default too). */
const DEFAULT_SNIFF_MS = 2000;
const MAX_SNIFF_MS = 60_000;

/** PUBLISHes awaiting a reply. A cluster client may send each to a different node, so one at a time there. */
const MAX_IN_FLIGHT = 256;

export async function replayCommand(argv: string[], io: CliIo = processIo()): Promise<number> {
  const stderr = io.stderr;
  const { values, positionals } = parseCommandArgs('replay', argv, options);
  if (positionals.length !== 1) throw new UsageError('replay needs exactly one capture FILE');
  const path = positionals[0]!;
  const speed = speedFromFlags(values.speed, values['as-fast-as-possible'] ?? false);
  const channels = ChannelMap.parse(values['map-channel'] ?? []);
  const filter = filterFromFlags(values);
  const spec = connectionSpecFromFlags(values, io.env);
  const sniffMs = durationFlag('sniff', values.sniff, DEFAULT_SNIFF_MS);
  if (sniffMs > MAX_SNIFF_MS) throw new UsageError(`--sniff is capped at ${MAX_SNIFF_MS / 1000}s`);

  let plan = await readPlan(path, () => planReplay(path, { filter, channels }));
  let problem = false;
  if (plan.truncatedTail) {
    stderr.write(
      `redis-print: ${path}: the file ends inside a record (${plan.truncatedTail.bytes} bytes cut off); the ${plan.records} whole records before it are replayed\n`,
    );
    problem = true;
  }
  for (const bad of plan.badRecords) {
    stderr.write(`redis-print: ${escapeUnsafe(bad)}\n`);
    problem = true;
  }
  if (plan.selectedCount === 0) {
    stderr.write(`# ${path}: nothing to replay (${plan.records} records, ${plan.skippedByFilter} skipped by filter)\n`);
    return plan.records === 0 && !problem ? 0 : 1;
  }

  await confirmTarget(spec, { yes: values.yes ?? false, action: `replay ${plan.selectedCount} messages` }, io);
  const publisher = await connect(spec, stderr);
  try {
    // What the target channels' nodes speak, heard live, beats their names: judge every record again by it.
    const heard = await listenToTargets(spec, publisher, plan.targetChannels, sniffMs, stderr);
    if (heard.size > 0) plan = await readPlan(path, () => planReplay(path, { filter, channels, heard }));
    checkPayloads(path, plan, values.force ?? false, stderr);
  } catch (error) {
    await publisher.close();
    throw error;
  }
  stderr.write(
    `# replaying ${plan.selectedCount} of ${plan.records} records from ${path} to ${publisher.target} ` +
      `(${speed.kind === 'asap' ? 'as fast as possible' : `speed ${speed.factor}, recorded span ${seconds(plan.recordedSpanMs)}`})\n`,
  );

  let requestStop!: () => void;
  const stopRequested = new Promise<void>((resolve) => (requestStop = resolve));
  let interrupted: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupted ??= signal;
    requestStop();
  };
  const stopListening = io.onInterrupt(onSignal);
  const sender = new ReplaySender({
    path,
    plan,
    channels,
    speed,
    publish: (channel, payload) => publisher.publish(channel, payload),
    maxInFlight: spec.mode === 'cluster' ? 1 : MAX_IN_FLIGHT,
    stopRequested,
  });
  const started = performance.now();
  const progress = new ProgressLine(() => {
    const p = sender.progress;
    const timeline =
      speed.kind === 'asap' ? '' : `, at ${seconds(p.recordedElapsedMs)} of ${seconds(plan.recordedSpanMs)} recorded`;
    return `# replayed ${p.sent}/${plan.selectedCount}, receivers ${p.receivers}${timeline}, ${seconds(performance.now() - started)}`;
  }, stderr);
  progress.start();
  try {
    const result = await sender.run();
    progress.stop();
    const elapsed = performance.now() - started;
    const verb = result.completed ? 'replayed' : 'interrupted: replayed';
    stderr.write(
      `# ${verb} ${result.sent} of ${plan.selectedCount} records to ${publisher.target} in ${seconds(elapsed)}: ` +
        `receivers total ${result.receivers}, skipped ${plan.skippedByFilter} by filter\n`,
    );
    if (!result.completed && interrupted) return exitCodeFor(interrupted);
    return result.completed && !problem ? 0 : 1;
  } catch (error) {
    progress.stop();
    const sent = sender.progress.sent;
    throw new CliError(`replay stopped after ${sent} of ${plan.selectedCount} records: ${oneLine(error)}`, 1);
  } finally {
    stopListening();
    await publisher.close();
  }
}

function speedFromFlags(speed: string | undefined, asap: boolean): ReplaySpeed {
  if (asap) {
    if (speed !== undefined) throw new UsageError('--speed and --as-fast-as-possible cannot be combined');
    return { kind: 'asap' };
  }
  if (speed === undefined) return { kind: 'scaled', factor: 1 };
  const match = /^(\d+(?:\.\d+)?|\.\d+)x?$/.exec(speed);
  const factor = match ? Number(match[1]) : NaN;
  if (!(factor > 0)) throw new UsageError(`--speed needs a positive number like 2 or 0.5, got "${speed}"`);
  return { kind: 'scaled', factor };
}

async function readPlan(path: string, plan: () => Promise<ReplayPlan>): Promise<ReplayPlan> {
  try {
    return await plan();
  } catch (error) {
    if (error instanceof CaptureFormatError) throw new CliError(`cannot replay: ${oneLine(error)}`, 1);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`cannot read ${path}: no such file`, 2);
    if (code === 'EISDIR') throw new CliError(`cannot read ${path}: is a directory`, 2);
    if (typeof code === 'string') throw new CliError(`cannot read ${path}: ${oneLine(error)}`, 2);
    throw error;
  }
}

/** Refuses (or, with --force, warns about) payloads a receiving node would crash on or drop. */
function checkPayloads(path: string, plan: ReplayPlan, force: boolean, stderr: OutStream): void {
  if (plan.problemCount === 0) return;
  const lines = plan.problemGroups.map(
    (g) => `  ${recordList(g.indices, g.count)} on ${escapeWord(g.channel)}: ${escapeUnsafe(g.problems.join('; '))}`,
  );
  const listed = plan.problemGroups.reduce((n, g) => n + g.count, 0);
  if (plan.problemCount > listed) lines.push(`  … and ${plan.problemCount - listed} more records with other problems`);
  const what = `${plan.problemCount} of the ${plan.selectedCount} records in ${path} would be crashed on or dropped by a receiving node`;
  if (!force) {
    stderr.write(`${lines.join('\n')}\n`);
    throw new CliError(`${what}; nothing was sent (--force sends them anyway)`, 1);
  }
  stderr.write(`redis-print: WARNING: --force: ${what}:\n${lines.join('\n')}\n`);
}

/** `record 7`, `records 1-5, 9`, `records 1-20 … (35 in all)`. */
function recordList(indices: number[], count: number): string {
  const runs: string[] = [];
  for (let i = 0; i < indices.length;) {
    let j = i;
    while (j + 1 < indices.length && indices[j + 1] === indices[j]! + 1) j++;
    runs.push(j > i ? `${indices[i]}-${indices[j]}` : String(indices[i]));
    i = j + 1;
  }
  const more = count > indices.length ? ` … (${count} in all)` : '';
  return `${count === 1 ? 'record' : 'records'} ${runs.join(', ')}${more}`;
}

/** Traffic heard on each target channel (only channels where something was heard), with the notes printed. */
async function listenToTargets(
  spec: ConnectionSpec,
  publisher: Publisher,
  channels: string[],
  sniffMs: number,
  stderr: OutStream,
): Promise<Map<string, HeardTraffic>> {
  const heard = new Map<string, HeardTraffic>();
  if (channels.length === 0 || sniffMs === 0) return heard;
  let observation;
  try {
    observation = await observeChannels(spec, publisher, channels, sniffMs);
  } catch (error) {
    if (error instanceof RedisConnectionError) throw new CliError(error.message, 2);
    throw error;
  }
  for (const line of observation.notes) stderr.write(`# ${line}\n`);
  for (const channel of channels) {
    const traffic = heardOn(observation, channel);
    if (traffic && Object.keys(traffic.shapes).length > 0) {
      heard.set(channel, traffic);
      stderr.write(`# receivers: ${receiversOf(channel, traffic).evidence}\n`);
    }
  }
  return heard;
}

async function connect(spec: ConnectionSpec, stderr: OutStream): Promise<Publisher> {
  warnIfUnverified(spec, stderr);
  const publisher = new Publisher(spec);
  try {
    await publisher.connect();
  } catch (error) {
    if (error instanceof RedisConnectionError) throw new CliError(error.message, 2);
    throw error;
  }
  return publisher;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** `redis-print presence` — Phoenix.Presence as the cluster sees it (docs/presence.md). */
import { compileGlob } from '../../output/glob.js';
import { jsonDocument, presenceEventLines, presenceLines } from '../../output/insight-text.js';
import { presenceReport } from '../../phoenix/presence/presence-report.js';
import { PresenceWatch, type PresenceEvent } from '../../phoenix/presence/presence-watch.js';
import { durationFlag, parseCommandArgs } from '../args.js';
import { connectionSpecFromFlags } from '../connection.js';
import { UsageError } from '../errors.js';
import { presenceOptions } from '../insight-options.js';
import { runInsight } from '../insight-run.js';
import { subscriptionFromFlags } from '../subscription.js';

export async function presenceCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('presence', argv, presenceOptions);
  if (positionals.length > 0) throw new UsageError(`presence takes no argument "${positionals[0]}"`);
  const durationMs = values.duration === undefined ? undefined : durationFlag('duration', values.duration, 0);
  const downPeriodMs = durationFlag('down-period', values['down-period'], 30_000);
  const globs = (values.topic ?? []).map((source) => {
    const result = compileGlob(source);
    if (!result.ok)
      throw new UsageError(`--topic ${source}: ${result.error.message} at column ${result.error.offset + 1}`);
    return result.glob;
  });
  const topicFilter = globs.length === 0 ? undefined : (topic: string) => globs.some((g) => g.test(topic));
  const watch = new PresenceWatch({ downPeriodMs, ...(topicFilter ? { topicFilter } : {}) });
  const json = values.json === true;
  const print = (events: PresenceEvent[]): void => {
    if (json || events.length === 0) return;
    process.stdout.write(
      presenceEventLines(events)
        .map((line) => `${line}\n`)
        .join(''),
    );
  };
  let firstSeen: number | null = null;
  const run = await runInsight({
    spec: connectionSpecFromFlags(values),
    subscription: subscriptionFromFlags(values),
    durationMs,
    onMessage: (m) => {
      firstSeen ??= m.raw.receivedAt;
      print(watch.observe(m.classified, m.raw.receivedAt));
    },
    onTick: (now) => print(watch.tick(now)),
    status: (line) => process.stderr.write(`${line}\n`),
  });
  print(watch.tick(run.stoppedAt));
  if (json) process.stdout.write(`${jsonDocument(presenceReport(watch, firstSeen, run.stoppedAt))}\n`);
  else process.stdout.write(`\n${presenceLines(watch, run.stoppedAt).join('\n')}\n`);
  return 0;
}

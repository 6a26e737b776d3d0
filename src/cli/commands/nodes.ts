/** `redis-print nodes` — who is talking, and what is wrong (docs/nodes.md). */
import { ClusterInsight } from '../../phoenix/cluster/cluster-insight.js';
import { nodesReport } from '../../phoenix/cluster/nodes-report.js';
import { jsonDocument, nodesLines } from '../../output/insight-text.js';
import { durationFlag, parseCommandArgs } from '../args.js';
import { connectionSpecFromFlags } from '../connection.js';
import { UsageError } from '../errors.js';
import { nodesOptions } from '../insight-options.js';
import { askNumsub, runInsight } from '../insight-run.js';
import { subscriptionFromFlags } from '../subscription.js';

export async function nodesCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('nodes', argv, nodesOptions);
  if (positionals.length > 0) throw new UsageError(`nodes takes no argument "${positionals[0]}"`);
  const durationMs = values.duration === undefined ? undefined : durationFlag('duration', values.duration, 0);
  const downPeriodMs = durationFlag('down-period', values['down-period'], 30_000);
  const spec = connectionSpecFromFlags(values);
  const subscription = subscriptionFromFlags(values);
  const insight = new ClusterInsight({ downPeriodMs });
  const run = await runInsight({
    spec,
    subscription,
    durationMs,
    onMessage: (m) => insight.observe(m.raw, m.classified),
    status: (line) => process.stderr.write(`${line}\n`),
  });
  const redis = await askNumsub(spec, [...insight.watch.channels.keys()]);
  const report = nodesReport(insight, run.stoppedAt, redis);
  if (insight.watch.firstSeen === null) {
    report.durationMs = run.stoppedAt - run.startedAt;
  }
  process.stdout.write(values.json ? `${jsonDocument(report)}\n` : `${nodesLines(report, run.target).join('\n')}\n`);
  return 0;
}

/**
 * What the `n` (nodes) and `r` (presence) views show, kept up to date from every received
 * message (the filter of the list does not apply: a node or a presence does not vanish because
 * the list hides its messages). No terminal here: lines of text, drawn by thin widgets.
 */
import { nodesLines, presenceEventLines, presenceLines } from '../../output/insight-text.js';
import type { WatchedMessage } from '../../output/watched-message.js';
import { ClusterInsight } from '../../phoenix/cluster/cluster-insight.js';
import { nodesReport } from '../../phoenix/cluster/nodes-report.js';
import { PresenceWatch } from '../../phoenix/presence/presence-watch.js';

const RECENT_EVENTS = 200;

export class InsightViewModel {
  readonly insight = new ClusterInsight();
  readonly presence = new PresenceWatch();
  private readonly recent: string[] = [];
  /** First line shown of each view. */
  scroll = { nodes: 0, presence: 0 };

  observe(m: WatchedMessage): void {
    this.insight.observe(m.raw, m.classified);
    this.remember(presenceEventLines(this.presence.observe(m.classified, m.raw.receivedAt)));
  }

  /** Time passes without messages (replicas go down): call it before drawing. */
  tick(now: number): void {
    this.remember(presenceEventLines(this.presence.tick(now)));
  }

  nodesLines(now: number, target: string): string[] {
    const report = nodesReport(this.insight, now, {
      note: 'not asked in the live UI (redis-print nodes asks PUBSUB NUMSUB)',
    });
    return nodesLines(report, target);
  }

  presenceLines(now: number): string[] {
    const lines = presenceLines(this.presence, now);
    lines.push('', `Latest changes (newest last, up to ${RECENT_EVENTS})`);
    lines.push(...(this.recent.length === 0 ? ['  (none yet)'] : this.recent.map((l) => `  ${l}`)));
    return lines;
  }

  private remember(lines: string[]): void {
    this.recent.push(...lines);
    if (this.recent.length > RECENT_EVENTS) this.recent.splice(0, this.recent.length - RECENT_EVENTS);
  }
}

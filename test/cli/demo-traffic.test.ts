/**
 * What the demo's simulated cluster publishes (pure, no Redis): every kind of the UI's kind
 * column and an undecodable payload within the first screenful, and — fed through the same
 * models as `nodes` and `presence` — the nodes view and the presence view light up within the
 * first minute of simulated time.
 */
import { describe, expect, it } from 'vitest';
import { SimulatedCluster } from '../../src/demo/simulated-cluster.js';
import { TICK_MS } from '../../src/demo/in-process-feed.js';
import type { RawMessage } from '../../src/model/raw-message.js';
import { classify } from '../../src/phoenix/classify.js';
import { ClusterInsight } from '../../src/phoenix/cluster/cluster-insight.js';
import { PresenceWatch } from '../../src/phoenix/presence/presence-watch.js';
import { kindLetter } from '../../src/ui/list-row.js';

function simulate(seconds: number): RawMessage[] {
  const cluster = new SimulatedCluster();
  const out: RawMessage[] = [];
  const t0 = Date.UTC(2026, 0, 1);
  for (let tick = 0; tick < (seconds * 1000) / TICK_MS; tick++) {
    for (const m of cluster.next())
      out.push({ receivedAt: t0 + tick * TICK_MS, channel: m.channel, pattern: 'phx:*', payload: m.payload });
  }
  return out;
}

describe('demo traffic', () => {
  it('shows every kind and an undecodable payload within the first 40 messages', () => {
    const letters = simulate(10)
      .slice(0, 40)
      .map((m) => kindLetter(classify(m.payload)));
    expect(new Set(letters)).toEqual(new Set(['B', 'D', 'T', 'P', 'M', 'R', 'J', '·', '!']));
  });

  it('lights up the nodes view within a minute: mixed generations, a duplicate name, a silent node, crash payloads', () => {
    // At 50 s: d@demo has been silent since 9 s (it speaks again at 55 s).
    const messages = simulate(50);
    const insight = new ClusterInsight();
    for (const m of messages) insight.observe(m, classify(m.payload));
    const codes = new Set(insight.findings(messages.at(-1)!.receivedAt).map((f) => f.code));
    for (const code of ['mixed-generations', 'duplicate-node-name', 'node-silent', 'crash-payload'] as const) {
      expect(codes).toContain(code);
    }
  });

  it('lights up the presence view: joins, leaves, updates on every node, d@demo down then up again', () => {
    const watch = new PresenceWatch();
    const events = simulate(60).flatMap((m) => watch.observe(classify(m.payload), m.receivedAt));
    const byType = (type: string): number => events.filter((e) => e.type === type).length;
    expect(byType('join')).toBeGreaterThan(8);
    expect(byType('leave')).toBeGreaterThan(3);
    expect(byType('diff')).toBeGreaterThan(0);
    const d = events.filter(
      (e) => (e.type === 'replica-down' || e.type === 'replica-up') && e.replica.ref.name === 'd@demo',
    );
    expect(d.map((e) => e.type)).toEqual(['replica-up', 'replica-down', 'replica-up']);
    expect(new Set(watch.presences().map((p) => p.replica.name))).toEqual(
      new Set(['a@demo', 'b@demo', 'c@demo', 'd@demo', 'web@demo']),
    );
    expect(watch.unreadable).toBe(0);
  });
});

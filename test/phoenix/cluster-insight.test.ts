/**
 * The nodes report and its findings: on real tracker traffic (fixtures/tracker/), on the real
 * 2.1.8 and 3.1.0 adapter payloads (fixtures/phoenix/), and on payloads built to trip each rule.
 */
import { describe, expect, it } from 'vitest';
import { encode } from '../../src/etf/encode.js';
import { Atom, ErlMap, Tuple, type Term } from '../../src/etf/term.js';
import type { RawMessage } from '../../src/model/raw-message.js';
import { classify } from '../../src/phoenix/classify.js';
import { ClusterInsight, FINDING_CODES, OVERSIZED_BYTES } from '../../src/phoenix/cluster/cluster-insight.js';
import { nodesReport } from '../../src/phoenix/cluster/nodes-report.js';
import { fixturePayloads } from '../cli/record-helpers.js';
import { trackerCapture } from './tracker-captures.js';

function feed(insight: ClusterInsight, messages: RawMessage[]): void {
  for (const m of messages) insight.observe(m, classify(m.payload));
}

const T0 = Date.UTC(2026, 0, 1);
const bin = (s: string): Uint8Array => new TextEncoder().encode(s);
const atom = Atom.of;

function v3(
  sender: string,
  topic: string,
  message: Term,
  at: number,
  options: { utf8Atoms?: boolean } = {},
): RawMessage {
  const term = new Tuple([3, atom('except'), atom(sender), bin(topic), message, atom('Elixir.Phoenix.PubSub')]);
  return {
    receivedAt: at,
    channel: 'phx:Elixir.Chat.PubSub.Adapter',
    pattern: 'phx:*',
    payload: encode(term, { minorVersion: options.utf8Atoms ? 2 : 1 }),
  };
}

function heartbeat(name: string, vsn: bigint, at: number): RawMessage {
  const ref = new Tuple([atom(name), vsn]);
  const clocks = new Tuple([ref, new ErlMap([ref], [0])]);
  return v3(
    name,
    'phx_presence:Elixir.Chat.Presence_shard0',
    new Tuple([atom('pub'), atom('heartbeat'), ref, atom('empty'), clocks]),
    at,
  );
}

describe('nodes report on real tracker traffic', () => {
  it('three nodes: names, 3.x, OTP ≤ 25 atoms, replicas; c silent, b restarted after graceful_permdown', async () => {
    const insight = new ClusterInsight();
    const messages = await trackerCapture('three-nodes.capture');
    feed(insight, messages);
    const report = nodesReport(insight, messages.at(-1)!.receivedAt);
    expect(report.nodes.map((n) => [n.name, n.adapter, n.atomEncoding, n.otp, n.compression, n.pubsub])).toEqual([
      ['a@127.0.0.1', '3.x', 'latin1', '<=25', 'off', ['Demo.PubSub']],
      ['b@127.0.0.1', '3.x', 'latin1', '<=25', 'off', ['Demo.PubSub']],
      ['c@127.0.0.1', '3.x', 'latin1', '<=25', 'off', ['Demo.PubSub']],
    ]);
    expect(report.nodes.map((n) => n.replicas.map((r) => r.status))).toEqual([['up'], ['left', 'up'], ['silent']]);
    // vsn is System.system_time(:microsecond) at shard start: within a minute of the capture.
    const started = Date.parse(report.nodes[0]!.replicas[0]!.startedAt);
    expect(Math.abs(started - messages[0]!.receivedAt)).toBeLessThan(60_000);
    expect(report.findings.map((f) => `${f.code} ${String(f.evidence.node)}`)).toEqual([
      'node-silent c@127.0.0.1',
      'replica-restarted b@127.0.0.1',
    ]);
    expect(report.messages).toBe(messages.length);
  });

  it('two nodes named web@127.0.0.1: duplicate-node-name with both vsns', async () => {
    const insight = new ClusterInsight();
    const messages = await trackerCapture('duplicate-node-name.capture');
    feed(insight, messages);
    const findings = nodesReport(insight, messages.at(-1)!.receivedAt).findings;
    expect(findings.map((f) => f.code)).toEqual(['duplicate-node-name']);
    expect(findings[0]!.evidence.name).toBe('web@127.0.0.1');
    expect(findings[0]!.evidence.vsns).toHaveLength(2);
  });
});

describe('findings', () => {
  it('mixed-generations: real 2.1.8 and 3.1.0 nodes of one PubSub', () => {
    const insight = new ClusterInsight();
    let at = T0;
    for (const adapter of ['phoenix_pubsub_redis-3.1.0', 'phoenix_pubsub_redis-2.1.8'] as const) {
      for (const f of fixturePayloads(adapter)) {
        if (!f.channel.includes('Chat.PubSub')) continue;
        insight.observe(
          { receivedAt: at++, channel: f.channel, pattern: null, payload: f.payload },
          classify(f.payload),
        );
      }
    }
    const report = nodesReport(insight, at);
    const mixed = report.findings.filter((f) => f.code === 'mixed-generations');
    expect(mixed).toHaveLength(1);
    expect(mixed[0]!.evidence.pubsub).toBe('Chat.PubSub');
    expect((mixed[0]!.evidence.nodes2x as string[]).length).toBeGreaterThan(0);
    expect(report.nodes.some((n) => n.adapter === '2.x' && n.ref !== null)).toBe(true);
  });

  it('crash-payload: bytes that are not ETF (no sender known) and an unknown dispatcher (sender named)', () => {
    const insight = new ClusterInsight();
    feed(insight, [
      { receivedAt: T0, channel: 'phx:Elixir.Chat.PubSub.Adapter', pattern: null, payload: bin('{"not":"etf"}') },
      {
        receivedAt: T0 + 1,
        channel: 'phx:Elixir.Chat.PubSub.Adapter',
        pattern: null,
        payload: encode(new Tuple([3, atom('except'), atom('evil@h'), bin('t'), 1, atom('Elixir.Nope')]), {
          minorVersion: 1,
        }),
      },
    ]);
    const crash = nodesReport(insight, T0 + 2).findings.filter((f) => f.code === 'crash-payload');
    expect(crash.map((f) => f.evidence.sender)).toEqual([null, 'evil@h']);
    expect(crash[0]!.message).toContain('not Erlang External Term Format');
    expect(crash[1]!.message).toContain('Nope');
    expect(nodesReport(insight, T0 + 2).nodes.find((n) => n.name === 'evil@h')?.problemPayloads).toBe(1);
  });

  it('no-node-subscribed and subscriber-missing from PUBSUB NUMSUB; nothing without it', () => {
    const insight = new ClusterInsight();
    feed(insight, [v3('a@h', 't', 1, T0), v3('b@h', 't', 1, T0 + 1)]);
    const channel = 'phx:Elixir.Chat.PubSub.Adapter';
    expect(insight.findings(T0 + 2).map((f) => f.code)).toEqual([]);
    expect(insight.findings(T0 + 2, { numsub: new Map([[channel, 0]]) }).map((f) => f.code)).toEqual([
      'no-node-subscribed',
    ]);
    expect(insight.findings(T0 + 2, { numsub: new Map([[channel, 1]]) }).map((f) => f.code)).toEqual([
      'subscriber-missing',
    ]);
    expect(insight.findings(T0 + 2, { numsub: new Map([[channel, 2]]) })).toEqual([]);
  });

  it('oversized-payload at 1 MiB', () => {
    const insight = new ClusterInsight();
    feed(insight, [v3('a@h', 't', new Uint8Array(OVERSIZED_BYTES), T0), v3('a@h', 't', new Uint8Array(1000), T0)]);
    const found = insight.findings(T0).filter((f) => f.code === 'oversized-payload');
    expect(found.map((f) => [f.evidence.sender, f.evidence.count])).toEqual([['a@h', 1]]);
  });

  it('node-silent: after the down period, or twice the longest gap it left when that is longer', () => {
    const insight = new ClusterInsight();
    feed(insight, [
      heartbeat('a@h', 1_767_225_600_000_001n, T0),
      heartbeat('a@h', 1_767_225_600_000_001n, T0 + 20_000),
    ]);
    expect(insight.findings(T0 + 20_000 + 30_000)).toEqual([]);
    expect(insight.findings(T0 + 20_000 + 40_001).map((f) => f.code)).toEqual(['node-silent']);
    // A new vsn of the same name is a restart, not silence.
    feed(insight, [heartbeat('a@h', 1_767_225_700_000_001n, T0 + 70_000)]);
    expect(insight.findings(T0 + 70_001).map((f) => f.code)).toEqual(['replica-restarted']);
  });

  it('atom encoding tells OTP 26+ senders', () => {
    const insight = new ClusterInsight();
    feed(insight, [v3('new@h', 't', 1, T0, { utf8Atoms: true }), v3('old@h', 't', 1, T0)]);
    expect(nodesReport(insight, T0).nodes.map((n) => [n.name, n.otp])).toEqual([
      ['new@h', '>=26'],
      ['old@h', '<=25'],
    ]);
  });

  it('every code is documented in docs/nodes.md', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(new URL('../../docs/nodes.md', import.meta.url), 'utf8');
    for (const code of FINDING_CODES) expect(doc).toContain(`\`${code}\``);
  });
});

describe('text and JSON of the report are terminal-safe', () => {
  it('a hostile node name and topic reach neither the text nor the JSON as control characters', async () => {
    const { nodesLines, jsonDocument } = await import('../../src/output/insight-text.js');
    const insight = new ClusterInsight();
    const hostile = 'evil\u001b[2J\u0085\u2028@h';
    feed(insight, [v3(hostile, 't', 1, T0), heartbeat(hostile, 1_767_225_600_000_001n, T0)]);
    const report = nodesReport(insight, T0 + 1);
    const text = nodesLines(report, 'redis://x').join('\n') + jsonDocument(report);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/);
    expect(JSON.parse(jsonDocument(report))).toEqual(JSON.parse(JSON.stringify(report)));
  });
});

/**
 * The nodes report as plain data — the `--json` document of `redis-print nodes` and what the
 * text table and the TUI view show. Every field is documented in docs/nodes.md.
 */
import { generationOfChannel } from '../channel.js';
import type { EnvelopeShape } from '../classified.js';
import type { ClusterInsight } from './cluster-insight.js';
import { label, silenceThreshold, type Finding, type RedisSide } from './cluster-insight.js';
import type { NodeRecord, ReplicaSeen } from './node-watch.js';

export interface NodesReport {
  watchedFrom: string | null;
  watchedUntil: string;
  durationMs: number;
  messages: number;
  bytes: number;
  nodes: NodeReport[];
  channels: ChannelReport[];
  redis: { numsub: 'ok' | 'unavailable'; note: string | null };
  findings: Finding[];
}

export interface NodeReport {
  name: string | null;
  ref: string | null;
  adapter: '3.x' | '2.x';
  envelopes: EnvelopeShape[];
  channels: string[];
  pubsub: string[];
  dispatchers: string[];
  compression: 'on' | 'off' | 'mixed';
  atomEncoding: 'latin1' | 'utf8' | 'mixed' | null;
  otp: '<=25' | '>=26' | null;
  replicas: ReplicaReport[];
  firstSeen: string;
  lastSeen: string;
  messages: number;
  bytes: number;
  msgPerSec: number;
  bytesPerSec: number;
  directReceived: number;
  problemPayloads: number;
}

export interface ReplicaReport {
  tracker: string;
  vsn: string;
  startedAt: string;
  firstSeen: string;
  lastSeen: string;
  heartbeats: number;
  maxGapMs: number | null;
  status: 'up' | 'silent' | 'left' | 'restarted';
}

export interface ChannelReport {
  channel: string;
  pubsub: string;
  adapter: '3.x' | '2.x';
  messages: number;
  bytes: number;
  undecodable: number;
  largestBytes: number;
  publishers: number;
  subscribers: number | null;
}

export function nodesReport(insight: ClusterInsight, now: number, redis: RedisSide = {}): NodesReport {
  const watch = insight.watch;
  const from = watch.firstSeen;
  const durationMs = from === null ? 0 : Math.max(0, now - from);
  const perSecond = (n: number): number => (durationMs === 0 ? 0 : round2((n * 1000) / durationMs));
  const nodes = [...watch.nodes.values()]
    .filter((n) => n.messages > 0 || n.directReceived > 0)
    .sort((a, b) => label(a).localeCompare(label(b)))
    .map((n) => nodeReport(insight, n, now, perSecond));
  const channels = [...watch.channels.values()]
    .sort((a, b) => a.channel.localeCompare(b.channel))
    .map((c) => ({
      channel: c.channel,
      pubsub: c.pubsub,
      adapter: generationOfChannel(c.channel) === 3 ? ('3.x' as const) : ('2.x' as const),
      messages: c.messages,
      bytes: c.bytes,
      undecodable: c.undecodable,
      largestBytes: c.largest,
      publishers: [...watch.nodes.values()].filter((n) => n.messages > 0 && n.channels.has(c.channel)).length,
      subscribers: redis.numsub?.get(c.channel) ?? null,
    }));
  return {
    watchedFrom: from === null ? null : new Date(from).toISOString(),
    watchedUntil: new Date(now).toISOString(),
    durationMs,
    messages: watch.messages,
    bytes: watch.bytes,
    nodes,
    channels,
    redis: { numsub: redis.numsub ? 'ok' : 'unavailable', note: redis.note ?? null },
    findings: insight.findings(now, redis),
  };
}

function nodeReport(insight: ClusterInsight, n: NodeRecord, now: number, perSecond: (n: number) => number): NodeReport {
  const atoms =
    n.atoms.latin1 > 0 && n.atoms.utf8 > 0 ? 'mixed' : n.atoms.utf8 > 0 ? 'utf8' : n.atoms.latin1 > 0 ? 'latin1' : null;
  return {
    name: n.name,
    ref: n.ref,
    adapter: n.generation === 3 ? '3.x' : '2.x',
    envelopes: [...n.shapes].sort(),
    channels: [...n.channels].sort(),
    pubsub: [...n.pubsubs].sort(),
    dispatchers: [...n.dispatchers].sort(),
    compression: n.compressed.yes > 0 && n.compressed.no > 0 ? 'mixed' : n.compressed.yes > 0 ? 'on' : 'off',
    atomEncoding: atoms,
    otp: atoms === 'utf8' ? '>=26' : atoms === 'latin1' ? '<=25' : null,
    replicas: [...n.replicas.values()].map((r) => replicaReport(insight, n, r, now)),
    firstSeen: new Date(n.firstSeen).toISOString(),
    lastSeen: new Date(n.lastSeen).toISOString(),
    messages: n.messages,
    bytes: n.bytes,
    msgPerSec: perSecond(n.messages),
    bytesPerSec: perSecond(n.bytes),
    directReceived: n.directReceived,
    problemPayloads: n.problemPayloads,
  };
}

function replicaReport(insight: ClusterInsight, n: NodeRecord, r: ReplicaSeen, now: number): ReplicaReport {
  const status =
    r.leftAt !== null
      ? 'left'
      : insight.replacedBy(n, r) !== undefined
        ? 'restarted'
        : now - r.lastSeen > silenceThreshold(r, insight.downPeriodMs)
          ? 'silent'
          : 'up';
  return {
    tracker: r.tracker,
    vsn: r.vsn,
    startedAt: new Date(r.startedAt).toISOString(),
    firstSeen: new Date(r.firstSeen).toISOString(),
    lastSeen: new Date(r.lastSeen).toISOString(),
    heartbeats: r.heartbeats,
    maxGapMs: r.maxGapMs,
    status,
  };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

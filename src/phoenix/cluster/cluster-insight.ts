/**
 * The nodes report: NodeWatch's records plus findings — misconfigurations that silently lose
 * broadcasts, each with a stable code, its evidence and one concrete hint (docs/nodes.md lists
 * them). Pure: fed classified messages, asked for a report at a given time; what Redis says
 * (PUBSUB NUMSUB) is handed in by the caller.
 */
import type { RawMessage } from '../../model/raw-message.js';
import { generationOfChannel } from '../channel.js';
import type { Classified, EnvelopeShape } from '../classified.js';
import { validateClassified } from '../validate.js';
import { NodeWatch, OWN_SENDER_PREFIX, type ChannelRecord, type NodeRecord, type ReplicaSeen } from './node-watch.js';

export const FINDING_CODES = [
  'mixed-generations',
  'duplicate-node-name',
  'node-silent',
  'crash-payload',
  'no-node-subscribed',
  'subscriber-missing',
  'oversized-payload',
  'replica-restarted',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

export interface Finding {
  code: FindingCode;
  severity: 'problem' | 'warning' | 'info';
  message: string;
  evidence: Record<string, unknown>;
  hint: string;
}

/**
 * Redis' default `client-output-buffer-limit pubsub 32mb 8mb 60` disconnects a subscriber that
 * falls 32 MB behind, or 8 MB for a minute: a few messages this size in a burst do it.
 */
export const OVERSIZED_BYTES = 1024 * 1024;
export const DEFAULT_DOWN_PERIOD_MS = 30_000;

export interface RedisSide {
  /** PUBSUB NUMSUB per channel, when asked and allowed. */
  numsub?: ReadonlyMap<string, number>;
  /** Why there is no NUMSUB (ACL, cluster…), shown as is. */
  note?: string;
}

interface ProblemTally {
  channel: string;
  sender: string | null;
  problem: string;
  count: number;
  firstAt: number;
  lastAt: number;
}

export interface InsightOptions {
  downPeriodMs?: number;
}

export class ClusterInsight {
  readonly watch = new NodeWatch();
  private readonly problems = new Map<string, ProblemTally>();
  private readonly oversized = new Map<
    string,
    { channel: string; sender: string | null; count: number; largest: number }
  >();
  readonly downPeriodMs: number;

  constructor(options: InsightOptions = {}) {
    this.downPeriodMs = options.downPeriodMs ?? DEFAULT_DOWN_PERIOD_MS;
  }

  observe(raw: RawMessage, c: Classified): void {
    this.watch.observe(raw, c);
    const sender = this.senderLabel(c);
    if (c.bytes >= OVERSIZED_BYTES) {
      const key = `${raw.channel} ${sender ?? ''}`;
      const o = this.oversized.get(key) ?? { channel: raw.channel, sender, count: 0, largest: 0 };
      o.count++;
      o.largest = Math.max(o.largest, c.bytes);
      this.oversized.set(key, o);
    }
    if (!raw.channel.startsWith('phx:')) return;
    if (sender?.startsWith(OWN_SENDER_PREFIX)) return;
    const shape = this.expectedShape(raw.channel);
    const validation = validateClassified(c, raw.channel, {
      receivers: {
        channel: raw.channel,
        shapes: [shape],
        basis: 'traffic',
        evidence: `${shape} is what is heard most on ${raw.channel}`,
      },
    });
    if (validation.ok) return;
    this.watch.countProblem(c);
    const problem = validation.problems[0]!;
    const key = `${raw.channel} ${sender ?? ''} ${problem.slice(0, 40)}`;
    const tally = this.problems.get(key);
    if (tally === undefined) {
      this.problems.set(key, {
        channel: raw.channel,
        sender,
        problem,
        count: 1,
        firstAt: raw.receivedAt,
        lastAt: raw.receivedAt,
      });
    } else {
      tally.count++;
      tally.lastAt = raw.receivedAt;
    }
  }

  /** What a channel's receivers expect: 3.x on `….Adapter`, else the 2.x shape its nodes send most. */
  private expectedShape(channel: string): EnvelopeShape {
    if (generationOfChannel(channel) === 3) return 'v3';
    const shapes = this.watch.channels.get(channel)?.shapes;
    let best: EnvelopeShape = 'v1/fastlane';
    let most = 0;
    for (const [shape, n] of shapes ?? []) {
      if (shape !== 'v3' && n > most) [best, most] = [shape, n];
    }
    return best;
  }

  private senderLabel(c: Classified): string | null {
    const env = c.envelope;
    if (env === undefined) return null;
    if (env.generation === 3) return (env.mode === 'except' ? env.node : c.tracker?.replica) ?? null;
    const named = env.fromNode ?? c.tracker?.replica;
    return named === undefined ? `ref ${env.node}` : `${named} (ref ${env.node})`;
  }

  findings(now: number, redis: RedisSide = {}): Finding[] {
    return [
      ...this.mixedGenerations(),
      ...this.duplicateNames(),
      ...this.silentNodes(now),
      ...this.crashPayloads(),
      ...this.subscriptions(redis),
      ...this.oversizedPayloads(),
      ...this.restarts(),
    ];
  }

  private mixedGenerations(): Finding[] {
    const byPubsub = new Map<string, { v1: NodeRecord[]; v3: NodeRecord[] }>();
    for (const node of this.watch.nodes.values()) {
      if (node.messages === 0) continue;
      for (const pubsub of node.pubsubs) {
        const entry = byPubsub.get(pubsub) ?? { v1: [], v3: [] };
        (node.generation === 3 ? entry.v3 : entry.v1).push(node);
        byPubsub.set(pubsub, entry);
      }
    }
    const out: Finding[] = [];
    for (const [pubsub, { v1, v3 }] of byPubsub) {
      if (v1.length === 0 || v3.length === 0) continue;
      out.push({
        code: 'mixed-generations',
        severity: 'problem',
        message:
          `${pubsub} has ${v3.length} node(s) on adapter 3.x and ${v1.length} on 2.x: they use different channels ` +
          'and envelopes and never hear each other',
        evidence: {
          pubsub,
          nodes3x: v3.map(label),
          nodes2x: v1.map(label),
          channels: [...new Set([...v3, ...v1].flatMap((n) => [...n.channels]))].sort(),
        },
        hint: 'finish the rolling upgrade (every node on phoenix_pubsub_redis 3.x) — until then a broadcast reaches only the nodes of its own generation',
      });
    }
    return out;
  }

  private duplicateNames(): Finding[] {
    const out: Finding[] = [];
    for (const [key, s] of this.watch.vsnSwitches) {
      if (s.interleaved === 0) continue;
      const [tracker, name] = splitOnce(key);
      out.push({
        code: 'duplicate-node-name',
        severity: 'problem',
        message:
          `two live nodes share the node name ${name}: tracker replicas of ${s.seen.size} vsns interleave on ${tracker} ` +
          `(${s.interleaved} returns to an older vsn); a 3.x node drops messages carrying its own name, so these nodes ` +
          'never receive each other’s broadcasts, and every tracker flaps between them',
        evidence: { name, tracker, vsns: [...s.seen], returns: s.interleaved },
        hint: 'give every node a unique name: node_name in the adapter config (e.g. from the pod name), or a distinct --name/--sname per node',
      });
    }
    for (const [name, s] of this.watch.refSwitches) {
      if (s.interleaved === 0) continue;
      out.push({
        code: 'duplicate-node-name',
        severity: 'problem',
        message: `${s.seen.size} live 2.x nodes (refs ${[...s.seen].join(', ')}) name themselves ${name}: their presences collide in every tracker`,
        evidence: { name, refs: [...s.seen], returns: s.interleaved },
        hint: 'give every node a unique node name (--name / --sname, or the adapter’s node_name)',
      });
    }
    return out;
  }

  private silentNodes(now: number): Finding[] {
    const out: Finding[] = [];
    for (const node of this.watch.nodes.values()) {
      for (const replica of node.replicas.values()) {
        if (replica.leftAt !== null || this.replacedBy(node, replica) !== undefined) continue;
        const threshold = silenceThreshold(replica, this.downPeriodMs);
        const silent = now - replica.lastSeen;
        if (silent <= threshold) continue;
        out.push({
          code: 'node-silent',
          severity: 'problem',
          message:
            `${label(node)} has been silent for ${seconds(silent)} on ${replica.tracker} (longer than the ${seconds(threshold)} ` +
            'after which its peers take its tracker replica down and drop its presences)',
          evidence: {
            node: label(node),
            tracker: replica.tracker,
            vsn: replica.vsn,
            lastSeen: new Date(replica.lastSeen).toISOString(),
            silentMs: silent,
            thresholdMs: threshold,
            longestGapBeforeMs: replica.maxGapMs,
          },
          hint: 'check whether the node is up and reaches Redis (its Redis connection, network, a stuck scheduler); a node that cannot publish heartbeats cannot deliver broadcasts either',
        });
      }
    }
    return out;
  }

  /** A newer vsn of the same node on the same tracker that spoke after this one. */
  replacedBy(node: NodeRecord, replica: ReplicaSeen): ReplicaSeen | undefined {
    for (const other of node.replicas.values()) {
      if (other !== replica && other.tracker === replica.tracker && other.firstSeen >= replica.lastSeen) return other;
    }
    return undefined;
  }

  private crashPayloads(): Finding[] {
    return [...this.problems.values()].map((p) => ({
      code: 'crash-payload' as const,
      severity: 'problem' as const,
      message: `${p.count} payload(s) on ${p.channel} from ${p.sender ?? 'an unknown sender (no envelope names one)'}: ${p.problem}`,
      evidence: {
        channel: p.channel,
        sender: p.sender,
        count: p.count,
        firstAt: new Date(p.firstAt).toISOString(),
        lastAt: new Date(p.lastAt).toISOString(),
      },
      hint:
        p.sender === null
          ? 'find the publisher that writes non-ETF bytes to this channel (redis-print record, then decode the capture) and stop it, or give it its own channel'
          : 'fix the publisher; redis-print publish builds envelopes the receivers accept',
    }));
  }

  private subscriptions(redis: RedisSide): Finding[] {
    const numsub = redis.numsub;
    if (numsub === undefined) return [];
    const out: Finding[] = [];
    for (const channel of this.watch.channels.values()) {
      const subscribers = numsub.get(channel.channel);
      if (subscribers === undefined) continue;
      const publishers = this.publishers(channel);
      if (subscribers === 0) {
        out.push({
          code: 'no-node-subscribed',
          severity: 'problem',
          message: `${channel.messages} message(s) on ${channel.channel}, but no connection SUBSCRIBEs to it: nobody receives them`,
          evidence: {
            channel: channel.channel,
            messages: channel.messages,
            subscribers,
            publishers: publishers.map(label),
          },
          hint: 'the nodes listen on another channel (another PubSub name or adapter generation) or their subscriber connection is down; compare with the channels of the nodes in this report',
        });
      } else if (subscribers < publishers.length) {
        out.push({
          code: 'subscriber-missing',
          severity: 'problem',
          message: `${publishers.length} node(s) publish on ${channel.channel} but only ${subscribers} connection(s) subscribe to it: a node sends broadcasts it cannot receive`,
          evidence: { channel: channel.channel, subscribers, publishers: publishers.map(label) },
          hint: 'a node’s Redis subscriber (Redix.PubSub) is down or crashed — look for crash reports of Phoenix.PubSub.RedisServer on the nodes; a restart resubscribes',
        });
      }
    }
    return out;
  }

  private publishers(channel: ChannelRecord): NodeRecord[] {
    return [...this.watch.nodes.values()].filter((n) => n.messages > 0 && n.channels.has(channel.channel));
  }

  private oversizedPayloads(): Finding[] {
    return [...this.oversized.values()].map((o) => ({
      code: 'oversized-payload' as const,
      severity: 'warning' as const,
      message: `${o.count} payload(s) of up to ${mib(o.largest)} on ${o.channel}${o.sender ? ` from ${o.sender}` : ''}: near Redis' pubsub output-buffer limits`,
      evidence: { channel: o.channel, sender: o.sender, count: o.count, largestBytes: o.largest },
      hint: "Redis drops a subscriber 32 MB behind (8 MB for 60 s: client-output-buffer-limit pubsub): a node dropped that way silently stops receiving; send ids and fetch the data, or enable the adapter's compression_level",
    }));
  }

  private restarts(): Finding[] {
    const out: Finding[] = [];
    for (const node of this.watch.nodes.values()) {
      for (const replica of node.replicas.values()) {
        const next = this.replacedBy(node, replica);
        if (next === undefined) continue;
        const key = `${replica.tracker} ${node.name ?? ''}`;
        if (this.watch.vsnSwitches.get(key)?.interleaved) continue;
        out.push({
          code: 'replica-restarted',
          severity: 'info',
          message: `${label(node)}'s tracker ${replica.tracker} restarted (vsn ${replica.vsn} → ${next.vsn}${replica.leftAt !== null ? ', after a graceful_permdown' : ''})`,
          evidence: { node: label(node), tracker: replica.tracker, from: replica.vsn, to: next.vsn },
          hint: 'expected after a deploy or graceful_permdown; peers drop the old replica’s presences at once and sync the new one by transfer',
        });
      }
    }
    return out;
  }
}

/**
 * The silence after which peers take a replica down: the tracker's down_period (30 s unless
 * configured), or twice the longest gap this replica left between messages if that is longer
 * (a cluster configured with a longer period beats less often).
 */
export function silenceThreshold(replica: ReplicaSeen, downPeriodMs: number): number {
  return Math.max(downPeriodMs, 2 * (replica.maxGapMs ?? 0));
}

export function label(node: NodeRecord): string {
  if (node.name !== null && node.ref !== null) return `${node.name} (ref ${node.ref})`;
  return node.name ?? `ref ${node.ref}`;
}

function splitOnce(text: string): [string, string] {
  const i = text.indexOf(' ');
  return [text.slice(0, i), text.slice(i + 1)];
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

function mib(n: number): string {
  return `${(n / 1048576).toFixed(1)} MiB`;
}

/**
 * The nodes report and the presence view as text lines — printed by `redis-print nodes` /
 * `presence` and drawn by the UI's `n` and `r` views. Every text that came from the wire goes
 * through `safe`, so node names, topics and keys cannot drive a terminal.
 */
import { renderElixir } from '../etf/render/elixir.js';
import type { Finding } from '../phoenix/cluster/cluster-insight.js';
import type { NodeReport, NodesReport } from '../phoenix/cluster/nodes-report.js';
import type { Presence, PresenceEvent, PresenceWatch, ReplicaInfo } from '../phoenix/presence/presence-watch.js';
import { PHOENIX_STRUCTS } from '../phoenix/structs.js';
import { formatBytes, formatByteRate, formatRate } from './units.js';

// C0/C1 controls, DEL, line/paragraph separators and bidi overrides: escaped, never printed.
const UNSAFE = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

export function safe(text: string): string {
  return text.replace(UNSAFE, (ch) => `\\u{${ch.codePointAt(0)!.toString(16)}}`);
}

/** Columns padded to the widest cell; the last column is not padded. */
export function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - [...cell].length)))
      .join('  ')
      .trimEnd(),
  );
}

export function clockText(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

function shortTracker(topic: string): string {
  return topic.replace(/^phx_presence:(Elixir\.)?/, '');
}

export function nodesLines(report: NodesReport, target: string): string[] {
  const seconds = (report.durationMs / 1000).toFixed(1);
  const lines = [
    `Nodes seen on ${safe(target)} over ${seconds} s (${report.messages} messages, ${formatBytes(report.bytes)})`,
    '',
  ];
  if (report.nodes.length === 0) lines.push('  (no node has published yet)');
  else {
    const rows = [
      ['NODE', 'ADAPTER', 'PUBSUB', 'COMPRESSED', 'ATOMS', 'MSG/S', 'BYTES/S', 'LAST SEEN', 'TRACKER REPLICAS'],
    ];
    for (const n of report.nodes) rows.push(nodeRow(n));
    lines.push(...table(rows));
  }
  lines.push('', 'Channels');
  const channelRows = [['CHANNEL', 'ADAPTER', 'MESSAGES', 'UNDECODABLE', 'LARGEST', 'PUBLISHING NODES', 'SUBSCRIBERS']];
  for (const c of report.channels) {
    channelRows.push([
      safe(c.channel),
      c.adapter,
      String(c.messages),
      String(c.undecodable),
      formatBytes(c.largestBytes),
      String(c.publishers),
      c.subscribers === null ? '?' : String(c.subscribers),
    ]);
  }
  lines.push(...table(channelRows));
  if (report.redis.numsub !== 'ok') {
    lines.push(`  subscribers: ${report.redis.note ? safe(report.redis.note) : 'PUBSUB NUMSUB not asked'}`);
  }
  lines.push('', ...findingsLines(report.findings));
  return lines;
}

function nodeRow(n: NodeReport): string[] {
  const name = n.name === null ? `ref ${n.ref}` : n.ref === null ? n.name : `${n.name} (ref ${n.ref})`;
  const replicas = n.replicas
    .map((r) => `${shortTracker(r.tracker)} vsn ${r.vsn} (started ${clockText(Date.parse(r.startedAt))}) ${r.status}`)
    .join('; ');
  return [
    safe(name),
    `${n.adapter} ${n.envelopes.join(',')}`,
    safe(n.pubsub.join(',')),
    n.compression,
    n.atomEncoding === null ? '?' : `${n.atomEncoding} (OTP ${n.otp === '>=26' ? '≥26' : '≤25'})`,
    formatRate(n.msgPerSec),
    formatByteRate(n.bytesPerSec),
    clockText(Date.parse(n.lastSeen)),
    safe(replicas) || '-',
  ];
}

export function findingsLines(findings: readonly Finding[]): string[] {
  if (findings.length === 0) return ['No findings: nothing seen that loses broadcasts.'];
  const lines = [`Findings (${findings.length})`];
  for (const f of findings) {
    const mark = f.severity === 'problem' ? '!' : f.severity === 'warning' ? '~' : 'i';
    lines.push(`${mark} ${f.code}: ${safe(f.message)}`);
    lines.push(`    hint: ${safe(f.hint)}`);
  }
  return lines;
}

export function metaText(meta: Presence['meta']): string {
  return safe(renderElixir(meta, { pretty: false, structs: PHOENIX_STRUCTS, maxBinaryLength: 200 }));
}

/** The presence table: per tracker, per topic, every presence; then the replicas and how complete it is. */
export function presenceLines(watch: PresenceWatch, now: number): string[] {
  const presences = watch.presences();
  const lines: string[] = [];
  const trackers = new Map<string, Map<string, Presence[]>>();
  for (const p of presences) {
    const topics = trackers.get(p.tracker) ?? new Map<string, Presence[]>();
    topics.set(p.topic, [...(topics.get(p.topic) ?? []), p]);
    trackers.set(p.tracker, topics);
  }
  if (presences.length === 0) lines.push('No presences seen.');
  for (const [tracker, topics] of trackers) {
    lines.push(`Tracker ${safe(tracker)}`);
    for (const [topic, list] of topics) {
      const keys = new Set(list.map((p) => p.key));
      lines.push(
        `  ${safe(topic)}  (${keys.size} key${keys.size === 1 ? '' : 's'}, ${list.length} meta${list.length === 1 ? '' : 's'})`,
      );
      const rows = list.map((p) => [
        `    ${safe(p.key)}`,
        `on ${safe(p.replica.name)}`,
        `since ${p.since === 0 ? '?' : clockText(p.since)}`,
        p.hidden ? '(replica down: hidden by its peers)' : '',
        metaText(p.meta),
      ]);
      lines.push(...table(rows));
    }
  }
  lines.push('', 'Replicas');
  const rows = [['TRACKER', 'NODE', 'VSN', 'STATUS', 'LAST HEARD', 'STATE']];
  for (const r of watch.replicas()) rows.push(replicaRow(r, now));
  lines.push(...table(rows));
  lines.push('', completenessText(watch));
  const diffs = watch.diffCounts();
  if (diffs.length > 0) {
    lines.push('', 'presence_diff broadcasts (Phoenix ≤ 1.4 sends them through Redis)');
    lines.push(
      ...table(diffs.map((d) => [`  ${safe(d.topic)}`, `${d.diffs} diffs`, `${d.joins} joins`, `${d.leaves} leaves`])),
    );
  }
  return lines;
}

function replicaRow(r: ReplicaInfo, now: number): string[] {
  const heard = r.lastSeen === undefined ? 'only named by peers' : `${Math.round((now - r.lastSeen) / 1000)} s ago`;
  return [
    safe(shortTracker(r.tracker)),
    safe(r.ref.name),
    r.ref.vsn,
    r.reason ? `${r.status} (${safe(r.reason)})` : r.status,
    heard,
    r.complete ? 'complete' : 'changes since watching began',
  ];
}

export function completenessText(watch: PresenceWatch): string {
  const live = watch.replicas().filter((r) => r.status !== 'gone');
  if (live.length === 0) return 'No tracker replica heard yet.';
  const partial = live.filter((r) => !r.complete);
  if (partial.length === 0)
    return 'Complete: the whole state of every live replica was seen (a transfer, or from its start).';
  return (
    `Partial: for ${partial.map((r) => safe(r.ref.name)).join(', ')} only the changes since watching began are known ` +
    '(complete once a transfer shows its whole state, e.g. when a node joins).'
  );
}

/**
 * Lines for a batch of events from one message: a leave and a join of the same process and key
 * in one batch is Presence.update/4 (a new meta under a new dot), shown as one `update` line.
 */
export function presenceEventLines(events: readonly PresenceEvent[]): string[] {
  const id = (p: Presence): string => `${p.tracker}\u0000${p.topic}\u0000${p.key}\u0000${p.pid}`;
  const joins = new Map<string, Presence>();
  for (const e of events) if (e.type === 'join') joins.set(id(e.presence), e.presence);
  const updated = new Set<string>();
  for (const e of events) if (e.type === 'leave' && joins.has(id(e.presence))) updated.add(id(e.presence));
  const lines: string[] = [];
  for (const e of events) {
    if (e.type === 'leave' && updated.has(id(e.presence))) continue;
    if (e.type === 'join' && updated.has(id(e.presence))) {
      lines.push(presenceEventLine(e).replace(/^(\S+) join {2}/, '$1 update'));
      continue;
    }
    lines.push(presenceEventLine(e));
  }
  return lines;
}

/** One line per presence event for `presence` in line mode. */
export function presenceEventLine(e: PresenceEvent): string {
  const at = clockText(e.at) + '.' + String(new Date(e.at).getMilliseconds()).padStart(3, '0');
  switch (e.type) {
    case 'join':
    case 'leave':
      return [
        at,
        e.type.padEnd(6),
        safe(e.presence.topic),
        safe(e.presence.key),
        `on ${safe(e.presence.replica.name)}`,
        metaText(e.presence.meta),
        e.why ? `(${safe(e.why)})` : '',
      ]
        .join(' ')
        .trimEnd();
    case 'replica-up':
    case 'replica-down':
    case 'replica-gone':
      return `${at} ${e.type} ${safe(e.replica.ref.name)} vsn ${e.replica.ref.vsn} on ${safe(e.replica.tracker)}${e.replica.reason ? ` (${safe(e.replica.reason)})` : ''}`;
    case 'diff':
      return `${at} presence_diff ${safe(e.topic)} joins ${e.diff.joins.map((j) => safe(j.key)).join(',') || '-'} leaves ${e.diff.leaves.map((l) => safe(l.key)).join(',') || '-'}`;
  }
}

/**
 * A `--json` document, indented. JSON.stringify leaves DEL, the C1 controls and U+2028/U+2029
 * as they are: written as `\u` escapes here (still valid JSON), as NDJSON does.
 */
export function jsonDocument(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

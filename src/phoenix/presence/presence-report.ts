/** The `--json` document of `redis-print presence` (fields in docs/presence.md). */
import { toPlainJson, type PlainJson } from '../../etf/render/plain-json.js';
import type { DiffCount, PresenceWatch } from './presence-watch.js';

export interface PresenceReport {
  watchedFrom: string | null;
  watchedUntil: string;
  complete: boolean;
  trackers: string[];
  topics: Record<string, PresenceEntry[]>;
  replicas: ReplicaEntry[];
  presenceDiffs: DiffCount[];
}

export interface PresenceEntry {
  key: string;
  replica: string;
  vsn: string;
  tracker: string;
  meta: PlainJson;
  pid: string;
  since: string | null;
  hidden: boolean;
}

export interface ReplicaEntry {
  tracker: string;
  name: string;
  vsn: string;
  startedAt: string | null;
  status: 'up' | 'down' | 'gone';
  reason: string | null;
  firstSeen: string | null;
  lastSeen: string | null;
  complete: boolean;
}

const iso = (ms: number | undefined): string | null =>
  ms === undefined || ms === 0 ? null : new Date(ms).toISOString();

export function presenceReport(watch: PresenceWatch, watchedFrom: number | null, now: number): PresenceReport {
  const topics: Record<string, PresenceEntry[]> = {};
  for (const p of watch.presences()) {
    (topics[p.topic] ??= []).push({
      key: p.key,
      replica: p.replica.name,
      vsn: p.replica.vsn,
      tracker: p.tracker,
      meta: toPlainJson(p.meta),
      pid: p.pid,
      since: iso(p.since),
      hidden: p.hidden,
    });
  }
  return {
    watchedFrom: iso(watchedFrom ?? undefined),
    watchedUntil: new Date(now).toISOString(),
    complete: watch.complete(),
    trackers: watch.trackerTopics(),
    topics,
    replicas: watch.replicas().map((r) => ({
      tracker: r.tracker,
      name: r.ref.name,
      vsn: r.ref.vsn,
      startedAt: /^\d+$/.test(r.ref.vsn) ? new Date(Math.floor(Number(r.ref.vsn) / 1000)).toISOString() : null,
      status: r.status,
      reason: r.reason ?? null,
      firstSeen: iso(r.firstSeen),
      lastSeen: iso(r.lastSeen),
      complete: r.complete,
    })),
    presenceDiffs: watch.diffCounts(),
  };
}

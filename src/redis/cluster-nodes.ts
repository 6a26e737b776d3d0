/**
 * Learning a Redis Cluster's nodes from one of them, so a watcher can move to another node when
 * the one it listens on dies. Any node works for listening: a PUBLISH on one cluster node is
 * relayed over the cluster bus to every other node (masters and replicas).
 */
import type { RedisEndpoint } from './connection-spec.js';

/**
 * Endpoints named in a CLUSTER SLOTS reply (`[[start, end, [host, port, id, …], …replicas], …]`).
 * An empty host means "the address you reached me on" (Redis ≥ 7 with unknown endpoints), so
 * it is replaced by `askedHost`; `?` marks an endpoint the node does not know and is skipped.
 */
export function endpointsFromClusterSlots(reply: unknown, askedHost: string): RedisEndpoint[] {
  const found = new Map<string, RedisEndpoint>();
  if (!Array.isArray(reply)) return [];
  for (const range of reply) {
    if (!Array.isArray(range)) continue;
    for (const node of range.slice(2)) {
      if (!Array.isArray(node) || node.length < 2) continue;
      const rawHost = String(node[0]);
      const port = Number(node[1]);
      if (rawHost === '?' || !Number.isInteger(port) || port <= 0) continue;
      const host = rawHost === '' ? askedHost : rawHost;
      found.set(`${host}:${port}`, { host, port });
    }
  }
  return [...found.values()];
}

/** `known` followed by the endpoints of `discovered` it lacks, without duplicates. */
export function mergeEndpoints(known: readonly RedisEndpoint[], discovered: readonly RedisEndpoint[]): RedisEndpoint[] {
  const seen = new Set(known.map(keyOf));
  const merged = [...known];
  for (const endpoint of discovered) {
    if (!seen.has(keyOf(endpoint))) {
      seen.add(keyOf(endpoint));
      merged.push(endpoint);
    }
  }
  return merged;
}

function keyOf(endpoint: RedisEndpoint): string {
  return `${endpoint.host}:${endpoint.port}`;
}

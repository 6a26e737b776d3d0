/**
 * The captured adapter payloads as WatchedMessages, classified by the real src/phoenix, with the
 * manifest entry that Elixir wrote next to each (its `inspect`, envelope fields, topic) as the
 * independent description to check filters against.
 */
import { readFileSync } from 'node:fs';
import type { WatchedMessage } from '../../src/output/watched-message.js';
import { classify } from '../../src/phoenix/classify.js';

export const ADAPTERS = ['phoenix_pubsub_redis-3.1.0', 'phoenix_pubsub_redis-2.1.8'] as const;

type Atomish = { atom: string };

export interface ManifestEntry {
  file: string;
  channel: string;
  operation: string;
  label: string;
  adapter: string;
  topic: string;
  inspect: string;
  wire_compressed: boolean;
  envelope: {
    vsn: number;
    node_name?: Atomish | string;
    mode?: Atomish;
    from_pid?: { pid: { node: string } } | Atomish;
  };
}

export interface FixtureMessage {
  message: WatchedMessage;
  entry: ManifestEntry;
}

const root = new URL('../../fixtures/phoenix/', import.meta.url);

export function fixtureMessages(adapters: readonly string[] = ADAPTERS): FixtureMessage[] {
  const out: FixtureMessage[] = [];
  let seq = 0;
  for (const adapter of adapters) {
    const dir = new URL(`${adapter}/`, root);
    const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')) as { files: ManifestEntry[] };
    for (const entry of manifest.files) {
      const payload = new Uint8Array(readFileSync(new URL(entry.file, dir)));
      const message: WatchedMessage = {
        seq: ++seq,
        raw: { receivedAt: 1_700_000_000_000 + seq, channel: entry.channel, pattern: null, payload },
        classified: classify(payload, { spans: true }),
      };
      out.push({ message, entry });
    }
  }
  return out;
}

/** A message made from arbitrary bytes on a channel (for undecodable and non-ETF payloads). */
export function bytesMessage(
  seq: number,
  bytes: Uint8Array | string,
  channel = 'phx:Elixir.Chat.PubSub.Adapter',
): WatchedMessage {
  const payload = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  return { seq, raw: { receivedAt: 0, channel, pattern: null, payload }, classified: classify(payload) };
}

/** The sender/target node the manifest names: v3 node_name, v1 the from pid's node. */
export function manifestNode(entry: ManifestEntry): string | undefined {
  const env = entry.envelope;
  if (env.node_name !== undefined) return typeof env.node_name === 'string' ? env.node_name : env.node_name.atom;
  if (env.from_pid !== undefined && 'pid' in env.from_pid) return env.from_pid.pid.node;
  return undefined;
}

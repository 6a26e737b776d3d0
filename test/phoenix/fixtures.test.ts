/**
 * Every payload captured from real adapter nodes (3.1.0 and 2.1.8, compressed and not) is
 * classified, and the result is checked against what the capture's manifest recorded about it:
 * the envelope fields, the channel, the operation, the label and the term itself (`term_json`).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generationOfChannel } from '../../src/phoenix/channel.js';
import { classify, nodeOf } from '../../src/phoenix/classify.js';
import type { Classified, Envelope, TrackerInfo } from '../../src/phoenix/classified.js';
import { describeEnvelope } from '../../src/phoenix/envelope.js';
import type { ManifestEntry, TermJson } from '../helpers/manifest.js';

const fixturesDir = new URL('../../fixtures/phoenix/', import.meta.url);

const entries: Array<{ dir: string; entry: ManifestEntry }> = [];
for (const dir of readdirSync(fixturesDir)) {
  const manifest = JSON.parse(readFileSync(new URL(`${dir}/manifest.json`, fixturesDir), 'utf8')) as {
    files: ManifestEntry[];
  };
  for (const entry of manifest.files) entries.push({ dir, entry });
}

function payloadOf(dir: string, file: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`${dir}/${file}`, fixturesDir)));
}

// --- reading term_json ----------------------------------------------------------------------

function tupleOf(t: TermJson): TermJson[] | undefined {
  return typeof t === 'object' && t !== null && 'tuple' in t ? (t.tuple as TermJson[]) : undefined;
}
function atomOf(t: TermJson | undefined): string | undefined {
  return typeof t === 'object' && t !== null && 'atom' in t ? (t.atom as string) : undefined;
}
function mapOf(t: TermJson | undefined): Array<[TermJson, TermJson]> | undefined {
  return typeof t === 'object' && t !== null && 'map' in t ? (t.map as Array<[TermJson, TermJson]>) : undefined;
}
function mapGet(t: TermJson | undefined, key: string): TermJson | undefined {
  return mapOf(t)?.find(([k]) => atomOf(k) === key)?.[1];
}
function integerText(t: TermJson | undefined): string {
  if (typeof t === 'number') return String(t);
  if (typeof t === 'object' && t !== null && 'bigint' in t) return String(t.bigint);
  throw new Error(`not an integer: ${JSON.stringify(t)}`);
}
function nameText(t: TermJson | undefined): string {
  const atom = atomOf(t);
  if (atom !== undefined) return atom;
  if (typeof t === 'string') return t;
  throw new Error(`not a node name: ${JSON.stringify(t)}`);
}
function aliasOf(atom: string): string {
  return atom.startsWith('Elixir.') ? atom.slice('Elixir.'.length) : atom;
}

/** The envelope the manifest describes, in the classifier's terms. */
function expectedEnvelope(entry: ManifestEntry): Envelope {
  const e = entry.envelope;
  if (e.vsn === 3) {
    return {
      generation: 3,
      shape: 'v3',
      mode: atomOf(e.mode) as 'except' | 'only',
      node: nameText(e.node_name as TermJson),
      topic: entry.topic,
      dispatcher: aliasOf(atomOf(e.dispatcher)!),
      compressed: entry.wire_compressed,
    };
  }
  const env: Envelope = {
    generation: 1,
    shape: e.fastlane ? 'v1/fastlane' : 'v1/pool',
    mode: 'all',
    node: e.node_ref_hex!.slice(0, 8),
    topic: entry.topic,
    dispatcher: e.fastlane ? aliasOf(atomOf(e.fastlane)!) : null,
    poolSize: e.pool_size!,
    compressed: entry.wire_compressed,
  };
  if (e.from_pid && 'pid' in e.from_pid) env.fromNode = e.from_pid.pid.node;
  return env;
}

/** The application message inside the manifest's envelope term. */
function messageJson(entry: ManifestEntry): TermJson {
  const elements = tupleOf(entry.term_json)!;
  return elements[elements.length - (entry.envelope.vsn === 3 ? 2 : 1)]!;
}

function expectedTracker(message: TermJson): TrackerInfo {
  const e = tupleOf(message)!;
  const type = atomOf(e[1]) as TrackerInfo['type'];
  const replicaAt = type === 'heartbeat' || type === 'graceful_permdown' ? 2 : 3;
  const [name, vsn] = tupleOf(e[replicaAt]!)!;
  const info: TrackerInfo = { type, replica: nameText(name), vsn: integerText(vsn) };
  const valuesCount = (state: TermJson | undefined): number | undefined => mapOf(mapGet(state, 'values'))?.length;
  // Leaves: dots of the delta's clouds (MapSets) that have no entry in its values.
  const leavesCount = (state: TermJson | undefined): number | undefined => {
    const values = mapOf(mapGet(state, 'values'));
    const clouds = mapOf(mapGet(state, 'clouds'));
    if (values === undefined || clouds === undefined) return undefined;
    const joined = new Set(values.map(([dot]) => JSON.stringify(dot)));
    let leaves = 0;
    for (const [, set] of clouds)
      for (const [dot] of mapOf(mapGet(set, 'map')) ?? []) if (!joined.has(JSON.stringify(dot))) leaves++;
    return leaves;
  };
  const delta = (state: TermJson | undefined): void => {
    const joins = valuesCount(state);
    if (joins === undefined) return;
    info.deltaSize = info.joins = joins;
    const leaves = leavesCount(state);
    if (leaves !== undefined) info.leaves = leaves;
  };
  if (type === 'heartbeat') {
    info.empty = atomOf(e[3]) === 'empty';
    if (!info.empty) delta(e[3]);
  } else if (type === 'transfer_ack') {
    const pair = tupleOf(e[4]!);
    if (pair) info.deltaSize = info.stateSize = mapOf(pair[1])!.length;
    else delta(e[4]);
  }
  return info;
}

describe('classify: every captured adapter payload', () => {
  it('found the fixtures of both adapter versions', () => {
    const dirs = new Set(entries.map((x) => x.dir));
    expect([...dirs].sort()).toEqual(['phoenix_pubsub_redis-2.1.8', 'phoenix_pubsub_redis-3.1.0']);
    expect(entries.filter((x) => x.entry.wire_compressed).length).toBeGreaterThan(10);
  });

  for (const { dir, entry } of entries) {
    it(`${dir}/${entry.file}`, () => {
      const payload = payloadOf(dir, entry.file);
      expect(payload.length).toBe(entry.size);
      const c: Classified = classify(payload);

      expect(c.error).toBeUndefined();
      expect(c.bytes).toBe(entry.size);
      expect(c.envelope).toEqual(expectedEnvelope(entry));
      // The channel's name tells the generation, as the adapter itself builds it.
      expect(generationOfChannel(entry.channel)).toBe(c.envelope!.generation);
      expect(describeEnvelope(c.envelope!)).toBe(
        c.envelope!.generation === 3 ? `v3 ${c.envelope!.mode}` : c.envelope!.shape,
      );
      // direct_broadcast is the only operation that targets one node — and only v3 says which.
      if (c.envelope!.generation === 3) {
        expect(c.envelope!.mode).toBe(entry.operation.includes('direct_broadcast') ? 'only' : 'except');
      }

      const message = messageJson(entry);
      if (entry.label.startsWith('tracker-')) {
        const tracker = expectedTracker(message);
        expect(entry.label).toMatch(new RegExp(`^tracker-${tracker.type}`));
        if (entry.label.endsWith('-empty')) expect(tracker.empty).toBe(true);
        if (entry.label.endsWith('-delta')) expect(tracker.deltaSize).toBeGreaterThan(0);
        expect(c.kind).toBe('tracker');
        expect(c.tracker).toEqual(tracker);
        expect(c.event).toBe(tracker.type);
        expect(c.topic).toBe(entry.topic);
        // The replica is the sending shard: its node is the from pid's (v1) or the except sender (v3).
        if (c.envelope!.fromNode !== undefined) expect(c.tracker!.replica).toBe(c.envelope!.fromNode);
        if (c.envelope!.mode === 'except') expect(c.tracker!.replica).toBe(c.envelope!.node);
      } else if (atomOf(mapGet(message, '__struct__')) === 'Elixir.Phoenix.Socket.Broadcast') {
        const event = mapGet(message, 'event') as string;
        expect(c.kind).toBe(event === 'presence_diff' ? 'presence_diff' : 'broadcast');
        expect(c.event).toBe(event);
        expect(c.topic).toBe(mapGet(message, 'topic'));
        expect(c.payload).toBeDefined();
      } else {
        expect(c.kind).toBe('term');
        expect(c.topic).toBe(entry.topic);
        expect(c.event).toBeUndefined();
      }

      // nodeOf: the v3 node; for v1 the sender's node when the message tells it, else the short ref.
      const node = nodeOf(c);
      if (c.envelope!.generation === 3) expect(node).toBe(c.envelope!.node);
      else expect(node).toBe(c.envelope!.fromNode ?? c.tracker?.replica ?? entry.envelope.node_ref_hex!.slice(0, 8));

      // Compressed payloads hand back the inflated bytes (for the hex view), others do not.
      expect(c.inflated !== undefined).toBe(entry.wire_compressed);
    });
  }
});

describe('classify with spans', () => {
  const sample = entries.filter((x) => x.entry.label === 'broadcast-hello');

  it('covers the whole term, in the payload or in the inflated bytes', () => {
    expect(sample.some((x) => x.entry.wire_compressed)).toBe(true);
    for (const { dir, entry } of sample) {
      const c = classify(payloadOf(dir, entry.file), { spans: true });
      expect(c.spans).toBeDefined();
      if (entry.wire_compressed) {
        expect(c.spans!.start).toBe(0);
        expect(c.spans!.end).toBe(c.inflated!.length);
      } else {
        expect(c.spans!.start).toBe(1);
        expect(c.spans!.end).toBe(entry.size);
      }
      // The envelope tuple's elements: 6 for v3, 7 for v1/fastlane.
      expect(c.spans!.children!.length).toBe(entry.envelope.vsn === 3 ? 6 : 7);
    }
  });

  it('leaves spans out unless asked', () => {
    const { dir, entry } = sample[0]!;
    expect(classify(payloadOf(dir, entry.file)).spans).toBeUndefined();
  });

  it('refuses a compressed payload above maxInflatedSize as raw, with the decoder error', () => {
    const big = entries.find((x) => x.entry.wire_compressed && x.entry.label === 'large-100kb-string');
    expect(big).toBeDefined();
    const c = classify(payloadOf(big!.dir, big!.entry.file), { maxInflatedSize: 1000 });
    expect(c.kind).toBe('raw');
    expect(c.error?.message).toMatch(/\S/);
    expect(c.error?.message).not.toMatch(/\n/);
    expect(c.term).toBeUndefined();
  });
});

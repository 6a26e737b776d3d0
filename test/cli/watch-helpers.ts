/**
 * Shared by the watch CLI tests: the captured adapter payloads with what their manifests say
 * about them, a watcher started as a child process and ready to receive, a publisher, and a
 * parser for the one-line-per-message output.
 */
import { readFileSync, readdirSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { adminClient, type RedisServer } from '../helpers/redis-server.js';
import type { ManifestEntry, TermJson } from '../helpers/manifest.js';
import { startCli, type CliOptions, type LiveCli, type LiveCommand } from './run-cli.js';
import { startInProcess, type LiveInProcess } from './in-process.js';

const fixturesDir = new URL('../../fixtures/phoenix/', import.meta.url);

export type { ManifestEntry, TermJson } from '../helpers/manifest.js';

export interface Fixture {
  adapter: string;
  entry: ManifestEntry;
  payload: Buffer;
}

/** Every captured payload of every adapter version, in manifest order. */
export function loadFixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const adapter of readdirSync(fixturesDir).sort()) {
    const dir = new URL(`${adapter}/`, fixturesDir);
    const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')) as { files: ManifestEntry[] };
    for (const entry of manifest.files) out.push({ adapter, entry, payload: readFileSync(new URL(entry.file, dir)) });
  }
  return out;
}

// --- what the manifest says a line must show ------------------------------------------------

const get = (t: TermJson, key: string): unknown =>
  typeof t === 'object' && t !== null && key in t ? (t as Record<string, unknown>)[key] : undefined;
const atomOf = (t: TermJson): string | undefined => {
  const a = get(t, 'atom');
  return typeof a === 'string' ? a : undefined;
};
const tupleOf = (t: TermJson): TermJson[] | undefined => get(t, 'tuple') as TermJson[] | undefined;
const mapGet = (t: TermJson, key: string): TermJson | undefined =>
  (get(t, 'map') as Array<[TermJson, TermJson]> | undefined)?.find(([k]) => atomOf(k) === key)?.[1];
const aliasOf = (atom: string): string => (atom.startsWith('Elixir.') ? atom.slice('Elixir.'.length) : atom);

export interface Expected {
  generation: 1 | 3;
  /** `v3/except`, `v3/only`, `v1/fastlane`, `v1/pool`. */
  genMode: string;
  shape: string;
  mode: string;
  /** v3 node name; v1 short node ref. */
  envelopeNode: string;
  /** v1: the node name an earlier message of the same ref told, when this one does not (watch resolves it). */
  nodeName?: string;
  /** v1: the sender's Erlang node (from pid, else tracker replica), when the message tells it. */
  sender?: string;
  fromNode?: string;
  dispatcher: string | null;
  poolSize?: number;
  topic: string;
  event?: string;
  kind: 'broadcast' | 'presence_diff' | 'tracker' | 'term';
  /** Tracker messages: the node of the replica that sent them. */
  replica?: string;
  compressed: boolean;
}

/** The application message inside the manifest's envelope term. */
function messageJson(entry: ManifestEntry): TermJson {
  const elements = tupleOf(entry.term_json)!;
  return elements[elements.length - (entry.envelope.vsn === 3 ? 2 : 1)];
}

export function expectedOf(entry: ManifestEntry): Expected {
  const e = entry.envelope;
  const message = messageJson(entry);
  let kind: Expected['kind'] = 'term';
  let topic = entry.topic;
  let event: string | undefined;
  let replica: string | undefined;
  if (entry.label.startsWith('tracker-')) {
    const parts = tupleOf(message)!;
    kind = 'tracker';
    event = atomOf(parts[1])!;
    // heartbeat/graceful_permdown carry the sending replica 3rd, transfer_req/ack 4th.
    const replicaRef = tupleOf(parts[event === 'heartbeat' || event === 'graceful_permdown' ? 2 : 3])!;
    replica = atomOf(replicaRef[0]) ?? String(replicaRef[0]);
  } else if (atomOf(mapGet(message, '__struct__')) === 'Elixir.Phoenix.Socket.Broadcast') {
    event = mapGet(message, 'event') as string;
    topic = mapGet(message, 'topic') as string;
    kind = event === 'presence_diff' ? 'presence_diff' : 'broadcast';
  }
  if (e.vsn === 3) {
    const node = typeof e.node_name === 'string' ? e.node_name : e.node_name!.atom;
    return {
      generation: 3,
      genMode: `v3/${e.mode!.atom}`,
      shape: 'v3',
      mode: e.mode!.atom,
      envelopeNode: node,
      dispatcher: aliasOf(e.dispatcher!.atom),
      topic,
      ...(event !== undefined ? { event } : {}),
      kind,
      ...(replica !== undefined ? { replica } : {}),
      compressed: entry.wire_compressed,
    };
  }
  const fromNode = e.from_pid && 'pid' in e.from_pid ? e.from_pid.pid.node : undefined;
  const shape = e.fastlane ? 'v1/fastlane' : 'v1/pool';
  const sender = fromNode ?? replica;
  return {
    generation: 1,
    genMode: shape,
    shape,
    mode: 'all',
    envelopeNode: e.node_ref_hex!.slice(0, 8),
    ...(sender !== undefined ? { sender } : {}),
    ...(fromNode !== undefined ? { fromNode } : {}),
    dispatcher: e.fastlane ? aliasOf(e.fastlane.atom) : null,
    ...(e.pool_size !== undefined ? { poolSize: e.pool_size } : {}),
    topic,
    ...(event !== undefined ? { event } : {}),
    kind,
    ...(replica !== undefined ? { replica } : {}),
    compressed: entry.wire_compressed,
  };
}

/**
 * expectedOf of each entry in publish order, with the name a 2.x node's ref was told by an earlier
 * message (a `from` pid, a tracker replica) on the later messages of that ref that do not tell it.
 */
export function expectedInOrder(entries: readonly ManifestEntry[]): Expected[] {
  const names = new Map<string, string>();
  return entries.map((entry) => {
    const x = expectedOf(entry);
    if (x.generation !== 1) return x;
    if (x.sender !== undefined) {
      names.set(x.envelopeNode, x.sender);
      return x;
    }
    const known = names.get(x.envelopeNode);
    return known === undefined ? x : { ...x, nodeName: known };
  });
}

/** Every node name a message mentions (what `--node` may match): envelope node, from pid, replica, resolved name. */
export function nodesOf(x: Expected): string[] {
  return [x.envelopeNode, x.fromNode, x.replica, x.nodeName].filter((n): n is string => n !== undefined);
}

/** The node column a line must show for this message. */
export function expectedNodeColumn(x: Expected): string {
  const name = x.sender ?? x.nodeName;
  return name !== undefined ? `${x.envelopeNode}(${name})` : x.envelopeNode;
}

// --- reading the line output ----------------------------------------------------------------

export interface ParsedLine {
  time: string;
  channel: string;
  genMode: string;
  node: string;
  topic: string;
  event: string;
  size: string;
  payload: string;
}

/** Splits a message line into its seven one-word head columns and the payload text. */
export function parseLine(line: string): ParsedLine {
  const parts = line.split(' ');
  if (parts.length < 8) throw new Error(`not a message line: ${JSON.stringify(line)}`);
  const [time, channel, genMode, node, topic, event, size] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return { time, channel, genMode, node, topic, event, size, payload: parts.slice(7).join(' ') };
}

/** stdout lines that are messages (status lines start with `#`). */
export function messageLines(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}

// --- running a watcher ----------------------------------------------------------------------

/**
 * `redis-print <args>` against `server`, resolved once it has subscribed (it says so on stderr
 * with `# watching …`), so that everything published afterwards must reach it.
 */
export function startWatch(args: string[], options: CliOptions = {}): Promise<LiveCli> {
  return subscribed(startCli(args, options), 'SIGKILL');
}

/** startWatch in this process (in-process.ts's startInProcess): no node start-up per watcher. */
export function startWatchInProcess(args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<LiveInProcess> {
  return subscribed(startInProcess(args, options), 'SIGINT');
}

/** `watch` once it says it has subscribed; stopped with `stop` when it never does. */
async function subscribed<T extends LiveCommand>(watch: T, stop: NodeJS.Signals): Promise<T> {
  try {
    await watch.waitForStderr(/^# watching .*$/m);
  } catch (error) {
    watch.kill(stop);
    throw error;
  }
  return watch;
}

/** A publishing connection (admin rights), for tests that publish many payloads in order. */
export function publisher(server: RedisServer): Redis {
  return adminClient(server);
}

/** PUBLISH each in turn (each waits for its reply, so the order on the wire is this order). */
export async function publishInOrder(
  client: Redis,
  messages: Array<{ channel: string; payload: Buffer | string }>,
): Promise<void> {
  for (const m of messages) await client.publish(m.channel, m.payload);
}

/** The summary line `# received N, shown N, filtered N, undecodable N` parsed from stderr. */
export function summaryOf(
  stderr: string,
): { received: number; shown: number; filtered: number; undecodable: number } | undefined {
  const m = /^# received (\d+), shown (\d+), filtered (\d+), undecodable (\d+)/m.exec(stderr);
  if (!m) return undefined;
  return { received: Number(m[1]), shown: Number(m[2]), filtered: Number(m[3]), undecodable: Number(m[4]) };
}

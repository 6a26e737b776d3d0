/**
 * The built `redis-print` watching a real redis-server while every captured adapter payload
 * (3.1.0 and 2.1.8, compressed and not) is PUBLISHed on the channel it was captured on. What
 * each line must show is derived from the capture's manifest (envelope fields, topic, the
 * inner message in `term_json`, the Elixir `inspect` string), never from our own decoder.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Redis } from 'ioredis';
import { decode } from '../../src/etf/decode.js';
import { encode } from '../../src/etf/encode.js';
import { fromTypedJson } from '../../src/etf/render/typed-json-read.js';
import { termEquals } from '../../src/etf/term.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { ndjsonProblems } from '../output/ndjson-contract.js';
import {
  expectedInOrder,
  expectedNodeColumn,
  expectedOf,
  loadFixtures,
  messageLines,
  parseLine,
  publishInOrder,
  publisher,
  startWatch,
  startWatchInProcess,
  summaryOf,
} from './watch-helpers.js';

const fixtures = loadFixtures();
/** What watch must show for each fixture, in publish order (2.x refs resolved to names as they are told). */
const inOrder = expectedInOrder(fixtures.map((f) => f.entry));
let server: RedisServer;
let client: Redis;

beforeAll(async () => {
  server = await startRedis();
  client = publisher(server);
});
afterAll(async () => {
  client?.disconnect();
  await server?.stop();
});

test('the fixtures cover both generations, compressed payloads, trackers and direct broadcasts', () => {
  const expected = fixtures.map((f) => expectedOf(f.entry));
  expect(new Set(expected.map((x) => x.genMode))).toEqual(new Set(['v3/except', 'v3/only', 'v1/fastlane']));
  expect(expected.filter((x) => x.compressed).length).toBeGreaterThan(10);
  expect(new Set(expected.map((x) => x.kind))).toEqual(new Set(['broadcast', 'tracker', 'term']));
  expect(fixtures.length).toBeGreaterThan(150);
});

describe('line output (piped, --no-tui)', () => {
  let lines: string[] = [];
  let stderr = '';
  let code: number | null = null;

  beforeAll(async () => {
    const watch = await startWatch(['--no-tui', '--url', server.url, '--count', String(fixtures.length)]);
    await publishInOrder(
      client,
      fixtures.map((f) => ({ channel: f.entry.channel, payload: f.payload })),
    );
    const result = await watch.done;
    lines = messageLines(result.stdout);
    stderr = result.stderr;
    code = result.code;
  });

  test('exits 0 after --count lines, one per message, and says so in the summary', () => {
    expect(code).toBe(0);
    expect(lines.length).toBe(fixtures.length);
    expect(summaryOf(stderr)).toEqual({
      received: fixtures.length,
      shown: fixtures.length,
      filtered: 0,
      undecodable: 0,
    });
  });

  test('every line shows the channel, generation/mode, node, topic and event the manifest names, in order', () => {
    lines.forEach((line, i) => {
      const { entry } = fixtures[i]!;
      const x = inOrder[i]!;
      const p = parseLine(line);
      const where = `${entry.file}: ${line.slice(0, 200)}`;
      expect(p.time, where).toMatch(/^\d\d:\d\d:\d\d\.\d{3}$/);
      expect(p.channel, where).toBe(entry.channel);
      expect(p.genMode, where).toBe(x.genMode);
      expect(p.node, where).toBe(expectedNodeColumn(x));
      expect(p.topic, where).toBe(x.topic);
      expect(p.event, where).toBe(x.event ?? '-');
      if (entry.size < 1024) expect(p.size, where).toBe(`${entry.size}B`);
      else
        expect(Math.abs(Number(p.size.replace(/KiB$/, '')) * 1024 - entry.size) / entry.size, where).toBeLessThan(0.01);
    });
  });

  test('the payload column is what Elixir printed for the payload (checked against the inspect strings)', () => {
    let broadcasts = 0;
    lines.forEach((line, i) => {
      const { entry } = fixtures[i]!;
      const x = expectedOf(entry);
      const { payload } = parseLine(line);
      if (x.kind === 'broadcast') {
        broadcasts++;
        // Elixir's inspect of the envelope holds `payload: <the payload>` of the struct, and the
        // line prints Elixir 1.14's inspect too. One difference on purpose: inspect names a remote
        // pid's node by its local number (#PID<19619.102.0>, meaningless here) where we write
        // the node name.
        const anyPid = (text: string): string => text.replace(/#(PID|Reference)<[^>]*>/g, '#$1<…>');
        expect(anyPid(entry.inspect), entry.file).toContain(`payload: ${anyPid(payload)}`);
      } else if (x.kind === 'tracker') {
        expect(payload, entry.file).toMatch(/^replica=\S+ vsn=\d+ /);
      } else {
        expect(payload.length, entry.file).toBeGreaterThan(0);
      }
    });
    expect(broadcasts).toBeGreaterThan(50);
  });
});

describe('--json output', () => {
  let records: Array<Record<string, unknown>> = [];
  let stdout = '';
  let code: number | null = null;

  beforeAll(async () => {
    // In this process (in-process.ts); the line-mode run above spawns the built program.
    const watch = await startWatchInProcess(['--json', '--url', server.url, '--count', String(fixtures.length)]);
    await publishInOrder(
      client,
      fixtures.map((f) => ({ channel: f.entry.channel, payload: f.payload })),
    );
    const result = await watch.done;
    stdout = result.stdout;
    code = result.code;
    records = stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  });

  test('stdout is NDJSON only: one object per message, every line keeping the documented contract', () => {
    expect(code).toBe(0);
    expect(stdout.endsWith('\n')).toBe(true);
    expect(records.length).toBe(fixtures.length);
    for (const r of records) expect(ndjsonProblems(r), JSON.stringify(r).slice(0, 300)).toEqual([]);
  });

  test('seq, channel, pattern, bytes, envelope, kind, topic and event match the manifest, in order', () => {
    records.forEach((r, i) => {
      const { entry } = fixtures[i]!;
      const x = inOrder[i]!;
      expect(r.seq).toBe(i + 1);
      expect(r.channel, entry.file).toBe(entry.channel);
      expect(r.pattern, entry.file).toBe('phx:*');
      expect(r.bytes, entry.file).toBe(entry.size);
      expect(r.kind, entry.file).toBe(x.kind);
      expect(r.topic, entry.file).toBe(x.topic);
      expect(r.event, entry.file).toBe(x.event);
      const envelope: Record<string, unknown> = {
        generation: x.generation,
        shape: x.shape,
        mode: x.mode,
        node: x.envelopeNode,
        topic: entry.topic,
        dispatcher: x.dispatcher,
        compressed: x.compressed,
      };
      if (x.fromNode !== undefined) envelope.from_node = x.fromNode;
      if (x.nodeName !== undefined) envelope.node_name = x.nodeName;
      if (x.poolSize !== undefined) envelope.pool_size = x.poolSize;
      expect(r.envelope, entry.file).toEqual(envelope);
    });
  });

  test('term is the whole payload in typed JSON: it reads back to the published term, byte-exact when re-encoded', () => {
    let reencoded = 0;
    records.forEach((r, i) => {
      const { entry, payload } = fixtures[i]!;
      const term = fromTypedJson(r.term);
      expect(termEquals(term, decode(payload)), entry.file).toBe(true);
      if (!entry.wire_compressed) {
        // OTP 25's term_to_binary writes minor version 1 (UTF-8 atoms, NEW_FLOAT_EXT).
        expect(Buffer.from(encode(term, { minorVersion: 1 })).equals(payload), entry.file).toBe(true);
        reencoded++;
      }
    });
    expect(reencoded).toBeGreaterThan(100);
  });

  test('the float -0.0 keeps its sign through the NDJSON text', () => {
    const floats = fixtures.findIndex((f) => f.entry.label === 'floats');
    expect(floats).toBeGreaterThanOrEqual(0);
    expect(fixtures[floats]!.entry.inspect).toContain('-0.0');
    const line = stdout.split('\n')[floats]!;
    expect(line).toContain('{"float":-0}');
  });

  test('tracker messages carry the type, replica and vsn the manifest shows', () => {
    const trackers = records.filter((r) => r.kind === 'tracker');
    expect(trackers.length).toBeGreaterThan(40);
    records.forEach((r, i) => {
      const x = expectedOf(fixtures[i]!.entry);
      if (x.kind !== 'tracker') return;
      const t = r.tracker as { type: string; replica: string; vsn: string };
      expect(t.type).toBe(x.event);
      expect(fixtures[i]!.entry.inspect).toContain(`${t.replica}", ${t.vsn}}`);
    });
  });
});

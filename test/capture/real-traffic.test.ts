/**
 * The capture files in fixtures/captures/ hold the payloads real Phoenix adapter nodes sent
 * (fixtures/phoenix/, captured from Elixir 1.14 / OTP 25 nodes), recorded through a real
 * redis-server by `redis-print record`. Checked here against the manifests those captures came
 * with — the inspect string Elixir itself printed is the oracle for the decoded terms.
 *
 * The same recording is made again on every run and compared with the committed files, so they
 * stay reproducible. To rewrite them (after a deliberate format change):
 *   UPDATE_FIXTURE_CAPTURES=1 npx vitest run test/capture/real-traffic.test.ts
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromTypedJson } from '../../src/etf/render/typed-json-read.js';
import { inspect } from '../../src/etf/render/inspect.js';
import { PHOENIX_STRUCTS } from '../../src/phoenix/structs.js';
import { makeTempDir, removeDir } from '../helpers/child-reaper.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import {
  ADAPTERS,
  CAPTURE_FIXTURES,
  fixtureCapturePath,
  fixturePayloads,
  inTerminal,
  readBack,
  recordFixtureCapture,
} from '../cli/record-helpers.js';
import { runBuiltInProcess } from '../cli/in-process.js';

/**
 * Elixir prints a remote pid/port/ref with the node's index in the printing VM's node table
 * (`#PID<19622.255.0>`), which no offline reader can know; we print the node name there. Blank
 * that one field, keep the trailing numbers (as test/etf/inspect-fixtures.test.ts does).
 */
const TRAILING_FIELDS: Record<string, number> = { PID: 2, Port: 1, Reference: 3 };
function normaliseNodes(text: string): string {
  return text.replace(/#(PID|Reference|Port)<([^>]*)>/g, (_m, kind: string, inner: string) => {
    return `#${kind}<N.${inner.split('.').slice(-TRAILING_FIELDS[kind]!).join('.')}>`;
  });
}

describe.each(ADAPTERS)('fixture capture of %s', (adapter) => {
  const committed = fileURLToPath(fixtureCapturePath(adapter));
  const fixtures = fixturePayloads(adapter);
  let server: RedisServer;
  let dir: string;

  beforeAll(async () => {
    server = await startRedis();
    dir = makeTempDir('real-traffic');
  });
  afterAll(async () => {
    await server?.stop();
    if (dir) removeDir(dir);
  });

  it('is reproduced by recording the captured payloads through a real redis-server', async () => {
    const fresh = join(dir, `${adapter}.capture`);
    await recordFixtureCapture(server, adapter, fresh);
    const again = await readBack(fresh);
    expect(again.segments).toHaveLength(1);
    expect(again.segments[0]!.header.patterns).toEqual(['phx:*']);
    expect(again.segments[0]!.header.target).toBe(`${server.url}/0`);
    if (process.env.UPDATE_FIXTURE_CAPTURES === '1') {
      mkdirSync(CAPTURE_FIXTURES, { recursive: true });
      copyFileSync(fresh, committed);
    }
    const kept = await readBack(committed);
    // Times, port and start time differ between recordings; what was received may not.
    const essence = (r: typeof kept) =>
      r.messages.map((m) => [m.channel, m.pattern, Buffer.from(m.payload).toString('hex')]);
    expect(essence(again)).toEqual(essence(kept));
  });

  it('holds every payload, byte for byte and in order, on the channel the adapter used', async () => {
    const { segments, messages, truncated } = await readBack(committed);
    expect(truncated).toBe(false);
    expect(segments).toHaveLength(1);
    expect(segments[0]!.header.tool.name).toBe('redis-print');
    expect(messages).toHaveLength(fixtures.length);
    messages.forEach((m, i) => {
      expect(m.channel, fixtures[i]!.file).toBe(fixtures[i]!.channel);
      expect(m.pattern).toBe('phx:*');
      expect(Buffer.from(m.payload).equals(fixtures[i]!.payload), fixtures[i]!.file).toBe(true);
    });
    // Receive times are real clock readings in order.
    for (let i = 1; i < messages.length; i++)
      expect(messages[i]!.receivedAt).toBeGreaterThanOrEqual(messages[i - 1]!.receivedAt);
  });

  it('decodes with `decode --json`: one line per record, whose term inspects as Elixir printed it', async () => {
    const result = await runBuiltInProcess(['decode', '--json', committed]);
    expect(result.stderr).toMatch(
      new RegExp(`received ${fixtures.length}, shown ${fixtures.length}, filtered 0, undecodable 0`),
    );
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(fixtures.length);
    lines.forEach((line, i) => {
      const fixture = fixtures[i]!;
      expect(line.seq).toBe(i + 1);
      expect(line.channel).toBe(fixture.channel);
      expect(line.bytes).toBe(fixture.size);
      const ours = inspect(fromTypedJson(line.term), { structs: PHOENIX_STRUCTS });
      expect(normaliseNodes(ours), fixture.file).toBe(normaliseNodes(fixture.inspect));
    });
  });

  it('opens in the UI on a terminal, offline: every record read, the filter flags applied, q quits', async () => {
    const trackers = fixtures.filter((f) => f.operation.startsWith('tracker')).length;
    const session = inTerminal(['view', '--kind', 'tracker', committed]);
    await session.waitFor(new RegExp(`${fixtures.length} messages read`));
    session.type('q');
    expect(await session.done, session.output).toBe(0);
    expect(session.output).toMatch(
      new RegExp(
        `received ${fixtures.length}, shown ${trackers}, filtered ${fixtures.length - trackers}, undecodable 0`,
      ),
    );
  });

  it('prints the same lines with `view` as with `decode` when there is no terminal', async () => {
    const viewed = await runBuiltInProcess(['view', '--no-tui', committed]);
    const decoded = await runBuiltInProcess(['decode', committed]);
    expect(viewed.code).toBe(0);
    expect(viewed.stdout.split('\n')).toHaveLength(fixtures.length + 1);
    expect(viewed.stdout).toBe(decoded.stdout);
  });
});

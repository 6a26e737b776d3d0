/**
 * One rule decides what a payload is, wherever it is read: the watcher's pipeline, the UI's detail
 * pane (which decodes again what its buffer keeps compact), `split` (file extension) and `replay`
 * (its filters). The case that told them apart: a payload starting with 131 that is not ETF but a
 * whole msgpack value (a 3-entry map) — on an adapter channel (`phx:…`) it is a broken ETF message,
 * elsewhere msgpack. Before, only the pipeline passed the channel, so the others said msgpack for both.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { encode as encodeMsgpack } from '@msgpack/msgpack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureWriter } from '../../src/capture/index.js';
import { planReplay } from '../../src/cli/capture/replay-plan.js';
import { ChannelMap } from '../../src/cli/capture/channel-map.js';
import { compileFilter } from '../../src/output/filter.js';
import { MessagePipeline } from '../../src/output/pipeline.js';
import type { RawMessage } from '../../src/model/raw-message.js';
import { MessageCompactor, fullMessage } from '../../src/ui/compact-message.js';
import { detailContent } from '../../src/ui/detail-content.js';
import { makeTempDir, removeDir } from '../helpers/child-reaper.js';
import { runInProcess } from './in-process.js';

const payload = encodeMsgpack({ a: 1, b: 2, c: 3 });
const records: RawMessage[] = [
  { receivedAt: 1_700_000_000_000, channel: 'phx:Elixir.Chat.PubSub.Adapter', pattern: null, payload },
  { receivedAt: 1_700_000_000_001, channel: 'events', pattern: null, payload },
];
/** What the watcher's rule says, in record order. */
const EXPECTED = ['raw', 'msgpack'];

let dir: string;
let capture: string;
beforeAll(async () => {
  expect(payload[0]).toBe(131);
  dir = makeTempDir('classify-everywhere');
  capture = join(dir, 'two.capture');
  const writer = await CaptureWriter.open(capture, {
    tool: { name: 'test', version: '0' },
    target: 'redis://127.0.0.1:1',
  });
  for (const raw of records) writer.write(raw);
  await writer.close();
});
afterAll(() => {
  if (dir) removeDir(dir);
});

describe('a 131-prefixed msgpack payload is classified by its channel everywhere', () => {
  it('watch: the pipeline', () => {
    const pipeline = new MessagePipeline();
    expect(records.map((r) => pipeline.accept(r)!.classified.kind)).toEqual(EXPECTED);
  });

  it('UI: the detail pane and the full message decoded again from the compact buffer entry', () => {
    const pipeline = new MessagePipeline();
    const compactor = new MessageCompactor();
    const kept = records.map((r) => compactor.compact(pipeline.accept(r)!));
    expect(kept.map((m) => m.classified.kind)).toEqual(EXPECTED);
    expect(kept.map((m) => fullMessage(m, { spans: true }).classified.kind)).toEqual(EXPECTED);
    const [onAdapter, elsewhere] = kept.map((m) => detailContent(m).text[0]);
    expect(onAdapter).toMatch(/^! not decodable/);
    expect(elsewhere).toMatch(/^msgpack/);
  });

  it('split: the file extension follows the kind (a broken ETF message is .etf)', async () => {
    const out = join(dir, 'split');
    const result = await runInProcess(['split', capture, '-o', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(
      readdirSync(out)
        .sort()
        .map((n) => n.split('.').pop()),
    ).toEqual(['etf', 'msgpack']);
  });

  it('replay: --kind msgpack selects only the record off the adapter channel', async () => {
    const { filter, problems } = compileFilter({ clauses: [{ field: 'kind', values: ['msgpack'], negate: false }] });
    expect(problems).toEqual([]);
    const plan = await planReplay(capture, { filter, channels: ChannelMap.parse([]) });
    expect([plan.isSelected(0), plan.isSelected(1)]).toEqual([false, true]);
    expect(plan.skippedByFilter).toBe(1);
  });
});

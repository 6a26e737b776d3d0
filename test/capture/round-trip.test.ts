import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaptureWriter, decodeCaptureBytes, readCapture, type CaptureEntry } from '../../src/capture/index.js';
import type { RawMessage } from '../../src/model/raw-message.js';
import { comparable, makeTempDir, randomMessages, testHeader } from './helpers.js';

let dir: string;
let remove: () => Promise<void>;
beforeEach(async () => ({ dir, remove } = await makeTempDir()));
afterEach(async () => remove());

async function writeCapture(path: string, messages: RawMessage[], options = {}): Promise<CaptureWriter> {
  const writer = await CaptureWriter.open(path, testHeader, options);
  for (const m of messages) writer.write(m);
  await writer.close();
  return writer;
}

async function readAll(
  path: string,
  chunkBytes?: number,
): Promise<{ entries: CaptureEntry[]; reader: ReturnType<typeof readCapture> }> {
  const reader = readCapture(path, chunkBytes === undefined ? {} : { chunkBytes });
  const entries: CaptureEntry[] = [];
  for await (const e of reader) entries.push(e);
  return { entries, reader };
}

function messagesOf(entries: CaptureEntry[]): RawMessage[] {
  return entries.flatMap((e) => (e.kind === 'record' ? [e.message] : []));
}

describe('capture round trip', () => {
  it('reads back every record unchanged and in order', async () => {
    const path = join(dir, 'a.rpcap');
    const messages = randomMessages(2000, 7);
    const writer = await writeCapture(path, messages);
    const { entries, reader } = await readAll(path);

    expect(comparable(messagesOf(entries))).toEqual(comparable(messages));
    const summary = reader.summary!;
    expect(summary.records).toBe(messages.length);
    expect(summary.truncatedTail).toBeNull();
    expect(summary.segments).toHaveLength(1);
    expect(summary.segments[0]!.offset).toBe(0);
    expect(summary.segments[0]!.header).toEqual({
      format: 'redis-print-capture',
      version: 1,
      tool: testHeader.tool,
      startedAt: testHeader.startedAt,
      target: testHeader.target,
      patterns: testHeader.patterns,
      channels: testHeader.channels,
    });
    expect(writer.stats.records).toBe(messages.length);
    expect(writer.stats.flushedRecords).toBe(messages.length);
    expect(writer.stats.flushedBytes).toBe((await stat(path)).size);
    expect(writer.stats.bytes).toBe(writer.stats.flushedBytes);
  });

  it('gives records offsets that point at their bytes', async () => {
    const path = join(dir, 'offsets.rpcap');
    const messages = randomMessages(50, 3);
    await writeCapture(path, messages);
    const bytes = await readFile(path);
    const { entries } = await readAll(path);
    const records = entries.filter((e) => e.kind === 'record');
    for (let i = 0; i < records.length; i++) {
      const next = records[i + 1]?.offset ?? bytes.length;
      // Each record, decoded alone from its byte range, is the same record.
      const alone = decodeCaptureBytes(
        Buffer.concat([bytes.subarray(0, records[0]!.offset), bytes.subarray(records[i]!.offset, next)]),
      );
      expect(comparable(alone.messages)).toEqual(comparable([messages[i]]));
    }
  });

  it('decodes the same with tiny read chunks (values split across every boundary)', async () => {
    const path = join(dir, 'chunks.rpcap');
    const messages = randomMessages(300, 11);
    await writeCapture(path, messages);
    for (const chunkBytes of [1, 2, 7, 64, 4096]) {
      const { entries, reader } = await readAll(path, chunkBytes);
      expect(comparable(messagesOf(entries))).toEqual(comparable(messages));
      expect(reader.summary!.truncatedTail).toBeNull();
    }
  });

  it('matches the in-memory decoder', async () => {
    const path = join(dir, 'mem.rpcap');
    const messages = randomMessages(200, 5);
    await writeCapture(path, messages);
    const decoded = decodeCaptureBytes(await readFile(path), path);
    expect(comparable(decoded.messages)).toEqual(comparable(messages));
    expect(decoded.segments).toHaveLength(1);
    expect(decoded.truncatedTail).toBeNull();
  });

  it('keeps payloads that outlive the read buffer intact', async () => {
    const path = join(dir, 'keep.rpcap');
    const messages = randomMessages(500, 9);
    await writeCapture(path, messages);
    const kept: RawMessage[] = [];
    for await (const m of readCapture(path, { chunkBytes: 1000 }).messages()) kept.push(m);
    expect(comparable(kept)).toEqual(comparable(messages));
  });

  it('writes an empty session as a header-only capture', async () => {
    const path = join(dir, 'empty-session.rpcap');
    await writeCapture(path, []);
    const { entries, reader } = await readAll(path);
    expect(entries.map((e) => e.kind)).toEqual(['segment']);
    expect(reader.summary!.records).toBe(0);
  });

  it('flush() puts accepted records in the file before close', async () => {
    const path = join(dir, 'flush.rpcap');
    const messages = randomMessages(30, 4);
    const writer = await CaptureWriter.open(path, testHeader);
    for (const m of messages) writer.write(m);
    await writer.flush();
    expect(comparable(decodeCaptureBytes(await readFile(path)).messages)).toEqual(comparable(messages));
    expect(writer.stats.flushedRecords).toBe(30);
    await writer.close();
    expect(() => writer.write(messages[0]!)).toThrow(/closed/);
  });

  it('rejects a message of the wrong shape instead of writing an unreadable record', async () => {
    const writer = await CaptureWriter.open(join(dir, 'types.rpcap'), testHeader);
    const good = randomMessages(1, 6)[0]!;
    const bad = [
      { ...good, payload: 'text' },
      { ...good, channel: 7 },
      { ...good, receivedAt: '2024' },
      { ...good, pattern: undefined },
    ] as unknown as RawMessage[];
    for (const message of bad) expect(() => writer.write(message)).toThrow(TypeError);
    writer.write(good);
    await writer.close();
    expect(writer.stats.records).toBe(1);
    expect(comparable(decodeCaptureBytes(await readFile(join(dir, 'types.rpcap'))).messages)).toEqual(
      comparable([good]),
    );
  });
});

describe('capture header', () => {
  it('never stores credentials from the target', async () => {
    const path = join(dir, 'secret.rpcap');
    const writer = await CaptureWriter.open(path, {
      ...testHeader,
      target: 'rediss://alice:s3cr3t@cache.example:6380/2?password=hunter2&db=2, sentinel://:pw2@s1:26379',
    });
    await writer.close();
    const raw = (await readFile(path)).toString('latin1');
    for (const secret of ['s3cr3t', 'hunter2', 'pw2', 'alice']) expect(raw).not.toContain(secret);
    const { reader } = await readAll(path);
    expect(reader.summary!.segments[0]!.header.target).toBe(
      'rediss://cache.example:6380/2?password=***&db=2, sentinel://s1:26379',
    );
  });

  it('refuses to replace an existing file unless told to', async () => {
    const path = join(dir, 'exists.rpcap');
    await writeFile(path, 'precious');
    await expect(CaptureWriter.open(path, testHeader)).rejects.toThrow(/EEXIST/);
    expect(await readFile(path, 'utf8')).toBe('precious');
    const messages = randomMessages(3, 1);
    await writeCapture(path, messages, { overwrite: true });
    expect(comparable(decodeCaptureBytes(await readFile(path)).messages)).toEqual(comparable(messages));
  });
});

describe('appending', () => {
  it('adds a second segment and every record of both sessions reads back', async () => {
    const path = join(dir, 'append.rpcap');
    const first = randomMessages(120, 21);
    const second = randomMessages(80, 22);
    await writeCapture(path, first);
    const sizeBefore = (await stat(path)).size;
    const appender = await writeCapture(path, second, { append: true });
    expect(appender.appendReport).toEqual({ previousSegments: 1, previousRecords: 120, droppedTailBytes: 0 });

    const { entries, reader } = await readAll(path);
    expect(comparable(messagesOf(entries))).toEqual(comparable([...first, ...second]));
    const segments = reader.summary!.segments;
    expect(segments.map((s) => s.index)).toEqual([0, 1]);
    expect(segments[1]!.offset).toBe(sizeBefore);
    const bySegment = entries.flatMap((e) => (e.kind === 'record' ? [e.segmentIndex] : []));
    expect(bySegment).toEqual([...first.map(() => 0), ...second.map(() => 1)]);
    // The segment entry comes right before its records.
    const kinds = entries.map((e) => e.kind);
    expect(kinds.indexOf('segment', 1)).toBe(1 + first.length);
  });

  it('creates the file when appending to a missing one', async () => {
    const path = join(dir, 'new.rpcap');
    const messages = randomMessages(10, 2);
    const writer = await writeCapture(path, messages, { append: true });
    expect(writer.appendReport!.previousSegments).toBe(0);
    expect(comparable(decodeCaptureBytes(await readFile(path)).messages)).toEqual(comparable(messages));
  });

  it('cuts a torn last record before appending, so the new segment is readable', async () => {
    const path = join(dir, 'torn.rpcap');
    const first = randomMessages(40, 31);
    await writeCapture(path, first);
    const whole = await readFile(path);
    const torn = whole.subarray(0, whole.length - 3);
    await writeFile(path, torn);
    const lastStart = decodeCaptureBytes(torn).truncatedTail!.offset;

    const second = randomMessages(5, 32);
    const appender = await writeCapture(path, second, { append: true });
    expect(appender.appendReport).toEqual({
      previousSegments: 1,
      previousRecords: 39,
      droppedTailBytes: torn.length - lastStart,
    });
    const { entries, reader } = await readAll(path);
    expect(comparable(messagesOf(entries))).toEqual(comparable([...first.slice(0, 39), ...second]));
    expect(reader.summary!.truncatedTail).toBeNull();
  });

  it('refuses to append to a file that is not a capture, leaving it untouched', async () => {
    const path = join(dir, 'notes.txt');
    await writeFile(path, 'shopping list\n');
    await expect(CaptureWriter.open(path, testHeader, { append: true })).rejects.toThrow(
      /notes\.txt: byte 0: not a redis-print capture/,
    );
    expect(await readFile(path, 'utf8')).toBe('shopping list\n');
  });
});

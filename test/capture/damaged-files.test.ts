import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode } from '@msgpack/msgpack';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CaptureFormatError,
  CaptureWriter,
  decodeCaptureBytes,
  readCapture,
  type CaptureReadOptions,
} from '../../src/capture/index.js';
import type { RawMessage } from '../../src/model/raw-message.js';
import { comparable, makeTempDir, prng, randomMessages, testHeader } from './helpers.js';
import { expectSame } from '../support/expect-same.js';

let dir: string;
let remove: () => Promise<void>;
beforeEach(async () => ({ dir, remove } = await makeTempDir()));
afterEach(async () => remove());

const fixtures = fileURLToPath(new URL('../../fixtures/phoenix/phoenix_pubsub_redis-3.1.0/', import.meta.url));

async function captureBytes(messages: RawMessage[]): Promise<Buffer> {
  const path = join(dir, `source-${messages.length}.rpcap`);
  const writer = await CaptureWriter.open(path, testHeader, { overwrite: true });
  for (const m of messages) writer.write(m);
  await writer.close();
  return readFile(path);
}

/** Streams the file, keeping what was yielded even when the read ends in an error. */
async function readFileFully(path: string, options?: CaptureReadOptions) {
  const reader = readCapture(path, options);
  const messages: RawMessage[] = [];
  let error: unknown = null;
  try {
    for await (const m of reader.messages()) messages.push(m);
  } catch (err) {
    error = err;
  }
  return { messages, summary: reader.summary, error };
}

describe('a capture cut off mid-record', () => {
  it('reads every earlier record and reports the cut, at every byte of the last record', async () => {
    const messages = randomMessages(12, 99);
    messages.push({
      receivedAt: 1_714_564_801_234,
      channel: 'phx:last',
      pattern: 'phx:*',
      payload: new Uint8Array(260).fill(0xc1),
    });
    const whole = await captureBytes(messages);
    const lastStart =
      decodeCaptureBytes(whole).entries.at(-1)!.kind === 'record'
        ? (decodeCaptureBytes(whole).entries.at(-1) as { offset: number }).offset
        : -1;
    expect(lastStart).toBeGreaterThan(0);
    const earlier = comparable(messages.slice(0, -1));
    const path = join(dir, 'cut.rpcap');

    for (let cut = lastStart; cut < whole.length; cut++) {
      const bytes = whole.subarray(0, cut);
      const expectedTail = cut === lastStart ? null : { offset: lastStart, bytes: cut - lastStart };
      const inMemory = decodeCaptureBytes(bytes);
      expectSame(comparable(inMemory.messages), earlier);
      expect(inMemory.truncatedTail).toEqual(expectedTail);

      await writeFile(path, bytes);
      // A chunk size that splits records too, so the cut meets every parser state.
      for (const chunkBytes of [1 << 20, 97]) {
        const read = await readFileFully(path, { chunkBytes });
        expect(read.error).toBeNull();
        expectSame(comparable(read.messages), earlier);
        expect(read.summary!.truncatedTail).toEqual(expectedTail);
        expect(read.summary!.records).toBe(messages.length - 1);
      }
    }
  });

  it('reports a cut inside a second segment header as a cut tail, keeping the first segment', async () => {
    const messages = randomMessages(5, 8);
    const first = await captureBytes(messages);
    const header = first.subarray(
      0,
      decodeCaptureBytes(first).entries[1]!.kind === 'record'
        ? (decodeCaptureBytes(first).entries[1] as { offset: number }).offset
        : 0,
    );
    expect(header.length).toBeGreaterThan(20);
    const bytes = Buffer.concat([first, header.subarray(0, 10)]);
    const decoded = decodeCaptureBytes(bytes);
    expect(comparable(decoded.messages)).toEqual(comparable(messages));
    expect(decoded.truncatedTail).toEqual({ offset: first.length, bytes: 10 });
  });

  it('reports a tail declaring a huge payload as cut, without allocating that payload', async () => {
    const messages = randomMessages(20, 5);
    const whole = await captureBytes(messages);
    // A record head, a time, a channel, nil, then bin32 declaring 400 MB of which 3 bytes exist.
    const tornRecord = Buffer.from([0x94, 0x01, 0xa1, 0x63, 0xc0, 0xc6, 0x18, 0x00, 0x00, 0x00, 1, 2, 3]);
    const path = join(dir, 'huge-tail.rpcap');
    await writeFile(path, Buffer.concat([whole, tornRecord]));
    const before = process.memoryUsage().arrayBuffers;
    const read = await readFileFully(path, { chunkBytes: 64 * 1024 });
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(read.error).toBeNull();
    expect(comparable(read.messages)).toEqual(comparable(messages));
    expect(read.summary!.truncatedTail).toEqual({ offset: whole.length, bytes: tornRecord.length });
    expect(grown).toBeLessThan(100 * 1024 * 1024);
  });
});

describe('a cut-off header', () => {
  it('is a clear error naming the file, at every cut', async () => {
    const whole = await captureBytes([]);
    const path = join(dir, 'header-cut.rpcap');
    for (let cut = 1; cut < whole.length; cut++) {
      await writeFile(path, whole.subarray(0, cut));
      const read = await readFileFully(path);
      expect(read.messages).toEqual([]);
      expect(read.error).toBeInstanceOf(CaptureFormatError);
      expect(String((read.error as Error).message)).toBe(
        `${path}: byte 0: the capture header is cut off (the file ends at byte ${cut})`,
      );
    }
  });
});

describe('files that are not captures', () => {
  async function expectRejected(name: string, bytes: Uint8Array, offset: number, reason: RegExp): Promise<void> {
    const path = join(dir, name);
    await writeFile(path, bytes);
    const read = await readFileFully(path);
    expect(read.messages).toEqual([]);
    expect(read.error).toBeInstanceOf(CaptureFormatError);
    const message = (read.error as Error).message;
    expect(message.startsWith(`${path}: byte ${offset}: `)).toBe(true);
    expect(message).toMatch(reason);
    expect(message).not.toContain('\n');
    expect((read.error as CaptureFormatError).offset).toBe(offset);
  }

  it('rejects an empty file', async () => {
    await expectRejected('empty.rpcap', new Uint8Array(0), 0, /not a redis-print capture \(the file is empty\)/);
  });

  it('rejects every Erlang term file among the fixtures', async () => {
    const etfs = (await readdir(fixtures)).filter((f) => f.endsWith('.etf'));
    expect(etfs.length).toBeGreaterThan(10);
    for (const name of etfs) {
      await expectRejected(name, await readFile(join(fixtures, name)), 0, /not a redis-print capture/);
    }
  });

  it('rejects random bytes', async () => {
    const next = prng(1234);
    for (let trial = 0; trial < 200; trial++) {
      const bytes = new Uint8Array(1 + (next() % 2000));
      for (let i = 0; i < bytes.length; i++) bytes[i] = next() & 0xff;
      await expectRejected(`random-${trial}.bin`, bytes, 0, /not a redis-print capture/);
    }
  });

  it('rejects text, JSON and other msgpack', async () => {
    await expectRejected(
      'notes.txt',
      Buffer.from('hello world\n'),
      0,
      /the first value is an integer, not the header map/,
    );
    await expectRejected(
      'data.json',
      Buffer.from('{"format":"redis-print-capture"}'),
      0,
      /the first value is a string|an integer|not the header map/,
    );
    await expectRejected(
      'other.msgpack',
      encode({ format: 'something-else', version: 1 }),
      0,
      /no format: "redis-print-capture"/,
    );
    await expectRejected(
      'array.msgpack',
      encode([1, 'c', null, new Uint8Array(1)]),
      0,
      /the first value is an array, not the header map/,
    );
    await expectRejected(
      'future.rpcap',
      encode({ format: 'redis-print-capture', version: 2 }),
      0,
      /capture version 2 is not supported/,
    );
    // A map that is far bigger than any header: rejected from its length field, not read in full.
    await expectRejected('big-map.bin', Buffer.from([0xdf, 0x7f, 0xff, 0xff, 0xff, 0x00]), 0, /declares at least/);
  });
});

describe('corruption after a valid start', () => {
  it('yields the records before the fault, then names its offset', async () => {
    const messages = randomMessages(30, 17);
    const whole = await captureBytes(messages);
    const offsets = decodeCaptureBytes(whole).entries.flatMap((e) => (e.kind === 'record' ? [e.offset] : []));
    const cases: Array<{ at: number; patch: (b: Buffer) => Buffer; reason: RegExp }> = [
      {
        at: offsets[10]!,
        patch: (b) => patchByte(b, offsets[10]!, 0xc1),
        reason: /corrupt capture: 0xc1 is not a MessagePack type byte/,
      },
      {
        at: offsets[10]!,
        patch: (b) => patchByte(b, offsets[10]!, 0x05),
        reason: /found an integer where a record or a header belongs/,
      },
      {
        at: offsets[10]!,
        patch: (b) => Buffer.concat([b.subarray(0, offsets[10]!), encode([1, 2, 3, 4]), b.subarray(offsets[10]!)]),
        reason: /record is not \[time, channel, pattern\|nil, payload\]/,
      },
      {
        at: offsets[10]!,
        patch: (b) =>
          Buffer.concat([b.subarray(0, offsets[10]!), encode({ hello: 'world' }), b.subarray(offsets[10]!)]),
        reason: /a map that is not a capture header/,
      },
    ];
    const path = join(dir, 'corrupt.rpcap');
    for (const c of cases) {
      await writeFile(path, c.patch(Buffer.from(whole)));
      // One chunk holding the whole file, and chunks that put the fault mid-stream.
      for (const chunkBytes of [1 << 20, 333]) {
        const read = await readFileFully(path, { chunkBytes });
        expect(comparable(read.messages)).toEqual(comparable(messages.slice(0, 10)));
        expect(read.error).toBeInstanceOf(CaptureFormatError);
        expect((read.error as Error).message).toMatch(new RegExp(`^${escapeRegExp(path)}: byte ${c.at}: `));
        expect((read.error as Error).message).toMatch(c.reason);
      }
    }
  });

  it('rejects a record length above the limit instead of buffering it', async () => {
    const messages = randomMessages(10, 2).map((m) => ({ ...m, payload: m.payload.subarray(0, 200) }));
    messages[6] = { ...messages[6]!, payload: new Uint8Array(50_000).fill(7) };
    const whole = await captureBytes(messages);
    const offsets = decodeCaptureBytes(whole).entries.flatMap((e) => (e.kind === 'record' ? [e.offset] : []));
    const path = join(dir, 'limit.rpcap');
    await writeFile(path, whole);
    const read = await readFileFully(path, { chunkBytes: 4096, maxRecordBytes: 10_000 });
    expect(comparable(read.messages)).toEqual(comparable(messages.slice(0, 6)));
    expect((read.error as Error).message).toMatch(
      new RegExp(`byte ${offsets[6]}: corrupt capture: .*declares at least`),
    );
  });
});

function patchByte(bytes: Buffer, at: number, value: number): Buffer {
  bytes[at] = value;
  return bytes;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

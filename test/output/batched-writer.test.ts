/**
 * The output batcher the printers share: every line arrives, once, in order, as UTF-8, whatever
 * the stream does — fast, slow with backpressure, or gone (EPIPE).
 */
import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { BatchedWriter } from '../../src/output/batched-writer.js';

/** A Writable that keeps what it is given; `delayMs` makes each write complete later. */
function sink(options: { highWaterMark?: number; delayMs?: number } = {}) {
  const chunks: Buffer[] = [];
  let writes = 0;
  const stream = new Writable({
    highWaterMark: options.highWaterMark ?? 16 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      writes++;
      chunks.push(Buffer.from(chunk)); // a copy: proves nothing relies on the caller's buffer later
      if (options.delayMs) setTimeout(callback, options.delayMs);
      else callback();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8'), writes: () => writes, chunks };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('BatchedWriter', () => {
  test('one write per event-loop turn, lines in order with a newline each', async () => {
    const s = sink();
    const out = new BatchedWriter(s.stream);
    for (let i = 0; i < 1000; i++) out.writeLine(`line ${i}`);
    expect(s.writes()).toBe(0); // nothing before the turn ends
    await tick();
    expect(s.writes()).toBe(1);
    out.writeLine('after');
    await out.flush();
    expect(s.writes()).toBe(2);
    expect(s.text()).toBe([...Array.from({ length: 1000 }, (_, i) => `line ${i}`), 'after'].join('\n') + '\n');
  });

  test('any text survives as UTF-8: multi-byte characters, surrogate pairs, lone surrogates as U+FFFD', async () => {
    const s = sink();
    const out = new BatchedWriter(s.stream);
    const lines = ['ascii', 'héllo wörld', '你好，世界', '🎉👍🏽 emoji', 'Ωμέγα\u0000nul', 'lone \ud800 surrogate', ''];
    for (const line of lines) out.writeLine(line);
    await out.flush();
    expect(s.text()).toBe(lines.map((l) => Buffer.from(l, 'utf8').toString('utf8')).join('\n') + '\n');
  });

  test('bursts far larger than its buffer, and lines longer than it, are written whole', async () => {
    const s = sink();
    const out = new BatchedWriter(s.stream);
    const long = '€'.repeat(300_000); // 900 000 bytes in one line
    const expected: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const line = i === 7_777 ? long : `{"seq":${i},"text":"${'x'.repeat(i % 300)}"}`;
      expected.push(line);
      out.writeLine(line);
    }
    await out.flush();
    expect(s.text()).toBe(expected.join('\n') + '\n');
    // The buffer is reused between turns, so later writes must not change earlier chunks.
    out.writeLine('second burst');
    await out.flush();
    expect(s.text()).toBe([...expected, 'second burst'].join('\n') + '\n');
  });

  test('a slow stream: lines collect while it is full and arrive after drain, none lost', async () => {
    const s = sink({ highWaterMark: 1024, delayMs: 5 });
    const out = new BatchedWriter(s.stream);
    const expected: string[] = [];
    for (let turn = 0; turn < 30; turn++) {
      for (let i = 0; i < 200; i++) {
        const line = `turn ${turn} line ${i} ${'y'.repeat(40)}`;
        expected.push(line);
        out.writeLine(line);
      }
      await tick();
    }
    await out.flush();
    expect(s.text()).toBe(expected.join('\n') + '\n');
  });

  test('a reader that went away (EPIPE): broken, and later lines are dropped quietly', async () => {
    const s = sink();
    const out = new BatchedWriter(s.stream);
    out.writeLine('before');
    await out.flush();
    s.stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(out.broken).toBe(true);
    out.writeLine('after');
    await out.flush();
    expect(s.text()).toBe('before\n');
  });
});

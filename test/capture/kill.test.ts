/**
 * A recorder killed with SIGKILL: everything it reported as flushed must read back, in order and
 * byte-identical, and the file must stay readable (and appendable). The writer runs in a child
 * Node process from a plain-JS transpile of src/capture, made here so the test never runs stale
 * build output.
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CaptureWriter, readCapture } from '../../src/capture/index.js';
import type { RawMessage } from '../../src/model/raw-message.js';
import { indexedPayload, makeTempDir, testHeader } from './helpers.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const sourceDir = join(repoRoot, 'src', 'capture');
// Under the repo's node_modules so the child resolves @msgpack/msgpack like the real build does.
const buildDir = join(repoRoot, 'node_modules', '.cache', `redis-print-capture-kill-${process.pid}`);
let dir: string;
let removeDir: () => Promise<void>;

beforeAll(async () => {
  ({ dir, remove: removeDir } = await makeTempDir());
  await mkdir(join(buildDir, 'capture'), { recursive: true });
  await writeFile(join(buildDir, 'package.json'), '{"type":"module"}\n');
  for (const name of await readdir(sourceDir)) {
    if (!name.endsWith('.ts')) continue;
    const source = await readFile(join(sourceDir, name), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
      fileName: name,
    });
    await writeFile(join(buildDir, 'capture', name.replace(/\.ts$/, '.js')), outputText);
  }
});

afterAll(async () => {
  await rm(buildDir, { recursive: true, force: true });
  await removeDir();
});

const PAYLOAD_BYTES = 230;
const FLUSHED_BEFORE_KILL = 20_000;

function expectedMessage(i: number): RawMessage {
  return {
    receivedAt: 1_700_000_000_000 + i,
    channel: `phx:kill:${i % 7}`,
    pattern: i % 2 === 0 ? 'phx:*' : null,
    payload: indexedPayload(i, PAYLOAD_BYTES),
  };
}

/** The child: writes records as fast as it can, printing the writer's counts every 20 ms. */
function childProgram(writerUrl: string, path: string): string {
  return `
    const { CaptureWriter } = await import(${JSON.stringify(writerUrl)});
    const indexedPayload = ${indexedPayload.toString()};
    const expectedMessage = (i) => ({
      receivedAt: 1_700_000_000_000 + i,
      channel: 'phx:kill:' + (i % 7),
      pattern: i % 2 === 0 ? 'phx:*' : null,
      payload: indexedPayload(i, ${PAYLOAD_BYTES}),
    });
    const writer = await CaptureWriter.open(${JSON.stringify(path)}, ${JSON.stringify(testHeader)}, { flushIntervalMs: 100 });
    setInterval(() => {
      const s = writer.stats;
      process.stdout.write(JSON.stringify({ accepted: s.records, flushed: s.flushedRecords }) + '\\n');
    }, 20);
    for (let i = 0; ; ) {
      for (let k = 0; k < 200; k++, i++) writer.write(expectedMessage(i));
      await new Promise((resolve) => setImmediate(resolve));
    }
  `;
}

it('keeps every record flushed before a SIGKILL, and the file stays readable and appendable', async () => {
  const path = join(dir, 'killed.rpcap');
  const writerUrl = pathToFileURL(join(buildDir, 'capture', 'index.js')).href;
  const child = spawn(process.execPath, ['--input-type=module', '-e', childProgram(writerUrl, path)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));

  let lastFlushed = 0;
  let buffered = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) lastFlushed = (JSON.parse(line) as { flushed: number }).flushed;
      if (lastFlushed >= FLUSHED_BEFORE_KILL) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('exit', () => reject(new Error(`child exited before the kill: ${stderr}`)));
  });
  expect(await exited).toBe('SIGKILL');

  const reader = readCapture(path);
  let count = 0;
  for await (const message of reader.messages()) {
    const expected = expectedMessage(count);
    // Compared field by field: a mismatch names the record instead of dumping megabytes.
    expect(message.receivedAt, `record ${count}`).toBe(expected.receivedAt);
    expect(message.channel, `record ${count}`).toBe(expected.channel);
    expect(message.pattern, `record ${count}`).toBe(expected.pattern);
    expect(Buffer.compare(message.payload, expected.payload), `record ${count} payload`).toBe(0);
    count++;
  }
  const summary = reader.summary!;
  expect(summary.segments).toHaveLength(1);
  expect(count).toBeGreaterThanOrEqual(lastFlushed);
  expect(summary.records).toBe(count);

  // Appending after the kill trims any torn record and starts a clean segment.
  const appender = await CaptureWriter.open(path, testHeader, { append: true });
  expect(appender.appendReport!.previousRecords).toBe(count);
  expect(appender.appendReport!.droppedTailBytes).toBe(summary.truncatedTail?.bytes ?? 0);
  appender.write(expectedMessage(count));
  await appender.close();
  const after = readCapture(path);
  let afterCount = 0;
  for await (const m of after.messages()) {
    expect(m.receivedAt).toBe(expectedMessage(afterCount).receivedAt);
    afterCount++;
  }
  expect(afterCount).toBe(count + 1);
  expect(after.summary!.segments).toHaveLength(2);
  expect(after.summary!.truncatedTail).toBeNull();
});

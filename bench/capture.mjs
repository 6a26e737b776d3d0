/**
 * Capture file throughput: how fast CaptureWriter records and CaptureReader reads small messages
 * (~230 B payloads, a small Phoenix broadcast), with a final count check (records written ==
 * records read == records accepted: no loss). Also times the record shape the format chose, a
 * 4-array [t, channel, pattern, payload], against a map with one-letter keys, both through
 * @msgpack/msgpack, to back the choice with figures.
 *
 * Uses the build (dist/capture), so run `npm run build` first.
 *
 *   node bench/capture.mjs [--records N] [--rounds R]     standalone
 *   import { captureBench } from './capture.mjs'           as a section of bench/run.mjs
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Decoder, Encoder } from '@msgpack/msgpack';

const HERE = fileURLToPath(import.meta.url);
const PAYLOAD_BYTES = 230;
const CHANNEL = 'phx:Elixir.Bench.PubSub.Adapter';
/** Records written per event-loop turn: messages arrive in bursts from the socket, not one loop. */
const BURST = 1000;

/** The bench/run.mjs section entry point. */
export function run() {
  return captureBench();
}

export async function captureBench({ records = 500_000, rounds = 3, log = console.log } = {}) {
  const capture = await import(new URL('../dist/capture/index.js', import.meta.url).href);
  const dir = mkdtempSync(join(tmpdir(), 'redis-print-capture-bench-'));
  const payloads = makePayloads(1024);
  const runs = [];
  try {
    await writeRun(capture, join(dir, 'warmup.rpcap'), Math.min(records, 50_000), payloads); // JIT
    for (let round = 0; round < rounds; round++) {
      const path = join(dir, `round-${round}.rpcap`);
      const write = await writeRun(capture, path, records, payloads);
      const read = await readRun(capture, path);
      const scan = await scanRun(capture, path);
      runs.push({ write, read, scan });
      rmSync(path);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const shape = recordShapeBench(payloads);

  const best = (pick) => runs.map(pick).reduce((a, b) => (b.recordsPerSec > a.recordsPerSec ? b : a));
  const rows = [
    { name: 'CaptureWriter write → close (fsync)', ...best((r) => r.write) },
    { name: 'readCapture (records decoded, copied)', ...best((r) => r.read) },
    { name: 'scanCapture (count only, used by append)', ...best((r) => r.scan) },
  ];
  const lost = runs.reduce((n, r) => n + (r.write.records - r.read.records) + (r.write.accepted - r.write.records), 0);
  log(`\ncapture file: ${records} records × ${PAYLOAD_BYTES} B payload per round, best of ${rounds}`);
  log(`${'operation'.padEnd(42)} ${'records/s'.padStart(10)} ${'MB/s'.padStart(7)} ${'bytes/record'.padStart(12)}`);
  for (const r of rows) {
    log(
      `${r.name.padEnd(42)} ${String(Math.round(r.recordsPerSec)).padStart(10)} ` +
        `${(r.bytesPerSec / 1e6).toFixed(1).padStart(7)} ${(r.fileBytes / r.records).toFixed(1).padStart(12)}`,
    );
  }
  log(`count check: ${lost === 0 ? 'every accepted record read back (0 lost)' : `${lost} RECORDS LOST`}`);
  log(`record shape (@msgpack/msgpack, ns per record, encode + decode):`);
  for (const s of shape) {
    log(
      `  ${s.name.padEnd(40)} encode ${s.encodeNs.toFixed(0).padStart(5)}  decode ${s.decodeNs.toFixed(0).padStart(5)}  ${s.bytes} B`,
    );
  }
  if (lost !== 0) throw new Error(`capture bench lost ${lost} records`);
  return { rows, shape, lost };
}

function makePayloads(count) {
  let x = 0x9e3779b9;
  const out = [];
  for (let i = 0; i < count; i++) {
    const p = new Uint8Array(PAYLOAD_BYTES);
    for (let j = 0; j < p.length; j++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      p[j] = x & 0xff;
    }
    out.push(p);
  }
  return out;
}

async function writeRun(capture, path, records, payloads) {
  const header = {
    tool: { name: 'redis-print-bench', version: '0' },
    target: 'redis://127.0.0.1:6379',
    patterns: ['phx:*'],
  };
  const start = process.hrtime.bigint();
  const writer = await capture.CaptureWriter.open(path, header, { overwrite: true });
  const t0 = Date.now();
  for (let i = 0; i < records;) {
    const end = Math.min(records, i + BURST);
    for (; i < end; i++) {
      writer.write({ receivedAt: t0 + i, channel: CHANNEL, pattern: 'phx:*', payload: payloads[i & 1023] });
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  await writer.close();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const fileBytes = statSync(path).size;
  if (fileBytes !== writer.stats.flushedBytes)
    throw new Error(`file has ${fileBytes} B, writer flushed ${writer.stats.flushedBytes} B`);
  return {
    records: writer.stats.flushedRecords,
    accepted: writer.stats.records,
    fileBytes,
    recordsPerSec: records / seconds,
    bytesPerSec: fileBytes / seconds,
  };
}

async function readRun(capture, path) {
  const start = process.hrtime.bigint();
  let records = 0;
  let payloadBytes = 0;
  for await (const m of capture.readCapture(path).messages()) {
    records++;
    payloadBytes += m.payload.length;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const fileBytes = statSync(path).size;
  if (payloadBytes !== records * PAYLOAD_BYTES) throw new Error('payload sizes changed on the way through');
  return { records, fileBytes, recordsPerSec: records / seconds, bytesPerSec: fileBytes / seconds };
}

async function scanRun(capture, path) {
  const start = process.hrtime.bigint();
  const summary = await capture.scanCapture(path);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return {
    records: summary.records,
    fileBytes: summary.fileBytes,
    recordsPerSec: summary.records / seconds,
    bytesPerSec: summary.fileBytes / seconds,
  };
}

/**
 * The same message as a 4-array and as a short-key map through @msgpack/msgpack, the way the
 * writer encodes (encodeSharedRef, a fresh container per record) and a generic reader decodes.
 * Rounds alternate between the shapes and the fastest round counts, so JIT warm-up and GC
 * timing do not decide the comparison.
 */
function recordShapeBench(payloads) {
  const n = 200_000;
  const encoder = new Encoder();
  const decoder = new Decoder();
  const shapes = [
    {
      name: '[t, channel, pattern, payload] (chosen)',
      make: (i) => [1.7e12 + i, CHANNEL, 'phx:*', payloads[i & 1023]],
    },
    { name: '{t, c, p, d} map', make: (i) => ({ t: 1.7e12 + i, c: CHANNEL, p: 'phx:*', d: payloads[i & 1023] }) },
  ].map((shape) => ({
    ...shape,
    samples: Array.from({ length: 1024 }, (_, i) => encoder.encode(shape.make(i))),
    encodeNs: Infinity,
    decodeNs: Infinity,
  }));
  let sink = 0;
  for (let round = 0; round < 7; round++) {
    for (const shape of shapes) {
      let t = process.hrtime.bigint();
      for (let i = 0; i < n; i++) sink += encoder.encodeSharedRef(shape.make(i)).length;
      shape.encodeNs = Math.min(shape.encodeNs, Number(process.hrtime.bigint() - t) / n);
      t = process.hrtime.bigint();
      for (let i = 0; i < n; i++) sink += decoder.decode(shape.samples[i & 1023]) === null ? 1 : 0;
      shape.decodeNs = Math.min(shape.decodeNs, Number(process.hrtime.bigint() - t) / n);
    }
  }
  if (sink === 0) throw new Error('unreachable: keeps the loops from being optimised away');
  return shapes.map(({ name, encodeNs, decodeNs, samples }) => ({
    name,
    encodeNs,
    decodeNs,
    bytes: samples[0].length,
  }));
}

if (process.argv[1] === HERE) {
  const { values } = parseArgs({ options: { records: { type: 'string' }, rounds: { type: 'string' } } });
  await captureBench({
    records: values.records ? Number(values.records) : undefined,
    rounds: values.rounds ? Number(values.rounds) : undefined,
  });
}

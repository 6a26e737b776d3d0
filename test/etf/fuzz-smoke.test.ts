/**
 * A small seeded run of the mutation fuzzer (bench/fuzz.mjs, on the built code in dist/): 1 000
 * (3 000 in `npm run test:full`; `npm run fuzz` runs up to a million, with time bounds)
 * mutants of every fixture through decode, classify, the line and NDJSON printers and the
 * renderers must each end in a value or a DecodeError, within the memory bounds, keeping every
 * output contract. Time bounds are off here (tests never assert on time); `npm run fuzz` has them.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { runs } from '../support/runs.js';

const run = promisify(execFile);
const FUZZ = fileURLToPath(new URL('../../bench/fuzz.mjs', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'redis-print-fuzz-smoke-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Summary {
  inputs: number;
  outcomes: { ok: number; 'decode-error': number; 'not-etf': number };
  mutations: Record<string, number>;
  findings: number;
  findingList: Array<{ index: number; kind: string; detail: string; file: string }>;
}

const MUTANTS = runs(3000, 1000);
/** At least this share of MUTANTS (the floors were set on 3 000). */
const share = (ofThreeThousand: number): number => (ofThreeThousand * MUTANTS) / 3000;

it(`${MUTANTS} seeded mutants: a value or a DecodeError each, no finding`, async () => {
  let stdout: string;
  try {
    ({ stdout } = await run(
      process.execPath,
      [FUZZ, '--count', String(MUTANTS), '--seed', '7', '--max-ms', '0', '--json', '--out', out],
      {
        maxBuffer: 64 * 1024 * 1024,
      },
    ));
  } catch (error) {
    // Exit 1 means findings: show them (the summary is still on stdout).
    stdout = (error as { stdout?: string }).stdout ?? '';
    if (stdout === '') throw error;
  }
  const summary = JSON.parse(stdout) as Summary;
  expect(summary.findingList).toEqual([]);
  expect(summary.findings).toBe(0);
  expect(summary.inputs).toBe(MUTANTS);
  const { ok, 'decode-error': refused, 'not-etf': other } = summary.outcomes;
  expect(ok + refused + other).toBe(MUTANTS);
  // The mutants reach every outcome and every kind of damage.
  expect(ok).toBeGreaterThan(share(150));
  expect(refused).toBeGreaterThan(share(1_500));
  expect(other).toBeGreaterThan(share(15));
  for (const m of [
    'bitflip',
    'truncate',
    'huge-length',
    'tag-swap',
    'nest',
    'repeat-key',
    'size-lie',
    'zlib-damage',
    'json-nest',
    'msgpack-nest',
  ]) {
    expect(summary.mutations[m], m).toBeGreaterThan(0);
  }
}, 600_000);
